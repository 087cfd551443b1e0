"""Timing helpers for bench/run.py: child processes with wall time and peak memory."""
from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Child:
    wall: float          # seconds from spawn to reaped
    maxrss_mb: float     # the child's own peak resident set (ru_maxrss), MiB
    rc: int
    timed_out: bool = False
    log: Path | None = None

    def tail(self, n: int = 5) -> str:
        if self.log is None or not self.log.is_file():
            return ""
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[-n:])


def run_child(argv: list[str], *, env: dict | None = None, cwd: Path | None = None,
              log: Path | None = None, timeout: float | None = None) -> Child:
    """Run ``argv``; wall time and the child's max RSS from ``os.wait4`` (exact, no polling).

    Output goes to ``log`` (stdout and stderr together) or to /dev/null. On ``timeout``
    the child is killed and ``timed_out`` is set; its peak memory up to then is kept.
    """
    out = open(log, "wb") if log is not None else open(os.devnull, "wb")
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=env, cwd=cwd)
        killed = threading.Event()
        timer = None
        if timeout is not None:
            def kill() -> None:
                killed.set()
                try:
                    p.kill()
                except OSError:
                    pass
            timer = threading.Timer(timeout, kill)
            timer.start()
        try:
            _pid, status, ru = os.wait4(p.pid, 0)
        finally:
            if timer is not None:
                timer.cancel()
        wall = time.perf_counter() - t0
        rc = os.waitstatus_to_exitcode(status)
        p.returncode = rc  # reaped here; keep Popen from waiting again
    finally:
        out.close()
    return Child(wall, ru.ru_maxrss / 1024.0, rc, killed.is_set(), log)


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t0 = time.perf_counter()
    r = fn(*args, **kwargs)
    return time.perf_counter() - t0, r
