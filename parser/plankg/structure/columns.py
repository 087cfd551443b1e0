"""专栏 boxes: the header, the numbered projects and their descriptions.

Layouts handled: a project number and name on a line of their own with the
description on the lines after it (text from PDF); ``1.名称：说明`` on one line (web
pages); tab-separated rows ``1⇥名称⇥说明`` (HTML tables). A project number must be
the next one expected (1, 2, 3 …), so a description line that happens to start with
a number (``1 个养老实训基地``) is not taken for a project.

>>> from plankg.structure.lines import split_lines, Layout
>>> from plankg.structure.patterns import structure
>>> ls = split_lines("专栏 2 学有优教工程\\n1 学前教育扩容工程\\n建设 100 所幼儿园。\\n"
...                  "2 义务教育提升工程\\n新建校舍 10 万平方米。")
>>> end, node = consume(ls, 0, Layout(30, True), structure(), [])
>>> node.number, node.title, [(p.number, p.title, p.text) for p in node.children]
('2', '学有优教工程', [('1', '学前教育扩容工程', '建设100所幼儿园。'), ('2', '义务教育提升工程', '新建校舍10万平方米。')])
"""
from __future__ import annotations

import re

from . import tables
from .lines import Layout, Line, ends_sentence, heading_of, join_lines
from plankg.model import Kind, Node, Warning_
from .normalize import tidy
from .numerals import circled, cn_to_int
from .patterns import Structure

_LEAD = re.compile(r"^[^。，,；;]{3,30}。\S")


def consume(lines: list[Line], i: int, layout: Layout, P: Structure,
            warnings: list[Warning_]) -> tuple[int, Node]:
    """Read the 专栏 whose header is ``lines[i]``; return (next line index, column node)."""
    head = lines[i]
    m = P.column_header.match(head.text)
    number = re.sub(r"\s*[-—–]\s*", "-", m.group("num")) if m.group("num") else None
    title = m.group("title").strip()
    col = Node(Kind.COLUMN, number=number, title=title, span=(head.start, head.end))
    j = i + 1
    if not title and j < len(lines) and _short_title(lines[j], P):
        col.title = lines[j].text.strip()
        j += 1
    if j < len(lines) and (P.caption.match(lines[j].text) or tables.starts_table(lines, j, P)
                           and not {"project", "items"} & tables.header_roles_at(lines, j, P)):
        # a box that holds a table (专栏1 …核心指标表): the table reader takes it from here
        col.attrs["holds_table"] = True
        col.span = (head.start, lines[j - 1].end)
        return j, col
    intro: list[Line] = []
    current: Node | None = None
    desc: list[Line] = []
    expected = 1
    style: str | None = None  # how the first project is numbered; the others follow it
    sublist: dict[str, int] = {}  # next number of a list inside a description, by style

    def close() -> None:
        if current is not None:
            if desc:
                current.text = tidy(join_lines([current.text] + [d.text for d in desc])) if current.text else tidy(join_lines([d.text for d in desc]))
                current.span = (current.span[0], desc[-1].end)
            desc.clear()

    n = len(lines)
    while j < n:
        line = lines[j]
        s = line.text
        h = heading_of(s, P)
        if (h is not None and (h["rank"] <= 5 and not _project_like(h, expected))) \
                or P.caption.match(s) or P.column_header.match(s):
            break
        if h is not None and current is not None and h["rank"] >= 6 \
                and not (_project_like(h, expected) and _number_style(s) == style):
            # "3.特殊教育" after （1）（2） projects is the body's next heading; a list
            # inside a description starts at 1 and counts on
            if h["number"] != sublist.get(h["style"], 1):
                break
            sublist[h["style"]] = h["number"] + 1
        proj = _project_line(s, expected, P)
        if proj is not None and style is not None and _number_style(s) != style:
            proj = None  # "1.…" inside a project numbered （1）: part of its description
        if proj is not None:
            close()
            style = _number_style(s)
            pnum, name, inline_desc = proj
            current = Node(Kind.PROJECT, number=str(pnum), title=name, text=inline_desc,
                           span=(line.start, line.end))
            col.children.append(current)
            expected = pnum + 1
            j += 1
            if not inline_desc and "\t" not in s and j < n:
                j = _join_wrapped_name(current, lines[j], j, P,
                                       [c.title for c in col.children[:-1]])
            continue
        if current is not None and _ends_column(current, desc, line, layout):
            break
        if current is None:
            intro.append(line)
        else:
            desc.append(line)
        j += 1
    close()
    if intro:
        col.attrs["intro"] = tidy(join_lines([l.text for l in intro]))
    if not col.children:
        warnings.append(Warning_("W301", f"专栏{number or col.title} has no numbered projects", head.no))
    declared = _declared_count(col.title)
    if declared is not None:
        col.attrs["declared_count"] = declared
        if col.children and declared != len(col.children):
            warnings.append(Warning_("W302", f"专栏{number or ''} {col.title}: declares {declared} "
                                             f"projects, found {len(col.children)}", head.no))
    end_line = lines[j - 1]
    col.span = (head.start, end_line.end)
    return j, col


_DECLARED = re.compile(r"(?P<n>[一二三四五六七八九十百两\d]{1,3})\s*(?:大|项|个)(?:重点|重大|民生|惠民)?(?:工程|行动|计划|项目)")


def _declared_count(title: str) -> int | None:
    """``十大民生工程`` / ``8项重点行动`` in a box's title: the count it declares.

    >>> _declared_count("十大民生工程"), _declared_count("8项重点行动"), _declared_count("托育服务工程")
    (10, 8, None)
    """
    m = _DECLARED.search(title or "")
    return cn_to_int(m.group("n")) if m else None


def _join_wrapped_name(project: Node, nxt: Line, j: int, P: Structure,
                       siblings: list[str] = ()) -> int:
    """``1 妇幼健康提升`` ⏎ ``工程 …``: a name the PDF wrapped ends on the next line.

    Joined only when the name does not yet end like a project name and a few characters
    at the start of the next line make it end so: like the lexicon's project names
    (``columns.wrap_suffixes``: 工程, 计划 …) or like the box's earlier entries (their
    last two characters: ``…示范基地`` ⏎ ``基地``). The rest of that line opens the
    description. Returns the index of the next line to read.

    >>> from plankg.structure.patterns import structure
    >>> from plankg.structure.lines import Line
    >>> p = Node(Kind.PROJECT, number="2", title="社区嵌入式养老服务示范", text="", span=(0, 14))
    >>> nxt = Line(no=2, start=15, end=30, text="基地 建成30个。")
    >>> _join_wrapped_name(p, nxt, 1, structure(), ["医养结合示范基地"]), p.title
    (2, '社区嵌入式养老服务示范基地')
    """
    endings = P.wrap_suffixes + tuple(
        {t[-2:] for t in siblings if re.fullmatch(r"[\u4e00-\u9fff]{2}", t[-2:])})
    name = project.title
    if name.endswith(endings):
        return j
    t = nxt.text
    for k in range(1, min(6, len(t)) + 1):
        head = t[:k]
        if not re.match(r"^[\u4e00-\u9fff]+$", head):
            break
        if (name + head).endswith(endings) and len(name) + k <= P.max_name:
            project.title = name + head
            rest = t[k:].strip(" 。：:，,")
            project.text = tidy(rest)
            project.span = (project.span[0], nxt.end)
            return j + 1
    return j


def _short_title(line: Line, P: Structure) -> bool:
    return len(line.text) <= 30 and not ends_sentence(line.text) and not P.project.match(line.text)


def _number_style(s: str) -> str:
    """How a project line is numbered: ``(1)``, ``1.`` (also ``1、``), ``1 `` or a tab row."""
    if "\t" in s:
        return "tab"
    t = s.lstrip()
    if t[:1] in "(（":
        return "(1)"
    if circled(t[:1]):
        return "①"
    m = re.match(r"\d{1,2}\s*([.、．])?", t)
    return "1." if m and m.group(1) else "1"


def _project_like(h: dict, expected: int) -> bool:
    """A "1." heading inside a 专栏 is a project line when its number is the expected one."""
    return h["style"] in ("1.", "(1)", "①") and h["number"] == expected


def _project_line(s: str, expected: int, P: Structure) -> tuple[int, str, str] | None:
    if "\t" in s:
        cells = [c.strip() for c in s.split("\t") if c.strip()]
        if len(cells) >= 2 and _cell_number(cells[0]) == expected:
            return expected, tidy(cells[1]).rstrip("。"), tidy(" ".join(cells[2:]))
        m = P.project.match(cells[0]) if len(cells) >= 2 else None
        if m and "\t" not in m.group("rest"):
            # "1.社区医院建设工程⇥建成社区医院25家…": the number leads the name cell
            if _project_number(m) != expected:
                return None
            return expected, tidy(m.group("rest")).rstrip("。"), tidy(" ".join(cells[1:]))
        if len(cells) >= 2 and not cells[0].isdigit() and len(cells[0]) <= P.max_name \
                and cells[0].endswith(P.name_suffixes):
            return expected, tidy(cells[0]), tidy(" ".join(cells[1:]))
        return None
    m = P.project.match(s)
    if not m:
        return None
    num = _project_number(m)
    if num != expected:
        return None
    rest = m.group("rest").strip()
    if not re.match(r"[\u4e00-\u9fff“\"《]", rest):
        return None
    name, desc = _split_name(rest, P)
    if name is None:
        return None
    return num, name, desc


def _cell_number(cell: str) -> int | None:
    """A first cell that is only a number (``3`` or ``③``): its value."""
    return cn_to_int(cell) if cell.isdecimal() or circled(cell) else None


def _project_number(m: re.Match) -> int:
    """The number of a line matched by the ``project`` pattern: 3 for "3.", "(3)" or "③"."""
    return cn_to_int(m.group("num") or m.group("pnum") or m.group("cnum")) or 0


def _split_name(rest: str, P: Structure) -> tuple[str | None, str]:
    """Project name and inline description from the text after the number."""
    t = tidy(rest)
    for sep in ("：", ":"):
        if sep in t:
            name, _, desc = t.partition(sep)
            if 1 < len(name) <= P.max_name:
                return name.rstrip("。"), desc.strip()
    if "。" in t:
        name, _, desc = t.partition("。")
        if len(name) <= P.max_name and name.endswith(P.name_suffixes):
            return name, desc.strip()
        if 2 <= len(name) <= 20 and desc.strip() and not re.search(r"[,，;；:：]", name):
            # （1）普惠托育扩容。新增托位8000个。: a short lead phrase names the project
            return name, desc.strip()
    if len(t) <= P.max_name and not ends_sentence(t) and not re.search(r"[,，;；]", t):
        return t, ""
    # "1 名称工程 说明…" on one line: split after the first name suffix
    for k in range(2, min(len(t), P.max_name) + 1):
        if t[:k].endswith(P.name_suffixes) and (k == len(t) or not t[k].isalnum() or " " in rest):
            return t[:k], t[k:].strip(" ：:，,")
    return None, ""


def _ends_column(current: Node, desc: list[Line], line: Line, layout: Layout) -> bool:
    """A body paragraph after the last project's description closes the 专栏."""
    prior = desc[-1].text if desc else current.text
    if not prior or not ends_sentence(prior):
        return False
    if not _LEAD.match(line.text):
        return False
    if layout.wrapped:
        return line.width <= layout.full_width - 1.5
    return bool(desc) or bool(current.text)
