"""Bounded evaluation: run a query in a forked child that is killed when its time is up.

Oxigraph (pyoxigraph 0.5) has no query timeout or cancellation in its Python API, and
its evaluation runs in native code that a Python signal handler or watchdog thread
cannot interrupt. So :func:`run_bounded` forks: the child opens the store read-only,
evaluates and formats the answer, and writes it back through a pipe; the parent waits
on the pipe for at most ``timeout`` seconds and, past that, kills the child with
``SIGKILL`` and raises E403. A read-only child writes nothing, so killing it leaves
the store exactly as it was.

Cost: one ``fork`` (~1–3 ms here; the child shares the parent's already imported
modules) and one pipe copy of the formatted answer. Only a query that misses the
result cache pays it; a cache hit never gets this far. Where there is no ``fork``
(Windows) the query runs in-process without a bound.

>>> run_bounded(lambda: "ok\\n", 5)
'ok\\n'
>>> run_bounded(lambda: __import__("time").sleep(30), 0.2)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
plankg.errors.QueryError: E403 query timed out after 0.2 s: ...
"""
from __future__ import annotations

import json
import os
import select
import signal
import time
from typing import Callable

from plankg.errors import PlanKGError

DEFAULT_TIMEOUT = 120.0
"""Seconds a query may run when ``--timeout`` is not given (``0`` means no bound)."""


def timeout_text(seconds: float) -> str:
    """``5`` for 5.0, ``0.5`` for 0.5: how a limit is printed in messages."""
    return f"{seconds:g}"


def run_bounded(evaluate: Callable[[], str], timeout: float | None,
                on_kill: Callable[[int], None] | None = None) -> str:
    """Return ``evaluate()``, run in a forked child that is killed after ``timeout`` s.

    Args:
        evaluate: builds the whole answer text; in the child it may raise
            :class:`PlanKGError`, which is raised again here with its code.
        timeout: seconds; ``None`` or ``0`` runs ``evaluate`` here, unbounded.
        on_kill: called with the child's pid after it was killed (on timeout, or when
            this process is interrupted), to remove what the child left behind.
    Raises:
        QueryError: E403 when the time is up (the child is killed); E402 when the
            child dies without an answer.
    """
    if not timeout or timeout <= 0 or not hasattr(os, "fork"):
        return evaluate()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer, then leave without running the parent's cleanups
        status = 1
        try:
            os.close(r)
            try:
                payload = b"0" + evaluate().encode("utf-8")
            except PlanKGError as e:
                payload = b"1" + json.dumps({"code": e.code, "reason": e.reason,
                                             "path": e.path}).encode("utf-8")
            except BaseException as e:  # noqa: BLE001 - reported by the parent
                payload = b"2" + " ".join(f"{type(e).__name__}: {e}".split()).encode("utf-8")
            view = memoryview(payload)
            while view:
                view = view[os.write(w, view):]
            status = 0
        finally:
            os._exit(status)
    os.close(w)
    try:
        data = _read_until(r, pid, time.monotonic() + timeout, timeout)
    except BaseException:  # timed out, or Ctrl-C: the child must not run on
        _kill(pid)
        if on_kill is not None:
            on_kill(pid)
        raise
    finally:
        os.close(r)
    os.waitpid(pid, 0)
    return _answer(data)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _read_until(fd: int, pid: int, deadline: float, timeout: float) -> bytes:
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        ready = select.select([fd], [], [], max(left, 0))[0] if left > 0 else []
        if not ready:
            raise PlanKGError.make("E403", seconds=timeout_text(timeout),
                                   reason="stopped; the store is unchanged "
                                          "(raise --timeout, or 0 for none)")
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _answer(data: bytes) -> str:
    if data[:1] == b"0":
        return data[1:].decode("utf-8")
    if data[:1] == b"1":
        e = json.loads(data[1:])
        # the same subclass as in the child, with the child's message as it was
        kind = type(PlanKGError.make(e["code"], reason="", seconds=""))
        raise kind(e["reason"], code=e["code"], path=e.get("path"))
    reason = data[1:].decode("utf-8", "replace") if data else "the evaluating process died"
    raise PlanKGError.make("E402", reason=reason[:300])

