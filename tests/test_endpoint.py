"""``plankg serve``: live while plans load, bounded per query, and never silent about a cut.

The live test starts the endpoint in its own process, then loads 40 plans one load at a
time (each load is what ``plankg load`` does: ``Store.load_plans`` and ``close``) with a
``build`` in the middle (which swaps the store directory), while a thread queries the
endpoint in a loop. It holds when no query fails, the number of plans seen never goes
down, every answer is whole plans (triples = plans × triples of one plan), and all the
plans are seen within 5 s of the last load.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import sample_plan

from plankg.store.build import build_store
from plankg.store.embedded import Store
from plankg.store.snapshot import Snapshots, current
from test_bounded import CROSS, make_store

PLAN_TRIPLES = ("SELECT (COUNT(DISTINCT ?g) AS ?plans) (COUNT(*) AS ?triples) "
                "{ GRAPH ?g { ?s ?p ?o } FILTER(?g != <https://w3id.org/plankg/ontology>) }")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(port: int, query: str, accept: str = "text/csv", *, method: str = "GET",
        timeout: float = 30) -> tuple[int, dict, str]:
    url = f"http://127.0.0.1:{port}/query"
    if method == "GET":
        req = urllib.request.Request(f"{url}?query={urllib.parse.quote(query)}",
                                     headers={"Accept": accept})
    else:
        req = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8")


@contextmanager
def serving(store: Path, *args: str):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from plankg.cli import main; main()", "serve",
         "--store", str(store), "--port", str(port), *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        while True:
            try:
                ask(port, "ASK {}", timeout=5)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stderr.read().decode() if proc.poll() is not None
                                         else "the endpoint did not start")
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert not list(store.parent.glob(f"{store.name}.serve-*")), "snapshots left behind"


def _load(store: Path, *plans, ontology: bool = False) -> None:
    st = Store(store)
    try:
        st.load_plans(list(plans), ontology=ontology)
    finally:
        st.close()


def _build_parse(path):  # top-level: build_store calls it per file
    p = Path(path)
    return sample_plan(p.stem)


def test_plans_loaded_while_serving_appear_whole_and_never_go_away(tmp_path):
    store = tmp_path / "store"
    _load(store, sample_plan("plan-00"), ontology=True)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"built-{i}.txt").write_text("x", encoding="utf-8")
    seen: list[tuple[int, int]] = []
    failures: list[str] = []
    stop = threading.Event()
    with serving(store) as port:
        def poll():
            while not stop.is_set():
                try:
                    status, _h, body = ask(port, PLAN_TRIPLES)
                except OSError as e:
                    failures.append(repr(e))
                    continue
                if status != 200:
                    failures.append(f"{status} {body}")
                    continue
                plans, triples = map(int, body.split()[1].split(","))
                seen.append((plans, triples))

        t = threading.Thread(target=poll)
        t.start()
        try:
            for i in range(1, 40):
                _load(store, sample_plan(f"plan-{i:02d}"))
                time.sleep(0.15)  # loads are fast: give the endpoint (it looks twice a second) a chance to see them
                if i == 20:  # a build swaps the directory: 3 more plans, hand-loaded kept
                    _graphs, errors = build_store(sorted(corpus.iterdir()), store,
                                                  parse=_build_parse)
                    assert not errors
            end = time.monotonic()
            while time.monotonic() - end < 5 and (not seen or seen[-1][0] < 43):
                time.sleep(0.1)
            last_seen_after = time.monotonic() - end
        finally:
            stop.set()
            t.join()
    assert failures == []
    counts = [p for p, _ in seen]
    assert counts == sorted(counts), "the number of plans went down"
    assert counts[-1] == 43 and last_seen_after < 5
    per_plan = {t // p for p, t in seen}
    assert len(per_plan) == 1 and all(t % p == 0 for p, t in seen), "half a plan was seen"
    assert len(set(counts)) > 2, "the endpoint never saw a load happen"


def test_runaway_query_gets_503_and_the_next_query_is_answered(tmp_path):
    store = make_store(tmp_path / "store")
    with serving(store, "--timeout", "2") as port:
        status, _h, body = ask(port, CROSS, method="POST", timeout=60)
        assert status == 503 and body.startswith("E403 query timed out after 2 s")
        status, _h, body = ask(port, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), \"http://x/\")) }")
        assert status == 200 and body.split() == ["n", "18000"]


def test_limits_rows_request_size_and_updates(tmp_path):
    store = make_store(tmp_path / "store", graphs=1, per_graph=50)
    with serving(store, "--max-rows", "10", "--max-request-bytes", "2000") as port:
        status, headers, body = ask(port, "SELECT ?s { ?s ?p ?o }")
        assert status == 200 and len(body.split()) == 1 + 10
        assert headers["X-PlanKG-Cut"] == "rows=10" and "10 rows" in headers["Warning"]
        status, headers, body = ask(port, "SELECT ?s { ?s ?p ?o } LIMIT 5")
        assert status == 200 and "X-PlanKG-Cut" not in headers and len(body.split()) == 6
        big = "SELECT * { ?s ?p ?o } #" + "x" * 3000
        status, _h, body = ask(port, big, method="POST")
        assert status == 413 and "E404" in body
        status, _h, body = ask(port, "INSERT DATA { <a:b> <a:c> <a:d> }", method="POST")
        assert status == 400 and "E401" in body
        status, _h, body = ask(port, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), \"http://x/\")) }")
        assert body.split() == ["n", "50"]  # the update did not happen


@pytest.mark.parametrize("accept", ["application/sparql-results+json",
                                    "application/sparql-results+xml",
                                    "text/tab-separated-values"])
def test_result_formats_parse(tmp_path, accept):
    store = make_store(tmp_path / "store", graphs=1, per_graph=3)
    with serving(store) as port:
        status, headers, body = ask(port, "SELECT ?s ?o { ?s ?p ?o FILTER(STRSTARTS(STR(?s), \"http://x/\")) } ORDER BY ?o", accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)
    if "json" in accept:
        rows = json.loads(body)["results"]["bindings"]
        assert [r["o"]["value"] for r in rows] == ["0-0", "0-1", "0-2"]
    elif "xml" in accept:
        ns = "{http://www.w3.org/2005/sparql-results#}"
        assert len(ET.fromstring(body).findall(f"{ns}results/{ns}result")) == 3
    else:
        assert body.splitlines()[0] == "?s\t?o" and len(body.splitlines()) == 4


def test_snapshots_follow_the_store(tmp_path):
    store = tmp_path / "store"
    _load(store, sample_plan("a"))
    snaps = Snapshots(store, tmp_path / "snaps")
    assert snaps.refresh() and not snaps.refresh()
    first = current(tmp_path / "snaps")
    _load(store, sample_plan("b"))
    assert snaps.refresh()
    with Store(current(tmp_path / "snaps"), read_only=True) as s:
        assert len(s.plans()) == 2
    with Store(first, read_only=True) as s:  # the old snapshot is untouched
        assert len(s.plans()) == 1
    snaps.close()
    assert not (tmp_path / "snaps").exists()


def test_graph_answers_are_cut_too():
    from plankg.endpoint.worker import render

    st = Store.in_memory()
    st.raw.update("INSERT DATA { <a:s> <a:p> 1, 2, 3, 4 }")
    ctype, body, cut = render(st.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"),
                              "ntriples", 3)
    assert ctype == "application/n-triples" and cut and len(body.splitlines()) == 3
    _ctype, body, cut = render(st.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"),
                               "turtle", 0)
    assert not cut and body.count(b"<a:s>") >= 1


def test_writer_active_reads_the_lock_without_taking_it(tmp_path):
    """A process that writes the store keeps its lock after asking (fcntl locks drop on
    any close of the file, so the question must not open it)."""
    import pyoxigraph

    from plankg.errors import StoreError
    from plankg.store.snapshot import writer_active

    writer = pyoxigraph.Store(str(tmp_path / "s"))
    assert writer_active(tmp_path / "s")
    assert writer_active(tmp_path / "s")
    with pytest.raises(StoreError):  # still locked
        Store(tmp_path / "s")
    del writer
    assert not writer_active(tmp_path / "s")


def test_a_commit_left_in_the_log_by_a_killed_load_is_in_the_snapshot(tmp_path):
    """A load killed after its commit but before its flush: the commit is in the
    write-ahead log only, which the snapshot must carry too."""
    store = tmp_path / "store"
    _load(store, sample_plan("flushed"), ontology=True)
    code = (f"import os, sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
            "from conftest import sample_plan\n"
            "from plankg.store.embedded import Store\n"
            f"st = Store({str(store)!r}); st.load_plans([sample_plan('logged')])\n"
            "os._exit(0)  # committed, never flushed or closed\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    snaps = Snapshots(store, tmp_path / "snaps")
    assert snaps.refresh()
    with Store(current(tmp_path / "snaps"), read_only=True) as s:
        assert [p["plan"].rsplit("/", 1)[1] for p in s.plans()] == ["flushed", "logged"]
    snaps.close()
