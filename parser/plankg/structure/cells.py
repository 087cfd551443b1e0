"""Table cells: what one cell says (a value, a nature, a unit), whatever the table's layout.

Shared by the row readers in :mod:`.tables` and the cell-grid reader in :mod:`.grid`.
"""
from __future__ import annotations

import re
from typing import Any

from .patterns import Structure

_DASH = re.compile(r"^[—–\-－―─/／]+$|^无$|^空$")
_NUM = r"\d+(?:\.\d+)?"
_VALUE = re.compile(
    rf"^(?P<pre>>=|<=|≥|≤|>|<|＞|＜|大于|小于|不低于|不少于|不高于|不超过|超过|高于|低于|力争达到|力争|争取达到|争取|达到)?"
    rf"\s*(?P<approx>约)?\s*(?P<num>{_NUM})\s*(?:[-—–~～至到]\s*(?P<max>{_NUM}))?"
    rf"\s*(?P<pct>%)?\s*(?P<post>以上|以下|以内|左右)?$"
)
_COMPARATOR = {">=": "≥", "<=": "≤", "＞": ">", "＜": "<", "大于": ">", "小于": "<",
               "高于": ">", "低于": "<", "超过": ">", "不低于": "≥", "不少于": "≥",
               "不高于": "≤", "不超过": "≤", "以上": "≥", "以下": "≤", "以内": "≤"}
_NO_COMPARATOR = frozenset({"达到", "力争达到", "力争", "争取达到", "争取"})   # aims, not bounds
_FOOTNOTE = re.compile(r"(?:\*+|[①②③④⑤⑥⑦⑧⑨⑩]|[(（]注\s*\d*[)）])$")
_BRACKETED = re.compile(r"^(?:\[(?P<a>[^\]]+)\]|【(?P<b>[^】]+)】|〔(?P<c>[^〕]+)〕|[(（](?P<d>[^()（）]+)[)）])$")
# a rate per so many people: 1/10万, 1/万, 1/1000
_RATE_UNIT = re.compile(r"^1\s*/\s*(?:\d+(?:\.\d+)?)?\s*[十百千万亿]?[^\d\s]{0,2}$")
_UNIT_TAIL = re.compile(r"[(（]\s*(?P<u>[^()（）、,，。]{1,8}?)\s*[)）]\s*$")
_NESTED_UNIT_TAIL = re.compile(r"[(（]\s*(?P<u>[^()（）、,，。\d]{1,4}[(（][^()（）、,，。\d]{1,3}[)）])\s*[)）]\s*$")
_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")


def parse_value(tok: str, P: Structure) -> dict[str, Any] | None:
    """An observation from one cell, or None when the cell is not a value.

    >>> from plankg.structure.patterns import structure
    >>> P = structure()
    >>> parse_value(">90%", P)["value"], parse_value(">90%", P)["comparator"]
    ('90', '>')
    >>> parse_value("——", P)["value"] is None, parse_value("应保尽保", P)["qualitative"]
    (True, '应保尽保')
    >>> parse_value("约束性", P) is None
    True
    >>> [(parse_value(t, P)["value"], parse_value(t, P)["comparator"]) for t in ("力争达到70", "95*", "不低于90", "90以上")]
    [('70', ''), ('95', ''), ('90', '≥'), ('90', '≥')]
    """
    t = tok.strip().replace(" ", "")
    t = _FOOTNOTE.sub("", t)     # "95*", "90①": a footnote mark, not part of the value
    if not t:
        return None
    obs: dict[str, Any] = {"value": None, "value_max": None, "comparator": "",
                           "approximate": False, "qualitative": None, "raw": tok.strip()}
    if t != tok.strip().replace(" ", ""):
        obs["footnote"] = True
    if _DASH.match(t):
        return obs
    m = _VALUE.match(t)
    if not m:
        # "[5]", "（3000）", "【20】": a target summed over the period (累计), bracketed
        b = _BRACKETED.match(t)
        if b:
            m = _VALUE.match(next(g for g in b.groups() if g))
            if m:
                obs["cumulative"] = True
    if m:
        obs["value"] = _plain_decimal(m.group("num"))
        if m.group("max"):
            obs["value_max"] = _plain_decimal(m.group("max"))
        pre, post = m.group("pre"), m.group("post")
        if pre and pre not in _NO_COMPARATOR:
            obs["comparator"] = _COMPARATOR.get(pre, pre)
        if post in ("以上", "以下", "以内"):
            obs["comparator"] = _COMPARATOR[post]
        obs["approximate"] = bool(m.group("approx")) or post == "左右"
        obs["percent"] = bool(m.group("pct"))
        return obs
    if nature_of(t, P):
        return None
    if t in P.qualitative or (_CJK_ONLY.match(t) and len(t) <= 6 and t.startswith(("应", "全", "持续", "稳步", "逐步", "基本", "保持"))):
        obs["qualitative"] = t
        return obs
    return None


def nature_of(tok: str, P: Structure) -> str | None:
    """``预期性``/``约束性`` from a nature cell, also written ``预期``, ``【约束性】``.

    >>> from plankg.structure.patterns import structure
    >>> [nature_of(t, structure()) for t in ("约束性", "预期", "[约束性]", "目标")]
    ['约束性', '预期性', '约束性', None]
    """
    t = tok.strip().strip("[]【】()（）")
    if t in P.natures:
        return t
    if t + "性" in P.natures:
        return t + "性"
    return None


def _plain_decimal(s: str) -> str:
    if "." in s:
        head, _, tail = s.partition(".")
        return f"{int(head)}.{tail}"
    return str(int(s))


def split_unit(name: str) -> tuple[str, str | None]:
    """``每千人口托位数(个)`` → (``每千人口托位数``, ``个``).

    >>> split_unit("每千人口拥有执业(助理)医师数(人)")
    ('每千人口拥有执业(助理)医师数', '人')
    >>> split_unit("新增供应保障性租赁住房数量（万套（间））")
    ('新增供应保障性租赁住房数量', '万套（间）')
    >>> split_unit("新建城区、居住(小)区配套建设养老服务设施达标率")
    ('新建城区、居住(小)区配套建设养老服务设施达标率', None)
    """
    m = _UNIT_TAIL.search(name)
    if m and m.start() > 0:
        return name[: m.start()].strip(), m.group("u").strip()
    m = _NESTED_UNIT_TAIL.search(name)
    if m and m.start() > 0:
        # "…数量（万套（间））": a unit with parentheses of its own
        return name[: m.start()].strip(), m.group("u").strip()
    return name, None


