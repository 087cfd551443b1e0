"""Test documents made on the spot: one small plan written as plain text, DOCX, PDF and OFD.

No binary fixtures: every document is generated from :data:`PLAN` by the writers below
(python-docx, reportlab with its built-in CID font ``STSong-Light``, zipfile + XML for
OFD). The plain-text rendition is the oracle: the same plan as text must parse to the
same chapters, sections, key tasks, 专栏 and indicators as any binary rendition.

The plan is modelled on ``fixtures/g_jiangxi_pdf.txt`` and ``f_luoyang_web.txt``: 第X章 /
第X节 headings, key tasks (a lead sentence ending in 。), a 专栏 with numbered projects
and an indicator table 领域 / 指标 / 单位 / 2020年 / 2025年 / 属性 whose first column
spans rows.
"""
from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

TITLE = "许昌市“十四五”公共服务规划"
HEADER = "许昌市“十四五”公共服务规划"      # the PDF's running header
INTRO = ("为推进全市基本公共服务均等化，依据《许昌市国民经济和社会发展第十四个五年规划和"
         "二〇三五年远景目标纲要》，制定本规划。规划期为2021—2025年。")
CAPTION = "表1　许昌市“十四五”公共服务主要指标"
TABLE = [
    ["领域", "指标", "单位", "2020年", "2025年", "属性"],
    ["幼有所育", "每千人口拥有3岁以下婴幼儿托位数", "个", "1.3", "4.5", "预期性"],
    ["幼有所育", "婴儿死亡率", "‰", "3.9", "<5", "约束性"],
    ["学有所教", "学前教育毛入园率", "%", "89.5", "≥95", "预期性"],
    ["病有所医", "居民电子健康档案建档率", "%", "86", ">90", "预期性"],
    ["老有所养", "养老机构护理型床位占比", "%", "38", "≥60", "约束性"],
]
LONG_CHAPTER = "推进基本公共服务均等化持续提升人民群众的获得感幸福感和安全感水平"
COLUMN_TITLE = "育幼和教育保障工程"
PROJECTS = [
    ("普惠托育服务专项行动", "支持每个县（市、区）建设1个综合托育服务中心，新增普惠托位6000个。"),
    ("县域普通高中提升工程", "改扩建县域普通高中8所，新增学位约4000个。"),
    ("学前教育扩容工程", "新建改扩建公办幼儿园30所，新增学位9000个。"),
    ("义务教育薄弱环节改善工程", "改造农村学校运动场地40个，配齐音体美器材。"),
    ("特殊教育提升计划", "每个县建成1所特殊教育学校，残疾儿童入学率达到97%。"),
    ("托育人才培训计划", "培训托育从业人员3000人次，建设2个实训基地。"),
]

# (level, number, title, paragraphs, extras); level 1 = 章, 2 = 节
PLAN = [
    (1, 1, "发展基础", [], []),
    (2, 1, "发展成就", [
        "教育保障水平稳步提高。全市新建改扩建幼儿园135所，学前三年毛入园率提高到91.3%，义务教育大班额基本消除。",
        "社会保障网络更加牢固。城乡居民基本养老保险参保人数达到215万人，城乡低保标准年均提高8%以上。",
    ], []),
    (2, 2, "面临形势", [
        "人口老龄化加快带来养老服务需求集中释放，优质公共服务资源仍主要集中在中心城区。",
    ], []),
    (1, 2, "发展目标", [], []),
    (2, 1, "主要目标", [
        "到2025年，全市基本公共服务标准体系全面建立，服务供给能力明显增强。主要指标如下：",
    ], ["table"]),
    (1, 3, LONG_CHAPTER, [], []),
    (2, 1, "保障幼有所育和学有所教", [
        "加快发展普惠托育服务。将婴幼儿照护服务纳入城乡社区服务体系，支持用人单位在工作场所为职工提供托育服务。",
        "推进义务教育优质均衡。完善城乡统一的义务教育经费保障机制，加强乡村小规模学校和乡镇寄宿制学校建设。",
    ], ["column"]),
    (2, 2, "提升病有所医和老有所养水平", [
        "提升基层医疗服务能力。推进乡镇卫生院和村卫生室标准化建设，提高县域内就诊率。",
        "发展普惠养老服务。建设街道综合养老服务中心，发展社区嵌入式养老服务。",
    ], []),
]

CN = "零一二三四五六七八九十"


def heading(level: int, number: int, title: str) -> str:
    return f"第{CN[number]}{'章' if level == 1 else '节'}　{title}"


def expected() -> dict:
    """What any rendition must parse to, written from the plan itself (not the parser)."""
    chapters, sections, ch = [], [], 0
    for level, no, title, _paras, _x in PLAN:
        if level == 1:
            ch = no
            chapters.append({"no": no, "title": title})
        else:
            sections.append({"chapter": ch, "no": no, "title": title})
    return {
        "chapters": chapters,
        "sections": sections,
        "columns": [{"no": "1", "title": COLUMN_TITLE,
                     "projects": [{"no": i, "name": n} for i, (n, _d) in enumerate(PROJECTS, 1)]}],
        "indicators": [(r[1], r[3], r[4].lstrip("<>≥")) for r in TABLE[1:]],
    }


# --------------------------------------------------------------------------- plain text

def as_text() -> str:
    out = [TITLE, INTRO]
    for level, no, title, paras, extras in PLAN:
        out.append(heading(level, no, title))
        out.extend(paras)
        if "table" in extras:
            out += [CAPTION, ""] + ["\t".join(r) for r in TABLE] + [""]
        if "column" in extras:
            out.append(f"专栏1　{COLUMN_TITLE}")
            for i, (name, desc) in enumerate(PROJECTS, 1):
                out += [f"{i}.{name}", desc]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- DOCX

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _numbering(doc) -> tuple[int, int]:
    """Add two Word lists: 第%1章 / 第%2节 (chineseCounting) and %1. (decimal); their numIds."""
    from docx.oxml import parse_xml

    numbering = doc.part.numbering_part.element

    def lvl(ilvl: int, fmt: str, text: str, suff: str) -> str:
        return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:suff w:val="{suff}"/><w:lvlText w:val="{text}"/></w:lvl>')

    heads = parse_xml(f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="90">'
                      + lvl(0, "chineseCounting", "第%1章", "space")
                      + lvl(1, "chineseCounting", "第%2节", "space") + "</w:abstractNum>")
    items = parse_xml(f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="91">'
                      + lvl(0, "decimal", "%1.", "nothing") + "</w:abstractNum>")
    # abstractNums must precede nums in numbering.xml
    first_num = numbering.find(f"{{{_W}}}num")
    for a in (heads, items):
        if first_num is not None:
            first_num.addprevious(a)
        else:
            numbering.append(a)
    for num_id, abstract in ((90, 90), (91, 91)):
        numbering.append(parse_xml(f'<w:num xmlns:w="{_W}" w:numId="{num_id}">'
                                   f'<w:abstractNumId w:val="{abstract}"/></w:num>'))
    return 90, 91


def _numbered(paragraph, num_id: int, ilvl: int) -> None:
    from docx.oxml import parse_xml

    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="{ilvl}"/>'
                         f'<w:numId w:val="{num_id}"/></w:numPr>'))


def _merge_down(table, col: int, rows: list[int]) -> None:
    table.cell(rows[0], col).merge(table.cell(rows[-1], col))


def as_docx() -> bytes:
    """The plan as Word writes it: auto-numbered headings, a bordered table with a merged
    category cell, the 专栏 as a single-cell table with auto-numbered projects."""
    import docx

    doc = docx.Document()
    heads, items = _numbering(doc)
    doc.add_paragraph(TITLE, style="Title")
    doc.add_paragraph(INTRO)
    for level, _no, title, paras, extras in PLAN:
        _numbered(doc.add_paragraph(title, style=f"Heading {level}"), heads, level - 1)
        for p in paras:
            doc.add_paragraph(p)
        if "table" in extras:
            doc.add_paragraph(CAPTION)
            t = doc.add_table(rows=len(TABLE), cols=len(TABLE[0]))
            t.style = "Table Grid"
            for r, row in enumerate(TABLE):
                for c, v in enumerate(row):
                    if not (c == 0 and r == 2):     # the merged cell holds its text once
                        t.cell(r, c).text = v
            _merge_down(t, 0, [1, 2])
        if "column" in extras:
            box = doc.add_table(rows=1, cols=1)
            box.style = "Table Grid"
            cell = box.cell(0, 0)
            cell.paragraphs[0].text = f"专栏1　{COLUMN_TITLE}"
            for name, desc in PROJECTS:
                _numbered(cell.add_paragraph(name), items, 0)
                cell.add_paragraph(desc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- PDF

def _pdf_story(ruled: bool):
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

    body = ParagraphStyle("b", fontName="STSong-Light", fontSize=12, leading=18,
                          wordWrap="CJK", firstLineIndent=24)
    h1 = ParagraphStyle("h1", parent=body, fontSize=22, leading=28, firstLineIndent=0,
                        spaceBefore=12, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontSize=14, leading=20, firstLineIndent=0)
    plain = ParagraphStyle("p", parent=body, firstLineIndent=0)
    story = [Paragraph(TITLE, h1), Paragraph(INTRO, body)]
    for level, no, title, paras, extras in PLAN:
        if level == 1 and no == 3:
            story.append(PageBreak())
        story.append(Paragraph(heading(level, no, title), h1 if level == 1 else h2))
        story += [Paragraph(p, body) for p in paras]
        if "table" in extras:
            story.append(Paragraph(CAPTION, plain))
            rows = [[Paragraph(c, plain) for c in r] for r in TABLE]
            t = Table(rows, colWidths=[60, 180, 40, 50, 50, 50])
            style = [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
            if ruled:
                style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
            t.setStyle(TableStyle(style))
            story += [Spacer(1, 6), t, Spacer(1, 6)]
        if "column" in extras:
            # a boxed 专栏 long enough to run over a page break: one row a line, so it splits
            lines = [f"专栏1　{COLUMN_TITLE}"]
            for i, (name, desc) in enumerate(PROJECTS, 1):
                lines += [f"{i}.{name}", desc]
            story.append(Spacer(1, 330))
            box = Table([[Paragraph(x, plain)] for x in lines], colWidths=[A4[0] - 160])
            box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, colors.black)]))
            story.append(box)
    return story


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def as_pdf(*, ruled: bool = True, encrypt: str | None = None) -> bytes:
    """The plan as a printed PDF: running header and footer (— N —), a wrapped chapter
    heading, the indicator table ruled or not, a boxed 专栏 over a page break."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    _register_font()

    def furniture(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 40, HEADER)
        canvas.drawCentredString(A4[0] / 2, 30, f"— {doc.page} —")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=80, rightMargin=80,
                            topMargin=70, bottomMargin=60, encrypt=encrypt)
    doc.build(_pdf_story(ruled), onFirstPage=furniture, onLaterPages=furniture)
    return buf.getvalue()


def scanned_pdf(text_first: bool = False) -> bytes:
    """Two pages holding only a picture: what a scanner makes (with ``text_first``, the
    first page has a text layer and only the second is a picture)."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    img = Image.new("L", (200, 280), 255)
    for x in range(20, 180):
        for y in range(30, 250, 12):
            img.putpixel((x, y), 0)
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    for k in range(2):
        if text_first and k == 0:
            _register_font()
            c.setFont("STSong-Light", 14)
            c.drawString(80, 760, heading(1, 1, "发展基础"))
            c.drawString(80, 730, PLAN[1][3][0][:30])
            c.showPage()
            continue
        c.drawImage(ImageReader(img), 50, 50, width=A4[0] - 100, height=A4[1] - 100)
        c.showPage()
    c.save()
    return buf.getvalue()


def long_pdf(pages: int) -> bytes:
    """A long plan (``pages`` pages or a few more) for the bench: the plan repeated."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    _register_font()
    story = []
    for _ in range(pages // 3 + 1):      # one copy of the plan fills three pages
        story += _pdf_story(True) + [PageBreak()]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


# --------------------------------------------------------------------------- OFD

_OFD_NS = "http://www.ofdspec.org/2016"


def _ofd_lines() -> list[list[str]]:
    """Lines of the OFD rendition; a table row is a list of several cells."""
    lines: list[list[str]] = [[TITLE], [INTRO]]
    for level, no, title, paras, extras in PLAN:
        lines.append([heading(level, no, title)])
        lines += [[p] for p in paras]
        if "table" in extras:
            lines.append([CAPTION])
            lines += [list(r) for r in TABLE]
        if "column" in extras:
            lines.append([f"专栏1　{COLUMN_TITLE}"])
            for i, (name, desc) in enumerate(PROJECTS, 1):
                lines += [[f"{i}.{name}"], [desc]]
    return lines


def as_ofd(lines_per_page: int = 14) -> bytes:
    """An OFD (GB/T 33190) package: each text run a TextObject with a Boundary and one
    TextCode (X, Y, DeltaX). Objects of a page are written bottom line first and a
    table row's cells right to left, so a reader must order them by position."""
    lines = _ofd_lines()
    pages = [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    xs = [5, 30, 95, 108, 132, 156]     # table column x positions (mm)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_OFD_NS}" '
                   'Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>t</ofd:DocID>'
                   '</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        page_refs = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>'
                            for i in range(len(pages)))
        z.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document '
                   f'xmlns:ofd="{_OFD_NS}"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297'
                   f'</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>{page_refs}'
                   '</ofd:Pages></ofd:Document>')
        oid = 100
        for i, page in enumerate(pages):
            objs = []
            for k, cells in reversed(list(enumerate(page))):
                y = 20 + k * 18
                spots = [(xs[j], c) for j, c in enumerate(cells)] if len(cells) > 1 else [(20, cells[0])]
                for x, text in reversed(spots):
                    # a long paragraph wraps in the layout: 36 characters a line
                    chunks = [text[a:a + 36] for a in range(0, len(text), 36)] if len(cells) == 1 else [text]
                    size = 4.2 if len(cells) == 1 else 3.5
                    for m, chunk in enumerate(chunks):
                        oid += 1
                        dx = f"g {len(chunk) - 1} {size}" if len(chunk) > 1 else ""
                        yy = y + m * 6
                        objs.append(
                            f'<ofd:TextObject ID="{oid}" Boundary="{x} {yy} {size * len(chunk) + 2} 6" '
                            f'Font="3" Size="{size}"><ofd:TextCode X="0" Y="4.5" DeltaX="{dx}">'
                            f'{escape(chunk)}</ofd:TextCode></ofd:TextObject>')
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml",
                       f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_OFD_NS}">'
                       f'<ofd:Content><ofd:Layer ID="{i + 1}">{"".join(objs)}</ofd:Layer>'
                       '</ofd:Content></ofd:Page>')
    return buf.getvalue()
