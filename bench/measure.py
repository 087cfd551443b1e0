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
    maxrss_mb: float     # the child's own peak resident set after exec (VmHWM), MiB
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
    """Run ``argv``; wall time and the child's peak RSS.

    The peak is the child's ``VmHWM`` (/proc/PID/status), read every 10 ms: it is the
    high-water mark of the process image *after* exec. ``ru_maxrss`` from ``os.wait4``
    is not used alone because Linux carries the parent's high-water mark across
    fork+exec, so a child spawned while this bench holds 2 GB reported 2 GB. VmHWM
    never decreases, so polling only misses growth in the last 10 ms of the child's
    life; where /proc is missing, ru_maxrss is the fallback.

    Output goes to ``log`` (stdout and stderr together) or to /dev/null. On ``timeout``
    the child is killed and ``timed_out`` is set; its peak memory up to then is kept.
    """
    out = open(log, "wb") if log is not None else open(os.devnull, "wb")
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=env, cwd=cwd)
        killed = threading.Event()
        done = threading.Event()
        hwm_kb = [0]

        def poll() -> None:
            status = f"/proc/{p.pid}/status"
            while not done.is_set():
                try:
                    with open(status, encoding="ascii", errors="replace") as f:
                        for line in f:
                            if line.startswith("VmHWM:"):
                                hwm_kb[0] = max(hwm_kb[0], int(line.split()[1]))
                                break
                except (OSError, ValueError):
                    pass
                done.wait(0.01)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
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
            done.set()
            if timer is not None:
                timer.cancel()
        poller.join()
        wall = time.perf_counter() - t0
        rc = os.waitstatus_to_exitcode(status)
        p.returncode = rc  # reaped here; keep Popen from waiting again
    finally:
        out.close()
    peak_kb = hwm_kb[0] or ru.ru_maxrss
    return Child(wall, peak_kb / 1024.0, rc, killed.is_set(), log)


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t0 = time.perf_counter()
    r = fn(*args, **kwargs)
    return time.perf_counter() - t0, r
