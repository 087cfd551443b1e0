"""Lines, tables and page breaks of a binary document → the one text later stages read.

The PDF, DOCX and OFD readers find lines, tables and pages in their own ways; they all
write them through :class:`TextWriter`, so the text follows one contract (the same one
:mod:`plankg.read.web` writes for HTML):

* one line per paragraph or layout line;
* a table is a blank line, one line per row with its cells joined by TAB, and a blank
  line; a newline inside a cell is dropped between Chinese characters (a wrap) and is a
  space otherwise; a TAB inside a cell is a space;
* a box (a single-cell table, a text frame: how 专栏 are drawn) is its paragraphs
  between blank lines.

The writer also records where each page starts (``pages``: offsets of the text, first
page at 0) and, for formats that have them, a locator of each line's origin
(``parts``: ``(offset, "p12")`` for paragraph 12, ``(offset, "t2r3c1")`` for a cell).

>>> w = TextWriter()
>>> w.page(); w.line("第一章 总体要求"); w.page()
>>> w.table([["指标", "单位"], ["托位\\n数", "个"]]); w.line("专栏1")
>>> r = w.result()
>>> print(r.text, end="")
第一章 总体要求
<BLANKLINE>
指标	单位
托位数	个
<BLANKLINE>
专栏1
>>> r.pages, r.page_of(r.text.index("托位"))
([0, 9], 2)
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

__all__ = ["Extracted", "TextWriter", "clean_cell", "page_of"]

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’—…、，。；：）（]")


def clean_cell(text: str) -> str:
    """One table cell as one line: wraps between Chinese characters vanish, others are a space.

    >>> clean_cell("每千人口拥有3岁以下\\n婴幼儿托位数"), clean_cell("GDP\\ngrowth\\t(%)")
    ('每千人口拥有3岁以下婴幼儿托位数', 'GDP growth (%)')
    """
    parts = [p.strip() for p in re.split(r"[\r\n\t\v\f]+", text or "")]
    out = ""
    for p in parts:
        if not p:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(p[0])):
            out += " "
        out += p
    return re.sub(r" {2,}", " ", out)


def page_of(pages: list[int] | None, offset: int) -> int | None:
    """1-based page number of a text offset, None for a format without pages."""
    if not pages:
        return None
    return max(1, bisect_right(pages, offset))


@dataclass
class Extracted:
    """What a binary-format reader hands to :func:`plankg.read.text.read_bytes`."""

    text: str
    pages: list[int] | None = None                        # start offset of each page
    parts: list[tuple[int, str]] | None = None            # (offset, locator) of lines
    tables: list[list[list[str]]] = field(default_factory=list)   # every table's cells
    notes: list[str] = field(default_factory=list)        # what the reader skipped, and why
    headings: list[tuple[str, int]] = field(default_factory=list)   # (line, level) marked headings

    def page_of(self, offset: int) -> int | None:
        return page_of(self.pages, offset)


class TextWriter:
    """Accumulates lines; see the module docstring for the text it writes."""

    def __init__(self, *, paged: bool = False, parts: bool = False) -> None:
        self._chunks: list[str] = []
        self._len = 0
        self._blank = True                # the text so far ends with a blank line (or is empty)
        self.pages: list[int] | None = [] if paged else None
        self.parts: list[tuple[int, str]] | None = [] if parts else None
        self.tables: list[list[list[str]]] = []
        self.notes: list[str] = []

    def _put(self, s: str) -> None:
        self._chunks.append(s)
        self._len += len(s)

    def page(self) -> None:
        """The next lines are on a new page."""
        if self.pages is None:
            self.pages = []
        self.pages.append(self._len)

    def line(self, text: str, where: str | None = None) -> None:
        """One line (stripped; TABs and newlines inside become spaces or vanish)."""
        text = clean_cell(text) if ("\t" in text or "\n" in text or "\r" in text) else text.strip()
        if not text:
            return
        if self.parts is not None and where is not None:
            self.parts.append((self._len, where))
        self._put(text + "\n")
        self._blank = False

    def blank(self) -> None:
        if not self._blank:
            self._put("\n")
            self._blank = True

    def table(self, rows: list[list[str | None]], where: str | None = None) -> None:
        """A data table: blank line, one TAB-joined line per row, blank line."""
        clean = [[clean_cell(c or "") for c in r] for r in rows]
        clean = [r for r in clean if any(r)]
        if not clean:
            return
        self.tables.append(clean)
        self.blank()
        for i, r in enumerate(clean):
            if self.parts is not None and where is not None:
                self.parts.append((self._len, f"{where}r{i + 1}"))
            self._put("\t".join(r) + "\n")
        self._blank = False
        self.blank()

    def result(self) -> Extracted:
        text = "".join(self._chunks)
        while text.endswith("\n\n"):
            text = text[:-1]
        return Extracted(text, self.pages, self.parts, self.tables, self.notes)
