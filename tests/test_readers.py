"""PDF, DOCX and OFD input (plankg.read.pdf / docx / ofd / detect / binary).

Every document is generated in the session by ``docmaker`` from one small plan; its
plain-text rendition is the oracle (and is itself checked against the plan). A binary
rendition must parse to the same chapters, sections, key tasks, 专栏 with projects and
indicators with values. LibreOffice tests convert ``fixtures/c_hangzhou.html`` to DOCX
and PDF and compare with the HTML parse (the issue's acceptance: macro F1 ≥ 0.92).
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import docmaker
from plankg.cli import main
from plankg.errors import InputError
from plankg.graph.rdf import plan_nquads
from plankg.model import Kind
from plankg.pipeline import dump_stage, parse_file
from plankg.read.detect import sniff
from plankg.read.text import read_bytes, read_source
from test_parse_fixtures import facts

FIX = Path(__file__).parent / "fixtures"
COMPARED = ["chapters", "sections", "key_tasks", "columns", "indicators"]
SOFFICE = shutil.which("soffice")


@pytest.fixture(scope="session")
def docs(tmp_path_factory) -> dict[str, Path]:
    """Every rendition of the test plan, written once per session."""
    d = tmp_path_factory.mktemp("docs")
    made = {
        "txt": docmaker.as_text().encode("utf-8"),
        "pdf": docmaker.as_pdf(),
        "unruled.pdf": docmaker.as_pdf(ruled=False),
        "docx": docmaker.as_docx(),
        "ofd": docmaker.as_ofd(),
        "scan.pdf": docmaker.scanned_pdf(),
        "encrypted.pdf": docmaker.as_pdf(encrypt="secret"),
    }
    out = {}
    for name, data in made.items():
        p = d / f"plan.{name}"
        p.write_bytes(data)
        out[name] = p
    return out


@pytest.fixture(scope="session")
def oracle(docs) -> dict:
    return facts(parse_file(docs["txt"], semantic=False))


def test_text_oracle_matches_the_plan(oracle):
    exp = docmaker.expected()
    assert oracle["chapters"] == exp["chapters"]
    assert oracle["sections"] == exp["sections"]
    assert [{"no": c["no"], "title": c["title"],
             "projects": [{"no": p["no"], "name": p["name"]} for p in c["projects"]]}
            for c in oracle["columns"]] == exp["columns"]
    assert [(i["name"], i["baseline"], i["target"]) for i in oracle["indicators"]] == exp["indicators"]
    assert len(oracle["key_tasks"]) >= 4


@pytest.mark.parametrize("kind", ["pdf", "unruled.pdf", "docx", "ofd"])
@pytest.mark.parametrize("field", COMPARED)
def test_binary_rendition_parses_like_the_text(docs, oracle, kind, field):
    got = facts(parse_file(docs[kind], semantic=False))
    assert got[field] == oracle[field]


@pytest.mark.parametrize("kind, fmt", [("pdf", "pdf"), ("docx", "docx"), ("ofd", "ofd")])
def test_format_is_told_from_the_bytes_not_the_name(docs, tmp_path, kind, fmt):
    renamed = tmp_path / "plan.txt"
    renamed.write_bytes(docs[kind].read_bytes())
    assert read_source(renamed).format == fmt


def test_sniff():
    assert sniff(b"%PDF-1.4") == "pdf"
    assert sniff(b"PK\x03\x04rest") == "zip"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == "ole"
    assert sniff("第一章".encode("gb18030")) is None


# --------------------------------------------------------------------------- PDF

@pytest.fixture(scope="session")
def pdf_src(docs):
    return read_source(docs["pdf"])


def test_pdf_drops_running_header_footer_and_page_numbers(pdf_src):
    lines = pdf_src.text.splitlines()
    assert lines.count(docmaker.HEADER) == 1          # the title on page 1 stays; the header goes
    assert not [ln for ln in lines if "—" in ln and ln.strip("— 0123456789") == ""]
    assert len(pdf_src.pages) == 3


def test_pdf_ruled_table_keeps_its_cells(pdf_src):
    assert pdf_src.tables and pdf_src.tables[0] == docmaker.TABLE
    rows = ["\t".join(r) for r in docmaker.TABLE]
    start = pdf_src.text.index(rows[0])
    assert pdf_src.text[start - 2:start] == "\n\n"         # a blank line before the table
    assert pdf_src.text[start:].startswith("\n".join(rows) + "\n\n")


def test_pdf_unruled_table_is_left_as_text(docs):
    src = read_source(docs["unruled.pdf"])
    assert src.tables == [] and "\t" not in src.text
    assert "学前教育毛入园率 % 89.5 ≥95 预期性" in src.text


def test_pdf_wrapped_heading_is_one_line(pdf_src):
    assert f"第三章 {docmaker.LONG_CHAPTER}" in pdf_src.text.splitlines()


def test_pdf_nodes_carry_their_page(docs):
    plan = parse_file(docs["pdf"], semantic=False)
    column = plan.root.find(Kind.COLUMN)[0]
    projects = column.children
    assert column.attrs["page"] == 2 and projects[-1].attrs["page"] == 3   # over a page break
    chapters = list(plan.root.find(Kind.CHAPTER))
    assert [c.attrs["page"] for c in chapters] == [1, 1, 2]
    starts = plan.meta["page_starts"]
    assert starts[0] == 0 and plan.source_text[starts[1]:].startswith("第三章")
    nq = plan_nquads(plan).decode("utf-8")
    assert f'/chapter/3> <https://w3id.org/plankg/ontology#page> "2"^^' in nq


def test_stage_read_shows_pages_and_tables(docs):
    d = dump_stage(docs["pdf"], "read")
    assert d["format"] == "pdf" and [p["page"] for p in d["pages"]] == [1, 2, 3]
    assert d["tables"][0][0] == docmaker.TABLE[0]
    r = CliRunner().invoke(main, ["parse", str(docs["docx"]), "--stage", "read"])
    assert r.exit_code == 0
    out = json.loads(r.output)
    assert out["format"] == "docx" and out["parts"][0] == {"start": 0, "from": "p1"}


def test_pdf_scanned_page_inside_a_text_pdf_is_a_warning(tmp_path):
    f = tmp_path / "mixed.pdf"
    f.write_bytes(docmaker.scanned_pdf(text_first=True))
    src = read_source(f)
    assert src.text.startswith("第一章") and src.notes == ["page 2 has no text layer (a scanned page?); skipped"]
    plan = parse_file(f, semantic=False)
    assert any(w.code == "W106" and "page 2" in w.message for w in plan.warnings)


def test_pdf_blank_page_is_called_blank_not_scanned(tmp_path):
    """A page with nothing drawn on it (LibreOffice's web export opens with one) is not
    a scan: the note says it is blank."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    c.showPage()                               # page 1: nothing on it
    docmaker._register_font()
    c.setFont("STSong-Light", 14)
    c.drawString(80, 760, docmaker.heading(1, 1, "发展基础"))
    c.showPage()
    c.save()
    f = tmp_path / "blank-first.pdf"
    f.write_bytes(buf.getvalue())
    src = read_source(f)
    assert src.text.startswith("第一章") and src.notes == ["page 1 is blank"]


# --------------------------------------------------------------------------- DOCX

def test_docx_recovers_word_numbering(docs):
    with zipfile.ZipFile(docs["docx"]) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert "第一章" not in body and "专栏1" in body          # the numbers are Word's, not text
    text = read_source(docs["docx"]).text
    for line in ("第一章 发展基础", "第二节 面临形势", "第一章 发展基础", "1.普惠托育服务专项行动",
                 "6.托育人才培训计划"):
        assert line in text.splitlines()
    assert "第二章 发展目标" in text and "第三节" not in text   # sections restart per chapter


def test_docx_merged_cell_and_box(docs):
    src = read_source(docs["docx"])
    assert src.tables == [docmaker.TABLE]                     # merged category repeated down
    lines = src.text.splitlines()
    i = lines.index(f"专栏1　{docmaker.COLUMN_TITLE}")
    assert lines[i - 1] == "" and "\t" not in "".join(lines[i:i + 12])   # a box, not a table row
    assert any(w.startswith("t2b") for _s, w in src.parts)


def test_docx_body_order_puts_tables_between_paragraphs(docs):
    text = read_source(docs["docx"]).text
    assert text.index(docmaker.CAPTION) < text.index("领域\t指标") < text.index("第三章")


# --------------------------------------------------------------------------- OFD

def test_ofd_reading_order_and_pages(docs):
    src = read_source(docs["ofd"])
    lines = src.text.splitlines()
    assert lines[0] == docmaker.TITLE                          # written last on its page
    assert "幼有所育 婴儿死亡率 ‰ 3.9 <5 约束性" in lines        # cells written right to left
    assert len(src.pages) == 3 and src.page_of(src.text.index("第三章")) == 2


# --------------------------------------------------------------------------- errors

def _truncated_docx(docs) -> bytes:
    data = docs["docx"].read_bytes()
    return data[:len(data) // 2]


def _xlsx_like() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


def _ofd_without_document() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody>'
                   "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    return buf.getvalue()


def _ofd_with_entity() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                   '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody>'
                   "<ofd:DocRoot>&e;</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    return buf.getvalue()


ERRORS = [
    ("encrypted.pdf", None, "E108", "password"),
    ("scan.pdf", None, "E107", "scanned"),
    ("truncated.pdf", lambda docs: docs["pdf"].read_bytes()[:3000], "E106", "truncated"),
    ("garbled.pdf", lambda docs: b"%PDF-1.7\n" + b"\x13garbage\n" * 50 + b"%%EOF\n", "E106", "damaged"),
    ("truncated.docx", _truncated_docx, "E112", "damaged ZIP"),
    ("sheet.xlsx", lambda docs: _xlsx_like(), "E112", "neither a Word document"),
    ("broken.ofd", lambda docs: _ofd_without_document(), "E111", "Document.xml"),
    ("entity.ofd", lambda docs: _ofd_with_entity(), "E111", "DocRoot"),
]


@pytest.mark.parametrize("name, make, code, reason", ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_document_is_one_line_and_store_unchanged(docs, tmp_path, monkeypatch, name, make, code, reason):
    store = tmp_path / "store"
    path = docs[name] if make is None else tmp_path / name
    if make is not None:
        path.write_bytes(make(docs))
    good = docs["txt"]
    r = CliRunner().invoke(main, ["load", "--store", str(store), str(good), str(path)])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    msg = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(msg) == 1 and str(path) in msg[0] and code in msg[0] and reason in msg[0]
    assert not store.exists()            # nothing loaded: the store was never opened


def test_legacy_doc_without_libreoffice_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError) as e:
        read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.doc")
    assert e.value.code == "E110" and "LibreOffice" in str(e.value) and "old.doc" in str(e.value)


# --------------------------------------------------------------------------- LibreOffice

def _soffice(src: Path, target: str, outdir: Path) -> Path:
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{outdir}/profile", "--headless",
                    "--convert-to", target, "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=300)
    return outdir / (src.stem + "." + target.split(":")[0])


def _items(plan) -> dict[str, list]:
    d = facts(plan)
    return {
        "chapters": [(c["no"], c["title"]) for c in d["chapters"]],
        "sections": [(s["chapter"], s["no"], s["title"]) for s in d["sections"]],
        "key_tasks": d["key_tasks"],
        "columns": [(c["no"], c["title"]) for c in d["columns"]],
        "projects": [(c["no"], p["no"], p["name"]) for c in d["columns"] for p in c["projects"]],
        "indicators": [i["name"] for i in d["indicators"]],
        "indicator_values": [(i["name"], i["baseline"], i["target"]) for i in d["indicators"]],
        "service_items": [(s["domain"], it) for s in d["service_domains"] for it in s["items"]],
    }


def _f1(expected: list, got: list) -> float:
    e, g = Counter(expected), Counter(got)
    if not e and not g:
        return 1.0
    tp = sum((e & g).values())
    return 0.0 if tp == 0 else 2 * tp / (sum(e.values()) + sum(g.values()))


@pytest.fixture(scope="session")
def converted(tmp_path_factory):
    """``(html fixture name, format)`` → the file LibreOffice made of it, made on first use."""
    out = tmp_path_factory.mktemp("soffice")
    made: dict[tuple[str, str], Path] = {}

    def get(name: str, fmt: str) -> Path:
        if (name, fmt) not in made:
            web = name.endswith(".html")
            target = "docx:MS Word 2007 XML" if fmt == "docx" else \
                "pdf:writer_web_pdf_Export" if web else "pdf:writer_pdf_Export"
            made[name, fmt] = _soffice(FIX / name, target, out)
        return made[name, fmt]

    return get


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("name", ["c_hangzhou.html", "h_kunming_gbk.html", "a_hunan_fullwidth.txt",
                                  "i_xian_cells.txt"])
def test_libreoffice_conversion_parses_like_the_html(converted, name, fmt):
    # a_hunan: an unruled PDF table with an empty cell and a unit glued to a name;
    # i_xian: cells one a line with blank lines between them
    want = _items(parse_file(FIX / name, semantic=False))
    plan = parse_file(converted(name, fmt), semantic=False)
    assert plan.format == fmt
    got = _items(plan)
    scores = {k: _f1(want[k], got[k]) for k in want}
    assert sum(scores.values()) / len(scores) >= 0.92, scores
    assert min(scores.values()) >= 0.80, scores


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
def test_legacy_doc_is_converted_by_libreoffice(docs, tmp_path):
    doc = _soffice(docs["docx"], "doc:MS Word 97", tmp_path)
    assert sniff(doc.read_bytes()[:8]) == "ole"
    plan = parse_file(doc, semantic=False)
    assert plan.format == "doc"
    assert [c.title for c in plan.root.find(Kind.CHAPTER)][:2] == ["发展基础", "发展目标"]


# --------------------------------------------------------------------------- DOCX details

_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:v="urn:schemas-microsoft-com:vml"')


def test_docx_text_box_is_read_once_as_a_box(tmp_path):
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    d.add_paragraph("第一章　总体要求")
    p = d.add_paragraph("推进托育服务。支持建设托育机构。")
    box = ("<w:txbxContent><w:p><w:r><w:t>专栏1　托育工程</w:t></w:r></w:p>"
           "<w:p><w:r><w:t>1.托育机构示范创建工程</w:t></w:r></w:p></w:txbxContent>")
    p._p.append(parse_xml(
        f"<w:r {_NS}><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:wsp>"
        f"<wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        f"<v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"))
    f = tmp_path / "box.docx"
    d.save(f)
    src = read_source(f)
    assert src.text.count("专栏1　托育工程") == 1
    assert "推进托育服务。支持建设托育机构。\n\n专栏1　托育工程\n1.托育机构示范创建工程\n" in src.text
    assert ("x1" in [w for _s, w in src.parts])


NUMBERING = """<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="1">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="9"/></w:lvlOverride></w:num>
</w:numbering>"""
STYLES = """<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:styleId="H1"><w:pPr><w:numPr><w:numId w:val="1"/><w:ilvl w:val="0"/></w:numPr></w:pPr></w:style>
<w:style w:styleId="H1x"><w:basedOn w:val="H1"/></w:style>
</w:styles>"""


def _para(style=None, num=None, ilvl=None):
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num:
        ppr += f'<w:numPr><w:ilvl w:val="{ilvl or 0}"/><w:numId w:val="{num}"/></w:numPr>'
    return etree.fromstring(f'<w:p xmlns:w="{w}"><w:pPr>{ppr}</w:pPr></w:p>')


def test_docx_numbering_levels_restart_and_override():
    from lxml import etree

    from plankg.read.docx import _Numbering

    n = _Numbering(etree.fromstring(NUMBERING), etree.fromstring(STYLES))
    seq = [_para("H1"), _para(num=1, ilvl=1), _para(num=1, ilvl=2), _para(num=1, ilvl=2),
           _para(num=1, ilvl=1), _para("H1x"), _para(num=1, ilvl=1), _para(num=2)]
    got = [n.label(p)[0] for p in seq]
    # styles (and styles based on them) carry numbering; a deeper level restarts under a
    # new higher one; a num with startOverride on the same abstract list restarts at 9
    assert got == ["一、", "（一）", "1.", "2.", "（二）", "二、", "（一）", "九、"]
    assert n.label(_para())[0] == ""


def test_pdf_autospace_between_chinese_and_digits_is_dropped_but_cell_gaps_stay(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    docmaker._register_font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    c.setFont("STSong-Light", 12)

    def runs(y: float, parts: list[tuple[str, float]]) -> None:
        x = 80.0
        for text, gap in parts:
            c.drawString(x, y, text)
            x += stringWidth(text, "STSong-Light", 12) + gap

    runs(700, [("规划期为", 3), ("2021—2025", 3), ("年。", 0)])          # Word's autospacing
    runs(670, [("学前教育毛入园率", 40), ("%", 40), ("88.2", 40), ("预期性", 0)])   # table cells
    c.showPage()
    c.save()
    f = tmp_path / "spaces.pdf"
    f.write_bytes(buf.getvalue())
    lines = read_source(f).text.splitlines()
    assert lines[0] == "规划期为2021—2025年。"
    assert lines[1].split() == ["学前教育毛入园率", "%", "88.2", "预期性"]
