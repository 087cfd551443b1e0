"""The notice and front matter around a plan (``structure/envelope.py``) and what the plan
gets from them: title, issuer, document number, dates, region, period; queryable by
``plans``.

Oracles: ``tests/fixtures/envelope/*.expected.json`` (written by hand from invented
plans) and the table in ``../shared/corpus/real/SOURCES.md`` (title, issuer, number and
date of five real plans, read at test time; the plans' text never enters the project).
"""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REAL_CORPUS

from plankg.cli import main
from plankg.errors import DataFileError
from plankg.graph.rdf import plan_nquads
from plankg.model import Kind
from plankg.pipeline import parse_file
from plankg.semantic.metadata import issuer_region, period_of
from plankg.store.embedded import Store
from plankg.store.queries import format_results, resolve
from plankg.structure.envelope import Envelope, find_envelope, load_rules, parse_date
from plankg.structure.normalize import normalize

HERE = Path(__file__).parent
FIX = HERE / "fixtures" / "envelope"
FIXTURES = sorted(p for p in FIX.glob("*.*") if p.suffix in (".txt", ".html"))
REAL = REAL_CORPUS
SOURCES = REAL / "SOURCES.md"
FIELDS = ("title", "notice_title", "issuer", "doc_number", "issued", "signed", "region", "level")


def _plans_rows(store: Store) -> list[dict[str, str]]:
    text = format_results(store.query(resolve("plans")[1]), "csv")
    return list(csv.DictReader(io.StringIO(text)))


# --- fixtures -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_metadata(path):
    want = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    plan = parse_file(path, semantic=False)
    got = {k: plan.meta.get(k) for k in FIELDS}
    assert got == {k: want[k] for k in FIELDS}
    assert [plan.meta["period_start"], plan.meta["period_end"]] == want["period"]
    assert plan.root.title == want["title"]
    env = plan.root.attrs.get("envelope")
    assert (env["parts"] if env else None) == want["parts"]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_envelope_stays_out_of_the_body(path):
    """No unknown nodes, no warnings, and the chapters are the plan's own."""
    want = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    plan = parse_file(path, semantic=False)
    assert [c.title for c in plan.root.find(Kind.CHAPTER)] == want["chapters"]
    assert plan.root.find(Kind.UNKNOWN) == []
    assert plan.warnings == []
    ranges = (plan.root.attrs.get("envelope") or {}).get("ranges", [])
    for node in plan.root.walk():
        if node.kind is Kind.DOCUMENT:
            continue
        for s, e in ranges:
            assert not (s <= node.span[0] < e), f"{node.kind.value} {node.title or node.text} inside the envelope"


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_field_spans_quote_the_source(path):
    """Each field's span, mapped to the source file, holds the value (dates as written)."""
    want = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    plan = parse_file(path, semantic=False)
    env = plan.root.attrs.get("envelope")
    if not any(want.get(k) for k in ("issuer", "doc_number", "issued", "signed", "notice_title")):
        # the oracle says this plan came without a notice: nothing may be taken for one
        assert not any((env or {}).get(k) for k in ("issuer", "doc_number", "issued",
                                                     "signed", "notice_title")), env
        return
    assert env, "the oracle names notice fields, the parser found no envelope"
    for key in ("issuer", "doc_number"):
        if key in env:
            s, e = env["spans"][key]
            assert env[key] in re.sub(r"\s+", "", plan.source_text[s:e])
    assert set(env["spans"]) == {k for k in env if k in ("title", "notice_title", "issuer",
                                                          "doc_number", "issued", "signed")}
    for key in ("issued", "signed"):
        if key in env:
            s, e = env["spans"][key]
            assert parse_date(plan.source_text[s:e]) == env[key]


def test_plans_query_on_fixtures():
    """The contract query returns one row per plan with the fixtures' values."""
    store = Store.in_memory()
    plans = [parse_file(p, semantic=False) for p in FIXTURES]
    store.load_plans(plans)
    rows = {r["planId"]: r for r in _plans_rows(store)}
    assert len(rows) == len(plans)
    for path, plan in zip(FIXTURES, plans):
        want = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        row = rows[plan.id]
        assert row["plan"].endswith("/plan/" + plan.id)
        assert (row["title"], row["region"]) == (want["title"], want["region"])
        assert row["issuer"] == (want["issuer"] or "")
        assert row["docNumber"] == (want["doc_number"] or "")
        assert row["issued"] == (want["issued"] or "")
        assert row["signed"] == (want["signed"] or "")
        assert (row["periodStart"], row["periodEnd"]) == tuple(str(y) for y in want["period"])


def test_report_shows_issuer_number_and_date(tmp_path):
    store = tmp_path / "store"
    r = CliRunner().invoke(main, ["load", str(FIX / "d_jiaojiang_conflict.txt"), "--store", str(store)])
    assert r.exit_code == 0, r.output
    out = tmp_path / "report.html"
    r = CliRunner().invoke(main, ["report", "d_jiaojiang_conflict", "--store", str(store), "-o", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert "台州市椒江区人民政府办公室 椒政办发〔2026〕21号 · 2026-07-06" in page


def test_issued_is_an_xsd_date():
    plan = parse_file(FIX / "d_jiaojiang_conflict.txt", semantic=False)
    nq = plan_nquads(plan).decode("utf-8")
    assert '<http://purl.org/dc/terms/issued> "2026-07-06"^^<http://www.w3.org/2001/XMLSchema#date>' in nq
    assert '<http://purl.org/dc/terms/created> "2026-06-30"^^<http://www.w3.org/2001/XMLSchema#date>' in nq


def test_plan_without_envelope_has_no_envelope_triples():
    nq = plan_nquads(parse_file(FIX / "e_xining_no_envelope.txt", semantic=False)).decode("utf-8")
    for term in ("publisher", "identifier", "issued", "created"):
        assert f"<http://purl.org/dc/terms/{term}>" not in nq
    assert "noticeTitle" not in nq


def test_parse_json_shows_the_envelope_on_the_document_node():
    r = CliRunner().invoke(main, ["parse", str(FIX / "a_hubei_notice.txt"), "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    env = d["tree"]["attrs"]["envelope"]
    assert env["doc_number"] == "鄂政办发〔2025〕3号"
    assert env["signed"] == "2025-03-08"
    assert d["meta"]["issuer"] == "湖北省人民政府办公厅"


# --- the parts -----------------------------------------------------------------------------

@pytest.mark.parametrize("text,iso", [
    ("2026年7月24日", "2026-07-24"),
    ("二〇二五年三月八日", "2025-03-08"),
    ("二〇二五年十二月三十一日", "2025-12-31"),
    ("二○二四年十月一日", "2024-10-01"),
    ("2021-07-20", "2021-07-20"),
    ("2021/7/2", "2021-07-02"),
    ("2026 年 7 月 2 日", "2026-07-02"),
    ("2026年13月2日", None),
    ("2026年7月", None),
    ("到2030年", None),
], ids=lambda v: str(v))
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_mask_keeps_offsets_and_lines():
    text = "---\n标题: 甲\n---\n> x\n甲县“十五五”规划\n一、总体\n"
    env = find_envelope(text)
    masked = env.mask(text)
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c == "\n"] == [i for i, c in enumerate(text) if c == "\n"]
    assert masked.split() == ["甲县“十五五”规划", "一、总体"]


def test_unclosed_front_matter_is_not_an_envelope():
    text = "---\n标题: 甲县规划\n一、总体要求\n推进托育服务。支持托育。\n"
    assert not find_envelope(text)


def test_notice_title_alone_is_masked():
    """A notice title with nothing after it but the plan: the title is still not the plan."""
    text = "甲县人民政府关于印发《甲县“十五五”规划》的通知\n甲县“十五五”规划\n一、总体要求\n"
    env = find_envelope(text)
    assert env.fields["title"] == "甲县“十五五”规划"
    assert env.mask(text).split() == ["甲县“十五五”规划", "一、总体要求"]


def test_signature_and_date_on_one_line_and_an_attachment_mark():
    text = ("甲省人民政府办公厅关于印发甲省\n“十五五”托育规划的通知\n各市人民政府：\n"
            "现予印发，请认真贯彻落实。\n甲省人民政府办公厅 2025年3月8日\n附件\n"
            "甲省“十五五”托育规划\n一、总体要求\n")
    env = find_envelope(text)
    assert (env.fields["issuer"], env.fields["signed"]) == ("甲省人民政府办公厅", "2025-03-08")
    assert env.fields["title"] == "甲省“十五五”托育规划"
    assert env.mask(text).split() == ["甲省“十五五”托育规划", "一、总体要求"]


def test_attachment_line_with_the_plan_title_after_the_date():
    text = ("丙县人民政府关于印发《丙县“十五五”规划》的通知\n各乡镇人民政府：\n现印发给你们。\n"
            "丙县人民政府\n2026年5月6日\n附件：丙县“十五五”规划\n一、发展基础\n")
    env = find_envelope(text)
    assert env.mask(text).split() == ["一、发展基础"]
    assert env.fields["title"] == "丙县“十五五”规划"


def test_markdown_title_after_front_matter_is_masked():
    text = "---\n标题: 丁市“十五五”规划\n---\n# 丁市“十五五”规划\n一、发展基础\n"
    env = find_envelope(text)
    assert env.mask(text).split() == ["一、发展基础"]
    assert env.fields["title"] == "丁市“十五五”规划"


def test_letterhead_without_wenjian_above_the_title():
    text = ("戊省人民政府办公厅\n戊政办发〔2025〕12号\n戊省人民政府办公厅关于印发\n"
            "戊省“十五五”养老服务规划的通知\n各市人民政府：\n现将《戊省“十五五”养老服务规划》"
            "印发给你们。\n戊省人民政府办公厅\n2025年4月1日\n戊省“十五五”养老服务规划\n一、总体要求\n")
    env = find_envelope(text)
    assert env.fields["doc_number"] == "戊政办发〔2025〕12号"
    assert env.mask(text).split() == ["戊省“十五五”养老服务规划", "一、总体要求"]


def test_notice_without_a_date_does_not_run_into_the_plan():
    """The plan's title (named differently from the notice) stops the notice, so a
    notice-like sentence in the plan's preamble is not taken for the notice's."""
    text = ("己市人民政府关于印发《己市养老规划》的通知\n各区人民政府：\n现印发给你们。\n"
            "己市养老服务体系建设规划（2026—2030年）\n为推进养老服务发展，经市政府同意，请认真贯彻执行。\n"
            "一、总体要求\n")
    env = find_envelope(text)
    assert env.mask(text).split()[:2] == ["己市养老服务体系建设规划（2026—2030年）",
                                          "为推进养老服务发展，经市政府同意，请认真贯彻执行。"]


def test_notice_without_a_date_ends_after_its_signature():
    text = ("乙市人民政府关于印发《乙市“十五五”教育规划》的通知\n各区人民政府：\n"
            "现将《乙市“十五五”教育规划》印发给你们，请认真贯彻执行。\n特此通知。\n"
            "乙市人民政府\n乙市“十五五”教育规划\n一、发展基础\n")
    env = find_envelope(text)
    assert env.fields["issuer"] == "乙市人民政府" and "signed" not in env.fields
    assert env.mask(text).split() == ["乙市“十五五”教育规划", "一、发展基础"]


def test_notice_deep_in_the_text_is_not_an_envelope():
    text = "甲县“十五五”规划\n根据《乙省人民政府关于印发乙省规划的通知》，现将有关事项通知如下。\n"
    assert not find_envelope(text)


def test_bad_rules_file_names_the_file(tmp_path):
    bad = tmp_path / "envelope.toml"
    bad.write_text("[notice]\ntitle = '('\n", encoding="utf-8")
    with pytest.raises(DataFileError) as e:
        load_rules(bad)
    assert str(bad) in str(e.value) and "E200" in str(e.value)


def test_empty_envelope_is_false():
    assert not Envelope()
    assert Envelope().mask("甲") == "甲"


def test_period_from_a_year_range_in_the_title():
    assert period_of("普陀区国土空间近期规划（2026-2030年）", "") == (2026, 2030)
    assert period_of("某市规划（2021—2035年）", "") == (2021, 2035)
    assert period_of("某市“十四五”规划", "") == (2021, 2025)


@pytest.mark.parametrize("issuer,title,region", [
    ("上海市闵行区人民政府", "闵行区城市更新“十五五”规划", "闵行区"),
    ("上海市人民政府办公厅", "上海市城市更新和住房发展“十五五”规划", "上海市"),
    ("广西壮族自治区人民政府办公厅", "广西壮族自治区“十五五”养老服务规划", "广西壮族自治区"),
    ("内蒙古自治区人民政府办公厅", "自治区“十五五”就业促进规划", "内蒙古自治区"),
    ("杭州市西湖区人民政府", "全区“十五五”教育规划", "杭州市西湖区"),
    ("上海市闵行区人民政府办公室", "全区规划", "上海市闵行区"),
    ("上海市发展和改革委员会", "全市规划", "上海市"),
    (None, "闵行区城市更新规划", None),
], ids=lambda v: str(v))
def test_issuer_region(issuer, title, region):
    assert issuer_region(issuer, title) == region


# --- the real plans (../shared/corpus/real) --------------------------------------------------

def _sources() -> list[dict[str, str]]:
    """The table of SOURCES.md: file, plan title, issuer, number, date, signed date."""
    rows = []
    for line in SOURCES.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        m = re.match(r"(.+?),\s*(\S+号),\s*(\d{4}-\d{2}-\d{2})(?:\s*\(signed (\d{2})-(\d{2})\))?", cells[3])
        assert m, f"SOURCES.md row not understood: {line}"
        issued = m.group(3)
        signed = f"{issued[:4]}-{m.group(4)}-{m.group(5)}" if m.group(4) else issued
        rows.append({"file": cells[0].strip("`"), "title": cells[2], "issuer": m.group(1),
                     "doc_number": m.group(2), "issued": issued, "signed": signed})
    return rows


needs_real = pytest.mark.skipif(not SOURCES.is_file(),
                                reason="../shared/corpus/real/SOURCES.md is absent (real plans not checked out)")


@needs_real
def test_sources_table_is_read():
    rows = _sources()
    assert len(rows) >= 5 and all((REAL / r["file"]).is_file() for r in rows)


@needs_real
@pytest.mark.parametrize("key", ["title", "issuer", "doc_number", "issued", "signed"])
def test_real_plans_metadata(key):
    wrong = []
    for r in _sources():
        plan = parse_file(REAL / r["file"], semantic=False)
        if plan.meta.get(key) != r[key]:
            wrong.append((r["file"], plan.meta.get(key), r[key]))
    assert not wrong, wrong


@needs_real
def test_real_plans_envelope_out_of_the_body():
    """Front matter and notice make no unknown nodes and no warnings; the body starts
    with the plan's title."""
    for r in _sources():
        plan = parse_file(REAL / r["file"], semantic=False)
        env = plan.root.attrs["envelope"]
        assert env["parts"][:2] == ["front_matter", "notice"], r["file"]
        body_start = max(e for _, e in env["ranges"])
        first_body_line = plan.source_text.count("\n", 0, body_start) + 1
        early = [str(w) for w in plan.warnings if w.line and w.line <= first_body_line + 1]
        assert not early, (r["file"], early)
        for u in plan.root.find(Kind.UNKNOWN):
            assert u.span[0] >= body_start, (r["file"], u.text)
        assert plan.root.title == r["title"]
        assert plan.meta["period_start"] and plan.meta["period_end"] == plan.meta["period_start"] + 4


@needs_real
def test_plans_query_on_real_plans():
    store = Store.in_memory()
    sources = _sources()
    store.load_plans([parse_file(REAL / r["file"], semantic=False) for r in sources])
    rows = {r["planId"]: r for r in _plans_rows(store)}
    assert len(rows) == len(sources)
    for s in sources:
        row = rows[Path(s["file"]).stem]
        assert (row["title"], row["issuer"], row["docNumber"], row["issued"]) == \
            (s["title"], s["issuer"], s["doc_number"], s["issued"])


@pytest.mark.parametrize("seed", range(40))
def test_mangled_envelopes_never_fail(seed):
    """Seeded fuzz: drop, repeat and swap lines of the fixtures' heads; the envelope is
    found or not, but it never raises, never masks past the text, and keeps line breaks."""
    import random
    rnd = random.Random(seed)
    path = FIXTURES[seed % len(FIXTURES)]
    text, _ = normalize(path.read_text(encoding="utf-8"))
    lines = text.split("\n")
    head = lines[:25]
    for _ in range(rnd.randint(1, 6)):
        op, k = rnd.choice("drop dup swap cut".split()), rnd.randrange(len(head))
        if op == "drop" and len(head) > 1:
            head.pop(k)
        elif op == "dup":
            head.insert(k, head[k])
        elif op == "swap":
            j = rnd.randrange(len(head))
            head[k], head[j] = head[j], head[k]
        else:
            head[k] = head[k][: rnd.randrange(len(head[k]) + 1)]
    mangled = "\n".join(head + lines[25:])
    env = find_envelope(mangled)
    masked = env.mask(mangled)
    assert len(masked) == len(mangled) and masked.count("\n") == mangled.count("\n")
    for s, e in env.ranges:
        assert 0 <= s <= e <= len(mangled)
    for key in ("issued", "signed"):
        assert env.fields.get(key) is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", env.fields[key])


def _notice_pdf(lines: list[str]) -> bytes:
    """A PDF of ``lines`` as a printed notice: the notice on page 1, the plan from page 2,
    each line drawn where a typesetter would put it (titles centred, signature right)."""
    import io as _io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = _io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y = A4[1] - 80
    for line in lines:
        if line == "<page>":
            c.showPage()
            y = A4[1] - 80
            continue
        c.setFont("STSong-Light", 12)
        if line.endswith(("通知", "规划")) or re.fullmatch(r"\S+〔\d{4}〕\d+号", line):
            c.drawCentredString(A4[0] / 2, y, line)
        elif re.search(r"人民政府办公厅$|[年月日]$", line):
            c.drawRightString(A4[0] - 80, y, line)
        else:
            c.drawString(80, y, line)
        y -= 22
    c.save()
    return buf.getvalue()


@pytest.mark.skipif(importlib.util.find_spec("reportlab") is None
                    or importlib.util.find_spec("pdfplumber") is None,
                    reason="reportlab and pdfplumber are needed to write and read a PDF")
def test_notice_in_a_pdf(tmp_path):
    """The same envelope read from a PDF's extracted text: a notice page, then the plan."""
    lines = ["辛政办发〔2026〕4号", "辛省人民政府办公厅关于印发", "辛省“十五五”托育服务规划的通知",
             "各市人民政府，省政府各部门：", "经省人民政府同意，现将《辛省“十五五”托育服务规划》",
             "印发给你们，请认真贯彻执行。", "辛省人民政府办公厅", "2026年3月2日", "<page>",
             "辛省“十五五”托育服务规划", "一、发展基础", "全省托位总数达到12万个，覆盖率稳步提高。",
             "二、主要任务", "扩大普惠托育供给。新建普惠托育机构300家。"]
    path = tmp_path / "xin-notice.pdf"
    path.write_bytes(_notice_pdf(lines))
    plan = parse_file(path, semantic=False)
    assert (plan.meta["issuer"], plan.meta["doc_number"], plan.meta["issued"]) == \
        ("辛省人民政府办公厅", "辛政办发〔2026〕4号", "2026-03-02")
    assert plan.meta["title"] == "辛省“十五五”托育服务规划"
    assert [c.title for c in plan.root.find(Kind.CHAPTER)] == ["发展基础", "主要任务"]
    assert plan.root.find(Kind.UNKNOWN) == []
