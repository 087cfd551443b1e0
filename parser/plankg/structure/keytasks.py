"""Key tasks: paragraphs that open with a short lead phrase ending in 。.

``基本公共服务水平稳步提升。构建起…`` → lead ``基本公共服务水平稳步提升``, body ``构建起…``.
Dash bullets (``——``) and numbered paragraphs (``1.``, ``(1)``, ``一是``) open key tasks
the same way; the number is kept.

>>> from plankg.structure.patterns import structure
>>> P = structure()
>>> key_task("尽力而为,量力而行。立足基本省情,充分考虑…", P)
{'lead': '尽力而为,量力而行', 'body': '立足基本省情,充分考虑…', 'number': None, 'bullet': None}
>>> key_task("——推进托育服务扩容。支持社区托育。", P)["bullet"]
'——'
>>> key_task("到2025年,基本公共服务均等化水平明显提高,以基本公共服务为主体。", P) is None
True
"""
from __future__ import annotations

import re
from typing import Any

from .numerals import cn_to_int
from .patterns import Structure

_NUMBERED = re.compile(r"^(?:(?P<a>\d{1,2})\s*[.、](?!\d)|[(（]\s*(?P<b>\d{1,2})\s*[)）]|(?P<c>[一二三四五六七八九十]{1,3})是|(?P<d>[①-⑳]))\s*")


def key_task(text: str, P: Structure) -> dict[str, Any] | None:
    """Lead phrase, body, number and bullet of a paragraph, or None if it is not a key task."""
    t = text.strip()
    bullet = None
    for b in P.bullets:
        if t.startswith(b) and not t.startswith(b + b[-1:]):
            bullet = b
            t = t[len(b):].lstrip()
            break
    number = None
    m = _NUMBERED.match(t)
    if m:
        number = m.group("a") or m.group("b") or str(cn_to_int(m.group("c") or m.group("d")) or "")
        t = t[m.end():]
    lead, sep, body = t.partition("。")
    lead = lead.strip()
    body = body.strip()
    if not sep or not body:
        return None
    if not (P.min_lead <= len(lead) <= P.max_lead):
        return None
    if P.not_lead_prefix.match(lead) or re.search(r"[:：]", lead):
        return None
    return {"lead": lead, "body": body, "number": number, "bullet": bullet}
