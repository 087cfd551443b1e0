"""Worker processes for parsing many plans at once (``plankg build``/``load --jobs N``).

Every parsing process needs jieba's dictionary and the spaCy pipeline, which take
2–3 s to load on a small machine — as long as parsing a hundred plans. Spawning N
fresh workers pays that N times, all at once, on the same cores.

Where the platform has it (Linux, macOS), the pool therefore uses the ``forkserver``
start method with :mod:`plankg.warm` preloaded: one server process loads the
pipeline once and every worker is forked from it, warm. The server is single-threaded
(no store is ever opened in it), which is what makes forking safe. Elsewhere the
pool falls back to ``spawn`` and each worker loads the pipeline itself.

A forked worker inherits the *server's* environment and working directory, which are
those of the moment the server started; each worker therefore adopts the calling
process's current ones first (a relative path or ``PLANKG_ONTOLOGY`` set later must
mean what it means to the caller).

``PLANKG_START_METHOD`` (``forkserver`` or ``spawn``) overrides the choice, for
measuring one against the other.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Any

PRELOAD = "plankg.warm"
START_METHODS = ("forkserver", "spawn")


def start_method() -> str:
    """The start method the pools use here.

    >>> start_method() in START_METHODS
    True
    """
    wanted = os.environ.get("PLANKG_START_METHOD", "").strip()
    available = multiprocessing.get_all_start_methods()
    if wanted in START_METHODS and wanted in available:
        return wanted
    return "forkserver" if "forkserver" in available else "spawn"


def pool(processes: int) -> Any:
    """A :class:`multiprocessing.pool.Pool` of ``processes`` parsing workers
    (use it as a context manager)."""
    method = start_method()
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        # one server per process; the preload list is read when it first starts
        ctx.set_forkserver_preload([PRELOAD])
    return ctx.Pool(processes, initializer=_adopt, initargs=(dict(os.environ), os.getcwd()))


def _adopt(environ: dict[str, str], cwd: str) -> None:
    """Pool initializer: take the caller's environment and working directory."""
    os.environ.clear()
    os.environ.update(environ)
    os.chdir(cwd)


#: How long a pool that is ending waits for the files still being parsed before it
#: kills its workers (a parser stuck on one file).
WIND_DOWN_S = 120.0


def imap(func: Any, items: Any, processes: int, *, wind_down_s: float = WIND_DOWN_S) -> Any:
    """``func(item)`` for each item, in order, from a :func:`pool` of ``processes``
    workers; a generator (close it, or let it end, to end the pool).

    The pool ends with ``close()`` and ``join()``: the workers finish the items they
    hold and exit on their own. ``Pool.terminate()`` (what ``with pool(…)`` does) kills
    them wherever they are, and a worker killed while it puts a result on the shared
    queue dies holding that queue's lock: the pool's task thread then waits for the
    lock forever, and so does ``terminate()``, which joins that thread (a caller that
    stopped reading early hung this way). Only a worker still busy after
    ``wind_down_s`` is terminated.
    """
    import time

    workers = pool(processes)
    results = workers.imap(func, items, chunksize=1)
    try:
        yield from results
    finally:
        workers.close()
        deadline = time.monotonic() + wind_down_s
        try:
            while True:  # the results of items already handed out, dropped
                results.next(timeout=max(0.0, deadline - time.monotonic()))
        except StopIteration:
            workers.join()
        except BaseException:  # noqa: BLE001 - stuck (mp.TimeoutError) or interrupted
            workers.terminate()
            workers.join()
