"""The command line, through CliRunner (and subprocesses where a process boundary matters).

Most tests stand in for the parser with the hand-made plans of conftest (files whose
text starts with ``SAMPLE:``) so that they check the CLI, not the parser; the tests
marked ``real parser`` go through ``plankg.pipeline``.
"""
from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner
from conftest import sample_plan

import plankg.cli as cli
from plankg.cli import main
from plankg.store.embedded import Store

REAL_PARSE = cli.parse_one
SMALL_PLAN = "第一章 总体要求\n推进托育服务。支持建设托育机构。\n"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """A fresh store per test via PLANKG_STORE; SAMPLE: files parse to conftest plans."""
    monkeypatch.setenv("PLANKG_STORE", str(tmp_path / "store"))

    def fake_parse(path, *, semantic=True):
        p = Path(path)
        if p.is_file() and p.read_bytes().startswith(b"SAMPLE:"):
            region, code, column = p.read_text(encoding="utf-8")[7:].strip().split(",")
            plan = sample_plan(p.stem, region, code or None, column)
            plan.path = str(p)
            return plan
        return REAL_PARSE(path, semantic=semantic)

    monkeypatch.setattr(cli, "parse_one", fake_parse)


def _sample_file(d: Path, name: str, region="四川省", code="510000", column="1") -> Path:
    f = d / name
    f.write_text(f"SAMPLE:{region},{code},{column}", encoding="utf-8")
    return f


def _corrupt_file(d: Path) -> Path:
    f = d / "corrupt.txt"
    f.write_bytes(b"\x00\x01\x02\x00\xff\xfe\x00binary\x00" * 50)
    return f


def run(*args: str, **kw):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, **kw)


def _count(tmp_path) -> int:
    with Store(tmp_path / "store", read_only=True) as s:
        return s.triple_count()


@pytest.fixture
def loaded(tmp_path):
    a = _sample_file(tmp_path, "sichuan.txt")
    b = _sample_file(tmp_path, "guizhou.txt", "贵州省", "", "3-1")
    r = run("load", str(a), str(b))
    assert r.exit_code == 0, r.output
    return tmp_path


def test_help_lists_the_contract_commands():
    r = run("--help")
    assert r.exit_code == 0
    for cmd in ("parse", "load", "query", "build", "serve"):
        assert cmd in r.output


def test_load_then_query_by_name(loaded):
    r = run("query", "chapters", "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["region", "chapterNo", "title"]
    assert ["四川省", "4", "推进公共服务优质均衡发展"] in rows
    assert rows.count(rows[0]) == 1  # one header row


def test_query_by_path_and_inline(loaded, tmp_path):
    q = tmp_path / "mine.rq"
    q.write_text("SELECT ?t WHERE { ?c a pk:Column ; dcterms:title ?t }", encoding="utf-8")
    by_path = run("query", str(q), "--format", "csv")
    inline = run("query", "SELECT ?t WHERE { ?c a pk:Column ; dcterms:title ?t }",
                 "--format", "csv")
    assert by_path.exit_code == inline.exit_code == 0
    assert by_path.stdout == inline.stdout == "t\n幼有善育工程\n幼有善育工程\n"


def test_query_formats(loaded):
    table = run("query", "columns")
    assert "3-1" in table.stdout and "(2 rows)" in table.stdout
    js = json.loads(run("query", "columns", "--format", "json").stdout)
    assert js["head"]["vars"][:4] == ["region", "columnNo", "title", "domain"]
    assert len(js["results"]["bindings"]) == 2


def test_query_list(loaded):
    r = run("query", "--list")
    assert r.exit_code == 0 and "indicators" in r.stdout and "service_items" in r.stdout


def test_unknown_query_name(loaded):
    r = run("query", "indicatorz")
    assert r.exit_code == 1
    assert "no such query: 'indicatorz'" in r.stderr and "indicators" in r.stderr
    assert "Traceback" not in r.output


def test_bad_sparql_is_one_line(loaded):
    r = run("query", "SELECT ?x WHERE { ?x ?y }")
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1 and "E401 bad SPARQL" in r.stderr


def test_query_without_a_store(tmp_path):
    r = run("query", "chapters", "--store", str(tmp_path / "none"))
    assert r.exit_code == 1 and "plankg build" in r.stderr
    assert not (tmp_path / "none").exists()


def test_loading_twice_keeps_the_count(loaded, tmp_path):
    n = _count(tmp_path)
    r = run("load", str(tmp_path / "sichuan.txt"))
    assert r.exit_code == 0
    assert _count(tmp_path) == n


def test_missing_file_is_one_line_naming_it(loaded, tmp_path):
    n = _count(tmp_path)
    r = run("load", str(tmp_path / "nope.txt"))
    assert r.exit_code == 1
    assert r.stderr == f"Error: {tmp_path / 'nope.txt'}: E100 no such file\n"
    assert _count(tmp_path) == n


def test_failed_load_leaves_the_store_unchanged(loaded, tmp_path):
    """real parser: a corrupt file in a batch loads nothing and names the file."""
    n = _count(tmp_path)
    new = _sample_file(tmp_path, "hunan.txt", "湖南省", "430000", "2")
    bad = _corrupt_file(tmp_path)
    r = run("load", str(new), str(bad))
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "nothing loaded" in lines[0]
    assert "Traceback" not in r.output
    assert _count(tmp_path) == n
    alone = run("load", str(bad))
    assert alone.exit_code == 1 and alone.stderr.count("\n") == 1 and str(bad) in alone.stderr


def test_second_writer_gets_store_in_use(loaded, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANKG_LOCK_WAIT", "0.5")  # a load waits this long, then says so
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from plankg.store.embedded import Store
            s = Store({str(tmp_path / 'store')!r}); print("ready", flush=True); sys.stdin.read()""")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        r = run("load", str(tmp_path / "sichuan.txt"))
        assert r.exit_code == 1
        assert "store is in use" in r.stderr and r.stderr.count("\n") == 1
        assert run("query", "chapters").exit_code == 0  # readers still work
    finally:
        holder.communicate("", timeout=30)


def test_parse_formats(tmp_path):
    f = _sample_file(tmp_path, "sichuan.txt")
    js = json.loads(run("parse", str(f)).stdout)
    assert js["id"] == "sichuan" and js["tree"]["kind"] == "document"
    ttl = run("parse", str(f), "--format", "turtle").stdout
    assert len(list(pyoxigraph.parse(ttl, format=pyoxigraph.RdfFormat.TURTLE))) > 100
    out = tmp_path / "out.jsonld"
    assert run("parse", str(f), "--format", "jsonld", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))


def test_parse_web_annotation_adds_selectors_with_quotes(tmp_path):
    """--web-annotation: every span also as oa: selectors; without it, none."""
    f = _sample_file(tmp_path, "sichuan.txt")
    oa = "http://www.w3.org/ns/oa#"
    plain = list(pyoxigraph.parse(run("parse", str(f), "--format", "turtle").stdout,
                                  format=pyoxigraph.RdfFormat.TURTLE))
    wa = list(pyoxigraph.parse(run("parse", str(f), "--format", "turtle",
                                   "--web-annotation").stdout,
                               format=pyoxigraph.RdfFormat.TURTLE))
    assert not any(t.predicate.value.startswith(oa) for t in plain)
    starts = [t for t in plain if t.predicate.value.endswith("#start")]
    exacts = [t for t in wa if t.predicate.value == oa + "exact"]
    assert starts and len(exacts) == len(starts)
    assert set(plain) <= set(wa)


def test_parse_missing_file():
    r = run("parse", "does-not-exist.txt")
    assert r.exit_code == 1 and "does-not-exist.txt: E100 no such file" in r.stderr


def test_usage_errors_exit_2():
    assert run("parse").exit_code == 2
    assert run("query", "chapters", "--format", "xml").exit_code == 2
    assert run("load").exit_code == 2


def test_build_loads_the_corpus_and_summarises(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _sample_file(corpus, "a.txt")
    _sample_file(corpus, "b.txt", "贵州省", "", "3-1")
    (corpus / "a.meta.toml").write_text("region = '四川省'\n", encoding="utf-8")
    monkeypatch.setenv("PLANKG_CORPUS", str(corpus))
    # --jobs 1: the stand-in parser of _isolated exists in this process only
    r = run("build", "--jobs", "1")
    assert r.exit_code == 0, r.output
    assert "plans: 2" in r.stdout
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("四川省"))
    assert line.split() == ["四川省", "2", "2", "2", "1", "1", "4", "2"]
    assert "parsing" in r.stderr  # the progress bar goes to stderr


def test_build_with_jobs_uses_the_real_parser(tmp_path, monkeypatch):
    """real parser: --jobs 2 parses in spawned processes and loads in this one."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("one.txt", "two.txt"):
        (corpus / name).write_text(SMALL_PLAN, encoding="utf-8")
    monkeypatch.setenv("PLANKG_CORPUS", str(corpus))
    r = run("build", "--jobs", "2")
    assert r.exit_code == 0, r.output
    assert "plans: 2" in r.stdout
    rows = list(csv.reader(io.StringIO(run("query", "measures", "--format", "csv").stdout)))
    assert [r[3] for r in rows[1:]] == ["推进托育服务", "推进托育服务"]


def test_build_jobs_default_uses_the_cores_and_no_more_than_the_files(monkeypatch):
    from plankg.store import build

    monkeypatch.setattr(build.os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3, 4, 5, 6, 7})
    assert build.default_jobs(100) == build.MAX_DEFAULT_JOBS
    assert build.default_jobs(3) == 3
    monkeypatch.setattr(build.os, "sched_getaffinity", lambda _pid: {0, 1})
    assert build.default_jobs(100) == 2


def test_stats(loaded):
    r = run("stats")
    assert r.exit_code == 0 and "plans: 2" in r.stdout and "贵州省" in r.stdout


def test_validate_reports(loaded):
    r = CliRunner().invoke(main, ["validate"])
    assert r.exit_code in (0, 1), r.output
    assert "Traceback" not in r.output
    assert r.stdout.strip()  # the pyshacl report
    if r.exit_code == 1:
        assert "E500" in r.stderr


def test_serve_command_line(tmp_path):
    """--writable runs the Oxigraph server itself, with the query timeout passed on."""
    r = run("serve", "--dry-run", "--writable", "--port", "7999", "--timeout", "5",
            "--store", str(tmp_path / "s"))
    argv = r.stdout.split()
    assert argv[1:] == ["serve", "--location", str((tmp_path / "s").resolve()),
                        "--bind", "127.0.0.1:7999", "--union-default-graph", "--timeout-s", "5"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_sparql_over_http(loaded, tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from plankg.cli import main; main()", "serve",
         "--store", str(tmp_path / "store"), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        q = urllib.parse.quote("SELECT (COUNT(?c) AS ?n) WHERE { ?c a "
                               "<https://w3id.org/plankg/ontology#Chapter> }")
        url = f"http://127.0.0.1:{port}/query?query={q}"
        deadline = time.time() + 30
        while True:
            try:
                req = urllib.request.Request(url, headers={"Accept": "text/csv"})
                with urllib.request.urlopen(req, timeout=5) as resp:
                    body = resp.read().decode("utf-8")
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert body.split() == ["n", "4"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_without_a_store(tmp_path):
    r = run("serve", "--store", str(tmp_path / "none"))
    assert r.exit_code == 1 and "E301" in r.stderr


@pytest.mark.parametrize("args", [["--help"], ["query", "chapters", "--format", "csv"]],
                         ids=["help", "query"])
def test_query_path_stays_light(loaded, tmp_path, args):
    code = textwrap.dedent(f"""
        import sys
        from click.testing import CliRunner
        from plankg.cli import main
        r = CliRunner().invoke(main, {args!r})
        assert r.exit_code == 0, r.output
        print(sorted(m for m in ("spacy", "jieba", "rdflib", "pyshacl") if m in sys.modules))
        """)
    env = dict(os.environ, PLANKG_STORE=str(tmp_path / "store"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_parse_warnings_lists_each_fallback_with_its_line(tmp_path):
    """``parse --warnings`` names each line the parser could not place, and counts them."""
    plan = tmp_path / "odd.txt"
    plan.write_text("某市“十四五”规划\n一、总体要求\n推进托育服务。支持托育机构。\n孤立的一行\n"
                    "表1 主要指标\n指标\t2020年\t2025年\t属性\n托位数\t1.5\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["parse", str(plan), "--warnings"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert any(l.startswith(f"{plan}:4: W201") for l in lines), lines
    assert lines[-1] == f"{len(lines) - 1} warning(s)"


def _old_format_store(path: Path) -> None:
    """A store as plankg wrote it before store format 2: data, no format marker."""
    st = pyoxigraph.Store(str(path))
    g = pyoxigraph.NamedNode("https://w3id.org/plankg/id/plan/old")
    st.add(pyoxigraph.Quad(g, pyoxigraph.NamedNode(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), pyoxigraph.NamedNode(
        "https://w3id.org/plankg/ontology#Plan"), g))
    st.flush()
    del st


@pytest.mark.parametrize("args", [("query", "chapters"), ("query", "chapters", "--no-cache"),
                                  ("stats",), ("validate",)],
                         ids=["query", "query-no-cache", "stats", "validate"])
def test_old_store_format_asks_for_a_rebuild(tmp_path, args):
    _old_format_store(tmp_path / "store")
    r = run(*args)
    assert r.exit_code == 1
    assert "E303" in r.stderr and "plankg build" in r.stderr and r.stderr.count("\n") == 1


def test_load_into_an_old_store_is_refused_and_changes_nothing(tmp_path):
    _old_format_store(tmp_path / "store")
    r = run("load", str(_sample_file(tmp_path, "sichuan.txt")))
    assert r.exit_code == 1 and "E303" in r.stderr
    st = Store(tmp_path / "store", read_only=True, check_format=False)
    assert st.triple_count() == 1
    st.close()


def test_a_newer_store_format_is_refused_too(tmp_path):
    from plankg.store.embedded import STORE_FORMAT, format_quad

    st = pyoxigraph.Store(str(tmp_path / "store"))
    m = format_quad()
    st.add(pyoxigraph.Quad(m.subject, m.predicate,
                           pyoxigraph.Literal(str(STORE_FORMAT + 1)), m.graph_name))
    st.flush()
    del st
    r = run("query", "chapters")
    assert r.exit_code == 1 and f"store format {STORE_FORMAT + 1}" in r.stderr


def test_build_replaces_an_old_store(tmp_path, monkeypatch):
    _old_format_store(tmp_path / "store")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _sample_file(corpus, "a.txt")
    monkeypatch.setenv("PLANKG_CORPUS", str(corpus))
    r = run("build", "--jobs", "1")
    assert r.exit_code == 0, r.output
    assert "older store format" in r.stderr
    rows = list(csv.reader(io.StringIO(run("query", "chapters", "--format", "csv").stdout)))
    assert rows[1:] and {row[0] for row in rows[1:]} == {"四川省"}
    with Store(tmp_path / "store", read_only=True) as s:
        assert "https://w3id.org/plankg/id/plan/old" not in s.graphs()
