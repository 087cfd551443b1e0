"""One golden set per corpus document and fixture plan, compared as graphs.

``tests/golden/<name>.tree.json`` is the parse tree (``plankg parse --format json``);
``tests/golden/<name>.nt`` is the plan's graph as sorted N-Triples. The graph has no
blank nodes, so two graphs are isomorphic exactly when their triple sets are equal;
a failure lists what is only in the expected and only in the actual graph.

Regenerate with ``PLANKG_REGEN=1`` (``tests/test_queries.py`` fails while it is set).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import REAL_CORPUS
from pyoxigraph import Triple, serialize, RdfFormat

from plankg.graph.rdf import plan_quads
from plankg.pipeline import parse_file

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
REGEN = bool(os.environ.get("PLANKG_REGEN"))
DOCS = sorted((HERE.parent / "corpus").glob("*.txt")) + sorted(
    p for p in (HERE / "fixtures").glob("*.*") if p.suffix in (".txt", ".html"))


def ntriples(plan) -> list[str]:
    triples = [Triple(q.subject, q.predicate, q.object) for q in plan_quads(plan)]
    text = serialize(triples, format=RdfFormat.N_TRIPLES).decode("utf-8")
    return sorted(set(line for line in text.splitlines() if line.strip()))


@pytest.fixture(scope="module", params=DOCS, ids=lambda p: p.name)
def parsed(request):
    return request.param, parse_file(request.param)


def test_tree_golden(parsed):
    path, plan = parsed
    golden = GOLDEN / f"{path.stem}.tree.json"
    actual = plan.to_dict()
    actual["path"] = path.name  # the checkout's location is not part of the result
    if REGEN:
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert golden.is_file(), f"{golden} missing: run with PLANKG_REGEN=1 and review it"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert actual == expected


def test_graph_golden(parsed):
    path, plan = parsed
    golden = GOLDEN / f"{path.stem}.nt"
    actual = ntriples(plan)
    if REGEN:
        golden.write_text("\n".join(actual) + "\n", encoding="utf-8")
    assert golden.is_file(), f"{golden} missing: run with PLANKG_REGEN=1 and review it"
    expected = [l for l in golden.read_text(encoding="utf-8").splitlines() if l.strip()]
    only_expected = sorted(set(expected) - set(actual))
    only_actual = sorted(set(actual) - set(expected))
    if only_expected or only_actual:
        pytest.fail("graphs differ\nonly in expected:\n  " + "\n  ".join(only_expected[:15])
                    + "\nonly in actual:\n  " + "\n  ".join(only_actual[:15]))


def test_graph_is_lean():
    """Issue #12: at most 0.20 quads per source character over whole plans: the corpus
    sample and, where they are, the real plans in ``../shared/corpus/real`` (0.39 with
    the Web Annotation provenance and the inferable quads of store format 1).

    The fixtures are short synthetic snippets, mostly tables (up to 0.5 quads per
    character): they are held to a looser bound each, so a table that suddenly costs
    many more quads still fails here."""
    from plankg.graph.rdf import plan_nquads

    plans = [p for p in DOCS if p.parent.name == "corpus"] + sorted(REAL_CORPUS.glob("*.txt"))
    chars = quads = 0
    for path in plans:
        plan = parse_file(path)
        chars += len(plan.source_text)
        quads += plan_nquads(plan).count(b"\n")
    assert quads / chars <= 0.20, f"{quads:,} quads for {chars:,} characters"
    for path in DOCS:
        if path.parent.name != "corpus":
            plan = parse_file(path)
            n = plan_nquads(plan).count(b"\n")
            assert n / len(plan.source_text) <= 0.6, f"{path.name}: {n:,} quads"
