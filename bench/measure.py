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
    maxrss_mb: float     # peak memory of the child and all its descendants together, MiB
    rc: int
    timed_out: bool = False
    log: Path | None = None
    main_mb: float = 0.0  # the child process's own peak (VmHWM), MiB

    def tail(self, n: int = 5) -> str:
        if self.log is None or not self.log.is_file():
            return ""
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[-n:])


def run_child(argv: list[str], *, env: dict | None = None, cwd: Path | None = None,
              log: Path | None = None, timeout: float | None = None) -> Child:
    """Run ``argv``; wall time and peak memory.

    Memory is read from /proc every 10 ms. ``maxrss_mb`` is the peak, over those
    readings, of the memory of the child *and all its descendants* (plankg build's
    worker server and workers): each process's proportional set size (``Pss`` in
    ``smaps_rollup``: pages shared between forked workers counted once in total), or its
    ``VmRSS`` where PSS is unreadable. ``main_mb`` is the child's own high-water mark
    (``VmHWM``). ``ru_maxrss`` from ``os.wait4`` is not used alone because Linux carries
    the parent's high-water mark across fork+exec, so a child spawned while this bench
    holds 2 GB reported 2 GB; it is the fallback where /proc is missing. Polling misses
    peaks shorter than 10 ms.

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
        tree_kb = [0]

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
                tree_kb[0] = max(tree_kb[0], sum(_memory_kb(q) for q in _tree(p.pid)))
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
    main_kb = hwm_kb[0] or ru.ru_maxrss
    peak_kb = max(tree_kb[0], main_kb if not tree_kb[0] else 0)
    return Child(wall, peak_kb / 1024.0, rc, killed.is_set(), log, main_kb / 1024.0)


def _tree(pid: int) -> list[int]:
    """``pid`` and every process descending from it (from /proc/*/stat parent ids)."""
    parent: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return [pid]
    for e in entries:
        if not e.isdigit():
            continue
        try:
            with open(f"/proc/{e}/stat", "rb") as f:
                stat = f.read()
            # the command name (field 2) may hold spaces: fields after the last ")"
            parent[int(e)] = int(stat[stat.rindex(b")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    out, todo = [], [pid]
    while todo:
        q = todo.pop()
        out.append(q)
        todo.extend(c for c, pp in parent.items() if pp == q)
    return out


def _memory_kb(pid: int) -> int:
    """A process's proportional set size (PSS), else its resident set, in KiB; 0 if gone."""
    return (_proc_field(f"/proc/{pid}/smaps_rollup", b"Pss:")
            or _proc_field(f"/proc/{pid}/status", b"VmRSS:"))


def _proc_field(path: str, key: bytes) -> int:
    """The number after ``key`` in a /proc file (kB), 0 when unreadable."""
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t0 = time.perf_counter()
    r = fn(*args, **kwargs)
    return time.perf_counter() - t0, r
