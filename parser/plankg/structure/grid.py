"""Tables that arrive one cell a line: the header gives the columns, alignment gives the rows.

Tables copied from web pages, or flattened by an extraction script, arrive as a run of
short lines, one cell each. What separates the rows differs from plan to plan: a blank
line after every row, a blank line after every cell (so blank lines separate nothing),
or nothing at all. Cells may be missing: a group cell (类别, 一级指标, 主要领域) is written
only on its group's first row and belongs to every row below it, and an empty cell is
simply absent (or one more blank line).

So the rows are not read from the line breaks but from the cells' content:

1. :func:`read_header` reads the header cells, one a line, into columns. A header cell
   may wrap (``“十四五”`` / ``完成值``), a group cell may sit over sub-columns (``指标值``
   over ``现状`` / ``近期规划``) and the years may come on a row of their own
   (``（2025年）`` ``（2030年）``); the result is one :class:`GridColumn` per data column.
2. :func:`align_rows` cuts the cell stream into rows. Each cell is matched to a column
   whose kind of content it fits (a row number, a unit, 预期性, a value, a name), the
   cells of a row in column order; a column without a cell costs a little when it is a
   group column (the cell above is inherited) or a value (an empty cell) and a lot when
   it is the name. Dynamic programming picks the cut into rows with the lowest total
   cost; a blank line is a hint for a row boundary only where blank lines are rare.
   Lines after the table that fit no row are left to the body.

>>> from plankg.structure.lines import split_lines
>>> from plankg.structure.patterns import structure
>>> P = structure()
>>> text = "序号\\n指标\\n单位\\n2020年\\n2025年\\n属性\\n1\\n托位数\\n个\\n1.5\\n4.5\\n预期性\\n2\\n覆盖率\\n%\\n≥90\\n约束性\\n"
>>> cols, j = read_header(split_lines(text), 0, P)
>>> [(c.key, c.year) for c in cols]
[('index', None), ('name', None), ('unit', None), ('baseline', 2020), ('target', 2025), ('nature', None)]
>>> rows, end = align_rows(split_lines(text), j, cols, P)
>>> [{k: c.text for k, c in r.cells.items()} for r in rows][1]
{'index': '2', 'name': '覆盖率', 'unit': '%', 'target': '≥90', 'nature': '约束性'}
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .cells import _DASH, _RATE_UNIT, nature_of, parse_value
from .lexicon import is_unit
from .lines import Line, ends_sentence, heading_of, join_lines
from .numerals import cn_to_int
from .patterns import Structure

# roles whose cell is written on a group's first row only
GROUP_ROLES = frozenset({"category", "domain", "group"})
VALUE_ROLES = frozenset({"baseline", "target"})

_YEAR_IN = re.compile(r"[(（]?\s*(?P<y>(?:19|20)\d{2})\s*年?\s*[)）]?|[“\"]?十(?P<p>[一二三四五六七八九])五[”\"]?(?:时期|期末)?")
_INDEX = re.compile(r"^\d{1,3}$")
_UNITLIKE = re.compile(r"^[^\d\s。，,；;：:]{1,8}$")
_SENTENCE = re.compile(r"[。；;，,]")
INF = float("inf")


@dataclass
class GridColumn:
    role: str               # index category group domain name unit nature baseline target note departments project items content
    label: str
    year: int | None = None
    key: str = ""           # unique per table: "target", "target2" …

    def __post_init__(self) -> None:
        self.key = self.key or self.role


@dataclass
class GridRow:
    cells: dict[str, Line] = field(default_factory=dict)   # column key → the cell's line
    lines: list[Line] = field(default_factory=list)        # every line of the row, in order
    cost: float = 0.0


# ------------------------------------------------------------------ header

def _year_of(tok: str) -> tuple[int | None, str]:
    """The year a header cell names (``2025年``, ``（2030年）``, ``“十四五”``) and the rest."""
    m = _YEAR_IN.search(tok)
    if not m:
        return None, tok
    if m.group("y"):
        year = int(m.group("y"))
    else:
        year = 1955 + 5 * (10 + (cn_to_int(m.group("p")) or 0))   # 十四五 → 2025
    rest = (tok[: m.start()] + tok[m.end():]).strip("“”\"（）() ")
    return year, rest


def header_cell(tok: str, P: Structure) -> GridColumn | None:
    """What one header cell announces, or None when it is not a header cell.

    >>> from plankg.structure.patterns import structure
    >>> P = structure()
    >>> [(c.role, c.year) for c in map(lambda t: header_cell(t, P), ["基准值（2020年）", "2030年目标值", "（2025年）", "近期规划", "单位"])]
    [('baseline', 2020), ('target', 2030), ('year', 2025), ('target', None), ('unit', None)]
    """
    t = re.sub(r"\s+", "", tok)
    if not t or len(t) > 16:
        return None
    if t in P.header_roles:
        return GridColumn(P.header_roles[t], tok)
    year, rest = _year_of(t)
    rest = rest.strip("：:")
    if rest in P.header_roles and P.header_roles[rest] not in ("index",):
        return GridColumn(P.header_roles[rest], tok, year)
    if rest in P.baseline_words:
        return GridColumn("baseline", tok, year)
    if rest in P.target_words:
        return GridColumn("target", tok, year)
    if rest in P.group_words:
        return GridColumn("span", tok, year)
    if year is not None and rest in ("", "年", "值", "数"):
        return GridColumn("year", tok, year)
    return None


def read_header(lines: list[Line], i: int, P: Structure,
                period: tuple[int, int] | None = None) -> tuple[list[GridColumn], int] | None:
    """Header cells one a line from ``lines[i]``: (columns, index of the first data line).

    None unless at least three header cells name a name-like column (指标, 项目) and
    something else.
    """
    cells: list[str] = []
    j = i
    while j < len(lines) and len(cells) < 24:
        s = lines[j].text
        if "\t" in s or header_cell(s, P) is None:
            break
        cells.append(s)
        j += 1
    cols = columns_of(cells, P, period) if len(cells) >= 3 else None
    return (cols, j) if cols else None


def columns_of(cells: list[str], P: Structure,
               period: tuple[int, int] | None = None) -> list[GridColumn] | None:
    """The data columns a header's cells announce, in order, or None when one is no header cell.

    >>> from plankg.structure.patterns import structure
    >>> [(c.key, c.year) for c in columns_of(["指标", "2025年", "2035年", "属性"], structure())]
    [('name', None), ('target', 2025), ('target2', 2035), ('nature', None)]
    """
    raw = [header_cell(c, P) for c in cells]
    if not raw or any(c is None for c in raw):
        return None
    cols: list[GridColumn] = []
    k = 0
    while k < len(raw):
        c = raw[k]
        nxt = raw[k + 1] if k + 1 < len(raw) else None
        if c.role == "year" and nxt is not None and nxt.role in VALUE_ROLES and nxt.year is None:
            # “十四五” / 完成值: one header cell wrapped onto two lines
            cols.append(GridColumn(nxt.role, c.label + nxt.label, c.year))
            k += 2
            continue
        if c.role == "span":
            k += 1      # 指标值 over 现状 / 近期规划: the group names no column of its own
            continue
        cols.append(c)
        k += 1
    # years on a row of their own ((2025年) (2030年)) go to the value columns without one
    years = [c for c in cols if c.role == "year"]
    yearless = [c for c in cols if c.role in VALUE_ROLES and c.year is None]
    if years and yearless and len(years) <= len(yearless) and \
            all(cols.index(y) > cols.index(yearless[-1]) for y in years):
        for c, y in zip(yearless, years):
            c.year = y.year
            c.label += y.label
        cols = [c for c in cols if c.role != "year"]
    roles = [c.role for c in cols]
    if not ({"name", "project", "items"} & set(roles)) or len(cols) < 3:
        return None
    _decide_years(cols, period)
    _decide_kinds(cols)
    seen: dict[str, int] = {}
    for c in cols:
        seen[c.role] = seen.get(c.role, 0) + 1
        c.key = c.role if seen[c.role] == 1 else f"{c.role}{seen[c.role]}"
    return cols


def _decide_years(cols: list[GridColumn], period: tuple[int, int] | None) -> None:
    """A column headed by a year alone is a baseline or a target by its place among the years."""
    undecided = [c for c in cols if c.role == "year"]
    if not undecided:
        return
    known = sorted(c.year for c in cols if c.year is not None)
    has_baseline = any(c.role == "baseline" for c in cols)
    for c in undecided:
        if period and c.year is not None:
            # a 十五五 plan: 2025 is where it starts from, 2030 and 2035 are targets
            c.role = "baseline" if c.year < period[1] and not (has_baseline and c.year >= period[0]) \
                else "target"
        elif len(known) >= 2 and not has_baseline:
            # 2020年 / 2025年: a baseline and a target; 2025年 / 2035年: two targets
            first_is_base = known[1] - known[0] <= 6
            c.role = "baseline" if c.year == known[0] and first_is_base else "target"
        elif period:
            c.role = "target" if (c.year or 0) >= period[1] else "baseline"
        else:
            c.role = "target" if has_baseline or len(known) < 2 or c.year != known[0] else "baseline"


def _decide_kinds(cols: list[GridColumn]) -> None:
    """类型/类别 after the name column of a table without 属性 is the indicator's nature."""
    roles = [c.role for c in cols]
    if "nature" in roles or "name" not in roles:
        return
    name_at = roles.index("name")
    after = [c for c in cols[name_at + 1:] if c.role == "category"]
    if after:
        after[0].role = "nature"


# ---------------------------------------------------------------- alignment

def _fit(col: GridColumn, s: str, P: Structure) -> float:
    """The cost of reading cell ``s`` as a cell of ``col`` (0 fits, INF never)."""
    t = s.replace(" ", "")
    role = col.role
    nature = nature_of(t, P)
    if role == "index":
        return 0.0 if _INDEX.match(t) else INF
    if role == "nature":
        return 0.0 if nature else INF
    if nature:
        return INF
    if role in VALUE_ROLES:
        if parse_value(t, P) is not None:
            return 0.0
        if _INDEX.match(t):
            return 0.0
        # a target in words: 动态调整, 完成市考核要求, 5分钟覆盖区超80%, a whole sentence
        if t.startswith(P.target_phrase_starts) or re.search(r"\d", t):
            return 0.2
        return 1.2 if len(t) <= 80 else INF
    if role == "unit":
        if _DASH.match(t) or _RATE_UNIT.match(t) or is_unit(t, P.table_units):
            return 0.0
        if _UNITLIKE.match(t) and len(t) <= 4 and not re.search(r"[率数量积度]$", t):
            return 1.0      # a unit the lexicons do not know
        return INF
    if _INDEX.match(t) or parse_value(t, P) is not None and not re.search(r"[\u4e00-\u9fff]{2}", t):
        return INF      # a number is never a name or a group
    if role in GROUP_ROLES:
        return 0.3 if len(t) <= 20 and not _SENTENCE.search(t) else 2.0 if len(t) <= 40 else INF
    if role == "name":
        return 0.0 if len(t) <= 60 else 1.0
    return 0.0          # note, departments, project, items, content: any text


def _skip(col: GridColumn, first: bool) -> float:
    """The cost of a column without a cell in a row."""
    role = col.role
    if role in GROUP_ROLES:
        return 3.0 if first else 0.3          # inherited from the row above
    if role == "index":
        return 2.5
    if role in ("name", "project", "items"):
        return 6.0
    if role == "unit":
        return 0.9
    if role == "nature":
        return 1.5
    if role == "baseline":
        return 0.8
    if role == "target":
        return 1.0
    return 0.4


def _align(cells: list[Line], cols: list[GridColumn], P: Structure, first: bool,
           fit_cache: dict) -> tuple[float, list[int]]:
    """Best monotone assignment of ``cells`` to distinct columns: (cost, column index per cell)."""
    m, n = len(cells), len(cols)
    if m > n:
        return INF, []
    # best[a][b]: cells[:a] placed within cols[:b]
    best = [[INF] * (n + 1) for _ in range(m + 1)]
    back: list[list[int]] = [[0] * (n + 1) for _ in range(m + 1)]
    best[0][0] = 0.0
    for b in range(1, n + 1):
        best[0][b] = best[0][b - 1] + _skip(cols[b - 1], first)
    for a in range(1, m + 1):
        for b in range(a, n + 1):
            skip = best[a][b - 1] + _skip(cols[b - 1], first)
            key = (id(cells[a - 1]), b - 1)
            f = fit_cache.get(key)
            if f is None:
                f = fit_cache[key] = _fit(cols[b - 1], cells[a - 1].text, P)
            take = best[a - 1][b - 1] + f
            if take <= skip:
                best[a][b], back[a][b] = take, 1
            else:
                best[a][b], back[a][b] = skip, 0
    cost = best[m][n]
    if cost == INF:
        return INF, []
    where = [0] * m
    a, b = m, n
    while a > 0:
        if back[a][b] == 1:
            where[a - 1] = b - 1
            a -= 1
        b -= 1
    return cost, where


def align_cells(cells: list[Line], cols: list[GridColumn], P: Structure,
                limit: float = 3.0) -> dict[str, str] | None:
    """One row's cells placed in the columns they fit (key → text); None when they fit badly."""
    cost, where = _align(cells, cols, P, False, {})
    if cost > limit:
        return None
    return {cols[c].key: cell.text for cell, c in zip(cells, where)}


def _stops(line: Line, P: Structure) -> bool:
    h = heading_of(line.text, P)
    return (h is not None and h["rank"] <= 5 and not _INDEX.match(line.text.strip())) \
        or bool(P.caption.match(line.text)) or bool(P.column_header.match(line.text)) \
        or line.text.startswith(("注：", "注:", "说明：", "附件", "附表"))


def align_rows(lines: list[Line], j: int, cols: list[GridColumn], P: Structure,
               header: list[str] | None = None,
               full_width: float | None = None) -> tuple[list[GridRow], int]:
    """Cut the cells from ``lines[j]`` into rows of ``cols``: (rows, index after the table).

    With ``full_width`` (hard-wrapped text), a cell line as wide as a full line that does
    not end a sentence goes on on the next line: the two are one cell.
    """
    n_cols = len(cols)
    header = header or []
    cells: list[Line] = []
    last_of: dict[int, Line] = {}      # a joined cell → the last line it took
    k = j
    while k < len(lines) and len(cells) < 4000:
        line = lines[k]
        if "\t" in line.text or _stops(line, P):
            break
        if header and line.text == header[0] and \
                [l.text for l in lines[k:k + len(header)]] == header:
            k += len(header)          # the header repeated after a page break
            continue
        prev = cells[-1] if cells else None
        if prev is not None and full_width and _wrapped(last_of.get(id(prev), prev), full_width):
            joined = Line(join_lines([prev.text, line.text]), prev.start, line.end, prev.no)
            last_of[id(joined)] = line
            cells[-1] = joined
        else:
            cells.append(line)
        k += 1
    if not cells:
        return [], j
    # blank lines separate rows only where they are rare (not after every cell)
    gaps = [cells[x + 1].no - cells[x].no > 1 for x in range(len(cells) - 1)]
    if len(gaps) >= 8 and sum(gaps) >= 0.85 * len(gaps):
        # a blank line after every cell: two lines with none between them are one cell
        # whose text broke (与全市经济增速 ⏎ 保持同步)
        merged: list[Line] = []
        for x, c in enumerate(cells):
            if x and not gaps[x - 1]:
                prev = merged[-1]
                joined = Line(join_lines([prev.text, c.text]), prev.start, c.end, prev.no)
                last_of[id(joined)] = c
                merged[-1] = joined
            else:
                merged.append(c)
        cells = merged
        gaps = [True] * (len(cells) - 1)
    hint = sum(gaps) < 0.6 * len(gaps)
    fit_cache: dict = {}
    aligned: dict[tuple[int, int], tuple[float, list[int]]] = {}
    N = len(cells)
    index_col = next((k for k, c in enumerate(cols) if c.role == "index"), None)
    # states[e]: {number of the last row's 序号 (0 before the first): (cost, start, state at start)}
    # — rows are numbered 1, 2, 3 …: a 序号 cell that breaks the count costs, so a value that
    # happens to be a small integer (35) is not taken for the next row's number
    states: list[dict[int, tuple[float, int, int]]] = [dict() for _ in range(N + 1)]
    states[0][0] = (0.0, -1, -1)
    rest_cost = 2.5                       # a line left to the body after the table
    for e in range(1, N + 1):
        for s in range(max(0, e - n_cols), e):
            if not states[s]:
                continue
            cost, where = aligned[s, e] = _align(cells[s:e], cols, P, s == 0, fit_cache)
            if cost == INF:
                continue
            cost += 0.2                     # per row: prefer fuller rows
            if hint:
                if e < N and not gaps[e - 1]:
                    cost += 0.8             # a row that ends where no blank line is
                cost += 0.3 * sum(gaps[s:e - 1])   # a blank line inside a row (an empty cell)
            number = None
            if index_col is not None and index_col in where:
                number = int(cells[s + where.index(index_col)].text.strip())
            for last, (c0, _, _) in states[s].items():
                step = 0.0
                nxt = last
                if number is not None:
                    nxt = number
                    if number != last + 1:
                        step = 3.0          # the count breaks (or restarts)
                total = c0 + cost + step
                if nxt not in states[e] or total < states[e][nxt][0]:
                    states[e][nxt] = (total, s, last)
            if len(states[e]) > 6:          # keep the few best numberings
                keep = sorted(states[e].items(), key=lambda kv: kv[1][0])[:6]
                states[e] = dict(keep)
    best = [min((v[0] for v in st.values()), default=INF) for st in states]
    # where the table ends: the cut that leaves the least unexplained lines
    end = max(range(N + 1), key=lambda e: (-(best[e] + rest_cost * (N - e)), e))
    spans = []
    e = end
    state = min(states[end], key=lambda k: states[end][k][0]) if states[end] else 0
    while e > 0:
        _, s, prev = states[e][state]
        spans.append((s, e))
        e, state = s, prev
    spans.reverse()
    rows: list[GridRow] = []
    for s, e in spans:
        cost, where = aligned[s, e]      # as the cut was scored
        row = GridRow(lines=cells[s:e], cost=cost)
        for cell, c in zip(cells[s:e], where):
            row.cells[cols[c].key] = cell
        rows.append(row)
    # a trailing row of leftovers that fits badly is body text
    while rows and rows[-1].cost > 5.0:
        rows.pop()
    if rows:
        tail = rows[-1].lines[-1]
        after = lines.index(last_of.get(id(tail), tail), j) + 1
    else:
        after = j
    return rows, after


def _wrapped(line: Line, full_width: float) -> bool:
    """A cell line that fills the line and stops mid-sentence: the cell goes on."""
    return line.width >= full_width - 1.5 and not ends_sentence(line.text)


def inherit_groups(rows: list[GridRow], cols: list[GridColumn]) -> list[dict[str, str | None]]:
    """Each row's text per column key, group cells carried down from the row above."""
    out: list[dict[str, str | None]] = []
    carry: dict[str, str | None] = {}
    for r in rows:
        d: dict[str, str | None] = {}
        for c in cols:
            cell = r.cells.get(c.key)
            if cell is not None:
                d[c.key] = cell.text.strip()
                if c.role in GROUP_ROLES:
                    carry[c.key] = d[c.key]
                    # a new outer group opens: the inner groups restart
                    for inner in cols[cols.index(c) + 1:]:
                        if inner.role in GROUP_ROLES and inner.key not in r.cells:
                            carry[inner.key] = None
            elif c.role in GROUP_ROLES:
                d[c.key] = carry.get(c.key)
            else:
                d[c.key] = None
        out.append(d)
    return out
