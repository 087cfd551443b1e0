"""Issue 17's acceptance, measured: bounded queries, the live endpoint, and what the
query timeout costs a cold ``plankg query``.

    .venv/bin/python bench/reliability.py [--plans 40] [--repeats 15] [--skip-live]

1. **Cold start** of ``plankg query chapters --format csv`` (a new process each time,
   hyperfine-style: a warm-up, then the median of ``--repeats`` runs), answered from
   the result cache and with ``--no-cache`` (evaluated: a forked, bounded child), on
   the commit before issue 17 (``--base``, extracted with ``git archive`` into
   ``bench/work/``) and on the working tree, on the same store.
2. **Timeout**: the cross-product query with ``--timeout 5`` on a store of ``--plans``
   plans, through ``plankg query`` and through ``plankg serve --timeout 5``, then one
   more query on the endpoint.
3. **Live endpoint**: ``plankg serve`` runs while ``--plans`` plans are loaded one
   ``plankg load`` process at a time; a thread queries the endpoint in a loop.
   Reported: queries, failures, whether the plan count ever went down, and how long
   after the last load's end all plans were visible.

Writes ``bench/work/reliability.md`` and prints it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import io
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / "work" / "reliability"
sys.path.insert(0, str(REPO / "bench"))
import gencorpus  # noqa: E402

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g {?a ?p ?b} GRAPH ?h {?c ?q ?d} }"
PLANS = ("SELECT (COUNT(DISTINCT ?p) AS ?n) "
         "{ ?p a <https://w3id.org/plankg/ontology#Plan> }")


def plankg(code_dir: Path | None) -> list[str]:
    """The command line of ``plankg`` from the working tree or from ``code_dir``."""
    return [sys.executable, "-c", "import sys; sys.argv[0] = 'plankg'; "
            "from plankg.fastpath import main; sys.exit(main())"], (
        {"PYTHONPATH": str(code_dir / "parser")} if code_dir else {})


def run(argv: list[str], env: dict | None = None, timeout: float = 600):
    e = dict(os.environ, **(env or {}))
    t = time.perf_counter()
    p = subprocess.run(argv, capture_output=True, text=True, env=e, timeout=timeout)
    return p, time.perf_counter() - t


def cold(variants: dict[str, tuple[Path | None, list[str]]], store: Path,
         repeats: int) -> dict[str, float]:
    """Median ms of each variant's ``plankg query chapters --format csv`` in a new
    process; the variants run interleaved so that load on the machine hits all alike."""
    argvs = {}
    for name, (code_dir, extra) in variants.items():
        cmd, env = plankg(code_dir)
        argvs[name] = (cmd + ["query", "chapters", "--format", "csv", "--store", str(store)]
                       + extra, env)
        p, _ = run(*argvs[name])  # warm-up (and fills the cache)
        assert p.returncode == 0, p.stderr
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, (argv, env) in argvs.items():
            p, t = run(argv, env)
            assert p.returncode == 0, p.stderr
            times[name].append(t)
    return {name: statistics.median(ts) * 1000 for name, ts in times.items()}


def base_tree(commit: str) -> Path:
    d = WORK / f"base-{commit[:10]}"
    if not (d / "parser").is_dir():
        data = subprocess.run(["git", "archive", commit, "parser", "queries", "ontology"],
                              cwd=REPO, capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as tf:
            tf.extractall(d)
    return d


def ask(port: int, query: str, timeout: float = 60) -> tuple[int, str]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/query?query={urllib.parse.quote(query)}",
        headers={"Accept": "text/csv"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def start_serve(store: Path, port: int, *args: str) -> subprocess.Popen:
    cmd, env = plankg(None)
    proc = subprocess.Popen(cmd + ["serve", "--store", str(store), "--port", str(port), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=dict(os.environ, **env))
    deadline = time.time() + 60
    while True:
        try:
            ask(port, "ASK {}", 5)
            return proc
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                raise SystemExit("the endpoint did not start")
            time.sleep(0.1)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--base", default="59cda1a", help="the commit before issue 17")
    ap.add_argument("--skip-live", action="store_true")
    a = ap.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    corpus = WORK / f"corpus-{a.plans}"
    if not corpus.is_dir() or len(list(corpus.iterdir())) < a.plans:
        gencorpus.make_corpus(corpus, a.plans)
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".txt", ".html"))[:a.plans]
    lines = [f"# issue 17 measured ({time.strftime('%Y-%m-%d %H:%M')}, nproc {os.cpu_count()})", ""]

    # a store of all the plans, loaded at once
    store = WORK / "store"
    shutil.rmtree(store, ignore_errors=True)
    cmd, env = plankg(None)
    p, t = run(cmd + ["load", "--store", str(store), "--jobs", "2"] + [str(f) for f in files])
    assert p.returncode == 0, p.stderr
    lines.append(f"store: {len(files)} plans loaded in {t:.1f} s")

    # 1. cold start before/after
    base = base_tree(a.base)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(base / "parser"),
                    str(REPO / "parser")], check=True)  # no compile time in the figures
    lines += ["", "## cold `plankg query chapters --format csv` (median of "
              f"{a.repeats}, interleaved, ms)", "",
              f"| | before ({a.base}) | after | after, `--timeout 0` (not forked) |",
              "|---|---|---|---|"]
    for label, extra in (("cached", []), ("--no-cache", ["--no-cache"])):
        ms = cold({"before": (base, extra), "after": (None, extra),
                   "unbounded": (None, extra + ["--timeout", "0"])}, store, a.repeats)
        lines.append(f"| {label} | {ms['before']:.0f} | {ms['after']:.0f} | "
                     f"{ms['unbounded']:.0f} |")

    # 2. timeouts
    p, t = run(cmd + ["query", CROSS, "--store", str(store), "--timeout", "5"], timeout=120)
    lines += ["", "## timeout 5 s, cross-product query", "",
              f"* `plankg query`: exit {p.returncode} after {t:.1f} s: {p.stderr.strip()}"]
    port = free_port()
    proc = start_serve(store, port, "--timeout", "5")
    try:
        t0 = time.perf_counter()
        status, body = ask(port, CROSS)
        t1 = time.perf_counter() - t0
        status2, body2 = ask(port, PLANS)
        lines.append(f"* `plankg serve --timeout 5`: HTTP {status} after {t1:.1f} s: "
                     f"{body.strip()}; the next query: HTTP {status2}, {body2.split()[-1]} plans")
    finally:
        proc.terminate()
        proc.wait(30)

    # 3. live endpoint while plans load one process at a time
    if not a.skip_live:
        live = WORK / "live-store"
        shutil.rmtree(live, ignore_errors=True)
        p, _ = run(cmd + ["load", "--store", str(live), str(files[0])])
        assert p.returncode == 0, p.stderr
        port = free_port()
        proc = start_serve(live, port)
        seen: list[int] = []
        failures: list[str] = []
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                try:
                    status, body = ask(port, PLANS, 30)
                except OSError as e:
                    failures.append(repr(e))
                    continue
                if status != 200:
                    failures.append(f"{status} {body.strip()}")
                else:
                    seen.append(int(body.split()[-1]))

        th = threading.Thread(target=poll)
        th.start()
        t_load = time.perf_counter()
        try:
            for f in files[1:]:
                p, _ = run(cmd + ["load", "--store", str(live), str(f)])
                if p.returncode:
                    failures.append(f"load {f.name}: {p.stderr.strip()}")
            end = time.perf_counter()
            while time.perf_counter() - end < 30 and (not seen or seen[-1] < len(files)):
                time.sleep(0.05)
            visible = time.perf_counter() - end
        finally:
            stop.set()
            th.join()
            proc.terminate()
            proc.wait(30)
        went_down = any(b < a_ for a_, b in zip(seen, seen[1:]))
        lines += ["", f"## live endpoint, {len(files)} plans loaded by {len(files) - 1} "
                  "`plankg load` processes while querying", "",
                  f"* loads took {end - t_load:.1f} s; {len(seen)} queries answered, "
                  f"{len(failures)} failed{': ' + failures[0] if failures else ''}",
                  f"* plan count went down: {'yes' if went_down else 'never'}; distinct "
                  f"counts seen: {len(set(seen))}; last seen {seen[-1] if seen else 0}",
                  f"* all {len(files)} plans visible {visible:.2f} s after the last load ended"]
    text = "\n".join(lines) + "\n"
    (WORK.parent / "reliability.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
