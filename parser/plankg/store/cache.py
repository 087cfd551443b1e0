"""A result cache for queries, kept inside the store directory and keyed by its state.

Researchers run the same queries (the contract queries above all) again and again
between loads, and a query over a thousand plans costs seconds while the store has
not changed. So :func:`plankg.store.queries.execute` keeps each formatted result in
``<store>/plankg-cache/<state>/<key>``:

* ``state`` is the store's *fingerprint*: a hash of the name, size and modification
  time of every file RocksDB keeps in the directory (its ``LOG`` and ``LOCK`` aside).
  Any write — ``plankg load``, ``plankg build``, a SPARQL update through pyoxigraph —
  appends to the write-ahead log or writes new table files, so the fingerprint
  changes and every cached result is stale at once; a read-only open changes nothing.
* ``key`` hashes the query text, the output format and this module's
  :data:`CACHE_VERSION` (bumped when the formatting changes).

Saving a result under a new state removes the directories of older states. A result
larger than :data:`MAX_ENTRY_BYTES` is not kept. A store directory that cannot be
written (a read-only mount) simply gets no cache. ``plankg query --no-cache``
bypasses it, and :func:`clear` empties it.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> (d / "000001.log").write_bytes(b"x")
1
>>> state = fingerprint(d)
>>> save(d, state, "SELECT 1", "csv", "a\\n1\\n")
True
>>> lookup(d, fingerprint(d), "SELECT 1", "csv")
'a\\n1\\n'
>>> (d / "000001.log").write_bytes(b"xy")  # a write to the store
2
>>> lookup(d, fingerprint(d), "SELECT 1", "csv") is None
True
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

CACHE_DIRNAME = "plankg-cache"
CACHE_VERSION = "2"  # 2: store format 2 (a format-1 store's answers are never reused)
MAX_ENTRY_BYTES = 256 * 1024 * 1024
_IGNORED = ("LOG", "LOCK")  # RocksDB's info log (and LOG.old.*) and lock file


def fingerprint(store_dir: Path) -> str | None:
    """A hash of the store's files (name, size, mtime), or None if there are none."""
    try:
        entries = sorted(
            (e.name, st.st_size, st.st_mtime_ns)
            for e in os.scandir(store_dir)
            if e.is_file(follow_symlinks=False) and not e.name.startswith(_IGNORED)
            for st in (e.stat(follow_symlinks=False),))
    except OSError:
        return None
    if not entries:
        return None
    h = hashlib.sha256()
    for name, size, mtime in entries:
        h.update(f"{name}\0{size}\0{mtime}\n".encode())
    return h.hexdigest()[:32]


def _key(sparql: str, fmt: str) -> str:
    return hashlib.sha256(f"{CACHE_VERSION}\0{fmt}\0{sparql}".encode()).hexdigest()[:40]


def _entry(store_dir: Path, state: str | None, sparql: str, fmt: str) -> Path | None:
    if state is None:
        return None
    return store_dir / CACHE_DIRNAME / state / _key(sparql, fmt)


def lookup(store_dir: str | os.PathLike, state: str | None, sparql: str, fmt: str) -> str | None:
    """The cached result of ``sparql`` in ``fmt`` for the store in ``state`` (its
    :func:`fingerprint` taken just before), or None."""
    entry = _entry(Path(store_dir), state, sparql, fmt)
    if entry is None:
        return None
    try:
        return entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def save(store_dir: str | os.PathLike, state: str | None, sparql: str, fmt: str,
         text: str) -> bool:
    """Keep ``text`` as the result of ``sparql`` in ``fmt`` for the store in ``state``
    (the fingerprint taken *before* the query ran, so a write during the query leaves
    the result under the old state); False if it was not kept.

    Written to a temporary file and renamed, so a reader never sees half a result;
    the directories of other (older) store states are removed.
    """
    store_dir = Path(store_dir)
    data = text.encode("utf-8")
    if len(data) > MAX_ENTRY_BYTES:
        return False
    entry = _entry(store_dir, state, sparql, fmt)
    if entry is None:
        return False
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, entry)
        for old in (store_dir / CACHE_DIRNAME).iterdir():
            if old.is_dir() and old.name != entry.parent.name:
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        return False
    return True


def clear(store_dir: str | os.PathLike) -> None:
    """Remove every cached result of the store."""
    shutil.rmtree(Path(store_dir) / CACHE_DIRNAME, ignore_errors=True)
