"""Bounded queries: ``plankg query --timeout`` stops a runaway query (E403), leaves the
store as it was, and answers the next query; errors raised in the child keep their code."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest

from plankg.errors import PlanKGError, QueryError
from plankg.store import cache
from plankg.store.bounded import run_bounded
from plankg.store.embedded import format_quad
from plankg.store.queries import execute

CROSS = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g {?a ?p ?b} GRAPH ?h {?c ?q ?d} }")
needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="bounded evaluation needs fork")


def make_store(path: Path, graphs: int = 6, per_graph: int = 3000) -> Path:
    """A store of several plan-sized graphs: the cross product above has ~3e8 rows."""
    lines = []
    for g in range(graphs):
        for i in range(per_graph):
            lines.append(f"<http://x/s{i}> <http://x/p{i % 7}> \"{g}-{i}\" <http://x/plan{g}> .")
    s = pyoxigraph.Store(str(path))
    s.bulk_load("\n".join(lines).encode(), format=pyoxigraph.RdfFormat.N_QUADS)
    s.add(format_quad())  # a store of this plankg's format
    s.flush()
    del s
    return path


@pytest.fixture(scope="module")
def big_store(tmp_path_factory) -> Path:
    return make_store(tmp_path_factory.mktemp("bounded") / "store")


def plankg(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from plankg.fastpath import main; main()",
                           *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=timeout)


@needs_fork
def test_runaway_query_is_stopped_with_E403_and_store_unchanged(big_store):
    before = cache.fingerprint(big_store)
    out = plankg("query", CROSS, "--store", str(big_store), "--timeout", "2", timeout=60)
    assert out.returncode == 1
    assert "E403 query timed out after 2 s" in out.stderr and "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1
    assert cache.fingerprint(big_store) == before
    # the next query is answered
    ok = plankg("query", "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), \"http://x/\")) }", "--store",
                str(big_store), "--format", "csv", "--timeout", "30")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split() == ["n", "18000"]


@needs_fork
def test_timeout_zero_means_no_bound_in_process(big_store, monkeypatch):
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked with --timeout 0"))
    text = execute("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), \"http://x/\")) }", "csv", big_store,
                   use_cache=False, timeout=0)
    assert text.split() == ["n", "18000"]


@needs_fork
@pytest.mark.parametrize("sparql, code", [("SELECT ?x WHERE {", "E401"),
                                          ("INSERT DATA { <a:b> <a:c> <a:d> }", "E401")],
                         ids=["syntax", "update"])
def test_errors_in_the_child_keep_their_code(big_store, sparql, code):
    before = cache.fingerprint(big_store)
    with pytest.raises(QueryError) as e:
        execute(sparql, "csv", big_store, use_cache=False, timeout=30)
    assert e.value.code == code and "\n" not in str(e.value)
    assert cache.fingerprint(big_store) == before


@needs_fork
def test_no_store_is_reported_from_the_child(tmp_path):
    with pytest.raises(PlanKGError) as e:
        execute("SELECT * {}", "csv", tmp_path / "none", use_cache=False, timeout=30)
    assert e.value.code == "E301"


@needs_fork
def test_a_child_that_dies_gives_E402():
    with pytest.raises(QueryError) as e:
        run_bounded(lambda: os._exit(3), 30)
    assert e.value.code == "E402"


@needs_fork
def test_large_answers_cross_the_pipe_whole():
    text = "行\n" * 300_000
    assert run_bounded(lambda: text, 30) == text


def test_default_timeout_is_finite_and_named_in_help():
    from click.testing import CliRunner

    from plankg.cli import main
    from plankg.store.bounded import DEFAULT_TIMEOUT

    r = CliRunner().invoke(main, ["query", "--help"])
    assert 0 < DEFAULT_TIMEOUT < float("inf") and "--timeout" in r.output


@needs_fork
def test_a_killed_child_is_cleaned_up_after():
    killed = []
    with pytest.raises(QueryError):
        run_bounded(lambda: __import__("time").sleep(30), 0.3, on_kill=killed.append)
    assert len(killed) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(killed[0], os.WNOHANG)  # reaped: no zombie left


@needs_fork
def test_checkpoint_of_a_killed_query_is_removed(tmp_path, big_store):
    """A query killed while a writer holds the store leaves no checkpoint behind."""
    holder = pyoxigraph.Store(str(big_store))  # a writer: the query reads a checkpoint
    try:
        with pytest.raises(QueryError) as e:
            execute(CROSS, "csv", big_store, use_cache=False, timeout=1)
        assert e.value.code == "E403"
    finally:
        del holder
    assert not list(big_store.parent.glob(f"{big_store.name}.query-*"))
