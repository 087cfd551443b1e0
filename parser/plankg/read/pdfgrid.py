"""Ruled tables of a PDF page read from PDFium's own objects: rules → grid → cell text.

pdfplumber finds ruled tables well but makes pdfminer lay out the whole page first,
which costs 50–80 ms a page — more than PDFium takes to read a hundred pages of text.
Most plan tables are simple lattices drawn as straight rules (LibreOffice and Word
draw every cell border as a short line; reportlab a line per grid line), so this
module reads them directly:

1. every path object of the page that is a thin horizontal or vertical line (or a
   rectangle, taken as its four edges) is a rule; a path of any other shape (a curve,
   a polyline) makes the page "not simple" and :func:`page_tables` returns None so the
   caller can ask pdfplumber;
2. rules that touch form one table (union-find over crossing horizontal/vertical
   pairs); its distinct x positions are column edges, its y positions row edges;
3. a cell ends where a rule separates it from its neighbour: no vertical rule through
   the middle of a row there means the cell spans on (colspan: text once, empty cells
   after), no horizontal rule below means it spans down (rowspan: text repeated down,
   as the HTML and DOCX readers do);
4. each cell's text is PDFium's text inside the cell box
   (``FPDFText_GetBoundedText``), line breaks inside a cell handled by
   :func:`~plankg.read.compose.clean_cell`.

A "table" of one column (a box drawn round a 专栏) or one row is not returned.
"""
from __future__ import annotations

import ctypes

__all__ = ["page_tables"]

_THIN = 3.0      # pt: a rule is at most this thick
_TOL = 2.5       # pt: rules this close are one edge; a rule this short of a crossing still meets it
_MIN_LEN = 4.0


def path_bounds(page, raw):
    """Each path object of a PDFium page with its bounds: ``(object, x0, y0, x1, y1)``."""
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    for i in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, i)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH:
            continue
        if raw.FPDFPageObj_GetBounds(obj, l, b, r, t):
            yield obj, l.value, b.value, r.value, t.value


def _rules(page, raw):
    """(horizontal, vertical) rules as (position, start, end); None if a path is not simple."""
    hs, vs = [], []
    for obj, x0, y0, x1, y1 in path_bounds(page, raw):
        w, h = x1 - x0, y1 - y0
        segs = raw.FPDFPath_CountSegments(obj)
        if h <= _THIN and w >= _MIN_LEN:
            hs.append(((y0 + y1) / 2, x0, x1))
        elif w <= _THIN and h >= _MIN_LEN:
            vs.append(((x0 + x1) / 2, y0, y1))
        elif w > _THIN and h > _THIN:
            if segs > 6:          # not a rectangle: curves, polylines, a whole grid in one path
                return None
            hs += [(y0, x0, x1), (y1, x0, x1)]
            vs += [(x0, y0, y1), (x1, y0, y1)]
    return hs, vs


def _components(hs, vs) -> list[tuple[list, list]]:
    n = len(hs) + len(vs)
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, (y, hx0, hx1) in enumerate(hs):
        for j, (x, vy0, vy1) in enumerate(vs):
            if hx0 - _TOL <= x <= hx1 + _TOL and vy0 - _TOL <= y <= vy1 + _TOL:
                a, c = find(i), find(len(hs) + j)
                if a != c:
                    parent[a] = c
    groups: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    return list(groups.values())


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _covered(rules: list[tuple[float, float, float]], pos: float, at: float) -> bool:
    """Does a rule at ``pos`` (±tol) pass through ``at``?"""
    return any(abs(p - pos) <= _TOL and a - _TOL <= at <= b + _TOL for p, a, b in rules)


def _bounded(tp, raw, left: float, top: float, right: float, bottom: float) -> str:
    n = raw.FPDFText_GetBoundedText(tp, left, top, right, bottom, None, 0)
    if n <= 0:
        return ""
    buf = (ctypes.c_ushort * (n + 1))()
    got = raw.FPDFText_GetBoundedText(tp, left, top, right, bottom, buf, n + 1)
    return bytes(memoryview(buf).cast("B"))[:2 * max(0, got)].decode("utf-16-le", "ignore").rstrip("\x00")


def page_tables(page, tp, pdfium, height: float):
    """Ruled tables of a page as ``[((x0, top, x1, bottom), rows)]`` with ``top``/``bottom``
    measured from the page top (pdfplumber's convention); None when the page has rules
    this reader does not handle (the caller falls back to pdfplumber)."""
    raw = pdfium.raw
    found = _rules(page, raw)
    if found is None:
        return None
    hs, vs = found
    tables = []
    for ghs, gvs in _components(hs, vs):
        xs = _edges([x for x, _a, _b in gvs])
        ys = _edges([y for y, _a, _b in ghs])[::-1]       # top first
        if len(xs) < 3 or len(ys) < 3:
            continue                                        # one column or one row: a box
        nrows, ncols = len(ys) - 1, len(xs) - 1
        owner: dict[tuple[int, int], tuple[int, int]] = {}
        text: dict[tuple[int, int], str] = {}
        for r in range(nrows):
            ymid = (ys[r] + ys[r + 1]) / 2
            c = 0
            while c < ncols:
                if (r, c) in owner:                         # covered by a rowspan from above
                    c += 1
                    continue
                c_end = c
                while c_end + 1 < ncols and not _covered(gvs, xs[c_end + 1], ymid):
                    c_end += 1
                xmid = (xs[c] + xs[c_end + 1]) / 2
                r_end = r
                while r_end + 1 < nrows and not _covered(ghs, ys[r_end + 1], xmid):
                    r_end += 1
                for rr in range(r, r_end + 1):
                    for cc in range(c, c_end + 1):
                        owner[(rr, cc)] = (r, c)
                text[(r, c)] = _bounded(tp, raw, xs[c], ys[r], xs[c_end + 1], ys[r_end + 1])
                c = c_end + 1
        rows = []
        for r in range(nrows):
            row = []
            for c in range(ncols):
                o = owner.get((r, c))
                if o is None:
                    row.append("")
                elif o[1] != c:                             # colspan: text in the first column only
                    row.append("")
                else:
                    row.append(text.get(o, ""))             # rowspan: repeated down
            rows.append(row)
        if sum(1 for row in rows if any(x.strip() for x in row)) < 2:
            continue
        tables.append(((xs[0], height - ys[0], xs[-1], height - ys[-1]), rows))
    return tables
