"""Rebuilding a store from many plans: streamed, parallel, and all-or-nothing.

``plankg load`` replaces a few graphs in one SPARQL update (a transaction). Building
hundreds of plans that way would hold every plan in memory and write through the
slow transactional path, so ``plankg build`` works differently:

1. Each plan is parsed and turned into N-Quads by itself (in ``jobs`` worker
   processes, see :mod:`plankg.store.workers`), and only that text travels back; no plan
   stays in memory.
2. The quads are bulk-loaded into a *staging* store next to the real one
   (``<store>.building``), batch by batch — with more than one job, up to
   :data:`MAX_WRITERS` batches at a time (see :class:`_Writer`). Nobody else can see
   the staging store, so the bulk loader's lack of transactions does not matter.
3. If any file failed, the staging store is deleted and the real store is untouched.
4. Otherwise the graphs of the real store that the build does not replace (plans
   loaded by hand with ``plankg load``) are copied over, the ontology graph is
   loaded, and the staging directory is renamed into place.

Memory grows with the batches in flight, not with the corpus. At the end a large
staging store (:data:`COMPACT_MIN_QUADS`) is compacted (``optimize``); a small one is
not, since the compaction costs more than it saves the first queries.

A second build is incremental (:func:`build_store`, ``full=False``): only files whose
content changed are parsed, and their graphs replaced in one transaction.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pyoxigraph

from plankg.errors import PlanKGError
from plankg.graph.vocab import ONTOLOGY_GRAPH

#: The final compaction (``optimize``) only for builds that wrote this many quads. It
#: costs ~1.3 s for 200 plans (200k quads) and ~2.5 s for 1,000; the first evaluation
#: of the ten contract queries then takes 1.1 instead of 1.6 s at 200 plans (build +
#: queries 5.9 vs 5.0 s: it does not pay) and 6.7 instead of 12.7 s at 1,000 (22.2 vs
#: 25.7 s: it does). Measured on the bench corpora, issue #12.
COMPACT_MIN_QUADS = 500_000
BATCH_BYTES = 32 * 2**20  # bulk-load when this much N-Quads text is waiting
MAX_WRITERS = 2           # concurrent bulk loads (each holds a batch in memory)
IN_FLIGHT_PER_JOB = 8     # files handed to workers and not yet taken by the writer, per job
MAX_DEFAULT_JOBS = 4      # each worker holds jieba's dictionary (~150 MB)


def default_jobs(n_files: int) -> int:
    """Workers when ``--jobs`` is not given: one per CPU core this process may use,
    at most :data:`MAX_DEFAULT_JOBS` and never more than there are files.

    >>> default_jobs(1)
    1
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_JOBS, n_files))


def file_nquads(path: str, parse: Callable | None = None) -> tuple[str, str | None, bytes | None, str | None]:
    """Parse one file into ``(path, plan graph IRI, N-Quads bytes, error)``; never raises.

    ``parse`` (default :func:`plankg.pipeline.parse_file`) must be a top-level
    function when workers run it (see :mod:`plankg.store.workers`).
    """
    from plankg.graph.rdf import plan_iri, plan_nquads

    if parse is None:
        from plankg.pipeline import parse_file as parse
    try:
        plan = parse(path)
        data = plan_nquads(plan)
        return path, plan_iri(plan), data, None
    except PlanKGError as e:
        return path, None, None, str(e)
    except Exception as e:  # noqa: BLE001 - a parser bug must not stop the other files
        if os.environ.get("PLANKG_DEBUG"):
            raise
        return path, None, None, f"{path}: E101 cannot read: parser error: {type(e).__name__}: {e}"


def _results(paths: list[str], jobs: int, parse: Callable | None
             ) -> Iterator[tuple[str, str | None, bytes | None, str | None]]:
    """Each file's :func:`file_nquads`, in order; with ``jobs`` > 1 from worker processes.

    Back-pressure: a worker pool hands out every task at once and keeps every result
    it gets until asked, so workers faster than the store would pile the whole
    corpus's N-Quads up in this process. Files are therefore handed out only while
    fewer than :data:`IN_FLIGHT_PER_JOB` × ``jobs`` results are unclaimed; one more
    goes out each time the caller asks for the next result.
    """
    if jobs > 1 and len(paths) > 1:
        import threading
        from functools import partial

        from .workers import imap

        slots = threading.Semaphore(IN_FLIGHT_PER_JOB * jobs)
        stop = threading.Event()
        results = imap(partial(file_nquads, parse=parse), _handed_out(paths, slots, stop),
                       min(jobs, len(paths)))
        try:
            for result in results:
                yield result
                slots.release()
        finally:
            stop.set()  # no more files handed out: the pool can wind down
            results.close()
    else:
        for p in paths:
            yield file_nquads(p, parse)


def _handed_out(paths: list[str], slots: Any, stop: Any) -> Iterator[str]:
    """``paths``, each once a slot is free; ends early once ``stop`` is set."""
    for p in paths:
        while not slots.acquire(timeout=0.05):
            if stop.is_set():
                return
        if stop.is_set():
            return
        yield p


# --- incremental builds ------------------------------------------------------------------

#: Above this many changed files (or a quarter of the corpus) an incremental build
#: rebuilds everything instead: the staging store's bulk loads are faster than the
#: transactional path for many plans.
INCREMENTAL_MAX = 50


def build_key() -> str:
    """What a plan's graph depends on besides its file: plankg's version, the store
    format and every data file (lexicons, patterns) and ontology file the parser reads.
    Stored with the store-format marker; a different key makes the next build a full one.
    (A change to plankg's code without a version bump is not seen: ``build --full``.)
    """
    import hashlib

    from plankg import __version__
    from plankg.paths import DATA_DIR, ontology_dir

    from .embedded import STORE_FORMAT

    h = hashlib.sha256(f"{__version__}\0{STORE_FORMAT}\0".encode())
    for d in (DATA_DIR, ontology_dir()):
        for f in sorted(p for p in Path(d).rglob("*") if p.is_file()):
            h.update(f"{f.relative_to(d)}\0".encode())
            h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def _key_quad(key: str) -> pyoxigraph.Quad:
    from plankg.graph.vocab import PK_NS

    g = pyoxigraph.NamedNode(ONTOLOGY_GRAPH)
    return pyoxigraph.Quad(g, pyoxigraph.NamedNode(PK_NS + "buildKey"), pyoxigraph.Literal(key), g)


def _stored_key(raw: pyoxigraph.Store) -> str | None:
    q = _key_quad("")
    m = next(iter(raw.quads_for_pattern(q.subject, q.predicate, None, q.graph_name)), None)
    return m.object.value if m is not None else None


def _stored_files(raw: pyoxigraph.Store) -> dict[tuple[str, str], str]:
    """``(file name, sha256 of its bytes) → plan graph IRI`` for every plan in the store."""
    from plankg.graph.vocab import PREFIXES

    q = """SELECT ?plan ?file ?sha WHERE { GRAPH ?plan {
             ?plan prov:wasDerivedFrom ?src . ?src dcterms:source ?file ; pk:sha256 ?sha } }"""
    return {(r["file"].value, r["sha"].value): r["plan"].value
            for r in raw.query(q, prefixes=dict(PREFIXES))}


def changed_files(paths: list[str], raw: pyoxigraph.Store) -> list[str] | None:
    """The files of ``paths`` whose plan is not in the store as it is now (new files,
    edited files), in order; None when the store was built with another
    :func:`build_key` (everything must be parsed again)."""
    import hashlib

    if _stored_key(raw) != build_key():
        return None
    stored = _stored_files(raw)
    out = []
    for p in paths:
        try:
            sha = hashlib.sha256(Path(p).read_bytes()).hexdigest()
        except OSError:
            out.append(p)  # let the parser report it
            continue
        if (Path(p).name, sha) not in stored:
            out.append(p)
    return out


def _incremental(paths: list[str], store_path: Path, jobs: int, parse: Callable | None,
                 on_done: Callable[[str], None] | None
                 ) -> tuple[list[str], list[str]] | None:
    """Re-parse only the files that changed since the last build and replace their
    graphs in ONE transaction (all or nothing, like ``plankg load``); None when a full
    build is needed (no store, another format or build key, too many changes)."""
    from .embedded import STORE_FORMAT, Store, _nquads_to_triples, store_format

    if not (store_path / "CURRENT").is_file():
        return None
    st = Store(store_path, check_format=False)  # the write lock: E300 if someone else writes
    try:
        if store_format(st.raw) != STORE_FORMAT:
            return None
        changed = changed_files(paths, st.raw)
        if changed is None or len(changed) > INCREMENTAL_MAX or (
                len(changed) > 4 and len(changed) > len(paths) // 4):
            return None
        unchanged = set(paths) - set(changed)
        if on_done:
            for p in paths:
                if p in unchanged:
                    on_done(p)
        graphs: dict[str, str] = {}
        errors: list[str] = []
        # few files: parse here (a worker pool's start costs more than it saves)
        for path, graph, data, err in _results(changed, jobs if len(changed) > 4 else 1, parse):
            if on_done:
                on_done(path)
            if err:
                errors.append(err)
            elif not errors:
                graphs[graph] = _nquads_to_triples(data, graph)  # type: ignore[arg-type]
        if errors:
            return [], errors
        if graphs:
            st._replace_graphs(list(graphs.items()))
        return list(graphs), []
    finally:
        st.close()


def build_store(paths: Iterable[str | os.PathLike], store_path: str | os.PathLike, *, jobs: int = 1,
                parse: Callable | None = None,
                on_done: Callable[[str], None] | None = None,
                on_warning: Callable[[str], None] | None = None,
                lock_wait: float = 0, full: bool = False) -> tuple[list[str], list[str]]:
    """Rebuild ``store_path`` with one graph per file (see the module doc).

    Incremental unless ``full``: when the store was built by this plankg with the same
    data files (:func:`build_key`), only the files whose bytes are not in the store
    (content hash per file, ``pk:sha256`` with the file name) are parsed, and their
    graphs replaced in one transaction; more than :data:`INCREMENTAL_MAX` changed
    files, another key or another store format make it a full build.

    Returns ``(graph IRIs loaded, errors)``; with errors the store is unchanged.
    Raises :class:`~plankg.errors.StoreError` E300 when another process holds the
    store, E301/E302 when it cannot be written.
    """
    from .embedded import Store, format_quad, store_format, STORE_FORMAT

    store_path = Path(store_path)
    paths = [str(p) for p in paths]
    if not full:
        done = _incremental(paths, store_path, jobs, parse, on_done)
        if done is not None:
            return done
    staging = store_path.with_name(store_path.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    old: Store | None = None
    old_graphs_usable = True
    if (store_path / "CURRENT").is_file():
        # takes the write lock: E300 if someone else writes. A store in another format
        # is what build is for: it is replaced, and none of its graphs is kept.
        old = Store(store_path, lock_wait=lock_wait, check_format=False)
        if store_format(old.raw) not in (None, STORE_FORMAT):
            if on_warning:
                on_warning(f"{store_path}: written in an older store format; rebuilt from "
                           "the corpus (plans loaded by hand must be loaded again)")
            old_graphs_usable = False  # still open: it holds the lock until the swap
    try:
        new = pyoxigraph.Store(str(staging))
    except OSError as e:
        if old is not None:
            old.close()
        raise PlanKGError.make("E301", path=str(staging), reason=" ".join(str(e).split())) from None
    graphs: list[str] = []
    errors: list[str] = []
    written = 0
    writer = _Writer(new, jobs)
    try:
        for path, graph, data, err in _results(paths, jobs, parse):
            if on_done:
                on_done(path)
            if err:
                errors.append(err)
                continue
            if errors:
                continue  # the build will be thrown away: stop writing
            if graph in graphs:
                if on_warning:
                    on_warning(f"{path}: plan id repeats an earlier file's; the later file wins")
                writer.flush(wait=True)
                new.remove_graph(pyoxigraph.NamedNode(graph))
            else:
                graphs.append(graph)
            writer.add(data)
            written += data.count(b"\n")  # type: ignore[union-attr]
        if errors:
            raise _Abort
        writer.flush(wait=True)
        writer.close()
        # keep what the old store had besides the rebuilt plans and the ontology
        keep_out = set(graphs) | {ONTOLOGY_GRAPH}
        if old is not None and old_graphs_usable:
            for g in old.raw.named_graphs():
                if isinstance(g, pyoxigraph.NamedNode) and g.value not in keep_out:
                    new.bulk_extend(old.raw.quads_for_pattern(None, None, None, g))
        new.extend(Store._ontology_quads() + [format_quad(), _key_quad(build_key())])
        new.flush()
        if written >= COMPACT_MIN_QUADS:
            new.optimize()  # compact the bulk-loaded files: first evaluations faster after
    except BaseException as e:
        writer.close()
        del new
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None:
            old.close()
        if isinstance(e, _Abort):
            return [], errors
        raise
    del new  # release the staging store's lock before the rename
    if old is not None:
        old.close()
    _swap(staging, store_path)
    return graphs, errors


class _Abort(Exception):
    pass


class _Writer:
    """Bulk-loads N-Quads batches into ``store``, up to ``min(jobs, MAX_WRITERS)`` at a time.

    pyoxigraph releases the GIL while it bulk-loads and RocksDB ingests the files of
    concurrent loads side by side, so with ``jobs`` > 1 batches are written by a small
    thread pool while the main thread goes on collecting parsed plans (two concurrent
    loads of half the data take ~0.65x the time of one after the other). With one job
    every batch is written in the calling thread: ``--jobs 1`` uses one core.
    ``lenient``: the bytes come from :func:`plankg.graph.rdf.plan_nquads`, whose IRIs are
    escaped as they are built and whose output every other path (and the test suite)
    reads back with pyoxigraph's validating parser, so the loader need not validate
    every IRI again (that validation is ~40 % of loading time).
    """

    def __init__(self, store: pyoxigraph.Store, jobs: int):
        self.store = store
        self.batch: list[bytes] = []
        self.size = 0
        self.pending: list = []
        self.pool = None
        self.writers = min(jobs, MAX_WRITERS)
        if self.writers > 1:
            from concurrent.futures import ThreadPoolExecutor

            self.pool = ThreadPoolExecutor(max_workers=self.writers, thread_name_prefix="plankg-load")

    def _load(self, data: bytes) -> None:
        self.store.bulk_load(data, format=pyoxigraph.RdfFormat.N_QUADS, lenient=True)

    def add(self, data: bytes) -> None:
        self.batch.append(data)
        self.size += len(data)
        if self.size >= BATCH_BYTES:
            self.flush()

    def flush(self, *, wait: bool = False) -> None:
        """Write the waiting batch; with ``wait``, also every batch still being written.
        A failed load raises here (the first failure, once its batch is waited for)."""
        if self.batch:
            data = b"".join(self.batch)
            self.batch.clear()
            self.size = 0
            if self.pool is None:
                self._load(data)
            else:
                # never more batches in flight than writers: memory stays bounded
                while len(self.pending) >= self.writers:
                    self.pending.pop(0).result()
                self.pending.append(self.pool.submit(self._load, data))
        if wait:
            while self.pending:
                self.pending.pop(0).result()

    def close(self) -> None:
        """Stop writing: wait for loads in flight, drop the rest, and let go of the
        store, so that dropping the caller's reference closes it (a store left open
        here goes on compacting in the background after the rename, deleting table
        files under the next writer of the directory)."""
        self.batch.clear()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.store = None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux ``renameat2(RENAME_EXCHANGE)``): nobody,
    not even a process killed halfway, sees neither in place. False where unsupported."""
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _swap(staging: Path, store_path: Path) -> None:
    """Put ``staging`` where ``store_path`` is, keeping the old one until it is in place.

    Where the two can be exchanged in one step they are (then the old store is deleted);
    elsewhere the old store is renamed aside first, and a process killed between the two
    renames leaves it at ``<store>.old``, from where the next open puts it back
    (:func:`plankg.store.embedded._recover_swap`).
    """
    if store_path.exists() and _exchange(staging, store_path):
        shutil.rmtree(staging, ignore_errors=True)  # now the old store
        return
    backup = store_path.with_name(store_path.name + ".old")
    shutil.rmtree(backup, ignore_errors=True)
    if store_path.exists():
        os.rename(store_path, backup)
    os.rename(staging, store_path)
    shutil.rmtree(backup, ignore_errors=True)
