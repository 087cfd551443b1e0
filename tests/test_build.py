"""plankg.store.build: the streamed, all-or-nothing rebuild behind `plankg build`."""
import shutil
from pathlib import Path

import pyoxigraph
import pytest

from plankg.store.build import build_store
from plankg.store.embedded import Store
from plankg.graph.vocab import ONTOLOGY_GRAPH

FIX = Path(__file__).parent / "fixtures"


def graphs(path):
    st = Store(path, read_only=True)
    try:
        return sorted(g.value for g in st.raw.named_graphs())
    finally:
        st.close()


def test_build_then_rebuild_keeps_hand_loaded_plans(tmp_path):
    store = tmp_path / "store"
    loaded, errors = build_store([FIX / "a_hunan_fullwidth.txt"], store)
    assert errors == [] and len(loaded) == 1
    before = graphs(store)
    assert any(g.endswith("/a_hunan_fullwidth") for g in before)
    assert any(g.endswith("/ontology") for g in before)
    # a plan loaded by hand survives a rebuild of the corpus
    from plankg.pipeline import parse_file
    with Store(store) as st:
        st.load_plan(parse_file(FIX / "b_gansu_pdf.txt"))
    build_store([FIX / "a_hunan_fullwidth.txt"], store, jobs=1)
    after = graphs(store)
    assert any(g.endswith("/b_gansu_pdf") for g in after) and set(before) <= set(after)
    assert not (tmp_path / "store.building").exists() and not (tmp_path / "store.old").exists()


def test_a_failed_file_leaves_the_store_as_it_was(tmp_path):
    store = tmp_path / "store"
    build_store([FIX / "a_hunan_fullwidth.txt"], store)
    with Store(store, read_only=True) as st:
        count = st.triple_count()
    loaded, errors = build_store([FIX / "b_gansu_pdf.txt", FIX / "odd" / "binary.bin"], store)
    assert loaded == [] and len(errors) == 1 and "binary.bin" in errors[0]
    with Store(store, read_only=True) as st:
        assert st.triple_count() == count
    assert not any(g.endswith("/b_gansu_pdf") for g in graphs(store))
    assert not (tmp_path / "store.building").exists()


def test_repeated_plan_id_warns_and_keeps_one_graph(tmp_path):
    a = tmp_path / "x" / "same.txt"
    b = tmp_path / "y" / "same.txt"
    a.parent.mkdir()
    b.parent.mkdir()
    shutil.copy(FIX / "a_hunan_fullwidth.txt", a)
    shutil.copy(FIX / "e_ningbo_cells.txt", b)
    warnings = []
    loaded, errors = build_store([a, b], tmp_path / "store", on_warning=warnings.append)
    assert len(loaded) == 1 and len(warnings) == 1
    with Store(tmp_path / "store", read_only=True) as st:
        regions = {r["r"].value for r in st.query(
            "SELECT DISTINCT ?r WHERE { GRAPH ?g { ?p a pk:Plan ; dcterms:spatial/rdfs:label ?r } }")}
    assert regions == {"宁波市"}  # the later file wins


def test_a_store_in_use_is_refused(tmp_path):
    store = tmp_path / "store"
    build_store([FIX / "a_hunan_fullwidth.txt"], store)
    holder = pyoxigraph.Store(str(store))  # another writer holds the lock
    try:
        with pytest.raises(Exception) as e:
            build_store([FIX / "a_hunan_fullwidth.txt"], store)
        assert "E300" in str(e.value)
    finally:
        del holder


def plan_quad_set(path):
    """Every quad of the plan graphs (the ontology's blank nodes get new ids each load)."""
    with Store(path, read_only=True) as st:
        return {str(q) for q in st.raw if q.graph_name.value != ONTOLOGY_GRAPH}


def test_parallel_build_with_concurrent_loads_writes_what_a_serial_build_writes(tmp_path, monkeypatch):
    import plankg.store.build as build

    files = sorted(FIX.glob("[a-h]_*.txt"))
    assert len(files) >= 5
    build_store(files, tmp_path / "one", jobs=1)
    # tiny batches: every plan is its own bulk load, two of them in flight at a time
    monkeypatch.setattr(build, "BATCH_BYTES", 1)
    loaded, errors = build_store(files, tmp_path / "two", jobs=2)
    assert errors == [] and len(loaded) == len(files)
    assert plan_quad_set(tmp_path / "two") == plan_quad_set(tmp_path / "one")


def test_a_failed_concurrent_load_is_raised_and_the_writer_stops(tmp_path):
    from plankg.store.build import _Writer

    st = pyoxigraph.Store(str(tmp_path / "s"))
    w = _Writer(st, 2)
    w.add(b"<a> <b> <c> <g> .\n")
    w.flush()
    w.add(b"this is not N-Quads\n")
    w.flush()
    with pytest.raises(SyntaxError):
        w.flush(wait=True)
    w.close()
    assert w.pool is not None and w.pending == []


def test_one_job_writes_in_the_calling_thread(tmp_path):
    from plankg.store.build import _Writer

    st = pyoxigraph.Store(str(tmp_path / "s"))
    w = _Writer(st, 1)
    assert w.pool is None
    w.add(b"<http://x.org/a> <http://x.org/b> <http://x.org/c> <http://x.org/g> .\n")
    w.flush(wait=True)
    assert len(st) == 1


def test_files_are_handed_out_only_while_slots_are_free():
    import threading

    from plankg.store.build import _handed_out

    slots, stop = threading.Semaphore(2), threading.Event()
    it = _handed_out(["a", "b", "c", "d"], slots, stop)
    assert [next(it), next(it)] == ["a", "b"]
    got = []
    t = threading.Thread(target=lambda: got.append(next(it)))
    t.start()
    t.join(0.3)
    assert t.is_alive() and got == []     # no free slot: "c" waits
    slots.release()                        # the caller took a result
    t.join(2)
    assert got == ["c"]
    stop.set()
    assert list(it) == []                  # stopped: nothing more is handed out


def test_a_caller_that_stops_early_does_not_hang_the_pool():
    """Stopping after the first result, five times over, in a thread that must end.

    The pool used to end with ``terminate()``, which could kill a worker while it held
    the result queue's lock and then wait for that lock forever (it hung the suite
    once in a few runs); it now lets the workers finish and exit."""
    import threading

    from plankg.store.build import _results

    files = [str(f) for f in sorted(FIX.glob("[a-h]_*.txt"))] * 4
    firsts: list = []

    def stop_early() -> None:
        for _ in range(5):
            gen = _results(files, 2, None)
            firsts.append(next(gen))
            gen.close()                    # e.g. a failed bulk load in the caller

    t = threading.Thread(target=stop_early, daemon=True)
    t.start()
    t.join(240)
    assert not t.is_alive(), "the pool hung after its caller stopped early"
    assert [f[0] for f in firsts] == [files[0]] * 5 and all(f[3] is None for f in firsts)


def test_a_pool_ends_by_letting_its_workers_exit():
    """The workers of a finished or abandoned pool have exited, none left behind."""
    import multiprocessing

    from plankg.store.workers import imap

    gen = imap(len, ["ab", "c", "def"], 2)
    assert next(gen) == 2
    gen.close()
    assert list(imap(len, ["ab", "c", "def"], 2)) == [2, 1, 3]
    assert not [c for c in multiprocessing.active_children() if "PoolWorker" in c.name]


PARSED: list[str] = []


def _counting_parse(path):
    """parse_file, noting each file it is asked for (jobs=1: runs in this process)."""
    from plankg.pipeline import parse_file

    PARSED.append(Path(path).name)
    return parse_file(path)


def _titles(store, plan="a_hunan_fullwidth") -> set[str]:
    with Store(store, read_only=True) as st:
        return {r["t"].value for r in st.query(
            f"SELECT ?t {{ GRAPH <https://w3id.org/plankg/id/plan/{plan}> "
            "{ ?c a pk:Chapter ; dcterms:title ?t } }")}


def test_a_second_build_parses_only_the_changed_file(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a_hunan_fullwidth.txt", "e_ningbo_cells.txt"):
        shutil.copy(FIX / name, corpus / name)
    files = sorted(corpus.iterdir())
    store = tmp_path / "store"
    PARSED.clear()
    build_store(files, store, jobs=1, parse=_counting_parse)
    assert sorted(PARSED) == ["a_hunan_fullwidth.txt", "e_ningbo_cells.txt"]
    before, other = _titles(store), _titles(store, "e_ningbo_cells")

    PARSED.clear()
    loaded, errors = build_store(files, store, jobs=1, parse=_counting_parse)
    assert PARSED == [] and loaded == [] and errors == []  # nothing changed: nothing parsed

    a = corpus / "a_hunan_fullwidth.txt"
    text = a.read_text(encoding="utf-8")
    old_title = next(t for t in sorted(before) if t in text)
    a.write_text(text.replace(old_title, old_title + "改"), encoding="utf-8")
    PARSED.clear()
    loaded, errors = build_store(files, store, jobs=1, parse=_counting_parse)
    assert PARSED == ["a_hunan_fullwidth.txt"] and errors == [] and len(loaded) == 1
    assert _titles(store) == (before - {old_title}) | {old_title + "改"}
    assert _titles(store, "e_ningbo_cells") == other

    PARSED.clear()
    build_store(files, store, jobs=1, parse=_counting_parse, full=True)
    assert sorted(PARSED) == ["a_hunan_fullwidth.txt", "e_ningbo_cells.txt"]


def test_an_incremental_build_with_a_bad_file_changes_nothing(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIX / "a_hunan_fullwidth.txt", corpus / "a.txt")
    store = tmp_path / "store"
    build_store([corpus / "a.txt"], store, jobs=1)
    with Store(store, read_only=True) as st:
        count = st.triple_count()
    (corpus / "a.txt").write_bytes(b"\x00\x01binary\x00" * 50)
    loaded, errors = build_store([corpus / "a.txt"], store, jobs=1)
    assert loaded == [] and len(errors) == 1
    with Store(store, read_only=True) as st:
        assert st.triple_count() == count


def test_another_build_key_means_a_full_build(tmp_path, monkeypatch):
    from plankg.store import build

    store = tmp_path / "store"
    build_store([FIX / "a_hunan_fullwidth.txt"], store, jobs=1)
    with Store(store, read_only=True) as st:
        assert build.changed_files([str(FIX / "a_hunan_fullwidth.txt")], st.raw) == []
        monkeypatch.setattr(build, "build_key", lambda: "another")
        assert build.changed_files([str(FIX / "a_hunan_fullwidth.txt")], st.raw) is None


def _open_files_under(directory: Path) -> list[str]:
    """Files under ``directory`` this process holds open (from /proc/self/fd)."""
    fd_dir = Path("/proc/self/fd")
    found = []
    for fd in fd_dir.iterdir():
        try:
            target = Path(fd.readlink())
        except OSError:
            continue
        if target.is_relative_to(directory):
            found.append(str(target))
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc to list open files")
@pytest.mark.parametrize("jobs", [1, 2])
def test_the_staging_store_is_closed_before_it_is_swapped_in(tmp_path, monkeypatch, jobs):
    """A staging store still open at the swap goes on writing by path: a compaction's
    new table file lands in the old directory (removed next) while the manifest, open
    by descriptor, lists it in the new one; the next load then fails on
    "No such file ... .sst"."""
    import plankg.store.build as build

    swap = build._swap
    open_at_swap: list[list[str]] = []

    def checking_swap(staging, store_path):
        open_at_swap.append(_open_files_under(tmp_path))
        swap(staging, store_path)

    monkeypatch.setattr(build, "_swap", checking_swap)
    store = tmp_path / "store"
    for _ in range(2):  # a first build, then one that keeps the old store's graphs
        _loaded, errors = build_store([FIX / "a_hunan_fullwidth.txt"], store, jobs=jobs, full=True)
        assert errors == []
    assert open_at_swap == [[], []]
    assert _open_files_under(tmp_path) == []
