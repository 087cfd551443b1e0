"""``plankg push`` and ``plankg query --endpoint`` against a real Oxigraph server.

The acceptance of issue #14, on the corpus and the fixture plans: push the store, run
every named query remotely and compare with the local answer (on a server that unions
its named graphs into the default graph and on one that does not), push again and
check nothing doubled, kill the server half way through a push and check that a
re-run heals, prune a plan removed locally. The server is ``oxigraph serve`` from the
``oxigraph`` package (a dependency, so it is installed with plankg); the tests skip,
saying so, only where that binary is absent. A 5xx answer and a refused connection
are checked against a small real HTTP server in a thread.
"""
from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from plankg.cli import main
from plankg.errors import PlanKGError, RemoteError
from plankg.remote import gsp
from plankg.remote.endpoint import Endpoint, execute_remote, with_prefixes
from plankg.store.embedded import Store
from plankg.store.queries import available, execute, resolve

from servers import OxigraphServer, free_port, oxigraph_binary, private_dir

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
needs_oxigraph = pytest.mark.skipif(oxigraph_binary() is None,
                                    reason="the Oxigraph server binary (pip install oxigraph) "
                                           "is not installed")


def plan_files() -> list[Path]:
    corpus = sorted((REPO / "corpus").glob("*.txt"))
    fixtures = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".html"))
    return corpus + fixtures


@pytest.fixture(scope="module")
def local_store() -> Path:
    """The corpus and every fixture plan, parsed by the real parser, on disk."""
    from plankg.pipeline import parse_file

    with private_dir() as d:
        path = d / "store"
        with Store(path) as st:
            st.load_plans([parse_file(p) for p in plan_files()], ontology=True)
        yield path


def local_counts(store: Path) -> dict[str, int]:
    with Store(store, read_only=True) as st:
        return {g: st.triple_count(g) for g in st.graphs()}


def server_counts(query_url: str) -> dict[str, int]:
    with Endpoint(query_url) as ep:
        rows = ep.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


@pytest.fixture(params=[False, True], ids=["separate-default-graph", "union-default-graph"])
def server(request):
    if oxigraph_binary() is None:
        pytest.skip("the Oxigraph server binary (pip install oxigraph) is not installed")
    with private_dir() as d:
        s = OxigraphServer(d / "server", union=request.param).start()
        yield s
        s.stop()


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# --- against Oxigraph -------------------------------------------------------------------

@needs_oxigraph
def test_every_query_gives_the_local_rows_remotely(server, local_store):
    r = run("push", "--store", str(local_store), "--endpoint", server.store_url)
    assert r.exit_code == 0, r.output
    assert server_counts(server.query_url) == local_counts(local_store)
    names = list(available())
    assert {"chapters", "indicators", "project_quantities", "responsibilities"} <= set(names)
    for name in names:
        sparql = resolve(name)[1]
        local = execute(sparql, "csv", local_store, use_cache=False)
        remote = execute_remote(sparql, server.query_url, "csv")
        assert remote == local, f"{name}: remote rows differ from local"
        assert local.count("\n") > 1 or name in ("sections_without_indicators",), name


@needs_oxigraph
def test_the_cli_query_on_an_endpoint_matches_the_local_query(server, local_store):
    assert run("push", "--store", str(local_store), "--endpoint", server.store_url).exit_code == 0
    for fmt in ("csv", "json", "table"):
        remote = run("query", "indicators", "--endpoint", server.query_url, "--format", fmt)
        local = run("query", "indicators", "--store", str(local_store), "--format", fmt,
                    "--no-cache")
        assert remote.exit_code == 0, remote.output
        assert remote.output == local.output
    # inline SPARQL relying on the predeclared prefixes works remotely too
    inline = "SELECT (COUNT(?p) AS ?n) WHERE { GRAPH ?p { ?p a pk:Plan } }"
    remote = run("query", inline, "--endpoint", server.query_url, "--format", "csv")
    assert remote.output == f"n\n{len(plan_files())}\n"


@needs_oxigraph
def test_a_remote_query_loads_neither_the_parser_nor_rdflib(server, local_store):
    import subprocess
    import sys

    gsp.push(local_store, server.store_url)
    code = ("import sys\nfrom plankg.cli import main\n"
            "try:\n    main(['query', 'chapters', '--endpoint', sys.argv[1], '--format', 'csv'])\n"
            "except SystemExit:\n    pass\n"
            "print([m for m in ('spacy', 'jieba', 'rdflib') if m in sys.modules], file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code, server.query_url], capture_output=True,
                       text=True, encoding="utf-8", timeout=120)
    assert r.stdout.startswith("region,chapterNo,title\n")
    assert r.stderr.strip().splitlines()[-1] == "[]"


@needs_oxigraph
def test_a_second_push_changes_nothing(server, local_store):
    first = gsp.push(local_store, server.store_url)
    after_one = server_counts(server.query_url)
    second = gsp.push(local_store, server.store_url)
    assert second.sent == first.sent
    assert server_counts(server.query_url) == after_one == local_counts(local_store)


@needs_oxigraph
def test_a_push_killed_half_way_is_finished_by_a_rerun(local_store):
    with private_dir() as d:
        _killed_push_heals(OxigraphServer(d / "server", union=False), local_store)


def _killed_push_heals(s: OxigraphServer, local_store: Path) -> None:
    s.start()
    try:
        graphs = list(local_counts(local_store))
        assert len(graphs) > 4
        seen: list[str] = []

        def kill_after_three(graph: str, _n: int) -> None:
            seen.append(graph)
            if len(seen) == 3:
                s.kill()

        with pytest.raises(RemoteError) as e:
            gsp.push(local_store, s.store_url, retries=1, on_graph=kill_after_three)
        msg = str(e.value)
        assert e.value.code == "E601"
        assert "3 of" in msg and "up to date on the server" in msg
        assert "run the same push again" in msg and "\n" not in msg
        s.start()  # the same data directory and port: what survived the crash
        assert set(server_counts(s.query_url)) <= set(graphs)
        report = gsp.push(local_store, s.store_url)
        assert len(report.sent) == len(graphs)
        assert server_counts(s.query_url) == local_counts(local_store)
    finally:
        s.stop()


@needs_oxigraph
def test_prune_removes_only_plans_gone_locally(tmp_path, local_store):
    with private_dir() as d:
        _prune(OxigraphServer(d / "server", union=False), tmp_path, local_store)


def _prune(s: OxigraphServer, tmp_path: Path, local_store: Path) -> None:
    from plankg.pipeline import parse_file

    s.start()
    try:
        gsp.push(local_store, s.store_url)
        # a foreign graph on a shared server is never pruned
        with Endpoint(s.query_url) as ep:
            ep.client.post(s.base + "/update", data={
                "update": "INSERT DATA { GRAPH <http://example.org/other> "
                          "{ <http://example.org/a> <http://example.org/b> 1 } }"})
        small = tmp_path / "small"
        with Store(small) as st:
            st.load_plans([parse_file(plan_files()[0])], ontology=True)
        kept = set(local_counts(small))
        run_ = run("push", "--store", str(small), "--endpoint", s.store_url)
        assert run_.exit_code == 0
        assert set(local_counts(local_store)) <= set(server_counts(s.query_url))  # no prune
        r = run("push", "--store", str(small), "--endpoint", s.store_url, "--prune")
        assert r.exit_code == 0, r.output
        assert set(server_counts(s.query_url)) == kept | {"http://example.org/other"}
        assert r.output.count("pruned ") == len(local_counts(local_store)) - len(kept)
    finally:
        s.stop()


@needs_oxigraph
def test_push_of_chosen_plans_and_an_unknown_one(server, local_store):
    pid = plan_files()[1].stem
    r = run("push", "--store", str(local_store), "--endpoint", server.store_url, "--plan", pid)
    assert r.exit_code == 0, r.output
    assert {gsp.short(g) for g in server_counts(server.query_url)} == {"ontology", pid}
    r = run("push", "--store", str(local_store), "--endpoint", server.store_url,
            "--plan", "no-such-plan")
    assert r.exit_code == 1
    assert "E610" in r.output and "no-such-plan" in r.output and "Traceback" not in r.output


# --- failures, against small real HTTP servers -------------------------------------------

class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers 503 to the first ``fail`` PUTs, then 204; HEAD says 404."""

    fail = 2
    puts: list[bytes] = []

    def do_HEAD(self):  # noqa: N802 - http.server's naming
        self.send_response(404)
        self.end_headers()

    def do_PUT(self):  # noqa: N802
        body = _read_body(self)
        cls = type(self)
        if cls.fail > 0:
            cls.fail -= 1
            self.send_response(503)
            self.send_header("Content-Length", "4")
            self.end_headers()
            self.wfile.write(b"busy")
            return
        cls.puts.append(body)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def _read_body(handler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        out = b""
        while True:
            size = int(handler.rfile.readline().strip(), 16)
            if size == 0:
                handler.rfile.readline()
                return out
            out += handler.rfile.read(size)
            handler.rfile.readline()
    return handler.rfile.read(int(handler.headers.get("Content-Length", 0)))


@pytest.fixture
def flaky_server():
    _Flaky.fail, _Flaky.puts = 2, []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/store"
    httpd.shutdown()
    httpd.server_close()


def test_a_5xx_answer_is_retried_and_the_body_sent_again(flaky_server, tmp_path):
    from conftest import sample_plans

    store = tmp_path / "s"
    with Store(store) as st:
        st.load_plans(sample_plans()[:1], ontology=True)
    retried: list[str] = []
    report = gsp.push(store, flaky_server, on_retry=lambda n, why: retried.append(why))
    assert retried == ["HTTP 503: busy", "HTTP 503: busy"]
    assert len(_Flaky.puts) == len(report.sent) == 2  # ontology + the plan
    import pyoxigraph

    # each body is the complete graph as N-Triples, even after the retries
    counts = sorted(len(list(pyoxigraph.parse(b, format=pyoxigraph.RdfFormat.N_TRIPLES)))
                    for b in _Flaky.puts)
    assert counts == sorted(report.sent.values())


def test_an_unreachable_server_is_one_line_saying_what_is_where(tmp_path):
    from conftest import sample_plans

    store = tmp_path / "s"
    with Store(store) as st:
        st.load_plans(sample_plans(), ontology=True)
    url = f"http://127.0.0.1:{free_port()}/store"
    r = run("push", "--store", str(store), "--endpoint", url, "--retries", "0")
    assert r.exit_code == 1
    line = r.output.strip()
    assert "\n" not in line and "Traceback" not in line
    assert "E601" in line and "E600" in line and "0 of 3 graphs" in line
    assert "sample-sichuan" in line and "run the same push again" in line


def test_query_on_an_unreachable_endpoint_is_one_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/query"
    r = run("query", "chapters", "--endpoint", url)
    assert r.exit_code == 1 and "E600" in r.output and "\n" not in r.output.strip()


class _Silent(http.server.BaseHTTPRequestHandler):
    """Takes the request and does not answer until released (a query that runs long)."""

    release = threading.Event()

    def do_POST(self):  # noqa: N802
        _read_body(self)
        type(self).release.wait(30)

    def log_message(self, *args):
        pass


def test_a_remote_query_past_its_timeout_stops_with_an_error():
    _Silent.release = threading.Event()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Silent)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/query"
        r = run("query", "chapters", "--endpoint", url, "--timeout", "0.2")
        assert r.exit_code == 1
        assert "E604" in r.output and "\n" not in r.output.strip()
    finally:
        _Silent.release.set()
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("args, code", [
    (["push", "--endpoint", "localhost:7878/store"], "E605"),
    (["query", "chapters", "--endpoint", "ftp://x/query"], "E605"),
    (["push", "--endpoint", "http://127.0.0.1:1/store", "--user", "u",
      "--password-env", "PLANKG_TEST_NO_SUCH_VAR"], "E606"),
], ids=["push-bad-url", "query-bad-url", "no-password"])
def test_user_mistakes_are_one_line(args, code, tmp_path, monkeypatch):
    monkeypatch.delenv("PLANKG_TEST_NO_SUCH_VAR", raising=False)
    from conftest import sample_plans

    store = tmp_path / "s"
    with Store(store) as st:
        st.load_plans(sample_plans()[:1])
    if args[0] == "push":
        args = args + ["--store", str(store)]
    r = run(*args)
    assert r.exit_code == 1
    assert code in r.output and "Traceback" not in r.output


def test_prefixes_are_added_only_where_missing():
    q = "PREFIX pk: <urn:mine#>\nSELECT * { ?s a pk:Plan ; dcterms:title ?t }"
    out = with_prefixes(q)
    assert out.count("PREFIX pk:") == 1 and "PREFIX dcterms: <http://purl.org/dc/terms/>" in out
    assert out.endswith(q)


def test_graph_names_in_messages(tmp_path):
    from conftest import sample_plans

    assert gsp.short(gsp.PLAN_PREFIX + "a-plan") == "a-plan"
    assert gsp.short("https://w3id.org/plankg/ontology") == "ontology"
    assert gsp.query_endpoint_for("http://h/sparql-graph-crud-auth") == "http://h/sparql"
    assert gsp.query_endpoint_for("http://h/whatever") is None
    store = tmp_path / "s"
    with Store(store) as st:
        st.load_plans(sample_plans()[:1])
    with pytest.raises(PlanKGError) as e:
        gsp.push(store, "http://127.0.0.1:1/whatever", prune=True)
    assert e.value.code == "E605" and "--query-endpoint" in str(e.value)
