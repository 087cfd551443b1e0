"""The plan's region: its name, administrative level and GB/T 2260 code.

Codes come from ``data/regions.tsv`` (the 34 provincial-level divisions; cities may be
added). :func:`find_region` looks, in order, at

1. the title: a listed region name anywhere in it, else the run of characters before
   the quoted period (``杭州市“十四五”…`` → 杭州市), ending in a level suffix;
2. the 依据/根据 sentence citing ``《XX省国民经济和社会发展第十四个五年规划…纲要》``
   (the national 《中华人民共和国…》 outline is skipped);
3. the listed region name mentioned most often in the text (at least twice).

``我省``/``全省``/``本市`` are never a region. The level comes from the data file for
listed names, else from the suffix: 省/自治区/特别行政区 → province, 市/州/盟/地区 →
city, 县/区/旗 → district (北京市, 上海市, 天津市 and 重庆市 are listed as provinces).

>>> region_code("四川省"), region_code("四川"), region_code("杭州市")
('510000', '510000', None)
>>> find_region("", "湖南省“十四五”公共服务规划")
('湖南省', 'province')
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from . import datafiles

_SUFFIX_LEVELS = (
    ("特别行政区", "province"), ("自治区", "province"), ("省", "province"),
    ("自治州", "city"), ("地区", "city"), ("市", "city"), ("州", "city"), ("盟", "city"),
    ("自治县", "district"), ("自治旗", "district"), ("县", "district"), ("区", "district"),
    ("旗", "district"),
)
_SUFFIX_RE = "|".join(s for s, _ in _SUFFIX_LEVELS)
_NOT_REGIONS = ("我省", "全省", "本省", "我市", "全市", "本市", "我区", "全区", "本区",
                "我县", "全县", "本县", "各省", "各市", "外省", "省市", "市县", "县区")
_TITLE_LEAD = re.compile(
    rf"^\s*(?P<name>[\u4e00-\u9fff]{{2,20}}?(?:{_SUFFIX_RE}))\s*(?:[“\"「『]|十[三四五六]五|国民经济|关于)")
_OUTLINE = re.compile(
    rf"《(?P<name>[\u4e00-\u9fff]{{2,20}}?(?:{_SUFFIX_RE}))国民经济和社会发展第?[十\d]+[一二三四五六七八九]?个?五年规划")
_BASIS = re.compile(r"(?:依据|根据|按照|依照)[^。]*")


@lru_cache(maxsize=None)
def _index() -> tuple[dict[str, tuple[str, str, str]], re.Pattern]:
    by_name: dict[str, tuple[str, str, str]] = {}
    for r in datafiles.region_rows():
        by_name[r.name] = (r.code, r.name, r.level)
    for r in datafiles.region_rows():
        by_name.setdefault(r.short_name, (r.code, r.name, r.level))
    full = sorted((r.name for r in datafiles.region_rows()), key=lambda n: (-len(n), n))
    return by_name, re.compile("|".join(map(re.escape, full)))


def region_code(name: str) -> str | None:
    """GB/T 2260 code of a listed region by full or short name, else None."""
    by_name, _ = _index()
    hit = by_name.get(re.sub(r"\s+", "", name or ""))
    return hit[0] if hit else None


def region_level(name: str) -> str | None:
    """``province`` / ``city`` / ``district`` for a region name, from the data or its suffix.

    >>> region_level("重庆市"), region_level("成都市"), region_level("武侯区"), region_level("我省")
    ('province', 'city', 'district', None)
    """
    name = re.sub(r"\s+", "", name or "")
    if not name or name in _NOT_REGIONS:
        return None
    by_name, _ = _index()
    if name in by_name and by_name[name][1] == name:
        return by_name[name][2]
    for suffix, level in _SUFFIX_LEVELS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return level
    return None


def _valid(name: str) -> bool:
    return bool(name) and name not in _NOT_REGIONS and not name.startswith(("我", "全", "本", "各"))


def find_region(text: str, title: str = "") -> tuple[str, str] | None:
    """The plan's region as ``(name as written, level)``, or None.

    >>> find_region("依据国家《“十四五”公共服务规划》和《浙江省国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》编制本规划。我省……")
    ('浙江省', 'province')
    >>> find_region("推动我省公共服务高质量发展,全省上下……", "") is None
    True
    """
    _, listed = _index()
    t = re.sub(r"\s+", "", title or "")
    if t:
        m = listed.search(t)
        if m:
            return m.group(), region_level(m.group()) or "province"
        m = _TITLE_LEAD.match(t)
        if m and _valid(m.group("name")):
            name = m.group("name")
            return name, region_level(name) or "city"
    body = re.sub(r"\s+", "", text or "")
    for sentence in _BASIS.finditer(body):
        for m in _OUTLINE.finditer(sentence.group()):
            name = m.group("name")
            if name != "中华人民共和国" and _valid(name):
                return name, region_level(name) or "city"
    counts = Counter(m.group() for m in listed.finditer(body))
    if counts:
        name, n = counts.most_common(1)[0]
        if n >= 2:
            return name, region_level(name) or "province"
    return None
