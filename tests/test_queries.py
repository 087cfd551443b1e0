"""Every query in queries/ against known stores, compared with expected CSV files.

Two golden sets: ``tests/queries/<name>.sample.expected.csv`` from the hand-made plans
in conftest (output checked by hand, independent of the parser) and
``tests/queries/<name>.expected.csv`` from the corpus parsed by the real parser.
Regenerate with ``PLANKG_REGEN=1``; a test fails while that flag is left on.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from conftest import load_domains, sample_plan

from plankg.store.queries import available, format_results, queries_dir, resolve
from plankg.store.embedded import Store

EXPECTED = Path(__file__).parent / "queries"
REGEN = bool(os.environ.get("PLANKG_REGEN"))
NAMES = sorted(available())

CONTRACT = {
    "chapters": "region chapterNo title",
    "sections": "region chapterNo sectionNo title domain",
    "measures": "region chapterNo sectionNo measure",
    "columns": "region columnNo title domain",
    "projects": "region columnNo projectNo name domain",
    "project_quantities": "region columnNo projectNo value unit",
    "indicators": "region domain name unit baseline baselineYear target targetYear "
                  "comparator qualitativeTarget nature",
    "service_items": "region domain item",
    "aligned_indicators": "concept region name unit baseline target nature",
    "responsibilities": "region task department role",
    "plans": "plan region title issuer docNumber issued periodStart periodEnd",
}
RESEARCH = ["domain_links", "binding_indicators", "domain_overview", "commitments",
            "sections_without_indicators", "project_links"]


def _rows(store: Store, name: str) -> tuple[list[str], list[list[str]]]:
    text = format_results(store.query(resolve(name)[1]), "csv")
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def _compare(store: Store, name: str, expected: Path) -> None:
    text = format_results(store.query(resolve(name)[1]), "csv")
    if REGEN:
        expected.write_text(text, encoding="utf-8")
    assert expected.is_file(), f"{expected} missing: run with PLANKG_REGEN=1 and review it"
    got = list(csv.reader(io.StringIO(text)))
    want = list(csv.reader(io.StringIO(expected.read_text(encoding="utf-8"))))
    assert got[0] == want[0], "header differs"
    only_want = sorted(map(tuple, want[1:]))
    only_got = sorted(map(tuple, got[1:]))
    if only_want != only_got:
        missing = [r for r in only_want if r not in only_got]
        extra = [r for r in only_got if r not in only_want]
        pytest.fail(f"{name}: only in expected: {missing[:20]}\nonly in actual: {extra[:20]}")


def test_every_contract_and_research_query_exists():
    assert set(CONTRACT) | set(RESEARCH) <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_query_on_sample_plans(sample_store, name):
    _compare(sample_store, name, EXPECTED / f"{name}.sample.expected.csv")


@pytest.mark.parametrize("name", NAMES)
def test_query_on_corpus(corpus_store, name):
    _compare(corpus_store, name, EXPECTED / f"{name}.expected.csv")


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_contract_variables(sample_store, name):
    header, rows = _rows(sample_store, name)
    required = CONTRACT[name].split()
    assert header[:len(required)] == required
    assert rows, f"{name} returns nothing on the sample plans"


@pytest.mark.parametrize("name", NAMES)
def test_header_comment(name):
    lines = (queries_dir() / f"{name}.rq").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# summary: ") and len(lines[0]) > len("# summary: ") + 10
    assert any(line.startswith("# description:") for line in lines[:6])


@pytest.mark.parametrize("name", NAMES)
def test_shared_regions_do_not_duplicate_rows(name):
    """Two plans of one region: each row appears once per plan, never more.

    Regions, departments and concepts are described in every plan graph; a query
    that read them from the union default graph would multiply its rows.
    """
    one, two = Store.in_memory(), Store.in_memory()
    one.load_plan(sample_plan())
    two.load_plans([sample_plan(), sample_plan("sample-sichuan-copy")])
    load_domains(one)
    load_domains(two)
    _, rows1 = _rows(one, name)
    _, rows2 = _rows(two, name)
    if name in ("aligned_indicators",):  # ?sharedBy counts plans: 1 vs 2
        rows1 = [r[:-1] for r in rows1]
        rows2 = [r[:-1] for r in rows2]
    if name == "plans":  # one row a plan: the two copies differ in ?plan and ?planId only
        rows1 = [r[1:-1] for r in rows1]
        rows2 = [r[1:-1] for r in rows2]
    assert sorted(rows2) == sorted(rows1 + rows1)


def test_contract_rows_are_distinct(sample_store):
    for name in CONTRACT:
        _, rows = _rows(sample_store, name)
        assert len(rows) == len({tuple(r) for r in rows}), name


def test_regen_flag_is_off():
    """Golden files are regenerated only on purpose: fail if PLANKG_REGEN is left set."""
    assert not REGEN, "PLANKG_REGEN is set: expected files were rewritten; unset it"


# --- what the faster contract queries rely on (issue #12) --------------------------------

_PK = "PREFIX pk: <https://w3id.org/plankg/ontology#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"


def _pairs(store: Store, sparql: str) -> set[tuple[str, ...]]:
    return {tuple(str(t) for t in sol) for sol in store.query(_PK + sparql)}


@pytest.mark.parametrize("cls, prop, target", [
    ("KeyTask", "chapter", "Chapter"), ("KeyTask", "section", "Section"),
    ("Section", "chapter", "Chapter")])
def test_outline_shortcuts_name_the_nearest_ancestor(corpus_store, cls, prop, target):
    """pk:chapter / pk:section are exactly the nearest pk:Chapter / pk:Section up the
    dcterms:isPartOf chain (what measures and sections read instead of walking it)."""
    walked = _pairs(corpus_store, f"""
        SELECT ?x ?a WHERE {{ GRAPH ?g {{
          ?x a pk:{cls} ; dcterms:isPartOf+ ?a . ?a a pk:{target} .
          FILTER NOT EXISTS {{ ?x dcterms:isPartOf+ ?b . ?b dcterms:isPartOf+ ?a .
                               ?b a pk:{target} }} }} }}""")
    stated = _pairs(corpus_store, f"SELECT ?x ?a WHERE {{ GRAPH ?g {{ ?x a pk:{cls} ; pk:{prop} ?a }} }}")
    assert walked, "the corpus has no such pairs: the test would prove nothing"
    assert stated == walked


@pytest.mark.parametrize("cls, parent", [("Project", "Column"),
                                         ("ServiceItem", "ServiceDomainEntry")])
def test_parents_the_queries_do_not_type_check(corpus_store, sample_store, cls, parent):
    """projects/project_quantities and service_items take one dcterms:isPartOf step with
    no type test: every project is part of a column, every item of a domain entry."""
    for store in (corpus_store, sample_store):
        assert _pairs(store, f"SELECT ?x WHERE {{ GRAPH ?g {{ ?x a pk:{cls} }} }}")
        stray = _pairs(store, f"""SELECT ?x WHERE {{ GRAPH ?g {{ ?x a pk:{cls} .
            FILTER NOT EXISTS {{ ?x dcterms:isPartOf ?p . ?p a pk:{parent} }} }} }}""")
        assert not stray


@pytest.fixture(scope="module")
def regions_store() -> Store:
    """The corpus and the fixture plans of other regions, with two plans of one region."""
    from plankg.pipeline import parse_file

    from conftest import corpus_files

    files = corpus_files() + sorted(p for p in (Path(__file__).parent / "fixtures").glob("[a-i]_*.*")
                                   if p.suffix in (".txt", ".html"))
    s = Store.in_memory()
    s.load_plans([parse_file(p) for p in files] + [sample_plan(), sample_plan("sample-copy")])
    load_domains(s)
    return s


@pytest.mark.parametrize("name", [n for n in CONTRACT if n not in ("aligned_indicators", "plans")])
def test_rows_come_in_region_then_plan_then_document_order(regions_store, name):
    """The single ?planSort key (region, tab, plan id) orders rows as ?region, then the
    plan, then pk:order: every region's rows are together, in code point order, and the
    two plans of one region do not interleave."""
    header, rows = _rows(regions_store, name)
    regions = [r[header.index("region")] for r in rows]
    assert len(set(regions)) > 3
    assert regions == sorted(regions)
    if name == "chapters":  # each 四川省 plan's chapters in document order, plan after plan
        numbers = [int(r[header.index("chapterNo")]) for r in rows
                   if r[header.index("region")] == "四川省"]
        runs = 1 + sum(1 for a, b in zip(numbers, numbers[1:]) if b <= a)
        ph, plans = _rows(regions_store, "plans")
        assert runs == sum(1 for r in plans if r[ph.index("region")] == "四川省") >= 2


def test_service_items_carry_their_entry_domain(corpus_store, sample_store):
    """service_items reads the domain on the entry (a row of the list), once per row:
    every item has exactly its entry's domain, or none when the entry has none."""
    for store in (corpus_store, sample_store):
        differ = _pairs(store, """SELECT ?s WHERE { GRAPH ?g {
            ?s a pk:ServiceItem ; dcterms:isPartOf ?e .
            OPTIONAL { ?s pk:domain ?ds } OPTIONAL { ?e pk:domain ?de }
            FILTER(!(COALESCE(?ds, 0) = COALESCE(?de, 0))) } }""")
        assert not differ
        assert _pairs(store, "SELECT ?s WHERE { GRAPH ?g { ?s a pk:ServiceItem ; pk:domain ?d } }")
