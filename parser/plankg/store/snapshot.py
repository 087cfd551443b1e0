"""Read-only snapshots of a store that loads may go on writing: what ``plankg serve`` reads.

Oxigraph leaves reading a directory that another process writes undefined: a reader
opened before a load may find the files it needs compacted away. So the endpoint
never serves from the store directory itself. :class:`Snapshots` watches the store
and, after each change, makes a *checkpoint* of it (``Store.backup``: the immutable
table files are hard-linked, the small manifest copied; ~2 ms) into a private
directory that nobody writes, then publishes its name in ``CURRENT-SNAPSHOT``
(written to a temporary file and renamed, so a reader sees the old name or the new
one). Readers (the endpoint's workers) open the snapshot named there.

Why a checkpoint shows a whole load or none of it: a checkpoint (:func:`checkpoint`)
holds the table files listed in the store's manifest, which a flush writes from whole
write batches, and a copy of the write-ahead log, whose replay stops at the last whole
batch; ``plankg load`` writes all its plans in one batch, and ``plankg build`` renames
a finished store into place. A change is noticed by the store's
fingerprint (:func:`plankg.store.cache.fingerprint`: name, size and time of every file)
and the directory's inode (a ``build`` swaps the directory); :meth:`Snapshots.refresh`
is cheap when nothing changed (one directory scan), so the endpoint calls it about
twice a second. A checkpoint that fails (files removed under it mid-write) is
thrown away and tried again on the next call; the previous snapshot stays current.

>>> import tempfile, pathlib, pyoxigraph
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> s = pyoxigraph.Store(str(d / "store")); s.update("INSERT DATA { GRAPH <g:a> { <a:s> <a:p> 1 } }")
>>> s.flush(); del s
>>> snaps = Snapshots(d / "store", d / "snaps")
>>> snaps.refresh(), snaps.refresh()
(True, False)
>>> len(pyoxigraph.Store.read_only(str(current(d / "snaps"))))
1
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

POINTER = "CURRENT-SNAPSHOT"
KEEP = 3  # snapshots kept on disk: the current one and two a slow reader may still use


def writer_active(store: str | os.PathLike) -> bool:
    """Whether a process holds the store's write lock (RocksDB's ``fcntl`` lock on its
    ``LOCK`` file), read from ``/proc/locks``; False where that cannot be told.

    The lock is not tested by taking it: with ``fcntl`` locks, closing *any* descriptor
    of the file drops every lock the process holds on it, so a process that has the
    store open for writing would lose its own lock.
    """
    try:
        st = os.stat(os.path.join(store, "LOCK"))
        with open("/proc/locks", encoding="ascii", errors="replace") as f:
            table = f.read()
    except OSError:
        return False
    dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    return any(len(fields) > 5 and fields[5] == dev
               for fields in (line.split() for line in table.splitlines()))


def checkpoint(store: Path, target: Path) -> None:
    """Make ``target`` a checkpoint of ``store``: ``Store.backup`` of a read-only open
    (table files hard-linked, the manifest copied), plus a copy of the write-ahead log
    files, which a read-only backup leaves out: a commit whose writer was killed before
    it flushed lives only there. A log copied while a writer appends to it may end in a
    torn record; opening replays the whole batches before it, so the checkpoint still
    shows whole loads.
    """
    import pyoxigraph

    src = pyoxigraph.Store.read_only(str(store))
    try:
        src.backup(str(target))
    finally:
        del src
    for f in os.listdir(store):
        if f.endswith(".log") and not (target / f).exists():
            shutil.copyfile(store / f, target / f)


def checkpoint_path(store: str | os.PathLike, pid: int) -> Path:
    """Where the query process ``pid`` keeps its checkpoint of ``store``."""
    store = Path(store)
    return store.with_name(f"{store.name}.query-{pid}")


@contextmanager
def readable(store: str | os.PathLike, *, force: bool = False) -> Iterator[Path]:
    """A directory to read ``store`` from: the store itself when no writer has it open,
    else a checkpoint of its last flushed state, removed afterwards.

    Oxigraph's reader of a directory that a load writes meanwhile may fail on, or hang
    over, table files the writer removed; a checkpoint's files are hard links, so they
    stay. What a checkpoint shows is the store before the running load: a whole load or
    none of it. ``force`` makes one whether or not a writer is seen (a writer may
    start just after the look).
    """
    store = Path(store)
    if not force and not writer_active(store):
        yield store
        return
    target = checkpoint_path(store, os.getpid())
    shutil.rmtree(target, ignore_errors=True)
    try:
        try:
            checkpoint(store, target)
        except (OSError, RuntimeError) as e:  # files moved under us: the caller retries
            from plankg.errors import PlanKGError

            raise PlanKGError.make("E301", path=str(store),
                                   reason=" ".join(str(e).split())) from None
        yield target
    finally:
        shutil.rmtree(target, ignore_errors=True)


def current(directory: str | os.PathLike) -> Path | None:
    """The snapshot now published in ``directory``, or None before the first."""
    d = Path(directory)
    try:
        name = (d / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return d / name if name else None


class Snapshots:
    """Checkpoints of ``store`` in ``directory``, one per observed change of the store."""

    def __init__(self, store: str | os.PathLike, directory: str | os.PathLike):
        self.store = Path(store)
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.state: tuple | None = None
        self.generation = 0
        self.failures = 0

    def _state(self) -> tuple | None:
        from plankg.store.cache import fingerprint

        try:
            ino = os.stat(self.store).st_ino
        except OSError:
            return None
        fp = fingerprint(self.store)
        return None if fp is None else (ino, fp)

    def refresh(self) -> bool:
        """Make and publish a new snapshot if the store changed; True if one was made."""
        state = self._state()
        if state is None or state == self.state:
            return False
        import pyoxigraph

        target = self.directory / f"gen-{self.generation + 1:06d}"
        shutil.rmtree(target, ignore_errors=True)
        try:
            checkpoint(self.store, target)
            pyoxigraph.Store.read_only(str(target))  # it opens: publish it
        except (OSError, ValueError) as e:  # a write moved files under us: next time
            shutil.rmtree(target, ignore_errors=True)
            self.failures += 1
            self.last_error = " ".join(str(e).split())
            return False
        self.generation += 1
        tmp = self.directory / f"{POINTER}.tmp"
        tmp.write_text(target.name + "\n", encoding="utf-8")
        os.replace(tmp, self.directory / POINTER)
        # a change seen during the checkpoint is taken again on the next call
        self.state = state if self._state() == state else None
        self._prune()
        return True

    def _prune(self) -> None:
        gens = sorted(p for p in self.directory.glob("gen-*") if p.is_dir())
        for old in gens[:-KEEP]:
            shutil.rmtree(old, ignore_errors=True)

    def close(self) -> None:
        """Remove every snapshot (the endpoint is stopping)."""
        shutil.rmtree(self.directory, ignore_errors=True)
