"""Blocks: normalised lines → headings, paragraphs, tables, 专栏 and stray lines.

This stage decides where each block starts and ends; it does not build the
hierarchy (``tree.py``) and leaves table and 专栏 contents to ``tables.py`` and ``columns.py``.

Paragraphs in text extracted from PDF are hard-wrapped: a line that does not end a
sentence continues on the next line. A line that ends with 。 at the full line width
is ambiguous (the sentence may just end at the margin); the next line then starts a
new paragraph only if it is indented, i.e. narrower than the full width, the way PDF
paragraphs start. Text copied from a web page has one paragraph per line and is
recognised by its long lines.

>>> bs = split_blocks("第一章 总体要求\\n\\n推进托育服务。支持建设托育机构。\\n")
>>> [(b.kind, b.text) for b in bs]
[('heading', '第一章 总体要求'), ('paragraph', '推进托育服务。支持建设托育机构。')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from plankg.model import Warning_
from .patterns import Structure, structure
from . import columns, tables
from .period import period_of
from .lines import (CLAUSE, LEAD_START, Layout, Line, ends_sentence, heading_of, join_lines,
                    split_lines)

_TITLE_WORDS = re.compile(r"(?:规划|纲要|方案|计划|意见|清单)(?:[(（][^()（）]*[)）])?$")
_MAYBE_HEADING = re.compile(r"[第零〇一二三四五六七八九十百两(（\d①-⑳]")
_MAYBE_HEADER = re.compile(r"指标|项目|领域|类别|序号|属性|性质|单位|服务内容")
_NUMBERED_START = re.compile(r"^(?:\d{1,2}\s*[.、](?!\d)|[(（]\d{1,2}[)）]|[①-⑳])\s*[\u4e00-\u9fff]")
_TOC_ENTRY = re.compile(r"(?:[.．·…。]{3,}|…{1,}|\s)\s*\d{1,3}\s*$")
_TABLE_TITLE = re.compile(r"(?:指标|指标表|清单|一览表|目录|标准)(?:[(（][^()（）]*[)）])?$")
_NOTE = re.compile(r"^[(（][^()（）]{2,80}[)）]。?$")


@dataclass
class Block:
    kind: str                 # heading | caption | column | table | paragraph | line | toc
    lines: list[Line]
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def text(self) -> str:
        return join_lines([l.text for l in self.lines])

    def to_dict(self) -> dict[str, Any]:
        d = {"kind": self.kind, "span": [self.start, self.end], "text": self.text}
        info = {k: v for k, v in self.info.items() if k != "node"}
        if info:
            d["info"] = info
        return d


def split_blocks(text: str, warnings: list[Warning_] | None = None,
                 P: Structure | None = None,
                 hints: tuple[tuple[str, int], ...] | list = ()) -> list[Block]:
    """Cut normalised text into blocks (see module doc).

    ``hints`` are the headings the reader saw marked as such (HTML ``<h2>``, a bold-only
    paragraph, a Word heading style) as ``(line, level)``: such a line is a heading even
    without a number (``<h2>发展基础</h2>``), ranked by its level between the numbered
    styles (h2 → 2.5, under 第X章 and over 第X节) and numbered in order.
    """
    P = P or structure()
    warnings = warnings if warnings is not None else []
    marked = _heading_hints(hints)
    counters: dict[float, int] = {}
    lines = _drop_running_lines(split_lines(text), warnings)
    layout = Layout.measure(lines)
    # the title is the opening lines (two: a title may wrap), not the first paragraph, which
    # often reviews the previous period (“十三五”时期…)
    opening = ""
    for line in lines[:2]:
        if heading_of(line.text, P) or len(line.text) > 60 or "，" in line.text \
                or ends_sentence(line.text):
            break
        opening += line.text
    p_start, p_end = period_of(opening, text[:20000])
    period = (p_start, p_end) if p_start and p_end else None   # tells a baseline year from a target year
    blocks: list[Block] = []
    para: list[Line] = []

    def flush() -> None:
        if para:
            blocks.append(Block("paragraph", list(para)))
            para.clear()

    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        s = line.text
        if _TOC_ENTRY.search(s) and (s.startswith("第") or s.startswith("专栏")) or s.replace(" ", "") in ("目录", "目次"):
            # a table of contents line ("第一章 规划背景 …… 3"): not the chapter itself
            flush()
            blocks.append(Block("toc", [line]))
            i += 1
            continue
        head = heading_of(s, P) if _MAYBE_HEADING.match(s) else None
        if head is not None and head["rank"] >= 6 and layout.wrapped and CLAUSE.search(head["title"]) \
                and line.width >= layout.full_width - 1.5:
            head = None   # "1.推进…，支持…" filling the line: a numbered paragraph that wraps
        if head is not None and _heading_allowed(head, para, layout):
            flush()
            blocks.append(Block("heading", [line], head))
            i += 1
            continue
        if s[0] in "表附" and P.caption.match(s) or _MAYBE_HEADER.search(s) and tables.starts_table(lines, i, P):
            flush()
            end, node = tables.consume(lines, i, layout, P, warnings, period)
            if end > i:
                start = i
                if not node.title and blocks and blocks[-1].kind == "line" \
                        and blocks[-1].end == lines[i - 1].end and _TABLE_TITLE.search(blocks[-1].text):
                    # "洛阳市“十四五”公共服务主要指标" over a table without a 表N caption
                    from .normalize import tidy
                    start = i - len(blocks.pop().lines)
                    node.title = tidy(join_lines([l.text for l in lines[start:i]]))
                    node.span = (lines[start].start, node.span[1])
                elif not node.title and blocks and blocks[-1].kind == "column" \
                        and blocks[-1].info["node"].attrs.get("holds_table"):
                    node.title = blocks[-1].info["node"].title   # the box's title names its table
                blocks.append(Block("table", lines[start:end], {"node": node}))
                i = end
                continue
        m = P.column_header.match(s) if s[0] == "专" else None
        if m and len(m.group("title")) <= 40 and (m.group("num") or _box_title(m.group("title"))):
            flush()
            end, node = columns.consume(lines, i, layout, P, warnings)
            blocks.append(Block("column", lines[i:end], {"node": node}))
            i = end
            continue
        level = marked.get(s) if marked else None
        if level is not None and len(s) <= 40 and not ends_sentence(s) \
                and not (level == 1 and not any(b.kind == "heading" for b in blocks)
                         and _TITLE_WORDS.search(s)):
            # a heading the reader saw marked, without a number of its own
            flush()
            rank = level + 0.5
            counters[rank] = counters.get(rank, 0) + 1
            for r in [r for r in counters if r > rank]:
                del counters[r]
            blocks.append(Block("heading", [line], {"style": "h" if level < 5 else "b", "rank": rank,
                                                    "number": counters[rank], "title": s}))
            i += 1
            continue
        if head is not None:
            # a numbered heading restarts the count of unnumbered ones below it
            for r in [r for r in counters if r > head["rank"]]:
                del counters[r]
        # paragraph text
        if para and _continues(para[-1], line, layout, P):
            para.append(line)
        else:
            flush()
            if _is_stray(line, layout):
                blocks.append(Block("line", [line]))
            else:
                para.append(line)
        i += 1
    flush()
    return blocks


_RUNNING = re.compile(r"人民政府|办公厅|办公室|委员会|规划|纲要|方案")


def _heading_hints(hints) -> dict[str, int]:
    """Hint lines as the block splitter sees them (normalised), with their level."""
    if not hints:
        return {}
    from .normalize import normalize

    out: dict[str, int] = {}
    for text, level in hints:
        t = normalize(text)[0].strip()
        if t and t not in out:
            out[t] = int(level)
    return out


def _drop_running_lines(lines: list[Line], warnings: list[Warning_]) -> list[Line]:
    """Drop running headers and footers that PDF extraction leaves on every page.

    A line is taken for one when the same text (the plan's title, the issuer's name)
    stands alone on a line three times or more; its first occurrence at the top of the
    document is kept as the title. Table cells repeat too (预期性), so only lines long
    enough to be a title or a name, not ending a sentence, count.
    """
    counts: dict[str, int] = {}
    for l in lines:
        counts[l.text] = counts.get(l.text, 0) + 1
    running = {t for t, c in counts.items()
               if c >= 3 and 6 <= len(t) <= 40 and "\t" not in t and not ends_sentence(t)
               and _RUNNING.search(t) and not CLAUSE.search(t)}
    if not running:
        return lines
    kept: list[Line] = []
    dropped = 0
    for k, l in enumerate(lines):
        if l.text in running and not (k < 5 and all(m.text != l.text for m in kept)):
            dropped += 1
            continue
        kept.append(l)
    warnings.append(Warning_("W203", f"running header or footer dropped ({dropped} lines: "
                                     f"{'、'.join(sorted(running))[:40]})", None))
    return kept


def _box_title(title: str) -> bool:
    """An unnumbered 专栏's title: a short name, not a sentence that opens with 专栏."""
    return 4 <= len(title) and not CLAUSE.search(title) and not ends_sentence(title)


def _heading_allowed(head: dict[str, Any], para: list[Line], layout: Layout) -> bool:
    """A weak heading (一、, 1.) in the middle of a wrapped sentence is text, not a heading."""
    if head["rank"] <= 3 or not para:
        return True
    prev = para[-1]
    return ends_sentence(prev.text) or not layout.wrapped or prev.width < layout.full_width - 3


def _continues(prev: Line, line: Line, layout: Layout, P: Structure) -> bool:
    """Does ``line`` continue the paragraph whose last line is ``prev``?"""
    s = line.text
    if any(s.startswith(b) for b in P.bullets):
        return False
    if "\t" in s or "\t" in prev.text:
        return False
    if _NOTE.match(s):
        return True  # "(责任单位:…)" / "(省医保局负责)" on a line of its own
    if _NUMBERED_START.match(s):
        return False  # "2.加强儿童健康服务。…" opens a numbered paragraph
    if not layout.wrapped:
        return False
    if not ends_sentence(prev.text):
        # a wrapped line; but a short line that does not end a sentence is a
        # title or a stray line, and nothing continues it
        return prev.width >= layout.full_width * 0.6
    # ends a sentence: continues only if the sentence ended right at the margin
    # and this line is not indented
    if not (prev.width >= layout.full_width - 0.5 and line.width >= layout.full_width - 1.5):
        return False
    # a short lead phrase (坚持统筹协调、补齐短板。…) after a full line that ends a
    # sentence opens the next key task; indentation alone is too weak a sign when
    # paragraphs are short and the margin is measured low
    return not (LEAD_START.match(s) and line.width < prev.width)


def _is_stray(line: Line, layout: Layout) -> bool:
    """A short line that does not end a sentence: a title or noise.

    A document title names its kind (规划, 纲要 …) and may be long
    (``广西壮族自治区“十四五”基本公共服务规划``).
    """
    if ends_sentence(line.text):
        return False
    if line.width < 45 and _TITLE_WORDS.search(line.text) and not CLAUSE.search(line.text):
        return True
    if not layout.wrapped:
        return line.width < 20 and len(line.text) < 30
    return line.width < layout.full_width * 0.6
