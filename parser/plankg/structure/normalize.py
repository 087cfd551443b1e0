"""Normalisation: the text as it arrives → the text the structure stages read.

The contract, one test per item in ``tests/test_normalize.py``:

1. Line ends: ``\\r\\n`` and ``\\r`` become ``\\n``.
2. Full-width forms of digits, Latin letters and number signs (``１２０``, ``９５．９``,
   ``％``, ``＞``, ``－``) become ASCII; the ideographic space ``U+3000`` and no-break
   spaces become spaces. Full-width punctuation (``，：；（）``) and Chinese punctuation
   (``。、《》“”——``) are kept: text is reported as the plan writes it, and every
   pattern accepts both widths.
3. Broken decimals from PDF extraction: ``95． 9`` and ``95 .9`` become ``95.9``.
4. PDF page numbers on a line of their own (``—73—``, ``— 12 —``, ``-12-``,
   ``第 12 页``, ``12 / 40``) are removed with their line.
5. Hyphenated wraps of Latin words (``inter-`` + newline + ``national``) are joined.
6. Space at the start and end of every line (page-start spaces, indentation made of
   ideographic spaces) is removed; runs of spaces inside a line become one space.
   Tabs are kept: they separate table cells.

Spaces between Chinese characters and numbers (``建设 1000 所``) are *kept* here, since
in a flattened table they separate cells; :func:`tidy` removes them from the text
of a node once its structure is known.

Offsets: :func:`normalize` returns the new text and an :class:`OffsetMap` back to its
input, so spans found in the normalised text map back to the original file.

>>> t, m = normalize("第一章　 规划背景\\r\\n率达到 95． 9% 。\\r\\n—12—\\r\\n")
>>> t
'第一章 规划背景\\n率达到 95.9% 。\\n'
>>> t[t.index("95.9")], m.to_source(t.index("95.9") + 3)
('9', 19)
"""
from __future__ import annotations

import re

from plankg.offsets import OffsetBuilder, OffsetMap

# Full-width digits, Latin letters and the signs that belong to numbers become ASCII;
# full-width punctuation (，：；（）！？) is the plan's own writing and is kept.
_FW_TABLE = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}            # ０-９
_FW_TABLE.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})      # Ａ-Ｚ
_FW_TABLE.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})      # ａ-ｚ
_FW_TABLE.update({ord(c): ord(c) - 0xFEE0 for c in "．％＞＜＝＋－／～"})
_FW_TABLE.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20})
_FW = str.maketrans(_FW_TABLE)

_DASHES = "—–\\-－―─"
_PAGE_NO = (
    rf"[ \t]*(?:[{_DASHES}]+[ \t]*\d{{1,4}}[ \t]*[{_DASHES}]+|第[ \t]*\d{{1,4}}[ \t]*页"
    rf"(?:[ \t]*[/共][ \t]*\d+[ \t]*页?)?|\d{{1,4}}[ \t]*/[ \t]*\d{{1,4}})[ \t]*(?:\r?\n|\r|$)"
)
# One pass over the whole text finds every edit; the text between edits is copied
# as it is, so the work grows with the number of edits, not of characters.
_EDITS = re.compile(
    rf"(?P<page>(?m:^){_PAGE_NO})"                       # 4. a page-number line
    r"|(?P<cr>\r\n?)"                                   # 1. CRLF / CR
    r"|(?P<hyph>(?<=[A-Za-z])-[ \t]*\n[ \t]*(?=[a-z]))"  # 5. hyphenated wrap
    r"|(?P<lead>(?m:^)[ \u200b]+)"                       # 6. leading spaces
    r"|(?P<trail>[ \u200b]+(?m:$))"                      # 6. trailing spaces
    r"|(?P<dec>(?<=\d) *\. *(?=\d))"                     # 3. broken decimal
    r"|(?P<run>(?<= ) +)"                                # 6. space runs
)


def normalize(text: str) -> tuple[str, OffsetMap]:
    """Apply the contract above; return the new text and its map to ``text``."""
    t = text.translate(_FW)
    out: list[str] = []
    b = OffsetBuilder()
    pos = 0
    for m in _EDITS.finditer(t):
        s, e = m.span()
        kind = m.lastgroup
        if kind == "dec" and e - s == 1:
            continue  # an ordinary decimal point
        if s > pos:
            out.append(t[pos:s])
            b.keep(pos, s - pos)
        if kind == "cr":
            out.append("\n")
            b.keep(s, 1)
        elif kind == "dec":
            out.append(".")
            b.keep(s + m.group().index("."), 1)
        elif kind == "page" and m.group().endswith(("\n", "\r")) and s == 0:
            pass
        pos = e
    if pos < len(t):
        out.append(t[pos:])
        b.keep(pos, len(t) - pos)
    return "".join(out), b.build(len(text))


_CJK = r"\u2e80-\u9fff\uf900-\ufaff"
_TIDY_SPACE = re.compile(
    rf"(?<=[{_CJK}。，、；：！？“”‘’《》（）\(\)%])\s+|\s+(?=[{_CJK}。，、；：！？“”‘’《》（）\(\)%])"
)


def tidy(text: str) -> str:
    """Text of a node as a reader wants it: no line breaks or PDF spaces around CJK.

    Spaces between two Latin words or numbers stay (``5G 网络`` keeps nothing
    around the CJK, ``CPI 指数`` → ``CPI指数``).

    >>> tidy("建设 1000 所公办幼\\n儿园, 增加学位约 30 万个。 推进")
    '建设1000所公办幼儿园,增加学位约30万个。推进'
    """
    text = text.replace("\n", "").replace("\t", " ")
    return _TIDY_SPACE.sub("", text).strip()
