"""Tables: indicator tables (指标) and service lists (服务项目), flattened or not.

A table arrives in one of three shapes:

* tab-separated rows (from HTML ``<table>`` or copied spreadsheets), one row a line;
* one row a line with cells separated by spaces (PDF extraction), where a long name
  may wrap onto the next line and the values may sit on a line of their own;
* a category cell that spans several rows, written once on a line of its own or
  only on the first row.

The header decides what each column is (``data/structure.toml`` ``header_roles``):
``2020年`` + ``情况`` is the baseline column with year 2020, ``2025年目标`` the target,
``属性``/``指标性质`` the nature. Rows are read from the right: the trailing cells are
values whose shape is known (a number, ``—``, ``>90%``, ``应保尽保``, ``预期性``), and
what is left is the category and the name, with a unit in parentheses at its end.

>>> from plankg.structure.lines import split_lines, Layout
>>> from plankg.structure.patterns import structure
>>> text = ("表 1 主要指标\\n类别 指标名称 2020 年 2025 年 属性\\n幼有所育\\n"
...         "每千人口托位数(个) 1.5 4.5 预期性\\n孤儿保障覆盖率 — 应保尽保 约束性")
>>> end, t = consume(split_lines(text), 0, Layout(30, True), structure(), [])
>>> [(r.title, r.attrs["unit"], r.attrs["category"], r.attrs["target"]["value"],
...   r.attrs["target"]["qualitative"], r.attrs["nature"]) for r in t.children]
[('每千人口托位数', '个', '幼有所育', '4.5', None, '预期性'), ('孤儿保障覆盖率', None, '幼有所育', None, '应保尽保', '约束性')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .lines import LEAD_START, Layout, Line, ends_sentence, heading_of, join_lines
from .lexicon import domain_of_label
from plankg.model import Kind, Node, Warning_
from .normalize import tidy
from . import grid
from .cells import _CJK_ONLY, _FOOTNOTE, _RATE_UNIT, nature_of, parse_value, split_unit
from .patterns import Structure

_YEAR = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年?|[“\"]?十(?P<p>[一二三四五六七八九])五[”\"]?(?:时期|期末)?)")
_COUNT = re.compile(r"[(（]\s*共\s*(?P<n>\d+)\s*项\s*[)）]")
_SENTENCE_PUNCT = re.compile(r"[。,，;；]")

VALUE_ROLES = ("baseline", "target", "nature", "unit")


@dataclass
class Column:
    role: str
    label: str
    year: int | None = None


@dataclass
class Header:
    columns: list[Column] = field(default_factory=list)

    @property
    def roles(self) -> list[str]:
        return [c.role for c in self.columns]

    def table_type(self) -> str:
        r = set(self.roles)
        if r & {"nature", "baseline", "target"}:
            return "indicators"
        if r & {"items", "content"}:
            return "services"
        return "generic"


# -------------------------------------------------------------------- headers

def _header_tokens(s: str) -> list[str]:
    s = re.sub(r"((?:19|20)\d{2})\s+年", r"\1年", s)
    out: list[str] = []
    for t in re.split(r"[\t ]+", s.strip()):
        if t:
            out.extend(_split_glued(t))
    return out


def _split_glued(t: str) -> list[str]:
    """``服务内容与目标服务项目``: two header cells PDF extraction wrote without a space."""
    from .patterns import structure

    roles = structure().header_roles
    if t in roles or len(t) < 4:
        return [t]
    for k in range(2, len(t) - 1):
        if t[:k] in roles and t[k:] in roles:
            return [t[:k], t[k:]]
    return [t]


def _is_header_token(tok: str, P: Structure) -> bool:
    if tok in P.header_roles or tok in P.baseline_words or tok in P.target_words:
        return True
    if re.search(r"\d{4}", tok) and grid.header_cell(tok, P) is not None:
        return True     # 基准值（2020年）, 目标值（2035年）
    m = _YEAR.match(tok)
    if m and m.end() > 0:
        rest = tok[m.end():]
        rest = re.sub(r"^[(（][^)）]*[)）]", "", rest)
        return rest in ("", "年") or rest in P.baseline_words or rest in P.target_words \
            or rest in ("值", "数")
    return False


def is_header_line(s: str, P: Structure) -> bool:
    toks = _header_tokens(s)
    return bool(toks) and all(_is_header_token(t, P) for t in toks)


def parse_header(tokens: list[str], P: Structure, period: tuple[int, int] | None = None) -> Header:
    """Column roles from header tokens, merging ``2020年`` + ``情况`` into one column."""
    cols: list[Column] = []
    for tok in tokens:
        if tok in P.header_roles:
            cols.append(Column(P.header_roles[tok], tok))
            continue
        if (tok in P.baseline_words or tok in P.target_words) and cols and cols[-1].role == "year" \
                and cols[-1].year is not None \
                and not any(w in cols[-1].label for w in (*P.baseline_words, *P.target_words)):
            # "2020年" + "情况"; but "基期值" + "目标值" are two columns
            cols[-1].label += tok
            continue
        if tok in P.baseline_words:
            cols.append(Column("year", tok))
            continue
        if tok in P.target_words:
            cols.append(Column("year", tok))
            continue
        m = _YEAR.match(tok)
        year = None
        if m and m.group("y"):
            year = int(m.group("y"))
        elif m and m.group("p"):
            from .numerals import cn_to_int
            k = 10 + (cn_to_int(m.group("p")) or 0)
            year = 1955 + 5 * k  # "十四五" (k = 14) → 2025, the end of the period
        cols.append(Column("year", tok, year))
    years = [c for c in cols if c.role == "year"]
    for c in years:
        if any(w in c.label for w in P.target_words):
            c.role = "target"
        elif any(w in c.label for w in P.baseline_words):
            c.role = "baseline"
    undecided = [c for c in years if c.role == "year"]
    if undecided:
        known = sorted((c.year for c in years if c.year), key=int)
        for c in undecided:
            if c.year is None:
                c.role = "target"
            elif len(known) >= 2 and c.year == known[0]:
                c.role = "baseline"
            elif len(known) >= 2:
                c.role = "target"
            else:
                c.role = "target" if not period or c.year >= period[1] else "baseline"
    for c in cols:
        if c.role == "baseline" and c.year is None and period:
            c.year = period[0] - 1
        if c.role == "target" and c.year is None and period:
            c.year = period[1]
    return Header(cols)


def _default_header(P: Structure) -> Header:
    return Header([Column("name", ""), Column("baseline", ""), Column("target", ""),
                   Column("nature", "")])


# ----------------------------------------------------------------- detection

def starts_table(lines: list[Line], i: int, P: Structure) -> bool:
    """Does a table without a caption start at ``lines[i]`` (a header row)?"""
    s = lines[i].text
    toks = _header_tokens(s)
    if len(toks) < 2 and not (len(toks) == 1 and toks[0] in P.header_roles):
        return False
    if not is_header_line(s, P):
        return False
    roles = header_roles_at(lines, i, P)
    return bool(roles & {"name", "items", "project"}) and len(roles) >= 2


def header_roles_at(lines: list[Line], i: int, P: Structure) -> set[str]:
    """The column roles the header lines from ``lines[i]`` announce (``year`` for a year)."""
    roles = set()
    j = i
    while j < len(lines) and j < i + 12 and is_header_line(lines[j].text, P):
        roles |= {P.header_roles.get(t, "year") for t in _header_tokens(lines[j].text)}
        j += 1
    return roles


# ----------------------------------------------------------------- consume

def consume(lines: list[Line], i: int, layout: Layout, P: Structure,
            warnings: list[Warning_], period: tuple[int, int] | None = None) -> tuple[int, Node]:
    """Read the table starting at ``lines[i]`` (caption or header); return (next index, node)."""
    first = lines[i]
    table = Node(Kind.TABLE, span=(first.start, first.end))
    j = i
    m = P.caption.match(first.text)
    if m:
        table.number = re.sub(r"\s*[-—–]\s*", "-", m.group("num"))
        table.title = tidy(m.group("title"))
        j += 1
    cells_head = grid.read_header(lines, j, P, period)
    if cells_head is not None and not {c.role for c in cells_head[0]} & {
            "baseline", "target", "nature", "project"}:
        cells_head = None   # a service list: its rows are read by _service_rows below
    if cells_head is not None:
        return _consume_grid(lines, i, j, cells_head, table, P, warnings,
                             layout.full_width if layout.wrapped else None)
    tokens: list[str] = []
    stacked = _stacked_header(lines, j, P)
    if stacked is not None:
        tokens, j = stacked
    head_start = j
    while j < len(lines) and is_header_line(lines[j].text, P) and len(tokens) < 16:
        tokens += _header_tokens(lines[j].text)
        j += 1
    gcols = grid.columns_of(tokens, P, period) if tokens else None
    if gcols and {c.role for c in gcols} & {"baseline", "target", "nature"} and stacked is None \
            and _one_cell_lines(lines, j, len(gcols)):
        # a header on one line over cells one a line: regroup the cells by the header
        return _consume_grid(lines, i, head_start, (gcols, j), table, P, warnings,
                             layout.full_width if layout.wrapped else None)
    if gcols and {c.role for c in gcols} & {"baseline", "target", "nature"}:
        # each value column keyed apart (target, target2 …): 2025年 and 2035年 both targets
        header = Header([Column(c.key, c.label, c.year) for c in gcols])
    else:
        header = parse_header(tokens, P, period) if tokens else None
    if header is None or not ({"name", "items", "domain", "content"} & set(header.roles)):
        if header is None and j < len(lines) and "\t" in lines[j].text:
            header = None
        guess = _guess_type(lines, j, P)
        if header is None:
            header = _default_header(P) if guess == "indicators" else Header(
                [Column("domain", ""), Column("content", ""), Column("items", "")]) if guess == "services" else Header([])
    ttype = header.table_type()
    table.attrs["table_type"] = ttype
    table.attrs["columns"] = header.roles
    for c in header.columns:
        if c.role in ("baseline", "target") and c.year:
            table.attrs[f"{c.role}_year"] = c.year
    if ttype == "indicators":
        end = _indicator_rows(lines, j, P, header, table, warnings)
    elif ttype == "services":
        end = _service_rows(lines, j, layout, P, header, table, warnings, tokens)
    else:
        end = _generic_rows(lines, j, P, table)
    if end <= i + (1 if m else 0) and not table.children:
        if not m:
            return i, table  # not a table after all
    last = lines[max(i, end - 1)]
    table.span = (first.start, last.end)
    if not table.children:
        warnings.append(Warning_("W310", f"table {table.number or ''} {table.title} has no rows".strip(), first.no))
    return end, table


def _one_cell_lines(lines: list[Line], j: int, n_cols: int) -> bool:
    """Do the lines after a header hold one cell each (no TAB, no space between cells)?"""
    probe = lines[j:j + min(n_cols + 1, 8)]
    return len(probe) >= 3 and all("\t" not in l.text and " " not in l.text.strip() for l in probe)


def _consume_grid(lines: list[Line], i: int, j: int, head: tuple[list[grid.GridColumn], int],
                  table: Node, P: Structure, warnings: list[Warning_],
                  full_width: float | None = None) -> tuple[int, Node]:
    """A table whose header and cells come one a line (see :mod:`.grid`)."""
    cols, k = head
    header_text = [l.text for l in lines[j:k]]
    rows, end = grid.align_rows(lines, k, cols, P, header_text, full_width)
    roles = {c.role for c in cols}
    first = lines[i]
    last = lines[max(i, end - 1)]
    values = grid.inherit_groups(rows, cols)
    if "project" in roles and not roles & {"baseline", "target", "nature"}:
        return end, _grid_projects(table, rows, values, cols, (first.start, last.end), warnings, first)
    table.attrs["table_type"] = "indicators" if roles & {"baseline", "target", "nature"} else \
        "services" if roles & {"items", "content"} else "generic"
    table.attrs["columns"] = [c.key for c in cols]
    for c in cols:
        if c.role in ("baseline", "target") and c.year and f"{c.role}_year" not in table.attrs:
            table.attrs[f"{c.role}_year"] = c.year
    table.span = (first.start, last.end)
    years = {c.key: c.year for c in cols}
    for n, (row, vals) in enumerate(zip(rows, values), 1):
        if row.cost >= 3.0:
            warnings.append(Warning_("W313", f"table {table.number or table.title or ''}: row {n} fits "
                                             f"the header badly ({len(row.lines)} cells for {len(cols)} columns)",
                                     row.lines[0].no))
        if table.attrs["table_type"] != "indicators":
            cells = [vals.get(c.key) or "" for c in cols]
            table.children.append(Node(Kind.TABLE_ROW, number=str(n), title=cells[0],
                                       text="\t".join(cells[1:]),
                                       span=(row.lines[0].start, row.lines[-1].end), attrs={"cells": cells}))
            continue
        out: dict[str, Any] = {"name": vals.get("name") or "", "nature": nature_of(vals.get("nature") or "", P)}
        if vals.get("unit"):
            out["unit"] = _unwrap(vals["unit"])
        if vals.get("index"):
            out["index"] = vals["index"]
        for c in cols:
            v = vals.get(c.key)
            if c.role in ("baseline", "target"):
                out[c.key] = _observation(v, P) if v else None
            elif c.role in ("note", "departments") and v:
                out[c.key] = v
        groups = [vals.get(c.key) for c in cols if c.role in grid.GROUP_ROLES]
        category = groups[0] if groups else None
        if len(groups) > 1 and groups[1]:
            out["group"] = groups[1]
        if not out["name"]:
            warnings.append(Warning_("W311", "indicator row without a name", row.lines[0].no))
        _add_indicator(table, out, category, years, row.lines, n, P)
    if not table.children:
        warnings.append(Warning_("W310", f"table {table.number or ''} {table.title} has no rows".strip(), first.no))
    return end, table


def _unwrap(unit: str) -> str:
    """``（个）`` → ``个``; ``条（段）`` stays as it is."""
    u = unit.strip()
    m = re.fullmatch(r"[(（]\s*([^()（）]*)\s*[)）]", u)
    return m.group(1).strip() if m else u


def _observation(cell: str, P: Structure) -> dict[str, Any]:
    """A value cell as an observation; a cell in words is a qualitative target."""
    v = parse_value(cell, P)
    if v is not None:
        return v
    return {"value": None, "value_max": None, "comparator": "", "approximate": False,
            "qualitative": tidy(cell), "raw": cell.strip()}


def _grid_projects(table: Node, rows, values, cols, span, warnings, first: Line) -> Node:
    """An appendix list of key tasks and projects (序号 / 主要领域 / 重点任务或项目) as a box."""
    col = Node(Kind.COLUMN, number=None, title=table.title or "", span=span,
               attrs={"list": True})
    for n, (row, vals) in enumerate(zip(rows, values), 1):
        text = tidy(vals.get("project") or "")
        if not text:
            continue
        lead, sep, rest = text.partition("。")
        name, desc = lead, rest.strip()
        groups = [vals.get(c.key) for c in cols if c.role in grid.GROUP_ROLES]
        attrs = {"field": re.sub(r"\s+", "", groups[0])} if groups and groups[0] else {}
        col.children.append(Node(Kind.PROJECT, number=vals.get("index") or str(n), title=name,
                                 text=desc, span=(row.lines[0].start, row.lines[-1].end), attrs=attrs))
    if not col.children:
        warnings.append(Warning_("W301", f"list {col.title} has no projects", first.no))
    return col


def _stacked_header(lines: list[Line], j: int, P: Structure) -> tuple[list[str], int] | None:
    """A header of two or three tab rows from an HTML table, read column by column.

    ``领域⇥指标⇥单位⇥指标值⇥⇥属性`` over ``领域⇥指标⇥单位⇥2020年⇥2025年⇥属性`` (rowspan
    repeats a cell, colspan leaves the cells after it empty): one token a column,
    ``2020年`` under the group cell ``指标值``; ``2025年`` over ``目标值`` → ``2025年目标值``.
    Returns (tokens, index after the header) or None when there is no such header.
    """
    rows: list[list[str]] = []
    k = j
    while k < len(lines) and k < j + 3 and "\t" in lines[k].text:
        cells = [c.strip() for c in lines[k].text.split("\t")]
        known = [c for c in cells if c and _is_header_token(c.replace(" ", ""), P)]
        if len(known) < 2 or (rows and len(cells) != len(rows[0])):
            break
        unknown = [c for c in cells if c and not _is_header_token(c.replace(" ", ""), P)]
        if any(re.search(r"\d", c) or nature_of(c, P) or parse_value(c, P) for c in unknown):
            break  # a data row
        rows.append(cells)
        k += 1
        if not unknown and len(rows) >= 2:
            break
    if len(rows) < 2 or any(c and not _is_header_token(c.replace(" ", ""), P) for c in rows[-1]):
        return None
    tokens = []
    for col in zip(*rows):
        parts: list[str] = []
        for c in col:
            c = c.replace(" ", "")
            if c and c not in parts:
                parts.append(c)
        # a group cell over sub-columns (指标值, 指标值/目标) names no role of its own
        parts = [c for c in parts if _is_header_token(c, P)] or parts
        if parts:
            tok = "".join(parts)
            tokens.append(tok if _is_header_token(tok, P) else parts[-1])
    return tokens, k


def _guess_type(lines: list[Line], j: int, P: Structure) -> str:
    for line in lines[j:j + 6]:
        toks = line.text.split()
        if toks and nature_of(toks[-1], P):
            return "indicators"
        if _COUNT.search(line.text):
            return "services"
    return "generic"


def _stop(line: Line, P: Structure) -> bool:
    if "\t" in line.text and line.text.strip("\t ").count("\t") < line.text.count("\t"):
        return False  # "一、幼有所育⇥⇥⇥": a group row of the table, not a heading
    h = heading_of(line.text, P)
    return (h is not None and h["rank"] <= 5) or bool(P.caption.match(line.text)) \
        or bool(P.column_header.match(line.text))


def _domain_label(s: str) -> str | None:
    """The service domain a category cell names (``优军服务`` → 优军服务保障), if any."""
    return domain_of_label(s)


# ------------------------------------------------------------ indicator rows

def _indicator_rows(lines, j, P, header: Header, table: Node, warnings) -> int:
    roles = header.roles
    years = {c.role: c.year for c in header.columns if c.role.startswith(("baseline", "target"))}
    try:
        name_at = roles.index("name")
    except ValueError:
        name_at = 0
    trailing = [r for r in roles[name_at + 1:]]
    leading = roles[:name_at]
    category: str | None = None
    pending: list[Line] = []
    cell_lines: list[Line] = []
    k = 0
    n = len(lines)
    while j < n:
        line = lines[j]
        s = line.text
        if _stop(line, P):
            break
        if is_header_line(s, P):
            j += 1  # the header repeated after a page break
            continue
        if "\t" in s:
            cells = [c.strip() for c in s.split("\t")]
            if pending:
                frag = tidy("".join(p.text for p in pending))
                if name_at < len(cells) and _wrapped_name(frag, cells[name_at]):
                    # "每百户居民拥有社区服务设施面" ⏎ "积（平方米）⇥28⇥…": the name cell wrapped
                    cells[name_at] = frag + cells[name_at]
                else:
                    category = frag   # short lines between tab rows are category rows
                pending.clear()
            row = _tab_row(cells, roles, P, warnings, line)
            if row is None:
                if sum(1 for c in cells if c) == 1:
                    category = next(c for c in cells if c)
                    j += 1
                    continue
                break
            if row.get("category"):
                category = row["category"]
            k += 1
            _add_indicator(table, row, category, years, [line], k, P)
            j += 1
            continue
        toks = _value_tokens(s)
        row = _flat_row(toks, trailing, leading, P)
        if row is None and len(toks) >= 3 and not cell_lines:
            # a row with an empty cell (PDF drops it) or a unit glued to the name
            row = _aligned_row(toks, header, line, P)
        if row is None and pending and len(toks) == 1 and len(cell_lines) < len(trailing):
            # one cell a line: collect the value cells after the name
            probe: dict[str, Any] = {}
            role = trailing[len(cell_lines)]
            if (role != "unit" or max(len(p.text) for p in pending) > 6) and _cell_fits(role, toks[0], P, probe) \
                    and (role not in ("baseline", "target") or probe[role]["qualitative"] is None
                         or probe[role]["qualitative"] in P.qualitative):
                cell_lines.append(line)
                if len(cell_lines) < len(trailing):
                    j += 1
                    continue
                row = _flat_row([c.text.strip() for c in cell_lines], trailing, [], P)
                line_group = pending + cell_lines
                cell_lines.clear()
                if row is not None:
                    line = line_group[-1]
                    pending = line_group[:-len(trailing)]
        elif cell_lines:
            break
        if row is not None:
            if pending and row.get("index") and table.children and \
                    not {"category", "domain"} & set(leading) and _name_tail(pending):
                # "1 每千人口拥有3岁以下婴幼儿 个 1.8 4.5 预期性" ⏎ "托位数" ⏎ "2 …": a row that
                # opens with its number has no name before it, and the table has no
                # category column: the lines between are the end of the last row's name
                prev = table.children[-1]
                prev.title = tidy(join_lines([prev.title] + [p.text for p in pending]))
                prev.span = (prev.span[0], pending[-1].end)
                pending = []
            frags = [p.text for p in pending]
            if frags and "index" in leading and not row.get("index"):
                # "6  每千人口执业（助理）医" ⏎ "师数  人  3.4 …": the row's number opens
                # the first line of its wrapped name
                m = _INDEX_FIRST.match(frags[0])
                if m:
                    row["index"], frags[0] = m.group(1), frags[0][m.end():]
            cat, name_frags = _split_category(frags, row.get("name", ""), leading)
            if row.get("category"):
                cat = row["category"]
            if cat:
                category = cat
            name = tidy(join_lines(name_frags + ([row["name"]] if row.get("name") else [])))
            if not name:
                warnings.append(Warning_("W311", "indicator row without a name", line.no))
            row["name"] = name
            k += 1
            _add_indicator(table, row, category, years, pending + [line], k, P)
            pending = []
            j += 1
            continue
        # a fragment: category, or part of a wrapped name
        if _SENTENCE_PUNCT.search(s) or len(pending) >= 3 or _COUNT.search(s):
            break
        pending.append(line)
        j += 1
    if pending:
        # fragments after the last row never became a row: give them back to the body
        j = lines.index(pending[0], 0, j)
    return j


_INDEX_FIRST = re.compile(r"^(\d{1,3})(?:\s+|\s*[.、](?!\d)\s*)(?=[\u4e00-\u9fff（(“])")


def _value_tokens(s: str) -> list[str]:
    s = re.sub(r"(>=|<=|≥|≤|>|<|约)\s+(?=\d)", r"\1", s)
    s = re.sub(r"(?<=\d)\s+(%|以上|以下|左右)", r"\1", s)
    return [t for t in s.split(" ") if t]


def _flat_row(toks: list[str], trailing: list[str], leading: list[str], P: Structure) -> dict | None:
    """Read a space-separated row from the right; None if the trailing cells don't fit."""
    k = len(trailing)
    if k == 0 or len(toks) < k:
        return None
    row: dict[str, Any] = {}
    tail = toks[len(toks) - k:]
    for role, tok in zip(trailing, tail):
        if not _cell_fits(role, tok, P, row):
            return None
    head = toks[: len(toks) - k]
    if leading and head:
        # category / index cells written on the row itself
        for role in leading:
            if not head:
                break
            if role == "index" and head[0].isdigit():
                row["index"] = head.pop(0)
            elif role in ("category", "domain") and len(head) > 1 and (
                    _domain_label(head[0]) or (_CJK_ONLY.match(head[0]) and len(head[0]) <= 8
                                               and _CJK_ONLY.match(head[1][:1]))):
                # "幼有所育 每千人口…": a category cell on the row; a name split by PDF
                # spaces ("每千人口 3 岁以下…") goes on with a digit, not a word
                row["category"] = head.pop(0)
    row["name"] = " ".join(head)
    return row


_NAME_END = re.compile(r"(?:率|数|量|比|比重|比例|面积|人数|指数|时间|长度|密度|规模|水平|年限|寿命|总额|收入|个数|次数)"
                       r"(?:[(（][^()（）]{1,8}[)）])?$")


def _wrapped_name(frag: str, cell: str) -> bool:
    """Is ``frag`` (a line without cells before a row) the start of the row's name cell
    ``cell``, cut by a wrap: the name ends like an indicator only with both (…面 + 积),
    and ``frag`` is no group label?"""
    return bool(cell) and not _NAME_END.search(cell) and not _NAME_END.search(frag) \
        and bool(_NAME_END.search(frag + cell)) and not _SENTENCE_PUNCT.search(frag) \
        and _domain_label(frag) is None


def _name_tail(pending: list[Line]) -> bool:
    """Do the lines between two numbered rows end an indicator's name (``托位数``), not
    name a group of rows (``学有所教``, ``发展规模``)?"""
    text = "".join(p.text for p in pending).replace(" ", "")
    return bool(_NAME_END.search(text)) and not _SENTENCE_PUNCT.search(text) \
        and _domain_label(text) is None and len(text) <= 20


def _aligned_row(toks: list[str], header: Header, line: Line, P: Structure) -> dict | None:
    """A space-separated row whose cells do not fill the header, read by aligning each cell
    to the column it fits (see :func:`plankg.structure.grid.align_cells`)."""
    cols = [grid.GridColumn(re.sub(r"\d+$", "", c.role), c.label, c.year, key=c.role)
            for c in header.columns]
    cells = [Line(t, line.start, line.end, line.no) for t in toks]
    placed = grid.align_cells(cells, cols, P)
    if placed is None or "name" not in placed:
        return None
    row: dict[str, Any] = {}
    for c in cols:
        v = placed.get(c.key)
        if v is None:
            continue
        if c.role in ("baseline", "target"):
            row[c.key] = _observation(v, P)
        elif c.role == "nature":
            row["nature"] = nature_of(v, P)
        elif c.role == "unit":
            row["unit"] = _unwrap(v)
        elif c.role in ("category", "domain"):
            row["category"] = v
        else:
            row[c.role] = v
    if not any(k.startswith(("baseline", "target")) for k in row) and not row.get("nature"):
        return None
    return row


def _cell_fits(role: str, tok: str, P: Structure, row: dict) -> bool:
    if role == "nature":
        nature = nature_of(tok, P)
        if nature:
            row["nature"] = nature
            return True
        return False
    if role.startswith(("baseline", "target")):
        v = parse_value(tok, P)
        if v is None:
            return False
        row[role] = v
        return True
    if role == "unit":
        if (re.match(r"^[^\d\s]{1,6}$", tok) or _RATE_UNIT.match(tok)) and not nature_of(tok, P):
            row["unit"] = _unwrap(tok)
            return True
        return False
    if role in ("note", "departments"):
        row[role] = tok
        return True
    return False


def _tab_row(cells: list[str], roles: list[str], P: Structure, warnings, line: Line) -> dict | None:
    if len(cells) < len(roles):
        # a missing cell: align the values to the right (they are recognisable)
        warnings.append(Warning_("W312", f"row has {len(cells)} cells, header has {len(roles)}", line.no))
        cells = cells + [""] * (len(roles) - len(cells))
    row: dict[str, Any] = {}
    for role, cell in zip(roles, cells):
        cell = tidy(cell)
        if role.startswith(("baseline", "target")):
            row[role] = _observation(cell, P) if cell else None
        elif role == "nature":
            row["nature"] = nature_of(cell, P) or (cell or None)
        elif role in ("category", "domain"):
            row["category"] = cell or None
        elif role == "unit":
            row["unit"] = _unwrap(cell) or None
        elif role == "name":
            row["name"] = cell
        else:
            row[role] = cell
    if not row.get("name"):
        return None
    if not any(row.get(r) for r in row if r.startswith(("baseline", "target", "nature"))):
        return None
    return row


def _split_category(frags: list[str], name_part: str, leading: list[str]) -> tuple[str | None, list[str]]:
    """Which pending fragments are a category cell and which the start of the name."""
    if not frags:
        return None, []
    if leading and " " in frags[0]:
        head, rest = frags[0].split(" ", 1)
        if _domain_label(head) or (_CJK_ONLY.match(head) and len(head) <= 8 and _CJK_ONLY.match(rest[:1])):
            return head, [rest] + frags[1:]
    # the longest run of leading fragments that is a known domain label
    for k in range(len(frags), 0, -1):
        joined = "".join(frags[:k]).replace(" ", "")
        if _domain_label(joined):
            return joined, frags[k:]
    cat_parts: list[str] = []
    for f in frags:
        t = f.replace(" ", "")
        if len(t) <= 6 and not re.search(r"[\d()（）%]", t) and len("".join(cat_parts) + t) <= 8:
            cat_parts.append(t)
        else:
            break
    rest = frags[len(cat_parts):]
    if cat_parts and not name_part and not rest:
        # only short fragments and a values-only row: they are the name
        return None, frags
    return ("".join(cat_parts) or None), rest


def _add_indicator(table: Node, row: dict, category: str | None, years: dict, used: list[Line],
                   k: int, P: Structure) -> None:
    name, unit = split_unit(_FOOTNOTE.sub("", tidy(row.get("name", ""))))
    if not unit and not row.get("unit") and re.search(r"[\u4e00-\u9fff](?:%|‰)$", name):
        name, unit = name[:-1], name[-1]      # 城镇调查失业率% : the unit cell glued to the name
    if row.get("unit") and unit and unit != row["unit"]:
        # 风貌保护道路（街巷） with 条 in the unit column: the parentheses are the name's
        name, unit = tidy(row.get("name", "")), None
    unit = row.get("unit") or unit
    obs: dict[str, Any] = {}
    targets: list[dict] = []
    for role in [r for r in row if r.startswith(("baseline", "target"))] or ["baseline", "target"]:
        v = row.get(role)
        if v is not None:
            v = dict(v)
            v["year"] = years.get(role)
            if v.pop("percent", False) and not unit:
                unit = "%"
        if role.startswith("target"):
            if v is not None:
                targets.append(v)
        elif role == "baseline":
            obs["baseline"] = v
    if category:
        # "一、幼有所育" / "（二）学有所教": a numbered group row names the category
        category = re.sub(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十]{1,3}[)）])\s*", "",
                          tidy(category)) or None
    attrs = {"category": category, "unit": unit,
             "baseline": obs.get("baseline"), "target": targets[0] if targets else None,
             "nature": row.get("nature")}
    if len(targets) > 1:
        attrs["targets"] = targets
    for extra in ("index", "note", "departments", "group"):
        if row.get(extra):
            attrs[extra] = row[extra]
    node = Node(Kind.INDICATOR, number=str(k), title=name, span=(used[0].start, used[-1].end),
                attrs=attrs)
    table.children.append(node)


# -------------------------------------------------------------- service rows

def _service_rows(lines, j, layout, P, header: Header, table: Node, warnings, header_tokens) -> int:
    roles = header.roles
    n = len(lines)
    has_content = "content" in roles
    state = "domain"
    cur: Node | None = None
    content: list[Line] = []
    items: list[Line] = []

    def finish(end_line: Line | None) -> None:
        nonlocal cur
        if cur is None:
            return
        if has_content and content and items and not _fits(content, items):
            split = _deinterleave(content + items)
            if split is not None:
                content[:], items[:] = split
        if content:
            cur.text = tidy(join_lines([c.text for c in content]))
        _set_items(cur, join_lines([t.text for t in items]), warnings, items[0].no if items else None)
        if end_line is not None:
            cur.span = (cur.span[0], end_line.end)
        content.clear()
        items.clear()
        cur = None

    def open_domain(title: str, span: tuple[int, int]) -> Node:
        """Close the current domain row and start the next one."""
        nonlocal cur
        finish(last_line)
        cur = Node(Kind.SERVICE_DOMAIN, number=str(len(table.children) + 1), title=title, span=span)
        table.children.append(cur)
        return cur

    last_line: Line | None = None
    # the national list's shape: 序号 服务项目 服务对象 服务内容 …, one item a row under
    # group rows (一、幼有所育); in PDF text its cells come one or several a line
    one_item_rows = "items" in roles and "index" in roles and roles.index("items") == roles.index("index") + 1
    last_index: int | None = None
    name_next = False  # the row number stood alone: the next line is the item's name
    while j < n:
        line = lines[j]
        s = line.text
        group = _group_label(s, P) if one_item_rows else None
        if group:
            # "一、幼有所育": a group row of a list with one item per row
            open_domain(group, (line.start, line.end))
            last_line = line
            j += 1
            continue
        if _stop(line, P):
            break
        if is_header_line(s, P) or s.replace(" ", "") == "".join(header_tokens):
            j += 1
            continue
        if one_item_rows and cur is not None and "\t" not in s:
            m = re.match(r"^(\d{1,3})(?:\s+(\S+)|$)", s)
            if m and (last_index is None or last_index < int(m.group(1)) <= last_index + 50):
                last_index = int(m.group(1))
                if m.group(2):
                    items.append(Line(m.group(2) + "，", line.start, line.end, line.no))
                name_next = not m.group(2)
            elif name_next:
                items.append(Line(s.split(" ")[0] + "，", line.start, line.end, line.no))
                name_next = False
            elif last_index is None or line.width >= layout.full_width * 0.8 or LEAD_START.match(s):
                break  # a paragraph after the table, not one of its cells
            # else: another cell of the current row (服务对象, 服务标准 …)
            last_line = line
            j += 1
            continue
        if "\t" in s:
            cells = [c.strip() for c in s.split("\t")]
            if one_item_rows and sum(1 for c in cells if c) == 1:
                only = next(c for c in cells if c)
                open_domain(_group_label(only, P) or only, (line.start, line.end))
                last_line = line
                j += 1
                continue
            row = dict(zip(roles, cells))
            dom = tidy(row.get("domain") or row.get("category") or "")
            if cur is None or (dom and dom != cur.title):
                finish(last_line)
                if not dom and table.children:
                    cur = table.children[-1]
                    items.append(line)  # continue the previous domain
                else:
                    open_domain(dom, (line.start, line.end))
            if row.get("content"):
                content.append(Line(row["content"], line.start, line.end, line.no))
            if row.get("items"):
                items.append(Line(row["items"] + "，", line.start, line.end, line.no))
            last_line = line
            j += 1
            continue
        if state == "domain" and " " in s:
            # one row on one line: "学有所教 为适龄儿童…权利。 学前教育幼儿资助，…（共4项）"
            head, _, rest = s.partition(" ")
            if len(head) <= 8 and not re.search(r"[。,，;；:：\d]", head) and rest.strip():
                open_domain(head, (line.start, line.end))
                rest = rest.strip()
                if has_content:
                    c_end = rest.find("。")
                    if c_end >= 0:
                        content.append(Line(rest[: c_end + 1], line.start, line.end, line.no))
                        rest = rest[c_end + 1:].strip()
                        state = "items"
                    else:
                        content.append(Line(rest, line.start, line.end, line.no))
                        rest = ""
                        state = "content"
                else:
                    state = "items"
                if rest:
                    items.append(Line(rest, line.start, line.end, line.no))
                last_line = line
                j += 1
                if state == "items" and _COUNT.search(rest):
                    finish(line)
                    state = "domain"
                continue
        if state == "domain":
            label = _label_line(lines, j, layout)
            if label is None:
                break
            text, used = label
            open_domain(text, (line.start, lines[j + used - 1].end))
            j += used
            last_line = lines[j - 1]
            state = "content" if has_content else "items"
            continue
        if state == "content":
            content.append(line)
            last_line = line
            j += 1
            if re.search(r"。[”’\"）)]*$", s):
                state = "items"
            elif len(content) > 20:
                break
            continue
        # items
        items.append(line)
        last_line = line
        j += 1
        if _COUNT.search(s) or (")" in s or "）" in s) and _COUNT.search(tidy(join_lines([t.text for t in items[-2:]]))):
            finish(line)
            state = "domain"
    finish(last_line)
    return j


def _count_items(text: str) -> tuple[int | None, int]:
    """(declared count, items found) in a domain row's item text."""
    t = tidy(text)
    m = _COUNT.search(t)
    if not m:
        return None, 0
    t = (t[: m.start()] + t[m.end():]).strip().rstrip("。.，,;； ")
    return int(m.group("n")), len([p for p in re.split(r"[,，;；]", t) if p.strip(" 。")])


def _fits(content: list[Line], items: list[Line]) -> bool:
    """Content that ends a sentence and items that come to their declared count."""
    declared, found = _count_items(join_lines([l.text for l in items]))
    return (declared is None or declared == found) and ends_sentence(join_lines([l.text for l in content]))


def _deinterleave(lines: list[Line]) -> tuple[list[Line], list[Line]] | None:
    """Content and item cells whose lines PDF extraction interleaved, told apart by the count.

    A three-column row (领域 | 服务内容与目标 | 服务项目) flattened cell by cell gives the
    lines of the two text cells in turns: content, items, content, items … until the
    shorter cell ends. The split is right when the items come to the declared
    ``（共N项）`` and the content ends a sentence; None when no split fits.
    """
    lines = sorted(lines, key=lambda l: l.start)
    n = len(lines)
    for first in (0, 1):                       # content first, or items first
        for pairs in range(n // 2, 0, -1):      # how long the two cells alternate
            a: list[Line] = []
            b: list[Line] = []
            for k, l in enumerate(lines):
                if k < 2 * pairs:
                    (a if k % 2 == first else b).append(l)
                else:
                    b.append(l)                 # the longer cell goes on alone
            content_text = join_lines([l.text for l in a])
            d, f = _count_items(join_lines([l.text for l in b]))
            if d is not None and d == f and ends_sentence(content_text) \
                    and not _COUNT.search(content_text):
                return a, b
    return None


def _group_label(s: str, P: Structure) -> str | None:
    """``一、幼有所育`` / ``(二)学有所教``: a numbered group row naming a service domain."""
    m = re.match(r"^(?:[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十]{1,3}[)）])\s*(\S{2,10})$", s.strip())
    if m and _domain_label(m.group(1)):
        return m.group(1)
    return None


def _label_line(lines: list[Line], j: int, layout: Layout) -> tuple[str, int] | None:
    """A service domain label (``幼有所育``, ``优军服务`` + ``保障``) at ``lines[j]``."""
    s = lines[j].text.replace(" ", "")
    if len(s) > 8 or re.search(r"[。,，;；:：\d]", s):
        return None
    if j + 1 < len(lines):
        nxt = lines[j + 1].text.replace(" ", "")
        joined = s + nxt
        if len(nxt) <= 4 and not re.search(r"[。,，;；\d]", nxt) and (
                _domain_label(joined) or (not _domain_label(s) and len(joined) <= 8)):
            return joined, 2
    return s, 1


def _set_items(dom: Node, text: str, warnings: list[Warning_], line_no: int | None) -> None:
    text = tidy(text)
    declared = None
    m = _COUNT.search(text)
    if m:
        declared = int(m.group("n"))
        text = text[: m.start()] + text[m.end():]
    text = text.strip().rstrip("。.，,;； ")
    parts = [p.strip(" 。") for p in re.split(r"[,，;；]", text) if p.strip(" 。")]
    if declared and len(parts) == 1 and len(re.split("、", text)) == declared:
        parts = [p.strip() for p in text.split("、")]
    dom.attrs["declared_count"] = declared
    for k, p in enumerate(parts, 1):
        dom.children.append(Node(Kind.SERVICE_ITEM, number=str(k), title=p, span=dom.span))
    if declared is not None and declared != len(parts):
        warnings.append(Warning_("W320", f"service domain {dom.title}: declared {declared} items, "
                                         f"found {len(parts)}", line_no))


# -------------------------------------------------------------- generic rows

def _generic_rows(lines, j, P, table: Node) -> int:
    n = len(lines)
    k = 0
    while j < n and "\t" in lines[j].text and not _stop(lines[j], P):
        k += 1
        cells = [tidy(c) for c in lines[j].text.split("\t")]
        table.children.append(Node(Kind.TABLE_ROW, number=str(k), title=cells[0],
                                   text="\t".join(cells[1:]), span=(lines[j].start, lines[j].end),
                                   attrs={"cells": cells}))
        j += 1
    return j
