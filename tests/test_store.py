"""The store: replace-per-graph loading, atomicity, locking, read-only opening."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pyoxigraph
import pytest
from conftest import sample_plan

from plankg.errors import QueryError, StoreError
from plankg.graph.rdf import plan_iri
from plankg.store.embedded import Store
from plankg.graph.vocab import ONTOLOGY_GRAPH


def _quads(store: Store, graph: str) -> set[str]:
    return {str(q) for q in store.raw.quads_for_pattern(None, None, None,
                                                         pyoxigraph.NamedNode(graph))}


def test_loading_twice_gives_the_same_count(store, plan):
    store.load_plan(plan)
    first = store.triple_count()
    store.load_plan(sample_plan())
    assert store.triple_count() == first > 0


def test_reloading_a_leaves_b_unchanged(store):
    a, b = sample_plan(), sample_plan("sample-guizhou", "贵州省", None, "3-1")
    store.load_plans([a, b])
    before_b = _quads(store, plan_iri(b))
    a2 = sample_plan()
    a2.root.children[1].title = "改过的标题"
    store.load_plan(a2)
    assert _quads(store, plan_iri(b)) == before_b
    titles = [r["t"].value for r in store.query(
        "SELECT ?t { GRAPH ?g { ?c a pk:Chapter ; pk:number 4 ; dcterms:title ?t } }")]
    assert sorted(titles) == ["推进公共服务优质均衡发展", "改过的标题"]


def test_reload_replaces_rather_than_adds(store):
    a = sample_plan()
    store.load_plan(a)
    n = store.triple_count(plan_iri(a))
    a.root.children.pop()  # drop chapter 5
    store.load_plan(a)
    assert store.triple_count(plan_iri(a)) < n
    assert not bool(store.query("ASK { ?c a pk:Chapter ; pk:number 5 }"))


def test_a_plan_that_fails_to_build_changes_nothing(store, plan):
    store.load_plan(plan)
    before = store.triple_count()
    bad = sample_plan("sample-bad")
    bad.root.children[1].attrs["quantities"] = [42]  # not a quantity dict
    with pytest.raises(AttributeError):
        store.load_plans([sample_plan("another"), bad])
    assert store.triple_count() == before
    # the plan and the ontology graph, which holds the store-format marker
    assert store.graphs() == sorted([plan_iri(plan), ONTOLOGY_GRAPH])


def test_one_update_is_one_transaction(store, plan):
    """The guarantee load_plans relies on: a failing operation rolls back the DROP."""
    store.load_plan(plan)
    before = store.triple_count()
    with pytest.raises(OSError):
        store.raw.update(f"DROP GRAPH <{plan_iri(plan)}> ; "
                         "LOAD <http://plankg.invalid/x.ttl> INTO GRAPH <http://x/g>")
    assert store.triple_count() == before


def test_second_writer_is_told_the_store_is_in_use(tmp_path):
    first = Store(tmp_path / "s")
    with pytest.raises(StoreError) as e:
        Store(tmp_path / "s")
    assert e.value.code == "E300"
    assert "store is in use" in str(e.value)
    first.close()
    Store(tmp_path / "s").close()  # released on close


def test_second_writer_in_another_process(tmp_path):
    path = tmp_path / "s"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from plankg.store.embedded import Store
            s = Store({str(path)!r}); print("ready", flush=True); sys.stdin.read()""")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="store is in use"):
            Store(path)
        Store(path, read_only=True).close()  # readers are not blocked
    finally:
        holder.communicate("", timeout=30)


def test_read_only_needs_an_existing_store(tmp_path):
    with pytest.raises(StoreError) as e:
        Store(tmp_path / "nothing", read_only=True)
    assert e.value.code == "E301" and "plankg build" in str(e.value)
    assert not (tmp_path / "nothing").exists()


def test_read_only_sees_written_data(tmp_path, plan):
    with Store(tmp_path / "s") as s:
        s.load_plan(plan)
        n = s.triple_count()
    with Store(tmp_path / "s", read_only=True) as r:
        assert r.triple_count() == n
        with pytest.raises(StoreError):
            r.load_plan(plan)


def test_default_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANKG_STORE", str(tmp_path / "env-store"))
    with Store() as s:
        assert s.path == tmp_path / "env-store"
    monkeypatch.delenv("PLANKG_STORE")
    monkeypatch.chdir(tmp_path)
    with Store() as s:
        assert s.path == tmp_path / ".plankg-store"


def test_ontology_graph_is_replaced_each_time(mem_store):
    n = mem_store.load_ontology()
    mem_store.load_ontology()
    assert mem_store.triple_count(ONTOLOGY_GRAPH) == n
    if n:  # once ontology/ exists
        assert not any(isinstance(q.subject, pyoxigraph.BlankNode) for q in mem_store.raw)


def test_query_errors(mem_store):
    with pytest.raises(QueryError) as e:
        mem_store.query("SELEC ?x")
    assert e.value.code == "E401" and "\n" not in str(e.value)


def test_prefixes_are_predeclared(mem_store, plan):
    mem_store.load_plan(plan)
    assert bool(mem_store.query("ASK { ?p a pk:Plan ; dcterms:title ?t }"))


def test_plans_and_summary(mem_store):
    mem_store.load_plans([sample_plan(), sample_plan("sample-guizhou", "贵州省", None, "3-1")])
    assert [p["region"] for p in mem_store.plans()] == ["贵州省", "四川省"]
    s = mem_store.summary()
    assert s["plans"] == 2
    assert s["regions"]["四川省"] == {"chapters": 2, "sections": 2, "key_tasks": 2,
                                      "columns": 1, "projects": 1, "indicators": 4,
                                      "service_items": 2}


def test_remove_plan(mem_store, plan):
    mem_store.load_plan(plan)
    mem_store.remove_plan(plan.id)
    assert mem_store.triple_count() == 1  # only the store-format marker is left
    assert mem_store.graphs() == [ONTOLOGY_GRAPH]


def test_kill_9_during_a_load_leaves_no_partial_plan(tmp_path):
    """Each plan is its own transaction: after a kill -9 somewhere in a 60-plan load,
    every plan graph the store holds has all of its quads (the kill's moment varies
    from run to run; what is asserted holds at any moment)."""
    import os
    import signal
    import time

    path = tmp_path / "store"
    tests_dir = os.path.dirname(__file__)
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {tests_dir!r})
        from conftest import sample_plan
        from plankg.store.embedded import Store
        plans = [sample_plan(f"p{{i:02d}}") for i in range(60)]
        st = Store({str(path)!r})
        print("ready", flush=True)
        st.load_plans(plans)
        print("done", flush=True)
        sys.stdin.read()""")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(0.3)
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    expected = Store.in_memory()
    expected.load_plan(sample_plan("p00"))
    full = expected.triple_count(plan_iri("p00"))
    with Store(path, read_only=True) as st:
        plans = [g for g in st.graphs() if g != ONTOLOGY_GRAPH]
        for g in plans:
            assert st.triple_count(g) == full, g
