"""The parser on real plans: the Shanghai plans in ``../shared/corpus/real`` against golden files.

The plans themselves stay where they are (``../shared/corpus/real``, see its SOURCES.md);
the project holds only what was counted from them by hand, in
``tests/real/<plan>.expected.json`` (the same shape as the fixture expectations). Each
kind is scored as F1 over its items, so the report says how far a change moves each
plan; a kind below ``FLOOR`` fails, and the indicators (names, values, natures) must
all be found (the issue's acceptance: every indicator of these plans).

Run ``python tests/test_real_plans.py`` for the table of counts and F1 per plan.
"""
from __future__ import annotations

import html
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from plankg.pipeline import parse_file, parse_source
from plankg.read.text import read_bytes

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from test_parse_fixtures import facts  # noqa: E402  (the one definition of a plan's facts)
from conftest import REAL_CORPUS  # noqa: E402

REAL = REAL_CORPUS
GOLDEN = sorted((HERE / "real").glob("*.expected.json"))
FLOOR = 0.95
EXACT = ("indicators", "indicator_values")  # every one found, nothing extra
KINDS = ("chapters", "sections", "columns", "projects", "indicators", "indicator_values",
         "service_items")


def items(f: dict) -> dict[str, list]:
    """Every fact of a plan as comparable items, by kind."""
    def ind_key(i):
        return (i["name"], i["unit"])

    return {
        "chapters": [(c["no"], c["title"]) for c in f["chapters"]],
        "sections": [(s["chapter"], s["no"], s["title"]) for s in f["sections"]],
        "columns": [(c["no"], c["title"]) for c in f["columns"]],
        "projects": [(c["title"], p["no"], p["name"]) for c in f["columns"] for p in c["projects"]],
        "indicators": [ind_key(i) for i in f["indicators"]],
        "indicator_values": [(ind_key(i), i["domain"], i["baseline"], i["target"], i["comparator"],
                              i["qualitative"], i["nature"], json.dumps(i.get("targets")))
                             for i in f["indicators"]],
        "service_items": [(d["domain"], it) for d in f["service_domains"] for it in d["items"]],
    }


def f1(got: list, want: list) -> float:
    if not got and not want:
        return 1.0
    hit = sum((Counter(got) & Counter(want)).values())
    if not hit:
        return 0.0
    p, r = hit / len(got), hit / len(want)
    return 2 * p * r / (p + r)


def score(golden: Path) -> tuple[dict, dict, dict]:
    """(F1 per kind, parsed counts, golden counts) for one real plan."""
    want = json.loads(golden.read_text(encoding="utf-8"))
    plan = parse_file(REAL / golden.name.replace(".expected.json", ".txt"), semantic=False)
    got = facts(plan)
    gi, wi = items(got), items(want)
    scores = {k: f1(gi[k], wi[k]) for k in KINDS}
    scores["meta"] = float(all(got[k] == want[k] for k in ("region", "level", "period")))
    return scores, {k: len(v) for k, v in gi.items()}, {k: len(v) for k, v in wi.items()}


needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"the real plans are not at {REAL}")


@needs_real
@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: p.name.split(".")[0])
def test_real_plan(golden):
    scores, got, want = score(golden)
    low = {k: round(v, 3) for k, v in scores.items() if v < FLOOR}
    assert not low, f"below {FLOOR}: {low}; parsed {got}, golden {want}"
    short = {k: round(scores[k], 3) for k in EXACT if scores[k] < 1.0}
    assert not short, f"not every indicator: {short}; parsed {got}, golden {want}"


def _no_blank_lines(t: str) -> str:
    return re.sub(r"\n\s*\n", "\n", t)


def _blank_after_every_line(t: str) -> str:
    return "\n\n".join(l for l in t.split("\n") if l.strip())


def _full_width_digits(t: str) -> str:
    return t.translate({c: c + 0xFEE0 for c in range(ord("0"), ord("9") + 1)})


def _gb18030_crlf(t: str) -> bytes:
    return t.replace("\n", "\r\n").encode("gb18030")


def _html_paragraphs(t: str) -> bytes:
    body = "".join(f"<p>{html.escape(l)}</p>\n" for l in t.split("\n") if l.strip())
    return f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode("utf-8")


COPIES = {"no-blank-lines": _no_blank_lines, "blank-after-every-line": _blank_after_every_line,
          "full-width-digits": _full_width_digits, "gb18030-crlf": _gb18030_crlf,
          "html": _html_paragraphs}


@needs_real
@pytest.mark.parametrize("how", COPIES)
@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: p.name.split(".")[0])
def test_reformatted_copy_of_a_real_plan(golden, how):
    """The same plan with other line breaks, digits, encoding or as a web page: same facts."""
    want = json.loads(golden.read_text(encoding="utf-8"))
    text = (REAL / golden.name.replace(".expected.json", ".txt")).read_text(encoding="utf-8")
    data = COPIES[how](text)
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    name = "copy.html" if how == "html" else "copy.txt"
    got = items(facts(parse_source(read_bytes(raw, path=name), semantic=False)))
    wi = items(want)
    low = {k: round(f1(got[k], wi[k]), 3) for k in KINDS if f1(got[k], wi[k]) < FLOOR}
    assert not low, f"below {FLOOR}: {low}"


SAMPLE = HERE.parent / "corpus" / "sichuan-2021-public-services.txt"


@pytest.mark.parametrize("how", COPIES)
def test_reformatted_copy_of_the_sample(how):
    """The user's own plan, reformatted: the counts the user states for it (issue #2)."""
    data = COPIES[how](SAMPLE.read_text(encoding="utf-8"))
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    plan = parse_source(read_bytes(raw, path="copy.html" if how == "html" else "copy.txt"),
                        semantic=False)
    f = facts(plan)
    got = (len(f["chapters"]), len(f["sections"]), len(f["columns"]),
           sum(len(c["projects"]) for c in f["columns"]), len(f["indicators"]),
           len(f["service_domains"]), sum(len(d["items"]) for d in f["service_domains"]))
    assert got == (6, 26, 9, 34, 24, 9, 83)


def test_goldens_cover_four_plans():
    """Golden files exist for at least four real plans (issue #16)."""
    assert len(GOLDEN) >= 4


if __name__ == "__main__":
    print("| plan | " + " | ".join(KINDS) + " | meta |")
    print("|---|" + "---|" * (len(KINDS) + 1))
    for g in GOLDEN:
        s, got, want = score(g)
        cells = [f"{got[k]}/{want[k]} ({s[k]:.2f})" for k in KINDS]
        print(f"| {g.name.split('.')[0]} | " + " | ".join(cells) + f" | {s['meta']:.0f} |")


@needs_real
def test_the_real_plans_conform_to_the_shapes(tmp_path):
    """An unnumbered 专栏, a box that holds a table, an appendix list: all valid graphs."""
    from plankg.graph.validate import validate_store
    from plankg.store.embedded import Store

    with Store(tmp_path / "store") as st:
        st.load_plans([parse_file(REAL / g.name.replace(".expected.json", ".txt")) for g in GOLDEN],
                      ontology=True)
    ok, report = validate_store(tmp_path / "store")
    assert ok, report
