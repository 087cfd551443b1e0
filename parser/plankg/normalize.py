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

from .offsets import OffsetBuilder, OffsetMap

# Full-width digits, Latin letters and the signs that belong to numbers become ASCII;
# full-width punctuation (，：；（）！？) is the plan's own writing and is kept.
_FW_TABLE = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}            # ０-９
_FW_TABLE.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})      # Ａ-Ｚ
_FW_TABLE.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})      # ａ-ｚ
_FW_TABLE.update({ord(c): ord(c) - 0xFEE0 for c in "．％＞＜＝＋－／～"})
_FW_TABLE.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20,
                  0x200B: None})
# 0x200B (zero-width space) is removed; str.translate with None would change
# lengths, so it is handled separately below.
del _FW_TABLE[0x200B]
_FW = str.maketrans(_FW_TABLE)

_PAGE_NO = re.compile(
    r"^\s*(?:[—–\-－―─]+\s*\d{1,4}\s*[—–\-－―─]+|第\s*\d{1,4}\s*页(?:\s*[/共]\s*\d+\s*页?)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[－\-]\s*\d{1,4}\s*[－\-])\s*$"
)
_BROKEN_DECIMAL = re.compile(r"(?<=\d)(?: +\.|\. +| +\. +)(?=\d)")
_SPACES = re.compile(r" {2,}")
_HYPHEN_WRAP = re.compile(r"[A-Za-z]-$")


def normalize(text: str) -> tuple[str, OffsetMap]:
    """Apply the contract above; return the new text and its map to ``text``."""
    out: list[str] = []
    b = OffsetBuilder()
    pos = 0
    n = len(text)
    pending_hyphen = False
    while pos < n:
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        raw_end = line_end
        if raw_end > pos and text[raw_end - 1] == "\r":
            raw_end -= 1
        line = text[pos:raw_end]
        # a bare \r inside a line (old Mac files) splits lines too
        if "\r" in line:
            first = line.index("\r")
            raw_end = pos + first
            line_end = raw_end  # the \r acts as the newline
            line = text[pos:raw_end]
        line = line.translate(_FW)
        if "\u200b" in line:
            line = line.replace("\u200b", " ")
        if _PAGE_NO.match(line):
            pos = line_end + 1
            continue
        _emit_line(line, pos, out, b)
        pending_hyphen = bool(_HYPHEN_WRAP.search(line.rstrip()))
        if line_end < n:
            if pending_hyphen:
                # drop the hyphen and the newline: the word continues
                if out and out[-1].endswith("-"):
                    out[-1] = out[-1][:-1]
                    _unemit_last(b)
            else:
                out.append("\n")
                b.keep(line_end, 1)
        pos = line_end + 1
    return "".join(out), b.build(len(text))


def _unemit_last(b: OffsetBuilder) -> None:
    b.new_pos -= 1
    if b.new_starts and b.new_starts[-1] == b.new_pos:
        b.new_starts.pop()
        b.old_starts.pop()


def _emit_line(line: str, base: int, out: list[str], b: OffsetBuilder) -> None:
    """Write one line, stripped, with decimals mended and space runs collapsed."""
    start = 0
    end = len(line)
    while start < end and line[start] == " ":
        start += 1
    while end > start and line[end - 1] == " ":
        end -= 1
    seg = line[start:end]
    # mend decimals and collapse spaces, tracking deletions
    i = 0
    pieces = []
    for m in _deletions(seg):
        if m[0] > i:
            pieces.append((i, m[0]))
        i = m[1]
    if i < len(seg):
        pieces.append((i, len(seg)))
    for s, e in pieces:
        out.append(seg[s:e])
        b.keep(base + start + s, e - s)


def _deletions(seg: str) -> list[tuple[int, int]]:
    """Spans of ``seg`` to delete: spaces in broken decimals, extra spaces in runs."""
    dels: list[tuple[int, int]] = []
    for m in _BROKEN_DECIMAL.finditer(seg):
        # keep the dot, drop the spaces around it
        s, e = m.span()
        dot = seg.index(".", s, e)
        if dot > s:
            dels.append((s, dot))
        if e > dot + 1:
            dels.append((dot + 1, e))
    for m in _SPACES.finditer(seg):
        dels.append((m.start() + 1, m.end()))
    if not dels:
        return dels
    dels.sort()
    merged = [dels[0]]
    for s, e in dels[1:]:
        if s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


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
