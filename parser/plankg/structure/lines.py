"""Lines of normalised text and what every structure stage asks of them.

A :class:`Line` is one non-blank line with its offsets and printed width; a
:class:`Layout` says whether the document is hard-wrapped (PDF) or has one paragraph
per line (web). :func:`heading_of` reads a heading's style, number and title;
:func:`ends_sentence`, :func:`join_lines` and :data:`LEAD_START` are the small tests the
block splitter, the table reader and the 专栏 reader share.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .patterns import Structure

CLAUSE = re.compile(r"[,，;；]")
_CLAUSES = re.compile(r"[,，;；].*[,，;；]|[;；]")   # two clauses or a semicolon: a sentence
_SENTENCE_END = re.compile(r"[。！？!?；;:：][”’\")）]*$")
LEAD_START = re.compile(r"^[^。，,；;：:（(“\"\d]{4,20}。\S")
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6\u3000-\u303f\u2014\u2018\u2019\u201c\u201d\u2026]")


class Line:
    """One non-blank line of the normalised text, with its printed width."""

    __slots__ = ("text", "start", "end", "no", "_width")

    def __init__(self, text: str, start: int, end: int, no: int):
        self.text = text
        self.start = start  # in normalised text
        self.end = end
        self.no = no        # 1-based line number in the normalised text
        self._width: float | None = None

    @property
    def width(self) -> float:
        """Printed width (:func:`line_width`), measured the first time it is asked for."""
        if self._width is None:
            self._width = line_width(self.text)
        return self._width

    def __repr__(self) -> str:
        return f"Line({self.text!r}, {self.start}, {self.end}, {self.no})"


def line_width(s: str) -> float:
    """Printed width: a Chinese character counts 1, ASCII ½, spaces nothing.

    >>> line_width("建设 1000 所")
    5.0
    """
    if s.isascii():
        return (len(s) - s.count(" ") - s.count("\t")) / 2
    wide = len(_WIDE.findall(s))
    narrow = len(s) - wide - s.count(" ") - s.count("\t")
    return wide + narrow / 2


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines: no space between CJK, one space between Latin words."""
    out = ""
    for p in parts:
        if out and p and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum():
            out += " " + p
        else:
            out += p
    return out


_NONBLANK = re.compile(r"[^\n]*[^\s][^\n]*")


def split_lines(text: str) -> list[Line]:
    lines = []
    no = 1
    last = 0
    for m in _NONBLANK.finditer(text):
        no += text.count("\n", last, m.start())
        last = m.start()
        lines.append(Line(m.group(), m.start(), m.end(), no))
    return lines


@dataclass
class Layout:
    """What this document's lines look like (measured, not assumed)."""

    full_width: float      # width of a full wrapped line
    wrapped: bool          # hard-wrapped (PDF) rather than one paragraph per line

    @classmethod
    def measure(cls, lines: list[Line]) -> "Layout":
        widths = sorted(l.width for l in lines if l.width >= 8)
        if not widths:
            return cls(40.0, False)
        full = widths[int(len(widths) * 0.9)] if len(widths) > 9 else widths[-1]
        # wrapped text has many long lines that stop mid-sentence (short ones are
        # headings and table cells, whatever the layout)
        long_lines = [l for l in lines if l.width >= max(12.0, full * 0.8)]
        open_lines = sum(1 for l in long_lines if not ends_sentence(l.text))
        wrapped = open_lines / max(1, len(long_lines)) > 0.3 and full <= 60
        return cls(full, wrapped)


def ends_sentence(s: str) -> bool:
    """Does the line end a sentence (``。``, ``；``, or ``。（省民政厅负责）``)?

    >>> ends_sentence("推进托育服务。"), ends_sentence("建设托育机构。（市卫生健康委负责）"), ends_sentence("推进托育")
    (True, True, False)
    """
    if _SENTENCE_END.search(s):
        # "…能力。（责任单位：" opens a note that goes on on the next line
        return not _unclosed_note(s)
    if s.endswith((")", "）")):
        k = max(s.rfind("("), s.rfind("（"))
        return k > 0 and bool(_SENTENCE_END.search(s[:k]))
    return False


def _unclosed_note(s: str) -> bool:
    k = max(s.rfind("("), s.rfind("（"))
    return k >= 0 and max(s.rfind(")"), s.rfind("）")) < k


def heading_of(s: str, P: Structure) -> dict[str, Any] | None:
    """Heading style, number and title of a line, or None when it is not a heading."""
    from .numerals import cn_to_int

    h = P.heading_for(s)
    if h is None:
        return None
    m = h.regex.match(s)
    title = m.group("title").strip()
    num = cn_to_int(m.group("num"))
    if num is None:
        return None
    body = ""
    if h.inline_body or h.rank >= 4:
        lead, sep, rest = title.partition("。")
        if sep and rest.strip():
            if h.inline_body:
                return None  # "1.推进托育服务。支持…" is a numbered key task
            title, body = lead, rest.strip()
        elif ends_sentence(title) and len(title) > h.max_title:
            return None
    title = title.rstrip("。")
    if len(title) > h.max_title or (h.rank >= 4 and not title):
        return None
    if h.rank >= 4 and len(title) > 15 and CLAUSE.search(title) and (
            ends_sentence(title) or "。" in title or _CLAUSES.search(title)
            or (h.rank >= 6 and len(title) > 24)):
        # a sentence, not a title; but （一）坚持高端引领，提升…影响力 and
        # 1.分区规划，突出历史街区各自特质 are titles
        return None
    info = {"style": h.style, "rank": h.rank, "number": num, "title": title}
    if body:
        info["body"] = body
    return info
