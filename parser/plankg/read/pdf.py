"""PDF bytes → the plan's text, page by page, with ruled tables as cells.

Why this way:

* **Text comes from PDFium** (pypdfium2, Apache-2.0/BSD), a compiled engine: a
  pure-Python pass over every page (pdfminer) is several times slower than poppler's
  ``pdftotext``; PDFium is not. PDFium already splits a page into lines and joins the
  characters of a line in order; we only take each line's position (the box of its
  first character) so lines can be put in reading order: top to bottom, then left to
  right (PDF producers often draw the running header and footer first, or last).
* **Line breaks are kept.** A line the layout wrapped mid-sentence is joined to the
  next by the normaliser (:mod:`plankg.structure.normalize`), which already does that
  for text copied out of PDFs; doing it here too would join lines twice.
* **Running headers, footers and page numbers are dropped**: a line among the first or
  last three of a page that is a page number (``— 7 —``, ``-7-``, ``第7页``, ``7/52``,
  ``7``), or whose text (digits ignored) recurs at the same height on most pages.
* **Ruled tables are read as cells**, but only on a page whose vector paths look like
  a grid (three or more horizontal and three or more vertical rules, or four or more
  cell rectangles) — a cheap check on PDFium's page objects, so pages of prose pay
  nothing. A lattice of straight rules is read from PDFium's objects
  (:mod:`plankg.read.pdfgrid`, fast); a page with other rule shapes goes to
  pdfplumber's table finder (MIT; pdfminer lays the page out, 50+ ms a page). A found
  table of at least two rows and two columns replaces the page lines inside its box;
  a one-column "table" (a box drawn round a 专栏) is left as lines. Unruled tables
  stay lines for the text heuristics.
* **Refusals**: an encrypted PDF (E108), a PDF with no text layer — a scan — (E107),
  a truncated or damaged one (E106). A scanned page inside a text PDF is skipped with a
  note.

``raw_text`` of such a source is this reader's own text (the PDF has no other text),
so spans are offsets into it; ``pages`` gives the offset where each page starts.
"""
from __future__ import annotations

import ctypes
import re
from collections import Counter

from plankg.errors import PlanKGError
from plankg.read.compose import Extracted, TextWriter

__all__ = ["read_pdf"]

_EDGE = 3                    # lines at the top and at the bottom that may be page furniture
_PAGE_NO = re.compile(
    r"^(?:[-—–－_~·•\s]*\d{1,4}[-—–－_~·•\s]*"      # 7, -7-, — 7 —
    r"|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?"   # 第7页, 第7页 共52页
    r"|\d{1,4}\s*/\s*\d{1,4}"                      # 7/52
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$", re.I)
_DIGITS = re.compile(r"\d+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read_pdf(data: bytes, path: str) -> Extracted:
    """The text of a PDF (see the module docstring).

    Raises:
        InputError: E106 damaged/truncated, E107 no text layer, E108 encrypted.
    """
    import pypdfium2 as pdfium   # heavy: only a PDF needs it

    tail = data[-2048:]
    if b"%%EOF" not in tail:
        raise PlanKGError.make("E106", path=path, reason="the file is truncated (no %%EOF at its end)")
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise PlanKGError.make("E108", path=path) from None
        reason = msg.partition("(PDFium: ")[2].rstrip(").") or msg
        raise PlanKGError.make("E106", path=path, reason=reason) from None
    try:
        return _read(doc, data, path)
    except pdfium.PdfiumError as e:   # a page PDFium opened the file for but cannot read
        raise PlanKGError.make("E106", path=path, reason=str(e)) from None
    finally:
        doc.close()


# --------------------------------------------------------------------------- per page

class _Line:
    __slots__ = ("text", "top", "left", "bottom", "right", "size")

    def __init__(self, text: str, top: float, left: float, bottom: float,
                 right: float = 0.0, size: float = 0.0):
        self.text, self.top, self.left, self.bottom = text, top, left, bottom
        self.right, self.size = right, size


def _page_lines(tp, pdfium) -> list[_Line]:
    """The page's text lines with positions, in reading order (top down, then left)."""
    if True:   # the caller owns (and closes) the text page
        n = tp.count_chars()
        if n <= 0:
            return []
        text = tp.get_text_range()
        aligned = len(text) == n     # true for nearly every PDF; else ask PDFium per line
        raw = pdfium.raw
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        lines: list[_Line] = []
        pos = 0
        for m in _LINE_BREAK.finditer(text + "\n"):
            seg = text[pos:m.start()]
            start = pos
            pos = m.end()
            stripped = seg.strip()
            if not stripped:
                continue
            first = start + (len(seg) - len(seg.lstrip()))
            ci = first if aligned else raw.FPDFText_GetCharIndexFromTextIndex(tp, first)
            if ci < 0 or not raw.FPDFText_GetCharBox(tp, ci, left, right, bottom, top):
                continue
            ln = _Line(stripped, top.value, left.value, bottom.value, right.value,
                       top.value - bottom.value)
            if " " in stripped and aligned:
                ln.text = _drop_autospace(tp, raw, stripped, first, ln.size)
            last = start + len(seg.rstrip()) - 1
            li = last if aligned else raw.FPDFText_GetCharIndexFromTextIndex(tp, last)
            if li >= 0 and raw.FPDFText_GetCharBox(tp, li, left, right, bottom, top):
                ln.right = right.value
            lines.append(ln)
    # reading order: rows by height (a line within 2pt of another is on the same row)
    lines.sort(key=lambda ln: -ln.top)
    rows: list[list[_Line]] = []
    for ln in lines:
        if rows and abs(rows[-1][0].top - ln.top) <= 2:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    out: list[_Line] = []
    for row in rows:
        row.sort(key=lambda ln: ln.left)
        if len(row) == 1:
            out.append(row[0])
        else:
            out.append(_Line(" ".join(ln.text for ln in row), max(ln.top for ln in row),
                             row[0].left, min(ln.bottom for ln in row), row[-1].right,
                             max(ln.size for ln in row)))
    return _join_wrapped(out)


_ENDS_SENTENCE = tuple("。！？；：!?;:")


def _join_wrapped(lines: list[_Line]) -> list[_Line]:
    """Join a line the layout wrapped to the next when the normaliser would not.

    The normaliser joins wrapped body text (and judges wraps by the lengths of body
    lines, so body lines are left alone here), but not a heading: ``第三章 …`` that runs
    over two lines is a heading plus a stray line. So: a line set larger than the
    page's body text that reaches the right margin (within two characters of the
    page's rightmost line end), does not end a sentence, and is followed by a line of
    the same size starting at the same left edge is continued by it — unless either
    has the spaces of a table row.
    """
    if len(lines) < 2:
        return lines
    sizes = sorted(ln.size for ln in lines)
    body = sizes[len(sizes) // 2]          # the page's usual line height: body text
    right = max(ln.right for ln in lines)
    margin = min(ln.left for ln in lines)
    out = [lines[0]]
    for ln in lines[1:]:
        prev = out[-1]
        size = max(prev.size, 1.0)
        if (prev.size > 1.15 * body                 # larger than body text: a heading
                and prev.right >= right - 2 * size and not prev.text.endswith(_ENDS_SENTENCE)
                and prev.text.count(" ") <= 1 and " " not in ln.text   # not table rows
                and abs(ln.size - prev.size) <= 0.15 * size
                and ln.left <= margin + 0.5 * size and abs(ln.left - prev.left) <= 0.5 * size
                and 0 < prev.bottom - ln.top < 1.5 * size):
            out[-1] = _Line(prev.text + ln.text, prev.top, prev.left, ln.bottom, ln.right, prev.size)
            continue
        out.append(ln)
    return out


_CJK_CHAR = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’、，。；：！？（）《》—…]")


def _drop_autospace(tp, raw, text: str, start: int, size: float) -> str:
    """Remove the spaces PDFium invents where Word/WPS/LibreOffice put a little extra
    room between Chinese and Latin or digits (``2020 年``, ``为 2021``).

    Only a space PDFium generated (not one in the PDF) next to a Chinese character, with
    a gap under half a character, goes: the wider gaps between the cells of an unruled
    table row stay.
    """
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    out = []
    for k, c in enumerate(text):
        if (c == " " and 0 < k < len(text) - 1 and text[k - 1] != " " and text[k + 1] != " "
                and (_CJK_CHAR.match(text[k - 1]) or _CJK_CHAR.match(text[k + 1]))
                and raw.FPDFText_IsGenerated(tp, start + k) == 1
                and raw.FPDFText_GetCharBox(tp, start + k - 1, left, right, bottom, top)):
            prev_right = right.value
            if raw.FPDFText_GetCharBox(tp, start + k + 1, left, right, bottom, top) \
                    and left.value - prev_right < 0.5 * max(size, 1.0):
                continue
        out.append(c)
    return "".join(out)


def _has_rules(page, pdfium) -> bool:
    """Cheap: does the page draw a grid (see the module docstring)?"""
    from plankg.read.pdfgrid import path_bounds

    horizontal = vertical = boxes = 0
    for _obj, x0, y0, x1, y1 in path_bounds(page, pdfium.raw):
        w, h = x1 - x0, y1 - y0
        if h <= 3 and w > 8:
            horizontal += 1
        elif w <= 3 and h > 8:
            vertical += 1
        elif w > 8 and h > 8:
            boxes += 1
        if (horizontal >= 3 and vertical >= 3) or boxes >= 4:
            return True
    return False


def _tables(plumber_doc, index: int) -> list[tuple[tuple[float, float, float, float], list[list[str | None]]]]:
    """Ruled tables of one page: ``(bbox from the page top, rows)``, 2+ rows and columns."""
    page = plumber_doc.pages[index]
    found = []
    try:
        for t in page.find_tables():
            rows = t.extract()
            if len(rows) >= 2 and max((len([c for c in r if c is not None]) for r in rows), default=0) >= 2:
                found.append((t.bbox, rows))
    finally:
        page.close()
    return found


# --------------------------------------------------------------------------- document

def _read(doc, data: bytes, path: str) -> Extracted:
    import pypdfium2 as pdfium

    from plankg.read.pdfgrid import page_tables

    n_pages = len(doc)
    pages: list[list[_Line]] = []
    heights: list[float] = []
    grids: dict[int, list] = {}
    ruled: list[int] = []          # pages whose rules only pdfplumber can read
    blank: set[int] = set()        # pages with nothing drawn on them at all
    for i in range(n_pages):
        page = doc[i]
        tp = page.get_textpage()
        try:
            pages.append(_page_lines(tp, pdfium))
            if not pages[-1] and next(iter(page.get_objects(max_depth=0)), None) is None:
                blank.add(i)
            heights.append(page.get_height())
            if pages[-1] and _has_rules(page, pdfium):
                found = page_tables(page, tp, pdfium, heights[-1])
                if found is None:
                    ruled.append(i)
                elif found:
                    grids[i] = found
        finally:
            tp.close()
            page.close()
    if not any(pages):
        raise PlanKGError.make(
            "E107", path=path,
            reason=f"none of its {n_pages} page(s) has a text layer; it looks scanned — run OCR first")
    furniture = _furniture(pages)
    w = TextWriter(paged=True)
    tables = _find_tables(data, ruled, w.notes) if ruled else {}
    tables.update(grids)
    for i, lines in enumerate(pages):
        w.page()
        if not lines:
            w.notes.append(f"page {i + 1} is blank" if i in blank else
                           f"page {i + 1} has no text layer (a scanned page?); skipped")
            continue
        keep = [ln for k, ln in enumerate(lines) if (k, i) not in furniture]
        _write_page(w, keep, tables.get(i, []), heights[i])
    return w.result()


def _furniture(pages: list[list[_Line]]) -> set[tuple[int, int]]:
    """``(line index, page index)`` of running headers, footers and page numbers."""
    drop: set[tuple[int, int]] = set()
    seen: Counter = Counter()
    edges: list[list[tuple[int, tuple[str, int]]]] = []
    for p, lines in enumerate(pages):
        idx = sorted(set(range(min(_EDGE, len(lines)))) | set(range(max(0, len(lines) - _EDGE), len(lines))))
        mine = []
        for k in idx:
            ln = lines[k]
            if _PAGE_NO.match(ln.text):
                drop.add((k, p))
                continue
            key = (_DIGITS.sub("#", ln.text.replace(" ", "")), round(ln.top / 4))
            mine.append((k, key))
        for key in {key for _k, key in mine}:
            seen[key] += 1
        edges.append(mine)
    with_text = sum(1 for lines in pages if lines)
    if with_text >= 2:
        need = max(2, (with_text * 6 + 9) // 10)     # on 60 % of the pages, at least two
        for p, mine in enumerate(edges):
            for k, key in mine:
                if seen[key] >= need:
                    drop.add((k, p))
    return drop


def _find_tables(data: bytes, ruled: list[int], notes: list[str]) -> dict:
    import io

    import pdfplumber   # pdfminer behind it: only for pages with a grid

    out: dict = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pl:
            for i in ruled:
                found = _tables(pl, i)
                if found:
                    out[i] = found
    except Exception as e:   # pdfminer's errors have no common base; the text is still good
        notes.append(f"ruled tables left as text: pdfplumber failed ({type(e).__name__}: {e})"[:300])
        return {}
    return out


def _write_page(w: TextWriter, lines: list[_Line], tables: list, height: float) -> None:
    """Lines and tables of one page, top to bottom; a table replaces the lines in its box."""
    placed = sorted(tables, key=lambda t: t[0][1])
    ti = 0
    for ln in lines:
        y_top = height - ln.top       # pdfplumber measures from the page top
        y_bottom = height - ln.bottom
        mid = (y_top + y_bottom) / 2
        while ti < len(placed) and placed[ti][0][3] < mid:
            # a table that ends above this line and took no line (empty box): write it now
            w.table(placed[ti][1])
            ti += 1
        inside = False
        for (x0, top, x1, bottom), _rows in placed:
            if top <= mid <= bottom and x0 - 2 <= ln.left <= x1:
                inside = True
                break
        if inside:
            continue
        w.line(ln.text)
    while ti < len(placed):
        w.table(placed[ti][1])
        ti += 1
