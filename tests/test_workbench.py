"""The researcher's workbench (plankg.workbench): compare, plots, export, report, API.

One on-disk store per session holds three fixture plans of different regions
(``tests/fixtures/workbench/``: the Hunan fixture's layout with regions, indicators,
figures and service items changed), parsed by the real parser; the hand alignment of
their indicators (``gold_alignment.tsv``) includes the traps the issue names: the same
words with another unit, and near-identical names for different measures.
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import struct
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from plankg.cli import main
from plankg.store.embedded import Store
from plankg.workbench import units

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "workbench"
PLAN_FILES = sorted(FIXTURES.glob("*.txt"))
CONTRACT_COLUMNS = "concept region plan name unit baseline target targetYear nature unitMismatch".split()
ISSUE_COLUMNS = CONTRACT_COLUMNS + ["baselineYear", "comparator"]


@pytest.fixture(scope="session")
def wb_store(tmp_path_factory) -> Path:
    """A store directory with the three fixture plans loaded through `plankg load`."""
    path = tmp_path_factory.mktemp("wb") / "store"
    r = CliRunner().invoke(main, ["load", *map(str, PLAN_FILES), "--store", str(path)])
    assert r.exit_code == 0, r.output
    return path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def gold() -> dict[tuple[str, str], str]:
    lines = [l for l in (FIXTURES / "gold_alignment.tsv").read_text(encoding="utf-8").splitlines()
             if l and not l.startswith("#")]
    return {(r["region"], r["name"]): r["cluster"]
            for r in csv.DictReader(lines, delimiter="\t")}


# --- units -----------------------------------------------------------------------------

@pytest.mark.parametrize("value,unit,to,want", [
    ("3.2", "万张", "张", "32000"),
    ("32000", "张", "万张", "3.2"),
    ("5", "‰", "%", "0.5"),
    ("0.45", "%", "‰", "4.5"),
    ("7", "个", "个", "7"),
    ("5", "个", "张", None),
    ("5", "托位", "张", None),
    ("", "万张", "张", ""),
    ("78.6", "岁", "年", "78.6"),
], ids=["wan-zhang", "zhang-wan", "permille", "percent", "same", "other-dimension",
        "unknown-unit", "empty", "life-expectancy-years"])
def test_unit_conversion(value, unit, to, want):
    assert units.convert(value, unit, to) == want


def test_unit_table_is_valid_data():
    t = units.table()
    assert t["万张"][0] == t["张"][0] and t["‰"][0] == t["%"][0]
    # every dimension has exactly one base unit (factor 1) or more of equal standing
    dims = {d for d, _f in t.values()}
    assert all(any(f == 1 for d2, f in t.values() if d2 == d) for d in dims)


# --- compare ---------------------------------------------------------------------------

def test_compare_csv_has_the_contract_columns(wb_store):
    r = run("compare", "--store", str(wb_store), "--format", "csv")
    assert r.exit_code == 0, r.output
    header = next(csv.reader(io.StringIO(r.output)))
    assert header[:len(CONTRACT_COLUMNS)] != [] and set(ISSUE_COLUMNS) <= set(header)
    assert header[0] == "concept"


def test_compare_pair_f1_against_the_hand_alignment(wb_store):
    """Every pair of indicators of different plans on one concept, against the gold pairs."""
    rows = [r for r in csv_rows(run("compare", "--store", str(wb_store), "--format", "csv").output)
            if r["name"]]
    g = gold()
    assert {(r["region"], r["name"]) for r in rows} == set(g), "rows differ from the gold list"
    predicted = {frozenset([(a["region"], a["name"]), (b["region"], b["name"])])
                 for a, b in combinations(rows, 2)
                 if a["concept"] == b["concept"] and a["region"] != b["region"]}
    expected = {frozenset([a, b]) for a, b in combinations(g, 2)
                if g[a] == g[b] and a[0] != b[0]}
    tp = len(predicted & expected)
    precision = tp / len(predicted) if predicted else 0
    recall = tp / len(expected)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0
    assert f1 >= 0.95, (f"F1 {f1:.3f}; false pairs {sorted(map(sorted, predicted - expected))}; "
                        f"missed {sorted(map(sorted, expected - predicted))}")
    # the traps, by name: another unit, and near-identical names
    assert frozenset([("湖北省", "城镇新增就业"), ("江苏省", "城镇新增就业")]) not in predicted
    assert frozenset([("湖北省", "每千人口养老床位数"), ("江苏省", "每千名老年人口养老床位数")]) not in predicted


def test_compare_normalises_convertible_units(wb_store):
    rows = csv_rows(run("compare", "--store", str(wb_store), "--format", "csv",
                        "--indicator", "养老服务床位总数").output)
    named = {r["region"]: r for r in rows if r["name"]}
    hubei, jiangsu = named["湖北省"], named["江苏省"]
    assert hubei["concept"] == jiangsu["concept"] and hubei["unit"] == jiangsu["unit"]
    assert hubei["sourceUnit"] == "万张" and hubei["sourceTarget"] == "3.8"
    assert units.convert(hubei["sourceTarget"], "万张", hubei["unit"]) == hubei["target"]
    infant = {r["region"]: r for r in csv_rows(run(
        "compare", "--store", str(wb_store), "--format", "csv", "--indicator", "婴儿死亡率").output)}
    assert infant["江苏省"]["sourceUnit"] == "%" and infant["江苏省"]["unit"] == "‰"
    assert infant["江苏省"]["target"] == units.convert(infant["江苏省"]["sourceTarget"], "%", "‰")
    assert all(r["unitMismatch"] == "false" for r in infant.values())


def test_a_region_without_the_concept_gets_an_empty_row(wb_store):
    rows = csv_rows(run("compare", "--store", str(wb_store), "--format", "csv",
                        "--indicator", "托位数").output)
    by_region = {r["region"]: r for r in rows}
    assert set(by_region) == {"湖北省", "江苏省", "浙江省"}
    assert by_region["浙江省"]["name"] == "" and by_region["浙江省"]["target"] == ""
    assert by_region["湖北省"]["target"] and by_region["湖北省"]["concept"] == by_region["浙江省"]["concept"]


def test_compare_json_is_the_long_form(wb_store):
    as_csv = csv_rows(run("compare", "--store", str(wb_store), "--format", "csv").output)
    as_json = json.loads(run("compare", "--store", str(wb_store), "--format", "json").output)
    assert as_json == as_csv


def test_compare_table_one_row_per_concept_and_region_columns(wb_store):
    out = run("compare", "--store", str(wb_store), "--region", "江苏省",
              "--region", "wb_zhejiang").output
    lines = out.splitlines()
    assert "江苏省:target" in lines[0] and "浙江省:nature" in lines[0] and "湖北省" not in lines[0]
    concepts = {r["concept"] for r in csv_rows(run(
        "compare", "--store", str(wb_store), "--format", "csv", "--region", "江苏省",
        "--region", "wb_zhejiang").output)}
    assert lines[-1] == f"({len(concepts)} rows)"
    assert lines[0].index("江苏省") < lines[0].index("浙江省")


def test_compare_domain_filter(wb_store):
    rows = [r for r in csv_rows(run("compare", "--store", str(wb_store), "--format", "csv",
                                    "--domain", "学有所教").output) if r["name"]]
    assert rows and {r["domain"] for r in rows} == {"学有所教"}


def test_compare_items_matrix_marks_single_region_items(wb_store):
    rows = csv_rows(run("compare", "--store", str(wb_store), "--items", "--format", "csv").output)
    by_item = {r["item"]: r for r in rows}
    assert by_item["困境儿童保障"]["onlyIn"] == "湖北省"
    assert by_item["困境儿童保障"]["江苏省"] == ""
    assert by_item["预防接种"]["onlyIn"] == "" and by_item["预防接种"]["浙江省"] == "✓"
    data = json.loads(run("compare", "--store", str(wb_store), "--items", "--format", "json").output)
    assert {d["item"] for d in data} == set(by_item)


@pytest.mark.parametrize("args,code", [
    (["--region", "北京市"], "E700"),
    (["--indicator", "没有这个指标"], "E700"),
    (["--plot", "chart.gif"], "E703"),
], ids=["unknown-region", "no-match", "bad-plot-suffix"])
def test_compare_user_mistakes_are_one_line(wb_store, tmp_path, args, code):
    r = run("compare", "--store", str(wb_store), *[a if a != "chart.gif" else str(tmp_path / a)
                                                   for a in args])
    assert r.exit_code == 1 and code in r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


# --- plots -----------------------------------------------------------------------------

def test_plot_png(wb_store, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "care.png"
    r = run("compare", "--store", str(wb_store), "--indicator", "护理型床位占比", "--plot", str(out))
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 400 and height >= 200
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(out) as im:
        assert im.size == (width, height)
        assert len(im.convert("RGB").getcolors(maxcolors=1 << 20)) > 10  # bars, not a blank page


def test_plot_svg_title_names_the_indicator(wb_store, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "care.svg"
    r = run("compare", "--store", str(wb_store), "--indicator", "护理型床位占比", "--plot", str(out))
    assert r.exit_code == 0, r.output
    from lxml import etree

    root = etree.parse(str(out)).getroot()
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and "养老机构护理型床位占比" in title.text
    assert "湖北省" in out.read_text(encoding="utf-8")  # the region labels are text


def test_items_heatmap_svg(wb_store, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "items.svg"
    assert run("compare", "--store", str(wb_store), "--items", "--plot", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "困境儿童保障" in text and "<svg" in text


# --- export ----------------------------------------------------------------------------

EXPORT_KINDS = {
    "chapters": "region chapterNo title", "sections": "region chapterNo sectionNo title domain",
    "measures": "region chapterNo sectionNo measure", "columns": "region columnNo title domain",
    "projects": "region columnNo projectNo name domain",
    "quantities": "region columnNo projectNo value unit",
    "indicators": "region domain name unit baseline baselineYear target targetYear comparator "
                  "qualitativeTarget nature",
    "service_items": "region domain item", "responsibilities": "region task department role",
    "plans": "plan region title",
}


def test_export_csv_loads_in_pandas_with_the_documented_columns(wb_store, tmp_path):
    out = tmp_path / "csv"
    r = run("export", "--store", str(wb_store), "--format", "csv", "-o", str(out))
    assert r.exit_code == 0, r.output
    readme = (out / "README.txt").read_text(encoding="utf-8")
    pandas = pytest.importorskip("pandas")
    for kind, cols in EXPORT_KINDS.items():
        df = pandas.read_csv(out / f"{kind}.csv", dtype=str, keep_default_na=False)
        want = cols.split() + ["plan", "iri"]
        assert set(want) <= set(df.columns), kind
        assert len(df) > 0, kind
        assert df["iri"].str.startswith("https://w3id.org/plankg/id/plan/").all(), kind
        assert f"{kind}.csv" in readme and all(f"  {c}:" in readme for c in df.columns)
    ind = pandas.read_csv(out / "indicators.csv", dtype=str, keep_default_na=False)
    assert set(ind["region"]) == {"湖北省", "江苏省", "浙江省"}


# kind → the classes its rows' iri may have
IRI_CLASSES = {
    "plans": {"Plan"}, "chapters": {"Chapter"}, "sections": {"Section"},
    "measures": {"KeyTask"}, "columns": {"Column"}, "projects": {"Project"},
    "quantities": {"Quantity"},  # untyped in the graph: the range of pk:quantity
    "indicators": {"Indicator"},
    "service_items": {"ServiceItem"}, "responsibilities": {"KeyTask", "Project"},
}


def test_export_iri_is_the_node_each_row_is_about(wb_store, tmp_path):
    """``iri`` names the row's own node, whatever pattern its query starts with
    (service_items starts at the list rows, responsibilities at the department quads)."""
    from plankg.store.embedded import Store

    out = tmp_path / "csv"
    assert run("export", "--store", str(wb_store), "--format", "csv", "-o", str(out)).exit_code == 0
    pk = "https://w3id.org/plankg/ontology#"
    with Store(wb_store, read_only=True) as st:
        for kind, classes in IRI_CLASSES.items():
            rows = csv_rows((out / f"{kind}.csv").read_text(encoding="utf-8"))
            assert rows, kind
            iris = {r["iri"] for r in rows}
            typed = {}
            pattern = "[] pk:quantity ?x . BIND(pk:Quantity AS ?t)" if kind == "quantities" \
                else "?x a ?t"
            for sol in st.query("SELECT ?x ?t WHERE { GRAPH ?g { %s } VALUES ?x { %s } }"
                                % (pattern, " ".join(f"<{i}>" for i in iris))):
                typed[sol["x"].value] = sol["t"].value.removeprefix(pk)
            assert {typed.get(i) for i in iris} <= classes, kind
            if kind in ("service_items", "projects", "indicators", "chapters"):
                assert len(iris) == len(rows), f"{kind}: rows share an iri"


def test_export_csv_matches_the_contract_query(wb_store, tmp_path):
    """The export is the contract query's rows, with plan and iri added."""
    out = tmp_path / "csv"
    run("export", "--store", str(wb_store), "--format", "csv", "-o", str(out))
    from plankg.store.queries import execute, resolve

    want = csv_rows(execute(resolve("indicators")[1], "csv", wb_store, use_cache=False))
    got = csv_rows((out / "indicators.csv").read_text(encoding="utf-8"))
    strip = [{k: v for k, v in r.items() if k not in ("plan", "iri")} for r in got]
    assert sorted(map(sorted, (r.items() for r in strip))) == sorted(map(sorted, (r.items() for r in want)))


def test_export_excel_bom_and_plan_filter(wb_store, tmp_path):
    out = tmp_path / "xl"
    r = run("export", "--store", str(wb_store), "--format", "csv", "--excel", "--plan", "wb_jiangsu",
            "-o", str(out))
    assert r.exit_code == 0, r.output
    data = (out / "indicators.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(data.decode("utf-8-sig"))
    assert rows and {r["region"] for r in rows} == {"江苏省"}


def test_export_unknown_plan_is_one_line(wb_store, tmp_path):
    r = run("export", "--store", str(wb_store), "--format", "csv", "--plan", "nosuch",
            "-o", str(tmp_path / "x"))
    assert r.exit_code == 1 and "E702" in r.output and "wb_hubei" in r.output
    assert "Traceback" not in r.output


def test_export_json_rows(wb_store, tmp_path):
    out = tmp_path / "json"
    assert run("export", "--store", str(wb_store), "--format", "json", "-o", str(out)).exit_code == 0
    data = json.loads((out / "projects.json").read_text(encoding="utf-8"))
    assert data and set(EXPORT_KINDS["projects"].split()) | {"plan", "iri"} <= set(data[0])


def _store_nquads(store_dir: Path) -> list[str]:
    st = pyoxigraph.Store.read_only(str(store_dir))
    return sorted(str(q) for q in st.quads_for_pattern(None, None, None, None))


def test_export_jsonld_parses_back_to_the_same_graph(wb_store, tmp_path):
    out = tmp_path / "ld"
    assert run("export", "--store", str(wb_store), "--format", "jsonld", "-o", str(out)).exit_code == 0
    back = sorted(str(q) for f in sorted(out.glob("*.jsonld"))
                  for q in pyoxigraph.parse(path=str(f), format=pyoxigraph.RdfFormat.JSON_LD))
    store = _store_nquads(wb_store)
    if back != store:
        only_store = sorted(set(store) - set(back))[:10]
        only_back = sorted(set(back) - set(store))[:10]
        pytest.fail(f"only in the store: {only_store}\nonly in the export: {only_back}")
    doc = json.loads((out / "wb_hubei.jsonld").read_text(encoding="utf-8"))
    ind = next(n for n in doc["@graph"] if n["@id"].endswith("/table/1/indicator/6"))
    assert ind["title"] == "养老机构护理型床位占比" and ind["target"]["value"] == "55"
    published = json.loads((Path(__file__).parents[1] / "ontology" / "context.jsonld")
                           .read_text(encoding="utf-8"))
    assert doc["@context"] == published["@context"]


@pytest.mark.parametrize("fmt,name,rdf", [("trig", "plankg.trig", "TRIG"),
                                          ("nquads", "plankg.nq", "N_QUADS")])
def test_export_trig_and_nquads_dump_the_named_graphs(wb_store, tmp_path, fmt, name, rdf):
    out = tmp_path / fmt
    assert run("export", "--store", str(wb_store), "--format", fmt, "-o", str(out)).exit_code == 0
    back = sorted(str(q) for q in pyoxigraph.parse(path=str(out / name),
                                                   format=getattr(pyoxigraph.RdfFormat, rdf)))
    assert back == _store_nquads(wb_store)


# --- report ----------------------------------------------------------------------------

def _report(wb_store: Path, tmp_path: Path, *args: str) -> str:
    out = tmp_path / "r.html"
    r = run("report", *args, "--store", str(wb_store), "-o", str(out))
    assert r.exit_code == 0, r.output
    return out.read_text(encoding="utf-8")


def _self_contained(html: str) -> None:
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=\"?https?:", html), \
        "the page loads something from the network"
    assert "<script" not in html


def test_plan_report_has_outline_indicators_and_sources(wb_store, tmp_path):
    pytest.importorskip("jinja2")
    html = _report(wb_store, tmp_path, "wb_hubei")
    _self_contained(html)
    assert 'id="outline"' in html and 'href="#chapter-3"' in html and 'id="chapter-3"' in html
    table = html[html.index('id="indicator-table"'):html.index("</table>", html.index('id="indicator-table"'))]
    assert "养老机构护理型床位占比" in table and "约束性" in table
    m = re.search(r'<sup class="src"><a href="#src-(\d+)" title="([^"]*)"', table)
    assert m, "the indicator table links no source"
    assert f'id="src-{m.group(1)}"' in html and "每千人口拥有3岁以下婴幼儿托位数" in m.group(2)
    for heading in ("专栏1", "省民政厅", "困境儿童保障", 'id="coverage"'):
        assert heading in html


def test_compare_report_has_the_aligned_table_and_inline_svg(wb_store, tmp_path):
    pytest.importorskip("jinja2")
    pytest.importorskip("matplotlib")
    html = _report(wb_store, tmp_path, "--compare", "湖北省", "江苏省", "浙江省")
    _self_contained(html)
    assert html.count("<svg") >= 2 and 'id="indicator-table"' in html
    assert "养老机构护理型床位占比" in html and 'class="only"' in html


def test_report_of_unknown_plan_is_one_line(wb_store, tmp_path):
    r = run("report", "nosuch", "--store", str(wb_store), "-o", str(tmp_path / "x.html"))
    assert r.exit_code == 1 and "E702" in r.output and "Traceback" not in r.output


PROBE = """<script>
function vis(el) { if (!el) return "missing"; const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  return (r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none") ? "visible" : "hidden"; }
document.body.setAttribute("data-probe", JSON.stringify({
  outline: vis(document.querySelector("#outline")),
  outlineLinks: document.querySelectorAll("#outline a").length,
  table: vis(document.querySelector("#indicator-table")),
  rows: document.querySelectorAll("#indicator-table tbody tr").length,
  source: vis(document.querySelector("#indicator-table sup.src a")),
  footnote: (document.querySelector("#indicator-table sup.src a") || {}).getAttribute
            ? document.getElementById(document.querySelector("#indicator-table sup.src a").getAttribute("href").slice(1)) !== null : false
}));
</script>"""


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="Debian's chromium is not installed (.ci/run installs it)")
def test_report_renders_in_headless_chromium(wb_store, tmp_path):
    """The page as a browser lays it out: outline, indicator table and a source link are
    visible. The report has no script; the test adds a probe to a copy of it."""
    pytest.importorskip("jinja2")
    html = _report(wb_store, tmp_path, "wb_jiangsu")
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900", "--dump-dom",
           probe.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    m = re.search(r'data-probe="([^"]*)"', done.stdout)
    assert m, f"chromium did not render the page: {done.stderr[-500:]}"
    import html as htmllib

    probe_result = json.loads(htmllib.unescape(m.group(1)))
    n_indicators = len([r for r in csv_rows(run("compare", "--store", str(wb_store), "--format", "csv",
                                                "--region", "江苏省").output) if r["name"]])
    assert probe_result == {"outline": "visible", "outlineLinks": probe_result["outlineLinks"],
                            "table": "visible", "rows": n_indicators, "source": "visible",
                            "footnote": True}
    assert probe_result["outlineLinks"] >= 5


# --- notebook API ----------------------------------------------------------------------

def test_api_open_store_query_and_dataframe(wb_store):
    import plankg

    with plankg.open_store(wb_store) as st:
        rows = st.query("indicators")
        assert rows.columns[:3] == ["region", "domain", "name"]
        assert {r["region"] for r in rows} == {"湖北省", "江苏省", "浙江省"}
        cmp = st.compare("婴儿死亡率")
        assert {r["region"] for r in cmp if r["name"]} == {"湖北省", "江苏省", "浙江省"}
        pandas = pytest.importorskip("pandas")
        df = rows.to_dataframe()
        assert isinstance(df, pandas.DataFrame) and list(df.columns) == rows.columns
        assert len(df) == len(rows)


def test_api_parse_gives_indicators_and_columns():
    import plankg

    plan = plankg.parse(FIXTURES / "wb_zhejiang.txt")
    names = [i["title"] for i in plan.indicators]
    assert "每千人口拥有注册护士数" in names and plan.meta["region"] == "浙江省"
    assert [c["number"] for c in plan.columns] == ["1", "2"]


def test_import_plankg_stays_light():
    code = ("import sys, plankg; assert callable(plankg.open_store.__call__); "
            "print(sorted(m for m in sys.modules if m in ('jieba', 'spacy', 'matplotlib', 'jinja2', 'pandas')))")
    light = subprocess.run([sys.executable, "-c", "import sys, plankg; "
                            "print(sorted(m for m in sys.modules if m.startswith('plankg.')))"],
                           capture_output=True, text=True, check=True)
    assert light.stdout.strip() == "[]"
    lazy = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert lazy.stdout.strip() == "[]"


def test_quote_of_reads_the_source_text(wb_store):
    from plankg.workbench.provenance import quote_of

    with Store(wb_store, read_only=True) as st:
        q = quote_of(st, "https://w3id.org/plankg/id/plan/wb_hubei/table/1/indicator/6")
    assert q is not None and "养老机构护理型床位占比" in q.text and q.start < q.end


# --- the comparison queries (queries/*.rq) on three regions ---------------------------

COMPARISON_QUERIES = ["items_not_listed_elsewhere", "regions_without_target", "binding_by_region"]


@pytest.mark.parametrize("name", COMPARISON_QUERIES)
def test_comparison_query_on_three_regions(wb_store, name):
    """Expected rows checked by hand against the fixture plans (the sample and corpus
    stores of tests/test_queries.py have one region, where these queries say little).
    Regenerated with PLANKG_REGEN=1 like the other expected files."""
    import os

    from plankg.store.queries import execute, resolve

    expected = HERE / "queries" / "workbench" / f"{name}.expected.csv"
    text = execute(resolve(name)[1], "csv", wb_store, use_cache=False)
    if os.environ.get("PLANKG_REGEN"):
        expected.write_text(text, encoding="utf-8")
    got = list(csv.reader(io.StringIO(text)))
    want = list(csv.reader(io.StringIO(expected.read_text(encoding="utf-8"))))
    assert got[0] == want[0]
    assert sorted(got[1:]) == sorted(want[1:])
    assert len(want) > 1


def test_comparison_queries_answer_the_issue_questions(wb_store):
    """Spot checks in words: which province sets no 托育 target; which lists an item the
    others do not; a concept binding in one province and expected in another."""
    from plankg.store.queries import execute, resolve

    def q(name):
        return csv_rows(execute(resolve(name)[1], "csv", wb_store, use_cache=False))

    no_target = {(r["name"], r["region"]) for r in q("regions_without_target")}
    assert ("每千人口3岁以下婴幼儿托位数", "浙江省") in no_target
    assert not any(n == "学前教育毛入园率" for n, _ in no_target)
    missing = {(r["item"], r["region"], r["missingIn"]) for r in q("items_not_listed_elsewhere")}
    assert ("困境儿童保障", "湖北省", "江苏省") in missing
    assert not any(item == "预防接种" for item, _r, _m in missing)
    care = {r["region"]: r["nature"] for r in q("binding_by_region") if r["name"] == "养老机构护理型床位占比"}
    assert care == {"湖北省": "约束性", "江苏省": "约束性", "浙江省": "预期性"}


# --- progress --------------------------------------------------------------------------

def test_progress_only_on_a_terminal_and_never_with_quiet(monkeypatch):
    from plankg.workbench import progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stderr", Tty())
    assert progress.wanted() is True and progress.wanted(quiet=True) is False
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert progress.wanted() is False


def test_build_quiet_prints_no_progress(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PLAN_FILES[0], corpus / PLAN_FILES[0].name)
    runner = CliRunner()
    loud = runner.invoke(main, ["build", "--jobs", "1", "--corpus", str(corpus),
                                "--store", str(tmp_path / "a")])
    quiet = runner.invoke(main, ["build", "--jobs", "1", "--quiet", "--corpus", str(corpus),
                                 "--store", str(tmp_path / "b")])
    assert loud.exit_code == 0 and quiet.exit_code == 0, quiet.output
    assert "parsing" in loud.stderr and "parsing" not in quiet.stderr
    assert "plans: 1" in quiet.stdout


def test_readme_python_example_runs(wb_store, monkeypatch, capsys):
    """The README's notebook example, run against the fixture store."""
    pytest.importorskip("pandas")
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    monkeypatch.setenv("PLANKG_STORE", str(wb_store))
    monkeypatch.chdir(Path(__file__).parents[1])
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "['region', 'domain', 'name', 'unit']"
    assert scope["targets"] == {"湖北省": "55", "江苏省": "60", "浙江省": "60"}
    assert out[1] == str(["每千人口拥有3岁以下婴幼儿托位数", "学前教育毛入园率"])


def test_footnote_marks_do_not_split_a_concept():
    """人均体育场地面积① in one plan and 人均体育场地面积 in another are one measure."""
    from conftest import load_domains, sample_plan

    from plankg.model import Kind
    from plankg.workbench.compare import compare_indicators

    marked = sample_plan("sample-guizhou", "贵州省", None)
    stack = [marked.root]
    while stack:
        n = stack.pop()
        stack.extend(n.children)
        if n.kind == Kind.INDICATOR and n.title == "人均体育场地面积":
            n.title = "人均体育场地面积①"
    st = Store.in_memory()
    st.load_plans([sample_plan(), marked])
    load_domains(st)
    rows = [r for r in compare_indicators(st, indicator="人均体育场地面积").rows if r["name"]]
    assert {r["name"] for r in rows} == {"人均体育场地面积", "人均体育场地面积①"}
    assert len({r["concept"] for r in rows}) == 1


def test_export_with_web_annotation_quotes_every_span(wb_store, tmp_path):
    """--web-annotation adds, in each plan's graph, the oa: selectors of every span, and
    each quote is the plan's text at the span (the compact form expanded, #12)."""
    out = tmp_path / "wa"
    r = run("export", "--store", str(wb_store), "--format", "nquads", "--web-annotation",
            "-o", str(out))
    assert r.exit_code == 0, r.output
    g = pyoxigraph.Store()
    g.load(path=str(out / "plankg.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    rows = list(g.query("""
        PREFIX pk: <https://w3id.org/plankg/ontology#> PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?plan ?node ?start ?end ?exact ?text WHERE { GRAPH ?plan {
          ?node pk:start ?start ; pk:end ?end .
          OPTIONAL { ?node prov:wasDerivedFrom ?sr . ?sr oa:hasSelector ?q , ?p .
                     ?q a oa:TextQuoteSelector ; oa:exact ?exact .
                     ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }
          ?plan prov:wasDerivedFrom/pk:sourceText ?text } }"""))
    assert len({r["plan"] for r in rows}) == len(PLAN_FILES) and len(rows) > 100
    for r in rows:
        s, e = int(r["start"].value), int(r["end"].value)
        assert r["exact"] is not None, f"{r['node']} has no quote selector"
        assert r["exact"].value == r["text"].value[s:e]
    plain = run("export", "--store", str(wb_store), "--format", "nquads", "-o", str(tmp_path / "p"))
    assert plain.exit_code == 0
    assert "TextQuoteSelector" not in (tmp_path / "p" / "plankg.nq").read_text(encoding="utf-8")
    bad = run("export", "--store", str(wb_store), "--format", "csv", "--web-annotation",
              "-o", str(tmp_path / "c"))
    assert bad.exit_code != 0 and "E705" in bad.output and "--web-annotation" in bad.output
