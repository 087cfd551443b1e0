"""The plan period a text states: 规划期为2026—2030年, （2026-2030年） in the title, 十五五.

Read early (the table reader needs it to tell a baseline year from a target year) and
again by the semantic layer for the plan's metadata.

>>> period_of("某市“十五五”公共服务规划", ""), period_of("", "规划期为2021—2025年。")
((2026, 2030), (2021, 2025))
"""
from __future__ import annotations

import re

from .numerals import cn_to_int

_PERIOD = re.compile(r"(?:规划期|规划期限|规划期间|实施期|期限)\s*(?:为|是|:|：)?\s*((?:19|20)\d{2})\s*年?\s*[—\-–~～至到]+\s*((?:19|20)\d{2})")
_FIVE_YEAR = re.compile(r"十([一二三四五六七八九])五")
# a year range in the title: 普陀区国土空间近期规划（2026-2030年）
_TITLE_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*[—\-–~～至到]+\s*((?:19|20)\d{2})\s*年")

def period_of(title: str, text: str) -> tuple[int | None, int | None]:
    """The period a plan states: 规划期为…, a year range in the title, 十X五 in the title,
    else the 十X五 its text names most often (ties: the later one). Not simply the first
    in the text: a plan opens by reviewing the previous period (“十三五”时期，…).

    >>> period_of("", "“十三五”时期，成效显著。表1 “十四五”主要指标。“十四五”时期，…")
    (2021, 2025)
    """
    m = _PERIOD.search(text) or _TITLE_RANGE.search(title or "")
    if m:
        return int(m.group(1)), int(m.group(2))
    m = _FIVE_YEAR.search(title or "")
    ks = [m.group(1)] if m else [x.group(1) for x in _FIVE_YEAR.finditer(text[:20000])]
    if not ks:
        return None, None
    best = max(set(ks), key=lambda d: (ks.count(d), cn_to_int(d) or 0))
    start = 1951 + 5 * (10 + (cn_to_int(best) or 0))
    return start, start + 4
