#!/usr/bin/env python3
"""Where the time goes: cProfile of parse_file (semantic layer on) and of graph building.

    python bench/hotspots.py [--plans 10] [--top 25] [--big-reps 0]

Profiles ``--plans`` plans of bench/work/corpus (made by bench/run.py; generated here if
missing) after one unprofiled parse (so jieba's dictionary load is not counted), then
``plan_quads`` + ``Store.load_plans`` into an in-memory store. With ``--big-reps N`` it
also profiles one parse of the Sichuan sample repeated N times (superlinear parts show).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import gencorpus  # noqa: E402


def show(prof: cProfile.Profile, title: str, top: int) -> None:
    out = io.StringIO()
    st = pstats.Stats(prof, stream=out)
    st.sort_stats("cumulative").print_stats(top)
    text = out.getvalue()
    body = text[text.find("   ncalls"):] if "   ncalls" in text else text
    print(f"== {title}")
    print("\n".join(ln for ln in body.splitlines() if ln.strip()))
    print()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=int, default=10)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--big-reps", type=int, default=0)
    a = ap.parse_args()
    files = gencorpus.make_corpus(BENCH / "work" / "corpus", 200)[: a.plans]
    from plankg.graph.rdf import plan_quads
    from plankg.pipeline import parse_file
    from plankg.store.embedded import Store

    parse_file(files[0])  # warm: jieba dictionary, spaCy-free imports, data files
    chars = sum(len(gencorpus.read_text(f)) for f in files)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    plans = [parse_file(f) for f in files]
    prof.disable()
    show(prof, f"parse_file(semantic=True) x {len(files)} plans, {chars:,} chars, "
               f"{time.perf_counter() - t0:.2f} s (profiled)", a.top)
    prof = cProfile.Profile()
    prof.enable()
    n = sum(1 for p in plans for _ in plan_quads(p))
    st = Store.in_memory()
    st.load_plans(plans)
    prof.disable()
    show(prof, f"plan_quads + Store.load_plans (in memory), {n:,} quads", a.top)
    if a.big_reps:
        src = REPO / "corpus" / "sichuan-2021-public-services.txt"
        big = BENCH / "work" / f"profile-big-{a.big_reps}.txt"
        big.write_bytes(b"\n".join([src.read_bytes()] * a.big_reps))
        prof = cProfile.Profile()
        prof.enable()
        parse_file(big)
        prof.disable()
        show(prof, f"parse_file of the sample x {a.big_reps}", a.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
