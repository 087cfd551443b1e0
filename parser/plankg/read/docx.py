"""DOCX bytes → the plan's text: paragraphs and tables in body order, Word numbering restored.

python-docx (MIT) opens the package and gives the XML of the body, the styles and the
numbering definitions; the body is then walked with lxml, because the text a reader
sees is more than python-docx's ``paragraph.text``:

* **Automatic numbering.** ``第一章``, ``一、``, ``（一）``, ``1.`` in a Word plan are
  usually not in the text runs: Word draws them from ``numbering.xml``. A paragraph's
  ``w:numPr`` (its own, else its style's, following ``w:basedOn``) names a list and a
  level; the level's ``w:lvlText`` (``第%1章``) with each ``%n`` replaced by the
  counter of level n formatted by its ``w:numFmt`` (``chineseCounting`` → 一, 十一,
  ``ideographTraditional`` → 甲, ``decimal`` → 1 …) is put before the text, followed
  by what ``w:suff`` says (a TAB is written as a space so the line is not a table
  row). Counters follow Word: per abstract list, a level restarts when a higher one
  advances, ``w:start`` and ``w:startOverride`` respected.
* **Tables** become TAB-joined rows (:class:`~plankg.read.compose.TextWriter`); a
  horizontally merged cell (``w:gridSpan``) is written once followed by empty cells, a
  vertically merged one (``w:vMerge``) repeats its text down the rows as the HTML
  reader does for ``rowspan``. A table of one column, or a table holding a table, is
  a box — how Word plans draw a 专栏 — and its paragraphs are written as lines between
  blank lines.
* **Text boxes and frames** (``w:txbxContent``; the ``mc:Fallback`` copy skipped) are
  boxes too, written after the paragraph that anchors them.
* ``w:tab`` is a space, ``w:br``/``w:cr`` a line break; deleted revision text
  (``w:delText``) and field codes (``w:instrText``) are not text.

Each line records its origin in :attr:`Extracted.parts`: ``p12`` (the 12th body
paragraph), ``t2r3`` (row 3 of table 2), ``t2b`` (a box table), ``x4`` (text box 4).
"""
from __future__ import annotations

import io
import re
import zipfile

from plankg.errors import PlanKGError
from plankg.read.compose import Extracted, TextWriter, clean_cell

__all__ = ["read_docx", "format_number"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _R, _T = _q("p"), _q("tbl"), _q("tr"), _q("tc"), _q("r"), _q("t")
_SDT, _SDT_CONTENT, _TXBX = _q("sdt"), _q("sdtContent"), _q("txbxContent")
_VAL = _q("val")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def read_docx(data: bytes, path: str, zf: zipfile.ZipFile | None = None) -> Extracted:
    """The text of a Word document (see the module docstring).

    Raises:
        InputError: E109 when the package or its XML is damaged.
    """
    import docx   # python-docx: only a Word file needs it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = docx.Document(io.BytesIO(data))
        body = doc.element.body
        styles = doc.styles.element
        try:
            numbering = doc.part.numbering_part.element
        except (NotImplementedError, KeyError):
            numbering = None
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise PlanKGError.make("E109", path=path, reason=str(e) or type(e).__name__) from None
    except Exception as e:   # lxml XMLSyntaxError and friends from a damaged part
        raise PlanKGError.make("E109", path=path, reason=f"{type(e).__name__}: {e}"[:300]) from None
    w = _Walker(_Numbering(numbering, styles))
    w.outline = _outline_levels(styles)
    w.block(body)
    ex = w.out.result()
    ex.headings = w.headings
    return ex


def _style_values(styles, own_value) -> dict:
    """Style id → ``own_value(style element)``, a style without one taking its
    ``w:basedOn`` parent's (and so on up the chain)."""
    based: dict[str, str] = {}
    own: dict = {}
    for st in styles.iter(_q("style")):
        sid = st.get(_q("styleId"))
        b = st.find(_q("basedOn"))
        if b is not None:
            based[sid] = b.get(_VAL)
        v = own_value(st)
        if v is not None:
            own[sid] = v
    out: dict = {}
    for sid in set(based) | set(own):
        cur, seen = sid, set()
        while cur and cur not in own and cur not in seen:
            seen.add(cur)
            cur = based.get(cur)
        if cur in own:
            out[sid] = own[cur]
    return out


def _outline_level(st) -> int | None:
    """A style's own outline level (0 = Heading 1), from ``w:outlineLvl`` or its name."""
    ppr = st.find(_q("pPr"))
    lvl = _int(_val(ppr, "outlineLvl")) if ppr is not None else None
    if lvl is None:
        name = st.find(_q("name"))
        m = re.match(r"^heading\s*(\d)$", (name.get(_VAL) if name is not None else "") or "", re.I)
        lvl = int(m.group(1)) - 1 if m else None
    return lvl if lvl is not None and lvl < 9 else None


def _outline_levels(styles) -> dict[str, int]:
    """Style id → outline level (0 = Heading 1), following ``w:basedOn``."""
    return _style_values(styles, _outline_level)


# --------------------------------------------------------------------------- numbering

_CN_DIGITS = "零一二三四五六七八九"
_TRAD = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese(n: int) -> str:
    """一 … 十 … 十一 … 二十 … 九十九 … 一百零一 (counting style, as Word writes it)."""
    if n <= 0:
        return _CN_DIGITS[0]
    if n >= 10000:
        return str(n)
    out = ""
    units = [(1000, "千"), (100, "百"), (10, "十")]
    zero = False
    for value, name in units:
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
                zero = False
            out += ("" if (value == 10 and d == 1 and not out) else _CN_DIGITS[d]) + name
        elif out:
            zero = True
    if n:
        if zero:
            out += "零"
        out += _CN_DIGITS[n]
    return out


def _roman(n: int) -> str:
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def _letters(n: int) -> str:
    n = max(n, 1)
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """A list counter as Word draws it for ``w:numFmt`` ``fmt``.

    >>> [format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 21, 105)]
    ['一', '十', '十一', '二十', '二十一', '一百零五']
    >>> format_number(3, "ideographTraditional"), format_number(12, "decimal"), format_number(4, "upperRoman")
    ('丙', '12', 'IV')
    """
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "taiwaneseCounting", "taiwaneseCountingThousand", "japaneseCounting",
               "ideographLegalTraditional"):
        s = _chinese(n)
        if fmt == "chineseLegalSimplified":
            s = s.translate(str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟"))
        return s
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇" if c == "0" else _CN_DIGITS[int(c)] for c in str(n))
    if fmt == "ideographTraditional":
        return _TRAD[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _ZODIAC[(n - 1) % 12]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class _Numbering:
    """Word's list definitions and the running counters of a document."""

    def __init__(self, numbering, styles) -> None:
        self.levels: dict[str, dict[int, dict]] = {}      # abstractNumId -> ilvl -> level
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}   # numId -> (abstract, overrides)
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[tuple[str, str]] = set()       # (numId, abstract) seen, for overrides
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        if numbering is not None:
            for a in numbering.iter(_q("abstractNum")):
                aid = a.get(_q("abstractNumId"))
                lv = {}
                for lvl in a.iter(_q("lvl")):
                    ilvl = int(lvl.get(_q("ilvl"), "0") or 0)
                    lv[ilvl] = {
                        "start": int(_val(lvl, "start") or 1),
                        "fmt": _val(lvl, "numFmt") or "decimal",
                        "text": _val(lvl, "lvlText") or "",
                        "suff": _val(lvl, "suff") or "tab",
                    }
                self.levels[aid] = lv
            for n in numbering.iter(_q("num")):
                nid = n.get(_q("numId"))
                aid = _val(n, "abstractNumId")
                overrides = {}
                for o in n.iter(_q("lvlOverride")):
                    so = o.find(_q("startOverride"))
                    if so is not None:
                        overrides[int(o.get(_q("ilvl"), "0"))] = int(so.get(_VAL, "1"))
                self.nums[nid] = (aid, overrides)
        self._styles(styles)

    def _styles(self, styles) -> None:
        def numbering_of(st):
            ppr = st.find(_q("pPr"))
            npr = ppr.find(_q("numPr")) if ppr is not None else None
            return None if npr is None else (_val(npr, "numId"), _int(_val(npr, "ilvl")))

        self.style_num.update(_style_values(styles, numbering_of))

    def label(self, p) -> tuple[str, str]:
        """``(number text, suffix)`` Word draws before paragraph ``p``; ``("", "")`` if none."""
        ppr = p.find(_q("pPr"))
        num_id, ilvl = None, None
        if ppr is not None:
            npr = ppr.find(_q("numPr"))
            if npr is not None:
                num_id, ilvl = _val(npr, "numId"), _int(_val(npr, "ilvl"))
            if num_id is None:
                ps = ppr.find(_q("pStyle"))
                if ps is not None and ps.get(_VAL) in self.style_num:
                    num_id, sty_lvl = self.style_num[ps.get(_VAL)]
                    ilvl = ilvl if ilvl is not None else sty_lvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return "", ""
        ilvl = ilvl or 0
        aid, overrides = self.nums[num_id]
        levels = self.levels.get(aid)
        if not levels or ilvl not in levels:
            return "", ""
        counters = self.counters.setdefault(aid, {})
        if (num_id, aid) not in self.started:
            self.started.add((num_id, aid))
            for lv, start in overrides.items():
                counters[lv] = start - 1
        counters[ilvl] = counters.get(ilvl, levels[ilvl]["start"] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        lvl = levels[ilvl]

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            if k not in levels:
                return ""
            n = counters.get(k, levels[k]["start"])
            return format_number(n, levels[k]["fmt"])

        text = re.sub(r"%([1-9])", sub, lvl["text"])
        suff = {"tab": " ", "space": " "}.get(lvl["suff"], "")
        return text, suff


def _val(el, tag: str) -> str | None:
    c = el.find(_q(tag))
    return None if c is None else c.get(_VAL)


def _int(v: str | None) -> int | None:
    try:
        return int(v) if v is not None else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- body walk

class _Walker:
    def __init__(self, numbering: _Numbering) -> None:
        self.num = numbering
        self.out = TextWriter(parts=True)
        self.np = 0        # body paragraphs
        self.nt = 0        # tables
        self.nx = 0        # text boxes
        self.outline: dict[str, int] = {}             # style id → outline level
        self.headings: list[tuple[str, int]] = []     # (line, level 1–4) of heading paragraphs

    def block(self, container) -> None:
        for el in container:
            tag = el.tag
            if tag == _P:
                self.paragraph(el)
            elif tag == _TBL:
                self.table(el)
            elif tag == _SDT:
                content = el.find(_SDT_CONTENT)
                if content is not None:
                    self.block(content)

    def paragraph(self, p) -> None:
        self.np += 1
        label, suff = self.num.label(p)
        lines, boxes = _runs(p)
        if label and lines and lines[0].strip():
            lines[0] = label + suff + lines[0].lstrip()
        elif label:
            lines = [label] + lines
        level = self._outline_level(p)
        if level is not None and level < 4 and len(lines) == 1 and lines[0].strip():
            # a heading style (标题 1, Heading 2 …): a heading even without a number
            self.headings.append((lines[0].strip(), level + 1))
        for i, ln in enumerate(lines):
            self.out.line(ln, f"p{self.np}" if i == 0 else None)
        for box in boxes:
            self.nx += 1
            self.out.blank()
            self.box_content(box, f"x{self.nx}")
            self.out.blank()

    def _outline_level(self, p) -> int | None:
        ppr = p.find(_q("pPr"))
        if ppr is None:
            return None
        own = _int(_val(ppr, "outlineLvl"))
        if own is not None:
            return own
        ps = ppr.find(_q("pStyle"))
        return self.outline.get(ps.get(_VAL)) if ps is not None else None

    def box_content(self, container, where: str) -> None:
        first = True
        for el in container:
            if el.tag == _P:
                label, suff = self.num.label(el)
                lines, boxes = _runs(el)
                if label:
                    lines = [label + suff + (lines[0].lstrip() if lines else "")] + lines[1:]
                for ln in lines:
                    self.out.line(ln, where if first else None)
                    first = False
                for b in boxes:
                    self.box_content(b, where)
            elif el.tag == _TBL:
                self.table(el)
            elif el.tag == _SDT:
                c = el.find(_SDT_CONTENT)
                if c is not None:
                    self.box_content(c, where)

    def table(self, tbl) -> None:
        self.nt += 1
        where = f"t{self.nt}"
        rows = [tr for tr in tbl if tr.tag == _TR]
        grid = []
        nested = False
        for tr in rows:
            cells = []
            for tc in _cells(tr):
                span = _int(_cell_prop(tc, "gridSpan")) or 1
                vm = tc.find(f"{_q('tcPr')}/{_q('vMerge')}")
                merge = None if vm is None else (vm.get(_VAL) or "continue")
                nested = nested or tc.find(f".//{_TBL}") is not None
                cells.append((tc, span, merge))
            grid.append(cells)
        width = max((sum(s for _c, s, _m in r) for r in grid), default=0)
        if width <= 1 or nested:
            self.out.blank()
            for r in grid:
                for tc, _s, _m in r:
                    self.box_content(tc, f"{where}b")
            self.out.blank()
            return
        table: list[list[str]] = []
        above: dict[int, str] = {}       # column -> text of the vMerge restart cell
        for r in grid:
            row: list[str] = []
            col = 0
            for tc, span, merge in r:
                text = _cell_text(tc, self.num)
                if merge == "continue":
                    text = above.get(col, "")
                elif merge == "restart":
                    above[col] = text
                else:
                    above.pop(col, None)
                row.append(text)
                row.extend([""] * (span - 1))
                col += span
            table.append(row)
        self.out.table(table, where)


def _cells(tr):
    for el in tr:
        if el.tag == _TC:
            yield el
        elif el.tag == _SDT:     # a content control wrapping cells
            c = el.find(_SDT_CONTENT)
            if c is not None:
                yield from (x for x in c if x.tag == _TC)


def _cell_prop(tc, tag: str) -> str | None:
    pr = tc.find(_q("tcPr"))
    return None if pr is None else _val(pr, tag)


def _cell_text(tc, numbering: _Numbering) -> str:
    parts = []
    for p in tc.iter(_P):
        label, suff = numbering.label(p)
        lines, _boxes = _runs(p)
        text = "\n".join(lines)
        if label:
            text = label + suff + text
        parts.append(text)
    return clean_cell("\n".join(parts))


_TEXT_TAGS = {_T: None, _q("tab"): " ", _q("br"): "\n", _q("cr"): "\n",
              _q("noBreakHyphen"): "-", _q("softHyphen"): ""}


def _runs(p) -> tuple[list[str], list]:
    """A paragraph's text lines and its text boxes (``w:txbxContent`` elements)."""
    buf: list[str] = []
    boxes: list = []
    _collect(p, buf, boxes)
    return "".join(buf).split("\n"), boxes


def _collect(el, buf: list[str], boxes: list) -> None:
    for c in el:
        tag = c.tag
        if not isinstance(tag, str):
            continue
        if tag in _TEXT_TAGS:
            buf.append(c.text or "" if tag == _T else _TEXT_TAGS[tag])
        elif tag == _TXBX:
            boxes.append(c)
        elif tag == f"{{{_MC}}}Fallback" or tag in (_q("delText"), _q("instrText"), _q("pPr"),
                                                     _q("rPr"), _q("del")):
            continue
        elif tag == _P:     # a paragraph inside a run's object, e.g. a text box body
            continue
        else:
            _collect(c, buf, boxes)
