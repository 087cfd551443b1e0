"""``plankg diff``: a meaning-level diff, checked against edits made here.

Each case takes a real plan (a fixture, the corpus sample), applies edits of the kinds
the issue names (values changed, a project renamed, a service item dropped, a section
retitled …) and lists the rows those edits must give; the diff is scored by precision
and recall of its non-``plan`` rows against that list. A reformatted copy of each plan
(half-width punctuation, other line wraps, an HTML page of the same text) must give no
row at all.
"""
from __future__ import annotations

import csv
import html
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from plankg.cli import main
from plankg.diff.align import COLUMNS, Row, _item, diff, format_rows, pair_items
from plankg.diff.facts import from_file, norm

REPO = Path(__file__).resolve().parents[1]
FIX = REPO / "tests" / "fixtures"

# (plan file, [(text in the plan, replacement)], [expected rows: kind, change, old, new,
# field, oldValue, newValue])
EDIT_CASES = {
    "hunan": (FIX / "a_hunan_fullwidth.txt", [
        ("个\t1.6\t４.５\t预期性", "个\t1.6\t５\t预期性"),
        ("巩固率\t%\t98.6\t≥99\t约束性", "巩固率\t%\t98.6\t≥99\t预期性"),
        ("占比\t%\t32\t≥55", "占比\t%\t32\t>55"),
        ("1．托育服务扩容工程：新建１２０所", "1．普惠托育服务扩容工程：新建１５０所"),
        ("孕产妇健康服务，预防接种，儿童健康管理，困境儿童保障（共4项）",
         "孕产妇健康服务，儿童健康管理，困境儿童保障（共3项）"),
        ("（一）健全托育和学前教育服务", "（一）完善托育和学前教育服务体系"),
        ("（省医保局负责）", "（省医保局牵头，省卫生健康委按职责分工负责）"),
        ("1．推进托育服务扩容。", "1．加快托育服务扩容。"),
        ("2．扩大普惠性学前教育资源。新建、改扩建一批公办幼儿园，巩固提升公办园在园幼儿占比，"
         "确保普惠性幼儿园覆盖率保持在85％以上。\n", ""),
    ], [
        ("indicator", "changed", "每千人口拥有3岁以下婴幼儿托位数", "每千人口拥有3岁以下婴幼儿托位数",
         "target", "4.5", "5"),
        ("indicator", "changed", "九年义务教育巩固率", "九年义务教育巩固率", "nature", "约束性", "预期性"),
        ("indicator", "changed", "养老机构护理型床位占比", "养老机构护理型床位占比",
         "comparator", "≥", ">"),
        ("project", "renamed", "托育服务扩容工程", "普惠托育服务扩容工程", "", "", ""),
        ("quantity", "changed", "托育服务扩容工程", "普惠托育服务扩容工程", "value", "120", "150"),
        ("service_item", "removed", "预防接种", "", "", "", ""),
        ("section", "renamed", "健全托育和学前教育服务", "完善托育和学前教育服务体系", "", "", ""),
        ("responsibility", "added", "健全多层次医疗保障制度", "健全多层次医疗保障制度", "support",
         "", "省卫生健康委"),
        ("measure", "renamed", "推进托育服务扩容", "加快托育服务扩容", "", "", ""),
        ("measure", "removed", "扩大普惠性学前教育资源", "", "", "", ""),
    ]),
    "sichuan": (REPO / "corpus" / "sichuan-2021-public-services.txt", [
        ("学前教育毛入园率 90． 93 92． 09 预期性", "学前教育毛入园率 90． 93 93． 5 预期性"),
        ("人均预期寿命 77． 56 78． 2 预期性", "人均预期寿命 77． 56 78． 2 约束性"),
        ("4 文艺精品创作工程", "4 文艺精品创作扶持工程"),
        ("每年扶持 10 部优秀剧本", "每年扶持 12 部优秀剧本"),
        ("基本避孕服务,生育保险,预防接种,", "基本避孕服务,生育保险,"),
        ("护。 (共 9 项)", "护。 (共 8 项)"),
        ("第二节　 发展公平优质教育", "第二节　 办好公平优质的教育"),
        ("优化资源配置机制。", "健全资源配置机制。"),
    ], [
        ("indicator", "changed", "学前教育毛入园率", "学前教育毛入园率", "target", "92.09", "93.5"),
        ("indicator", "changed", "人均预期寿命", "人均预期寿命", "nature", "预期性", "约束性"),
        ("project", "renamed", "文艺精品创作工程", "文艺精品创作扶持工程", "", "", ""),
        ("quantity", "changed", "文艺精品创作工程", "文艺精品创作扶持工程", "value", "10", "12"),
        ("service_item", "removed", "预防接种", "", "", "", ""),
        ("section", "renamed", "发展公平优质教育", "办好公平优质的教育", "", "", ""),
        ("measure", "renamed", "优化资源配置机制", "健全资源配置机制", "", "", ""),
    ]),
    "hangzhou-html": (FIX / "c_hangzhou.html", [
        ("<td>个</td><td>2.9</td><td>4.6</td>", "<td>个</td><td>2.9</td><td>5.0</td>"),
        ("<p>1.婴幼儿照护服务扩容工程</p>", "<p>1.普惠婴幼儿照护服务扩容工程</p>"),
        ("新增家庭养老床位5000张", "新增家庭养老床位6000张"),
        ("孕产妇健康服务，预防接种，儿童健康管理", "孕产妇健康服务，儿童健康管理"),
        ("<h3>（二）形势要求</h3>", "<h3>（二）面临的形势和要求</h3>"),
    ], [
        ("indicator", "changed", "每千人口拥有3岁以下婴幼儿托位数", "每千人口拥有3岁以下婴幼儿托位数",
         "target", "4.6", "5"),
        ("project", "renamed", "婴幼儿照护服务扩容工程", "普惠婴幼儿照护服务扩容工程", "", "", ""),
        ("quantity", "changed", "居家养老服务提升计划", "居家养老服务提升计划", "value", "5000", "6000"),
        ("service_item", "removed", "预防接种", "", "", "", ""),
        ("section", "renamed", "形势要求", "面临的形势和要求", "", "", ""),
    ]),
}


def edited_copy(src: Path, edits: list[tuple[str, str]], out: Path) -> Path:
    text = src.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, f"edit target not unique in {src.name}: {old!r}"
        text = text.replace(old, new)
    out.write_text(text, encoding="utf-8")
    return out


def score(found: list[Row], expected: list[tuple]) -> tuple[float, float, set, set]:
    got = {tuple(norm(c) for c in r.as_list()) for r in found if r.kind != "plan"}
    want = {tuple(norm(c) for c in e) for e in expected}
    hit = got & want
    precision = len(hit) / len(got) if got else 1.0
    recall = len(hit) / len(want) if want else 1.0
    return precision, recall, got - want, want - got


@pytest.fixture(scope="module")
def parsed():
    """Parse each original once (the parser is the slow part)."""
    cache: dict[Path, object] = {}

    def get(path: Path):
        if path not in cache:
            cache[path] = from_file(path)
        return cache[path]
    return get


@pytest.mark.parametrize("case", sorted(EDIT_CASES))
def test_edits_are_found_with_precision_and_recall(case, tmp_path, parsed):
    src, edits, expected = EDIT_CASES[case]
    new = edited_copy(src, edits, tmp_path / src.name)
    rows = diff(parsed(src), from_file(new))
    precision, recall, extra, missed = score(rows, expected)
    assert precision >= 0.95 and recall >= 0.95, f"extra: {extra}\nmissed: {missed}"
    assert {r.kind for r in rows if r.kind == "plan"} <= {"plan"}
    assert all(r.change in ("added", "removed", "renamed", "changed") for r in rows)


def test_the_cli_writes_the_contract_csv(tmp_path):
    src, edits, expected = EDIT_CASES["hunan"]
    new = edited_copy(src, edits, tmp_path / "edited.txt")
    r = CliRunner().invoke(main, ["diff", str(src), str(new), "--format", "csv"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    table = list(csv.reader(io.StringIO(r.output)))
    assert tuple(table[0]) == COLUMNS
    rows = [Row(*line) for line in table[1:]]
    precision, recall, extra, missed = score(rows, expected)
    assert precision >= 0.95 and recall >= 0.95, f"extra: {extra}\nmissed: {missed}"
    assert [r for r in rows if r.kind == "plan"] == []  # the file name is not a change


def test_plan_ids_in_the_store_diff_as_their_files(tmp_path, parsed):
    from plankg.pipeline import parse_file
    from plankg.store.embedded import Store

    src, edits, expected = EDIT_CASES["hunan"]
    old = tmp_path / "hunan-old.txt"
    old.write_bytes(src.read_bytes())
    new = edited_copy(src, edits, tmp_path / "hunan-new.txt")
    store = tmp_path / "store"
    with Store(store) as st:
        st.load_plans([parse_file(old), parse_file(new)], ontology=True)
    runner = CliRunner()
    by_id = runner.invoke(main, ["diff", "hunan-old", "hunan-new", "--store", str(store),
                                 "--format", "csv"], catch_exceptions=False)
    by_file = runner.invoke(main, ["diff", str(old), str(new), "--format", "csv"],
                            catch_exceptions=False)
    assert by_id.exit_code == 0 and by_id.output == by_file.output
    assert "预防接种" in by_id.output
    unknown = runner.invoke(main, ["diff", "hunan-old", "no-such-plan", "--store", str(store)])
    assert unknown.exit_code == 1
    assert "E610" in unknown.output and "hunan-new" in unknown.output
    assert "Traceback" not in unknown.output


# --- a reformatted copy ----------------------------------------------------------------------

HALF_WIDTH = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";", "％": "%"})
FULL_WIDTH = str.maketrans({",": "，", ":": "：", "(": "（", ")": "）", ";": "；"})


def rewrap(text: str, width: int = 30) -> str:
    """The plan as another copy of it would come: full-width punctuation made half-width
    (or, in a plan written with half-width punctuation, the other way round), and prose
    lines longer than 40 characters indented and hard-wrapped at ``width`` as PDF
    text is (table
    rows, whose cells are split by tabs or wide spaces, are kept whole)."""
    fulls = sum(text.count(c) for c in "，：（）；")
    halves = sum(text.count(c) for c in ",:();")
    table = HALF_WIDTH if fulls >= halves else FULL_WIDTH
    out = []
    for line in text.splitlines():
        line = line.translate(table)
        if "\t" in line or "\u3000\u3000" in line or "  " in line or len(line) <= 40:
            out.append(line)
        else:
            line = "\u3000\u3000" + line  # as in a PDF, a paragraph's first line is indented
            out += [line[i:i + width] for i in range(0, len(line), width)]
    return "\n".join(out) + "\n"


def as_html(text: str) -> str:
    """The same text as a web page: a <p> a line, tab-separated rows as a <table>."""
    out = ["<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>"]
    rows: list[str] = []
    for line in text.splitlines():
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>"
                                         for c in line.split("\t")) + "</tr>")
            continue
        if rows:
            out.append("<table>" + "".join(rows) + "</table>")
            rows = []
        out.append(f"<p>{html.escape(line)}</p>")
    if rows:
        out.append("<table>" + "".join(rows) + "</table>")
    return "\n".join(out + ["</body></html>"]) + "\n"


REFORMAT_SOURCES = [REPO / "corpus" / "sichuan-2021-public-services.txt"] + sorted(
    p for p in FIX.glob("*.txt"))


def _decoded(path: Path) -> str:
    from plankg.read.text import read_source

    return read_source(path).text


@pytest.mark.parametrize("src", REFORMAT_SOURCES, ids=lambda p: p.stem)
@pytest.mark.parametrize("layout", ["rewrapped", "html"])
def test_a_reformatted_copy_has_an_empty_diff(src, layout, tmp_path, parsed):
    text = _decoded(src)
    if layout == "html":
        copy = tmp_path / "copy.html"
        copy.write_text(as_html(text), encoding="utf-8")
    else:
        copy = tmp_path / "copy.txt"
        copy.write_text(rewrap(text), encoding="utf-8")
    assert copy.read_text(encoding="utf-8") != text
    rows = diff(parsed(src), from_file(copy))
    assert rows == [], format_rows(rows, "table")


# --- the aligner on its own -----------------------------------------------------------------

def test_pairing_prefers_the_same_parent_and_place():
    pairs = {"P1": "Q1", "P2": "Q2"}
    old = [_item("a", "project", "托育服务工程", "P1", 1),
           _item("b", "project", "托育服务工程", "P2", 1)]
    new = [_item("c", "project", "托育服务工程", "Q2", 1),
           _item("d", "project", "托育服务提升工程", "Q1", 1)]
    got = {o.iri: n.iri for o, n in pair_items(old, new, pairs)}
    assert got == {"b": "c", "a": "d"}


def test_unrelated_names_are_not_a_rename():
    old = [_item("a", "service_item", "预防接种")]
    new = [_item("b", "service_item", "法律援助")]
    assert pair_items(old, new, {}) == []


def test_formats_carry_the_same_rows():
    rows = [Row("indicator", "changed", "学前教育毛入园率", "学前教育毛入园率", "target", "91", "92")]
    assert format_rows(rows, "csv").splitlines()[1] == "indicator,changed,学前教育毛入园率," \
                                                       "学前教育毛入园率,target,91,92"
    import json

    data = json.loads(format_rows(rows, "json", old="a", new="b"))
    assert data["rows"][0]["newValue"] == "92" and data["old"] == "a"
    assert "(1 row)" in format_rows(rows, "table")


def test_each_target_year_of_an_indicator_is_compared(tmp_path):
    """An indicator with 2025 and 2035 targets: a changed 2035 target is its own row."""
    src = Path(__file__).parent / "fixtures" / "i_xian_cells.txt"
    text = src.read_text(encoding="utf-8").replace("\n5.5\n", "\n5.8\n", 1)
    new = tmp_path / "xian-edited.txt"
    new.write_text(text, encoding="utf-8")
    rows = [r for r in diff(from_file(src), from_file(new)) if r.kind == "indicator"]
    assert [(r.old, r.field, r.oldValue, r.newValue) for r in rows] == [
        ("每千人口拥有3岁以下婴幼儿托位数", "target2", "5.5", "5.8")]
