"""The benchmark's corpus generator and its command line (no timings are asserted here)."""
from __future__ import annotations

import doctest
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

from plankg.pipeline import parse_file

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"


def _gencorpus():
    spec = importlib.util.spec_from_file_location("bench_gencorpus", BENCH / "gencorpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_NUMBER = re.compile(r"\d+(?:(?:\.|．\s?)\d+)?")


def test_generator_swaps_region_and_varies_numbers(tmp_path):
    g = _gencorpus()
    files = g.make_corpus(tmp_path / "corpus", 3, seed=7)
    assert len(files) == 3 and len({f.name for f in files}) == 3
    manifest = json.loads((tmp_path / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    sources = {s.name: s for s in g.source_files()}
    for f, rec in zip(files, manifest["files"]):
        assert f.name == rec["file"]
        plan = parse_file(f, semantic=False)
        assert plan.root.children, f.name
        text = g.read_text(f)
        src_text = g.read_text(sources[rec["source"]])
        assert rec["region"] != rec["source_region"]
        assert rec["region"] in text and rec["source_region"] not in text
        assert plan.meta.get("region") == rec["region"]
        assert _NUMBER.findall(text) != _NUMBER.findall(src_text), "numbers unchanged"
        # same encoding as the source (the GB18030 fixture stays GB18030)
        assert g.decode(f.read_bytes())[1] == g.decode(sources[rec["source"]].read_bytes())[1]
    # deterministic: the same seed gives the same bytes
    again = g.make_corpus(tmp_path / "again", 3, seed=7)
    assert [f.read_bytes() for f in again] == [f.read_bytes() for f in files]


def test_generator_doctests():
    assert doctest.testmod(_gencorpus()).failed == 0


def test_run_help():
    r = subprocess.run([sys.executable, str(BENCH / "run.py"), "--help"], capture_output=True,
                       text=True, encoding="utf-8", timeout=60)
    assert r.returncode == 0, r.stderr
    assert "--quick" in r.stdout and "--plans" in r.stdout


def test_peak_memory_counts_the_processes_a_command_starts():
    """plankg build's memory is mostly in its workers: the bench must see them."""
    spec = importlib.util.spec_from_file_location("bench_measure", BENCH / "measure.py")
    measure = importlib.util.module_from_spec(spec)
    sys.modules["bench_measure"] = measure  # dataclasses look their module up there
    spec.loader.exec_module(measure)
    grandchild = ("import time; x = bytearray(300 * 2**20); x[::4096] = b'1' * len(x[::4096]); "
                  "time.sleep(0.4)")
    c = measure.run_child([sys.executable, "-c",
                           f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"])
    assert c.rc == 0
    assert c.maxrss_mb >= 250          # the grandchild's 300 MB
    assert c.main_mb < 150             # the child itself holds little
