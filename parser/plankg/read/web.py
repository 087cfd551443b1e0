"""HTML page → the text a reader sees, with a map back into the raw HTML.

:func:`html_to_text` returns the article text of a web page (one line per block, tables
as TAB-separated rows) and an :class:`~plankg.offsets.OffsetMap` from each character of
that text to the position in the raw HTML string it came from.

How it works, and why:

1. lxml (libxml2) parses the page; it decides the structure (implied end tags, table
   sections) exactly as a browser-like parser would.
2. lxml keeps no character offsets, so a small tokenizer of our own scans the raw HTML
   for text runs (outside tags and comments, entities decoded, CR LF → LF as libxml2
   does), each character with its raw position. lxml's text and tail strings are then
   matched against that stream in document order (:class:`_Aligner`); a string that
   does not match exactly (an entity libxml2 decodes differently) is re-synchronised
   locally, so one odd character never shifts the rest of the page.
3. The lxml tree becomes a light tree of our own whose text leaves carry positions. On
   it we drop what a reader does not read (scripts, navigation, headers and footers,
   link lists), keep only the article container when one holds most of the Chinese
   text, and write lines.

Rules for the text (the contract with the next stage):

* one line per block element (``p``, ``div``, ``h1``–``h6``, ``li`` ...), ``br`` breaks
  a line; headings, bold-only and centred paragraphs are blocks, so they stand alone;
* runs of HTML whitespace collapse to one space, and disappear where a line break
  in the source sits next to a Chinese character (Word wraps Chinese lines anywhere);
  no-break and ideographic spaces are kept inside a line; every line is stripped;
* a data table is a blank line, one line per ``<tr>`` with cells joined by TAB,
  and a blank line; ``rowspan`` repeats the cell's text (mapped to the original cell),
  ``colspan`` puts the text in the first column and empty cells after it; a
  ``<caption>`` is its own line just before the blank line; cell text is one line;
* a layout table (one column, a table inside a table, or a cell of 500+ Chinese
  characters, e.g. a boxed 专栏) is read as ordinary blocks between blank lines;
* inserted newlines and TABs map to the previous real character of the line or row
  (the next one when there is none), so ``span_to_source`` of a line never reaches
  into a neighbouring line. A character decoded from an entity maps to its ``&``: a
  span ending in one (``&rdquo;``) ends after that ``&`` (one position per character).

The module is not called ``html.py``: run as a script from this directory (``python -m
doctest parser/plankg/read.py``) such a file would shadow the standard library's
``html`` package for every import in the process.

>>> text, m = html_to_text("<html><body><nav><a href='/'>首页</a><a href='/x'>政务</a></nav>"
...                        "<h1>一、总体要求</h1><p>幼有所育&amp;学有所教。</p></body></html>")
>>> print(text, end="")
一、总体要求
幼有所育&学有所教。
>>> raw = "<p>托位数&gt;4.5</p>"
>>> t, m = html_to_text(raw)
>>> raw[m.to_source(t.index(">"))]
'&'
"""
from __future__ import annotations

import re
from array import array
from html import unescape
from typing import Iterator

import lxml.html

from plankg.offsets import OffsetBuilder, OffsetMap

__all__ = ["html_to_text", "NoTextError"]


class NoTextError(ValueError):
    """The page has no readable text (``read.py`` turns this into E105)."""


# --------------------------------------------------------------------------- tokenizer

# Elements whose content is not markup (HTML5 RAWTEXT) or is text with entities but
# no tags (RCDATA); libxml2 >= 2.14 tokenizes them the same way.
_RAWTEXT = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes"})
_RCDATA = frozenset({"title", "textarea"})

_MARKUP = re.compile(
    r"""
      <!--(?:>|->|.*?(?:--!?>|\Z))                 # comment (also <!--> and <!--->)
    | <![^>]*>?                                    # doctype, <![CDATA[..]]>, <![if ..]>
    | <\?[^>]*>?                                   # processing instruction (bogus comment)
    | </(?P<end>[A-Za-z][^\s/>]*)[^>]*>?           # end tag
    | </[^>]*>                                     # </ > bogus comment, </> ignored
    | <(?P<start>[A-Za-z][^\s/>]*)                 # start tag with attributes
        (?:[\s/]+|[^\s/>][^\s/>=]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?)*>?
    """,
    re.S | re.X,
)
_TEXT = re.compile(r"[^<]+|<")
_SPECIAL = re.compile(r"&(?:#[xX][0-9a-fA-F]+;?|#[0-9]+;?|[A-Za-z][A-Za-z0-9]*;?)|\r\n?")


class _Stream:
    """All text runs of the raw HTML, decoded, as one string plus raw positions."""

    def __init__(self, raw: str) -> None:
        self.pieces: list[str] = []
        self.pos = array("q")
        n = len(raw)
        i = 0
        while i < n:
            m = _MARKUP.match(raw, i) if raw.startswith("<", i) else None
            if m is None:
                t = _TEXT.match(raw, i)
                self._run(raw, t.start(), t.end(), decode=True)
                i = t.end()
                continue
            i = m.end()
            name = (m.group("start") or "").lower()
            if name in _RAWTEXT or name in _RCDATA or name == "plaintext":
                close = None
                if name != "plaintext":
                    close = re.compile(r"</" + re.escape(name) + r"[\s/>]", re.I).search(raw, i)
                stop = close.start() if close else n
                self._run(raw, i, stop, decode=name in _RCDATA)
                i = stop
        self.text = "".join(self.pieces)
        del self.pieces

    def _run(self, raw: str, start: int, end: int, *, decode: bool) -> None:
        pieces, pos = self.pieces, self.pos
        last = start
        for m in _SPECIAL.finditer(raw, start, end):
            src = m.group()
            if src[0] == "\r":
                out = "\n"
            elif not decode:
                continue
            else:
                out = unescape(src)
                if out == src:
                    continue
            if m.start() > last:
                pieces.append(raw[last:m.start()])
                pos.extend(range(last, m.start()))
            # characters the entity stands for map to its "&"; a literal tail that
            # unescape gave back unchanged (the "it;" of "&notit;") keeps its own place
            k = 0
            while k < len(out) - 1 and k < len(src) - 1 and out[-1 - k] == src[-1 - k]:
                k += 1
            pieces.append(out)
            pos.extend([m.start()] * (len(out) - k))
            pos.extend(range(m.end() - k, m.end()))
            last = m.end()
        if end > last:
            pieces.append(raw[last:end])
            pos.extend(range(last, end))


class _Aligner:
    """Give each string lxml reports the raw positions of its characters."""

    WINDOW = 1 << 16   # how far ahead a string may be found (libxml2 drops little)
    RESYNC = 64        # how far ahead a mismatch may be re-synchronised

    def __init__(self, stream: _Stream, raw_len: int) -> None:
        self.s = stream.text
        self.p_of = stream.pos
        self.raw_len = raw_len
        self.p = 0

    def _at(self, p: int) -> int:
        if p < len(self.p_of):
            return self.p_of[p]
        return self.p_of[-1] if len(self.p_of) else max(self.raw_len - 1, 0)

    def align(self, text: str) -> array:
        s, p, n = self.s, self.p, len(text)
        if s.startswith(text, p):
            self.p = p + n
            return self.p_of[p:p + n]
        if not text.strip():
            # whitespace libxml2 changed: where it is does not matter, do not move
            return array("q", [self._at(p)] * n)
        k = s.find(text, p, p + n + self.WINDOW)
        if k >= 0:
            self.p = k + n
            return self.p_of[k:k + n]
        return self._fuzzy(text)

    def _fuzzy(self, text: str) -> array:
        """Match character by character, re-synchronising after each difference."""
        s, p, n = self.s, self.p, len(text)
        out = array("q")
        i = 0
        while i < n:
            j = 0
            while i + j < n and p + j < len(s) and s[p + j] == text[i + j]:
                j += 1
            out.extend(self.p_of[p:p + j])
            i += j
            p += j
            if i >= n:
                break
            # find where the two agree again: the nearest text[i2:] whose next few
            # characters occur just ahead in the stream; text[i:i2] then stands for
            # s[p:k] (an entity decoded differently, or characters only one side has)
            for i2 in range(i, min(n, i + self.RESYNC)):
                probe = text[i2:i2 + 8]
                k = s.find(probe, p, p + self.RESYNC + len(probe))
                if k >= 0:
                    out.extend([self._at(p)] * (i2 - i))
                    i, p = i2, k
                    break
            else:   # nothing to hold on to: assume one for one
                out.append(self._at(p))
                i += 1
                p = min(p + 1, len(s))
        self.p = p
        return out


# --------------------------------------------------------------------------- light tree

class _Tx:
    __slots__ = ("text", "pos")

    def __init__(self, text: str, pos: array) -> None:
        self.text = text
        self.pos = pos


class _El:
    __slots__ = ("tag", "attrib", "kids", "hard", "soft", "cjk", "cjk_kept", "chars",
                 "achars", "alinks", "has_heading", "has_table")

    def __init__(self, tag: str, attrib: dict[str, str]) -> None:
        self.tag = tag
        self.attrib = attrib
        self.kids: list[_El | _Tx] = []
        self.hard = False
        self.soft = False
        self.cjk = self.cjk_kept = self.chars = self.achars = self.alinks = 0
        self.has_heading = False
        self.has_table = False   # a (visible) table below this element

    def elements(self) -> Iterator["_El"]:
        return (k for k in self.kids if isinstance(k, _El))

    def cls_id(self) -> str:
        return self.attrib.get("id", "") + " " + self.attrib.get("class", "")


_MAX_DEPTH = 150  # deeper elements are flattened into their ancestor (recursion bound)
_KEEP_ATTRS = frozenset({"id", "class", "style", "align", "rowspan", "colspan", "href", "hidden"})


def _build(root, aligner: _Aligner) -> _El:
    """Our tree from lxml's, every text and tail aligned in document order."""

    def attrs(el) -> dict[str, str]:
        return {k: v for k, v in el.items() if k in _KEEP_ATTRS}

    top = _El(root.tag.lower(), attrs(root))
    if root.text:
        top.kids.append(_Tx(root.text, aligner.align(root.text)))
    stack = [(root, top, iter(root))]
    while stack:
        lx, node, it = stack[-1]
        child = next(it, None)
        if child is None:
            stack.pop()
            if stack and lx.tail:
                stack[-1][1].kids.append(_Tx(lx.tail, aligner.align(lx.tail)))
            continue
        if not isinstance(child.tag, str):
            # comment or processing instruction: its content is not in the stream
            if child.tail:
                node.kids.append(_Tx(child.tail, aligner.align(child.tail)))
            continue
        if len(stack) >= _MAX_DEPTH:
            new = node
        else:
            new = _El(child.tag.lower(), attrs(child))
            node.kids.append(new)
        if child.text:
            new.kids.append(_Tx(child.text, aligner.align(child.text)))
        stack.append((child, new, iter(child)))
    return top


# --------------------------------------------------------------------------- what to drop

_HARD_DROP = frozenset("""
    script style noscript template head title meta link base iframe frame noembed
    noframes object embed applet svg math canvas video audio map area select option
    optgroup datalist button input textarea
""".split())
_SOFT_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "menu"})
_CLUTTER = re.compile(r"nav|menu|crumb|footer|header|sidebar|share|copyright|toolbar", re.I)
_HEADERISH = re.compile(r"header", re.I)
_CONTENT = re.compile(r"content|article|zoom|trs_editor|main[-_]?text|zhengwen|\bzw\b", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# (a link-dense data-table cell still fills its column: see _Writer._cells)
_LINK_DENSE_TAGS = frozenset({"div", "ul", "ol", "dl", "section", "table", "p", "li",
                              "center", "span", "font", "tr", "td", "th"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _is_hard(el: _El) -> bool:
    return (el.tag in _HARD_DROP or "hidden" in el.attrib
            or bool(_HIDDEN.search(el.attrib.get("style", ""))))


def _stats(el: _El, in_link: bool = False) -> None:
    """Count CJK, non-space and link characters of the subtree (hard drops excluded)."""
    el.hard = _is_hard(el)
    if el.hard:
        return
    link = el.tag == "a" and "href" in el.attrib
    inside = in_link or link
    if link:
        el.alinks += 1
    for k in el.kids:
        if isinstance(k, _Tx):
            c = len(_CJK.findall(k.text))
            n = len("".join(k.text.split()))
            el.cjk += c
            el.chars += n
            if inside:
                el.achars += n
        else:
            _stats(k, inside)
            if k.hard:
                continue
            el.cjk += k.cjk
            el.chars += k.chars
            el.achars += k.achars
            el.alinks += k.alinks
            el.has_heading = el.has_heading or k.has_heading or (k.tag in _HEADINGS and k.chars > 0)
            el.has_table = el.has_table or k.has_table or k.tag == "table"


def _mark_soft(el: _El, total: int) -> None:
    """Mark navigation, page furniture and link lists (never most of the page's text)."""
    for k in el.elements():
        if k.hard:
            continue
        if k.cjk * 2 <= total:
            clutter = k.tag in _SOFT_TAGS or bool(_CLUTTER.search(k.cls_id()))
            if clutter and k.has_heading and (k.tag == "header" or _HEADERISH.search(k.cls_id())):
                clutter = False  # an article's own header with its title
            link_list = (k.tag in _LINK_DENSE_TAGS and k.alinks >= 2
                         and k.achars * 10 >= k.chars * 6)
            if clutter or link_list:
                k.soft = True
                continue
        _mark_soft(k, total)


def _kept_cjk(el: _El) -> int:
    n = 0
    for k in el.kids:
        if isinstance(k, _Tx):
            n += len(_CJK.findall(k.text))
        elif not (k.hard or k.soft):
            n += _kept_cjk(k)
    el.cjk_kept = n
    return n


def _content_root(el: _El, total: int) -> _El | None:
    """The outermost article-like container holding at least half the kept CJK text."""
    for k in el.elements():
        if k.hard or k.soft:
            continue
        if (k.tag in ("article", "main") or _CONTENT.search(k.cls_id())) and k.cjk_kept * 2 >= total > 0:
            return k
        found = _content_root(k, total)
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------- writing lines

_BLOCK = frozenset("""
    address article aside blockquote body center dd details dialog dir div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup html legend li main menu
    nav ol p pre section summary ul caption tbody thead tfoot tr td th
""".split())
_WS = frozenset(" \t\n\r\f")
_WS_OR_WORD = re.compile(r"[ \t\n\r\f]+|[^ \t\n\r\f]+")


def _cjk_like(c: str) -> bool:
    return ord(c) >= 0x2E80 or c in "“”‘’—…"


class _Lines:
    """Collects output lines; in ``cell`` mode everything is one line."""

    def __init__(self, cell: bool = False) -> None:
        self.cell = cell
        self.lines: list[tuple[str, array] | None] = []   # None = blank line
        self.parts: list[str] = []   # the current line, in pieces
        self.pos = array("q")        # one raw position per character of the line
        self.last = ""               # last character of the line so far
        self.pending: list | None = None   # [raw pos, from a source line break]
        self.pre = 0

    def text(self, s: str, pos: array) -> None:
        if self.pre and not self.cell:
            self._pre_text(s, pos)
            return
        for m in _WS_OR_WORD.finditer(s):
            a, b = m.span()
            if s[a] in _WS:
                if not self.parts:
                    continue
                newline = "\n" in m.group() or "\r" in m.group()
                if self.pending is None:
                    self.pending = [pos[a], newline]
                elif newline:
                    self.pending[1] = True
                continue
            if self.pending is not None:
                p, newline = self.pending
                self.pending = None
                if not (newline and (_cjk_like(self.last) or _cjk_like(s[a]))):
                    self.parts.append(" ")
                    self.pos.append(p)
            self.parts.append(m.group())
            self.pos.extend(pos[a:b])
            self.last = s[b - 1]

    def _pre_text(self, s: str, pos: array) -> None:
        start = 0
        for i, c in enumerate(s):
            if c == "\n":
                self.parts.append(s[start:i])
                self.pos.extend(pos[start:i])
                self.flush()
                start = i + 1
        if start < len(s):
            self.parts.append(s[start:])
            self.pos.extend(pos[start:])
            self.last = s[-1]

    def soft_break(self) -> None:
        """A block boundary or ``<br>`` inside a table cell: a space."""
        if self.parts and self.pending is None:
            self.pending = [self.pos[-1], False]
        elif self.pending is not None:
            self.pending[1] = False

    def flush(self) -> None:
        if self.cell:
            self.soft_break()
            return
        self.pending = None
        if not self.parts:
            return
        line, pos = self._stripped()
        if line:
            self.lines.append((line, pos))
        self.parts.clear()
        del self.pos[:]
        self.last = ""

    def blank(self) -> None:
        if self.cell:
            self.soft_break()
            return
        self.flush()
        if self.lines and self.lines[-1] is not None:
            self.lines.append(None)

    def _stripped(self) -> tuple[str, array]:
        line = "".join(self.parts)
        a = len(line) - len(line.lstrip())
        b = len(line.rstrip())
        if b <= a:
            return "", array("q")
        return line[a:b], self.pos[a:b]

    def cell_text(self) -> tuple[str, array]:
        self.pending = None
        return self._stripped()


_LEADING_INT = re.compile(r"\s*(\d+)")


def _span_int(v: str | None, default: int = 1) -> int:
    if v is None:
        return default
    m = _LEADING_INT.match(v)
    return int(m.group(1)) if m else default


_HEADING_LEVEL = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}
_BOLD = frozenset({"b", "strong"})


def _bold_only(el: _El) -> bool:
    """Is every visible character of ``el`` inside ``<b>``/``<strong>``?"""
    seen = False
    for k in el.kids:
        if isinstance(k, _Tx):
            if k.text.strip():
                return False
        elif k.hard or k.soft:
            continue
        elif k.tag in _BOLD:
            seen = seen or k.chars > 0
        elif k.tag in ("span", "font", "a", "u", "em", "i"):
            if not _bold_only(k):
                return False
            seen = seen or k.chars > 0
        else:
            return False
    return seen


class _Writer:
    def __init__(self) -> None:
        self.out = _Lines()
        self.headings: list[tuple[str, int]] = []   # (line text, level 1–4, 5 = bold paragraph)

    def render(self, el: _El, out: _Lines) -> None:
        for k in el.kids:
            if isinstance(k, _Tx):
                out.text(k.text, k.pos)
                continue
            if k.hard or k.soft:
                continue
            tag = k.tag
            if tag == "br":
                out.flush()
            elif tag == "hr":
                out.flush()
            elif tag == "table" and not out.cell:
                self.table(k, out)
            elif tag in _BLOCK:
                out.flush()
                before = len(out.lines)
                if tag == "pre":
                    out.pre += 1
                self.render(k, out)
                if tag == "pre":
                    out.pre -= 1
                out.flush()
                level = _HEADING_LEVEL.get(tag) or (5 if tag in ("p", "div") and _bold_only(k) else 0)
                if level and out is self.out and len(out.lines) == before + 1 and out.lines[-1]:
                    # a heading or a bold-only paragraph: a heading even without a number
                    self.headings.append((out.lines[-1][0], level))
            else:
                self.render(k, out)

    # tables ---------------------------------------------------------------
    def table(self, table: _El, out: _Lines) -> None:
        caption: _El | None = None
        rows: list[_El] = []
        stray: list[_El] = []
        # table structure is kept even when marked soft (<tr class="header"> is a
        # header row, not page furniture); only a layout table skips soft rows/cells
        for k in table.elements():
            if k.hard:
                continue
            if k.tag == "caption":
                caption = caption or k
            elif k.tag in ("thead", "tbody", "tfoot"):
                rows.extend(r for r in k.elements() if r.tag == "tr" and not r.hard)
            elif k.tag == "tr":
                rows.append(k)
            elif k.tag not in ("col", "colgroup") and not k.soft:
                stray.append(k)
        if caption is not None:
            out.flush()
            self.render(caption, out)
            out.flush()
        out.blank()
        for k in stray:
            out.flush()
            self.render(k, out)
            out.flush()
        if self._is_layout(table, rows):
            for r in rows:
                if r.soft:
                    continue
                for c in r.elements():
                    if not (c.hard or c.soft):
                        out.flush()
                        self.render(c, out)
                        out.flush()
        else:
            for cells in self._grid(rows):
                self._row(cells, out)
        out.blank()

    @staticmethod
    def _cells(row: _El) -> list[_El]:
        # soft (link-dense) cells stay: dropping one would shift the columns after it
        return [c for c in row.elements() if c.tag in ("td", "th") and not c.hard]

    def _is_layout(self, table: _El, rows: list[_El]) -> bool:
        """One column, a cell of 500+ CJK characters, or a table inside: not data."""
        if table.has_table:
            return True
        wide = False
        for r in rows:
            cells = self._cells(r)
            if any(c.cjk >= 500 for c in cells):
                return True
            wide = wide or len(cells) > 1 or any(_span_int(c.attrib.get("colspan")) > 1 for c in cells)
        return not wide

    def _cell_text(self, cell: _El) -> tuple[str, array]:
        lines = _Lines(cell=True)
        self.render(cell, lines)
        return lines.cell_text()

    def _grid(self, rows: list[_El]) -> Iterator[list[tuple[str, array]]]:
        empty: tuple[str, array] = ("", array("q"))
        pending: dict[int, list] = {}   # column -> [rows left, text, pos]
        for ri, row in enumerate(rows):
            out: list[tuple[str, array]] = []
            col = 0

            def take_pending() -> None:
                nonlocal col
                while col in pending:
                    left = pending[col]
                    out.append((left[1], left[2]))
                    left[0] -= 1
                    if left[0] <= 0:
                        del pending[col]
                    col += 1

            for cell in self._cells(row):
                take_pending()
                text, pos = self._cell_text(cell)
                cs = min(max(_span_int(cell.attrib.get("colspan")), 1), 256)
                rs = _span_int(cell.attrib.get("rowspan"))
                remaining = len(rows) - ri
                rs = remaining if rs == 0 else min(rs, remaining)
                out.append((text, pos))
                out.extend([empty] * (cs - 1))
                if rs > 1:
                    for k in range(cs):
                        pending[col + k] = [rs - 1, text if k == 0 else "", pos if k == 0 else array("q")]
                col += cs
            if pending:
                last = max(pending)
                while col <= last:
                    if col in pending:
                        take_pending()
                    else:
                        out.append(empty)
                        col += 1
            yield out

    @staticmethod
    def _row(cells: list[tuple[str, array]], out: _Lines) -> None:
        if not any(t for t, _ in cells):
            return
        out.flush()
        text = "\t".join(t for t, _ in cells)
        pos = array("q")
        holes: list[int] = []
        last: int | None = None
        for i, (t, p) in enumerate(cells):
            if i:
                if last is None:
                    holes.append(len(pos))
                    pos.append(-1)
                else:
                    pos.append(last)
            pos.extend(p)
            if len(p):
                last = p[-1]
                if holes:   # TABs before the first real character map to it
                    for h in holes:
                        pos[h] = p[0]
                    holes = []
        out.lines.append((text, pos))


def _assemble(lines: list[tuple[str, array] | None], raw_len: int) -> tuple[str, OffsetMap]:
    while lines and lines[-1] is None:
        lines.pop()
    texts: list[str] = []
    b = OffsetBuilder()
    last = 0
    for item in lines:
        if item is None:
            texts.append("\n")
            b.keep(last, 1)
            continue
        line, pos = item
        texts.append(line)
        texts.append("\n")
        start = 0
        for i in range(1, len(pos) + 1):
            if i == len(pos) or pos[i] != pos[i - 1] + 1:
                b.keep(pos[start], i - start)
                start = i
        last = pos[-1]
        b.keep(last, 1)   # the newline: its line's last character
    return "".join(texts), b.build(old_len=raw_len)


# --------------------------------------------------------------------------- entry point

def html_to_text(raw: str, headings: list[tuple[str, int]] | None = None) -> tuple[str, OffsetMap]:
    """The article text of an HTML page and a map from its positions to ``raw``'s.

    Args:
        raw: the decoded HTML source.
        headings: when given, filled with ``(line, level)`` for each ``<h1>``–``<h4>``
            (level 1–4) and bold-only paragraph (level 5), in order: headings a plan
            may write without a number.
    Returns:
        ``(text, to_raw)``; ``text`` ends with a newline.
    Raises:
        NoTextError: the page has no readable text.
        lxml.etree.ParserError: libxml2 gave up on the page (read.py reports E105).
    """
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
    root = lxml.html.document_fromstring(raw.encode("utf-8", "replace"), parser=parser)
    tree = _build(root, _Aligner(_Stream(raw), len(raw)))
    body = next((e for e in tree.elements() if e.tag == "body"), tree)
    _stats(body)
    if body.hard:
        raise NoTextError("no readable text in the page")
    total = body.cjk
    _mark_soft(body, total)
    start = _content_root(body, _kept_cjk(body)) or body
    w = _Writer()
    w.render(start if start is body else _wrap(start), w.out)
    w.out.flush()
    if not w.out.lines:
        # the clutter rules ate everything: read the page with only the hard drops
        _clear_soft(body)
        w = _Writer()
        w.render(body, w.out)
        w.out.flush()
    if not w.out.lines:
        raise NoTextError("no readable text in the page")
    if headings is not None:
        headings.extend(w.headings)
    return _assemble(w.out.lines, len(raw))


def _wrap(el: _El) -> _El:
    """A parent holding only ``el``, so ``el`` itself is rendered as a block."""
    w = _El("div", {})
    w.kids.append(el)
    return w


def _clear_soft(el: _El) -> None:
    for k in el.elements():
        k.soft = False
        _clear_soft(k)
