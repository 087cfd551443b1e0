"""Document metadata: title, region, level, plan period and cited documents.

>>> m = metadata("湖南省“十四五”公共服务规划", "依据《湖南省国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》,编制本规划。")
>>> m["region"], m["level"], m["period_start"], m["period_end"]
('湖南省', 'province', 2021, 2025)
>>> m["cited"]
['湖南省国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要']
"""
from __future__ import annotations

import re
from typing import Any

from plankg.structure.period import period_of  # noqa: F401 (part of this module's API)

_CITED = re.compile(r"《([^《》]{2,80})》")
_BASIS = re.compile(r"[^。]*(?:依据|根据|按照|依照)[^。]*《[^。]*。?")
_REGION_IN_TITLE = re.compile(
    r"^(?P<r>[\u4e00-\u9fff]{2,12}?(?:自治区|特别行政区|省|自治州|地区|盟|市|州|县|自治县|区|旗))"
    r"(?=[“\"「]|国民|十|[\u4e00-\u9fff]*(?:规划|纲要|方案|计划))"
)
_REGION_IN_CITED = re.compile(
    r"^(?P<r>[\u4e00-\u9fff]{2,12}?(?:自治区|特别行政区|省|自治州|地区|盟|市|州|县|自治县|区|旗))国民经济和社会发展"
)
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


def level_of(region: str | None) -> str | None:
    if not region:
        return None
    if region.endswith(("省", "自治区", "特别行政区")) or region in _MUNICIPALITIES:
        return "province"
    if region.endswith(("市", "自治州", "州", "地区", "盟")):
        return "city"
    if region.endswith(("县", "区", "旗", "自治县")):
        return "district"
    return None


def region_of(title: str, text: str) -> str | None:
    """The plan's region: from the title, else from the plan it is based on."""
    try:
        from .regions import find_region
    except ImportError:
        find_region = None
    if find_region is not None:
        try:
            found = find_region(text, title)
        except Exception:  # noqa: BLE001 - fall back to the rules below
            found = None
        if found:
            return found[0]
    m = _REGION_IN_TITLE.match(title or "")
    if m:
        return m.group("r")
    for b in _BASIS.findall(text[:5000]):
        for c in _CITED.findall(b):
            m = _REGION_IN_CITED.match(c.replace(" ", ""))
            if m:
                return m.group("r")
    return None


def metadata(title: str, text: str) -> dict[str, Any]:
    """Metadata from the title line (may be empty) and the text (the preamble first)."""
    start, end = period_of(title, text)
    region = region_of(title, text)
    basis = _BASIS.search(text[:5000])
    cited = [re.sub(r"\s+", "", c) for c in _CITED.findall(basis.group(0))] if basis else []
    return {
        "title": title or None,
        "region": region,
        "level": level_of(region),
        "period_start": start,
        "period_end": end,
        "cited": cited,
    }


_REGION_SUFFIX = re.compile(r"(?:自治区|特别行政区|省|自治州|地区|盟|市|州|自治县|县|区|旗)")


def issuer_region(issuer: str | None, title: str | None) -> str | None:
    """The region of a plan with a known issuing body, as the plan's title writes it.

    The title's opening region name counts only when the issuer names it too (a
    title opening 闵行区城市… is 闵行区's when 上海市闵行区人民政府 issues it; 闵行区城市
    is not a region). Without such a name, the issuer's own region prefix.

    >>> issuer_region("上海市闵行区人民政府", "闵行区城市更新“十五五”规划")
    '闵行区'
    >>> issuer_region("上海市人民政府办公厅", "上海市城市更新和住房发展“十五五”规划")
    '上海市'
    >>> issuer_region("江西省人民政府办公厅", "全省养老服务体系建设规划")
    '江西省'
    >>> issuer_region("内蒙古自治区人民政府办公厅", "自治区“十五五”就业促进规划")
    '内蒙古自治区'
    """
    issuer = re.sub(r"\s+", "", issuer or "")
    t = re.sub(r"\s+", "", title or "").lstrip("《“\"「")
    if not issuer:
        return None
    best = None
    for m in _REGION_SUFFIX.finditer(t[:16]):
        cand = t[:m.end()]
        if _REGION_SUFFIX.fullmatch(cand) or cand[0] in "全本我各":
            continue  # 自治区“十五五”…, 全省…: not a name
        if len(cand) >= 2 and cand in issuer:
            best = cand
    if best:
        return _innermost(best)
    # the government's own region (上海市闵行区人民政府办公室 → 上海市闵行区), else the
    # first region name of a department (上海市发展和改革委员会 → 上海市)
    names = r"^(?P<r>[\u4e00-\u9fff]{1,20}?(?:自治区|特别行政区|省|自治州|地区|盟|市|州|自治县|县|区|旗))"
    m = re.match(names + r"(?:人民政府|政府|人大|党委)", issuer) or re.match(names, issuer)
    if not m or len(m.group("r")) < 2:
        return None
    r = m.group("r")
    # 上海市长宁区发展和改革委员会: the district inside the city, not the city
    inner = re.match(r"(?P<d>[\u4e00-\u9fff]{2,4}?(?:区|县|旗))", issuer[len(r):])
    if inner and not inner.group("d").startswith(_NOT_NAME_STARTS) and r.endswith(("省", "市", "自治区")):
        return inner.group("d")
    return r


_NOT_NAME_STARTS = ("城", "地", "社", "园", "景", "片", "街", "小", "全", "市", "辖", "新", "开发", "发展")


def _innermost(name: str) -> str:
    """``上海市长宁区`` → ``长宁区``: a district named with its city is the district.

    >>> _innermost("上海市长宁区"), _innermost("闵行区"), _innermost("四川省")
    ('长宁区', '闵行区', '四川省')
    """
    m = re.fullmatch(r"[\u4e00-\u9fff]{2,8}?(?:省|市|自治区)(?P<d>[\u4e00-\u9fff]{2,5}?(?:区|县|旗|市))", name)
    if m and not m.group("d").startswith(_NOT_NAME_STARTS):
        return m.group("d")
    return name


def envelope_metadata(fields: dict[str, str], meta: dict[str, Any], title: str | None) -> dict[str, Any]:
    """Plan metadata from its notice and front matter (``structure/envelope.py``'s fields).

    Adds ``issuer``, ``doc_number``, ``issued``, ``signed`` and ``notice_title`` where
    known, and takes the region from the issuer when the title names it.

    >>> envelope_metadata({"issuer": "上海市普陀区人民政府办公室", "issued": "2026-08-20"},
    ...                   {"region": "上海市", "level": "province"}, "普陀区国土空间近期规划")
    {'issuer': '上海市普陀区人民政府办公室', 'issued': '2026-08-20', 'region': '普陀区', 'level': 'district'}
    """
    out: dict[str, Any] = {}
    for key in ("issuer", "doc_number", "issued", "signed", "notice_title"):
        if fields.get(key):
            out[key] = fields[key]
    region = issuer_region(fields.get("issuer"), title)
    if region and region != meta.get("region"):
        out["region"] = region
        out["level"] = level_of(region)
    return out
