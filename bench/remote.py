"""Issue 14's acceptance, measured on a real Oxigraph server: push a 200-plan store,
compare every contract query remote with local, push again, kill a push half-way and
run it again.

    .venv/bin/python bench/remote.py [--plans 200] [--store DIR]

1. **Push** the store (``plankg push``, one PUT per named graph) to ``oxigraph serve``
   started on a free port (``tests/servers.py``, the server the tests use); wall clock.
2. **Same answers**: each contract query through ``plankg query NAME --endpoint`` and
   locally (``--no-cache``), both as CSV; the rows must be equal.
3. **Idempotent**: a second push; the server's quad count per graph must be unchanged.
4. **Healed**: the server's data is wiped, a push is killed (``SIGKILL``) half-way
   through, the server holds part of the plans; a re-run completes and the answers
   are again the local ones.

The store is the bench's ``bench/work/store-200`` (``bench/run.py`` builds it) unless
``--store`` names another; when it is missing, one is built from the first ``--plans``
files of the bench corpus. Writes ``bench/work/remote.md`` and prints it.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / "work"
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

from servers import OxigraphServer, oxigraph_binary, private_dir  # noqa: E402

import shutil  # noqa: E402

CONTRACT = ("plans", "chapters", "sections", "measures", "columns", "projects",
            "project_quantities", "indicators", "service_items", "aligned_indicators",
            "responsibilities")
PLANKG = str(Path(sys.executable).parent / "plankg")


def sh(*argv: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([PLANKG, *argv], capture_output=True, text=True, timeout=timeout)


def graph_counts(query_url: str) -> dict[str, int]:
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    r = sh("query", q, "--endpoint", query_url, "--format", "csv")
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip())
    rows = [line.split(",") for line in r.stdout.strip().splitlines()[1:]]
    return {g: int(n) for g, n in rows}


def local_counts(store: Path) -> dict[str, int]:
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    r = sh("query", q, "--store", str(store), "--no-cache", "--format", "csv")
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip())
    rows = [line.split(",") for line in r.stdout.strip().splitlines()[1:]]
    return {g: int(n) for g, n in rows}


def answers_match(store: Path, query_url: str) -> tuple[int, list[str], int]:
    """(queries equal, names that differ, rows compared)."""
    same, differ, rows = 0, [], 0
    for name in CONTRACT:
        loc = sh("query", name, "--store", str(store), "--no-cache", "--format", "csv")
        rem = sh("query", name, "--endpoint", query_url, "--format", "csv")
        if loc.returncode or rem.returncode:
            differ.append(f"{name} (exit {loc.returncode}/{rem.returncode}: "
                          f"{(loc.stderr or rem.stderr).strip()[:120]})")
            continue
        if loc.stdout == rem.stdout:
            same += 1
            rows += loc.stdout.count("\n") - 1
        else:
            differ.append(name)
    return same, differ, rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path, default=WORK / "store-200")
    ap.add_argument("--plans", type=int, default=200)
    args = ap.parse_args()
    if oxigraph_binary() is None:
        print("no oxigraph binary (pip install oxigraph): nothing measured", file=sys.stderr)
        return 1
    store = args.store
    if not store.exists():
        corpus = sorted(p for p in (WORK / "corpus").glob("*") if p.is_file())[:args.plans]
        if not corpus:
            print(f"no store at {store} and no bench corpus: run bench/run.py --quick first",
                  file=sys.stderr)
            return 1
        r = sh("build", *map(str, corpus), "--store", str(store))
        if r.returncode:
            print(r.stderr, file=sys.stderr)
            return 1
    local = local_counts(store)
    plans = sum(1 for g in local if "/plan/" in g)
    out = [f"# plankg push to oxigraph serve: {plans} plans, {sum(local.values()):,} quads", ""]
    with private_dir("plankg-bench-remote-") as d:
        server = OxigraphServer(d / "data", union=False).start()
        try:
            t0 = time.perf_counter()
            r = sh("push", "--store", str(store), "--endpoint", server.store_url)
            first = time.perf_counter() - t0
            if r.returncode:
                raise RuntimeError(f"push exited {r.returncode}: {r.stderr.strip()}")
            after_one = graph_counts(server.query_url)
            out.append(f"* first push: {first:.1f} s, {len(after_one)} graphs on the server; "
                       f"per-graph quad counts equal to the local store: {after_one == local}")
            same, differ, rows = answers_match(store, server.query_url)
            out.append(f"* contract queries remote = local: {same}/{len(CONTRACT)} "
                       f"({rows:,} rows compared){'; differ: ' + ', '.join(differ) if differ else ''}")
            t0 = time.perf_counter()
            r = sh("push", "--store", str(store), "--endpoint", server.store_url)
            second = time.perf_counter() - t0
            after_two = graph_counts(server.query_url)
            out.append(f"* second push: {second:.1f} s, exit {r.returncode}; nothing doubled "
                       f"(counts unchanged): {after_two == after_one}")
            # a push killed half-way through, onto an emptied server
            server.stop()
            shutil.rmtree(d / "data", ignore_errors=True)
            server.start()
            p = subprocess.Popen([PLANKG, "push", "--store", str(store), "--endpoint",
                                  server.store_url], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
            time.sleep(first / 2)
            killed = p.poll() is None
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            partial = graph_counts(server.query_url)
            out.append(f"* push killed after {first / 2:.1f} s (still running: {killed}): "
                       f"{sum(1 for g in partial if '/plan/' in g)}/{plans} plan graphs on the server")
            t0 = time.perf_counter()
            r = sh("push", "--store", str(store), "--endpoint", server.store_url)
            healed = graph_counts(server.query_url)
            same2, differ2, _ = answers_match(store, server.query_url)
            out.append(f"* re-run: {time.perf_counter() - t0:.1f} s, exit {r.returncode}; counts "
                       f"equal to local: {healed == local}; contract queries remote = local: "
                       f"{same2}/{len(CONTRACT)}{'; differ: ' + ', '.join(differ2) if differ2 else ''}")
        finally:
            server.stop()
    text = "\n".join(out) + "\n"
    (WORK / "remote.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
