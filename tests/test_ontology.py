"""The ontology files parse, the SHACL shapes accept a well-formed plan graph and reject
broken ones (through :mod:`plankg.graph.validate`), and the lint queries in
``queries/checks`` parse, carry a ``# summary:`` header, find nothing in a well-formed
graph and find the violation each one is written for.

The well-formed graph is built here by hand (``GOOD``), independent of the parser and
the graph builder; each broken case is that graph with a few triples changed.
"""
from __future__ import annotations

import gc
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from plankg.graph import vocab
from plankg.errors import PlanKGError
from plankg.graph.validate import validate_graph, validate_store

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY = REPO / "ontology"
CHECKS = sorted((REPO / "queries" / "checks").glob("*.rq"))
TTL_FILES = ["plankg.ttl", "external.ttl", "domains.ttl", "shapes.ttl"]

PK = rdflib.Namespace(vocab.PK_NS)
DCT = rdflib.Namespace(vocab.DCTERMS)
PROV = rdflib.Namespace(vocab.PROV)
OA = rdflib.Namespace(vocab.OA)
XSD = rdflib.Namespace(vocab.XSD)
PLAN = "https://w3id.org/plankg/id/plan/tiny"


def U(path: str = "") -> URIRef:
    """A node of the tiny plan: ``U("chapter/4")`` → ``…/plan/tiny/chapter/4``."""
    return URIRef(PLAN + ("/" + path if path else ""))


def DOM(slug: str) -> URIRef:
    return URIRef(vocab.DOMAIN_NS + slug)


# --- a small well-formed plan graph ----------------------------------------------------

_NODES = """
<chapter/4> a pk:Chapter ; pk:number 4 ; dcterms:title "推进公共服务优质均衡发展" ;
    dcterms:isPartOf <{plan}> ; pk:level 1 ; pk:style "第X章" .
<chapter/4/section/1> a pk:Section ; pk:number 1 ; dcterms:title "提升优生优育服务水平" ;
    dcterms:isPartOf <chapter/4> ; pk:domain dom:youyousuoyu .
<chapter/4/section/1/task/1> a pk:KeyTask ; dcterms:title "扩容婴幼儿照护服务" ;
    pk:text "深入开展普惠托育专项行动" ; dcterms:isPartOf <chapter/4/section/1> ;
    pk:leadDepartment <https://w3id.org/plankg/id/org/510000/省卫生健康委> .
<https://w3id.org/plankg/id/org/510000/省卫生健康委> a org:Organization ;
    skos:prefLabel "省卫生健康委" .
<chapter/4/section/1/para/2> a pk:Paragraph ; pk:text "加强宣传指导。" ;
    dcterms:isPartOf <chapter/4/section/1> .
<column/3-1> a pk:Column ; pk:number "3-1" ; dcterms:title "幼有善育工程" ;
    dcterms:isPartOf <chapter/4/section/1> .
<column/3-1/project/1> a pk:Project ; pk:number 1 ; dcterms:title "托育服务扩容工程" ;
    dcterms:isPartOf <column/3-1> ; pk:quantity <column/3-1/project/1/quantity/1> ;
    pk:link <column/3-1/project/1/link/1> .
<column/3-1/project/1/quantity/1> a pk:Quantity ; pk:value "1000"^^xsd:decimal ; pk:unit "所" .
<column/3-1/project/1/link/1> a pk:Link ; pk:linkTarget <table/1/indicator/1> ;
    pk:score 0.42 ; pk:evidenceTerm "托位" .
<table/1> a pk:Table ; pk:number 1 ; dcterms:title "主要发展指标" ; dcterms:isPartOf <chapter/4> .
<table/1/indicator/1> a pk:Indicator ; dcterms:title "每千人口3岁以下婴幼儿托位数" ;
    pk:unit "个" ; pk:category "幼有所育" ; pk:nature "预期性" ; pk:domain dom:youyousuoyu ;
    pk:baseline <table/1/indicator/1/baseline> ; pk:target <table/1/indicator/1/target> ;
    dcterms:isPartOf <table/1> .
<table/1/indicator/1/baseline> a pk:Observation ; pk:value 1.5 ; pk:year "2020"^^xsd:gYear .
<table/1/indicator/1/target> a pk:Observation ; pk:value 4.5 ; pk:year "2025"^^xsd:gYear ;
    pk:comparator "≥" ; pk:approximate false ; pk:rawValue "≥4.5" .
<table/2> a pk:Table ; pk:number 2 ; dcterms:isPartOf <chapter/4> .
<table/2/domain/1> a pk:ServiceDomainEntry ; dcterms:title "幼有所育" ; pk:declaredCount 1 ;
    pk:domain dom:youyousuoyu ; dcterms:isPartOf <table/2> .
<table/2/domain/1/item/1> a pk:ServiceItem ; dcterms:title "预防接种" ;
    dcterms:isPartOf <table/2/domain/1> .
"""

#: node path → (start, end) of its span in the (imaginary) source text
_SPANS = {
    "chapter/4": (10, 400), "chapter/4/section/1": (30, 200),
    "chapter/4/section/1/task/1": (45, 90), "chapter/4/section/1/para/2": (91, 110),
    "column/3-1": (111, 200), "column/3-1/project/1": (125, 200),
    "table/1": (210, 300), "table/1/indicator/1": (230, 260),
    "table/2": (310, 400), "table/2/domain/1": (330, 400),
    "table/2/domain/1/item/1": (340, 344),
}


def _provenance(path: str, start: int, end: int) -> str:
    return f"<{path}> pk:start {start} ; pk:end {end} .\n"


HEADER = f"""
@base <{PLAN}/> .
@prefix pk: <{vocab.PK_NS}> .
@prefix dcterms: <{vocab.DCTERMS}> .
@prefix prov: <{vocab.PROV}> .
@prefix oa: <{vocab.OA}> .
@prefix org: <{vocab.ORG}> .
@prefix skos: <{vocab.SKOS}> .
@prefix rdfs: <{vocab.RDFS}> .
@prefix xsd: <{vocab.XSD}> .
@prefix dom: <{vocab.DOMAIN_NS}> .
"""

GOOD = HEADER + f"""
<{PLAN}> a pk:Plan ; dcterms:title "四川省“十四五”公共服务规划" ;
    dcterms:spatial <https://w3id.org/plankg/id/region/510000> ;
    pk:periodStart "2021"^^xsd:gYear ; pk:periodEnd "2025"^^xsd:gYear ;
    prov:wasDerivedFrom <{PLAN}/source> .
<https://w3id.org/plankg/id/region/510000> a pk:Region ; rdfs:label "四川省" ;
    pk:divisionCode "510000" .
<{PLAN}/source> a pk:SourceDocument ; pk:sha256 "{'0' * 64}" ; pk:encoding "utf-8" ;
    pk:sourceFormat "text" ; pk:sourceText "…" .
{_NODES.replace("{plan}", PLAN)}
{"".join(_provenance(p, s, e) for p, s, e in ((p, *se) for p, se in _SPANS.items()))}
"""


def good_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(data=GOOD, format="turtle")


def edited(remove=(), add=()) -> rdflib.Graph:
    """The good graph with ``remove`` patterns (None as wildcard) removed, ``add`` added."""
    g = good_graph()
    for pattern in remove:
        g.remove(pattern)
    for triple in add:
        g.add(triple)
    return g


# --- the files parse -------------------------------------------------------------------

@pytest.mark.parametrize("name", TTL_FILES)
def test_ontology_file_parses_with_rdflib_and_oxigraph(name):
    text = (ONTOLOGY / name).read_text(encoding="utf-8")
    assert len(rdflib.Graph().parse(data=text, format="turtle")) > 10
    quads = list(pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE))
    assert quads


def test_external_terms_are_documented():
    g = rdflib.Graph().parse(data=(ONTOLOGY / "external.ttl").read_text(encoding="utf-8"),
                             format="turtle")
    terms = set(g.subjects(RDF.type, None))
    assert len(terms) >= 20
    for t in terms:
        assert g.value(t, RDFS.isDefinedBy) is not None, t
        assert any(c.language == "en" for c in g.objects(t, RDFS.comment)), t


def test_every_shape_path_and_class_is_declared():
    """Shapes name only terms declared in plankg.ttl or listed in external.ttl."""
    declared = rdflib.Graph()
    for name in ("plankg.ttl", "external.ttl"):
        declared.parse(data=(ONTOLOGY / name).read_text(encoding="utf-8"), format="turtle")
    known = set(declared.subjects(RDF.type, None))
    shapes = rdflib.Graph().parse(data=(ONTOLOGY / "shapes.ttl").read_text(encoding="utf-8"),
                                  format="turtle")
    used = {o for p in (SH.path, SH.targetClass, SH["class"], SH.targetSubjectsOf,
                        SH.targetObjectsOf)
            for o in shapes.objects(None, p) if isinstance(o, URIRef)}
    assert sorted(used - known) == []


# --- SHACL through validate_graph ------------------------------------------------------

def test_good_graph_conforms():
    ok, report = validate_graph(GOOD)
    assert ok, report


@pytest.mark.parametrize("data", [
    pytest.param(lambda: GOOD, id="turtle-str"),
    pytest.param(lambda: GOOD.encode("utf-8"), id="turtle-bytes"),
    pytest.param(good_graph, id="rdflib-graph"),
    pytest.param(lambda: _oxigraph_store(good_graph()), id="pyoxigraph-store"),
])
def test_validate_graph_accepts(data):
    ok, report = validate_graph(data())
    assert ok, report


def test_validate_graph_takes_union_of_dataset():
    ds = rdflib.Dataset()
    half = list(good_graph())
    g1, g2 = ds.graph(URIRef(PLAN)), ds.graph(URIRef(PLAN + "/other"))
    for i, t in enumerate(half):
        (g1 if i % 2 else g2).add(t)
    ok, report = validate_graph(ds)
    assert ok, report


#: id, the SHACL constraint component expected to fire, triples removed, triples added
BROKEN = [
    ("nature-not-expected-or-binding", "InConstraintComponent",
     [(U("table/1/indicator/1"), PK.nature, None)],
     [(U("table/1/indicator/1"), PK.nature, Literal("高"))]),
    ("chapter-number-not-integer", "DatatypeConstraintComponent",
     [(U("chapter/4"), PK.number, None)],
     [(U("chapter/4"), PK.number, Literal("四"))]),
    ("chapter-without-title", "MinCountConstraintComponent",
     [(U("chapter/4"), DCT.title, None)], []),
    ("section-part-of-plan", "ClassConstraintComponent",
     [(U("chapter/4/section/1"), DCT.isPartOf, None)],
     [(U("chapter/4/section/1"), DCT.isPartOf, U())]),
    ("node-without-provenance", "MinCountConstraintComponent",
     [(U("table/2/domain/1/item/1"), PK.start, None)], []),
    ("two-starts", "MaxCountConstraintComponent",
     [], [(U("chapter/4"), PK.start, Literal(11))]),
    ("start-after-end", "LessThanOrEqualsConstraintComponent",
     [(U("chapter/4/section/1/task/1"), PK.start, None)],
     [(U("chapter/4/section/1/task/1"), PK.start, Literal(95))]),
    ("start-not-integer", "DatatypeConstraintComponent",
     [(U("column/3-1"), PK.start, None)],
     [(U("column/3-1"), PK.start, Literal("111"))]),
    ("source-without-text", "MinCountConstraintComponent",
     [(U("source"), PK.sourceText, None)], []),
    ("domain-not-in-scheme", "InConstraintComponent",
     [(U("chapter/4/section/1"), PK.domain, None)],
     [(U("chapter/4/section/1"), PK.domain, DOM("nosuch"))]),
    ("comparator-not-normalised", "InConstraintComponent",
     [(U("table/1/indicator/1/target"), PK.comparator, None)],
     [(U("table/1/indicator/1/target"), PK.comparator, Literal("＞"))]),
    ("value-not-decimal", "DatatypeConstraintComponent",
     [(U("table/1/indicator/1/baseline"), PK.value, None)],
     [(U("table/1/indicator/1/baseline"), PK.value, Literal("1.5"))]),
    ("year-not-gyear", "DatatypeConstraintComponent",
     [(U("table/1/indicator/1/baseline"), PK.year, None)],
     [(U("table/1/indicator/1/baseline"), PK.year, Literal(2020))]),
    ("two-targets", "MaxCountConstraintComponent",
     [], [(U("table/1/indicator/1"), PK.target, U("table/1/indicator/1/baseline"))]),
    ("quantity-without-value", "MinCountConstraintComponent",
     [(U("column/3-1/project/1/quantity/1"), PK.value, None)], []),
    ("project-outside-column", "ClassConstraintComponent",
     [(U("column/3-1/project/1"), DCT.isPartOf, None)],
     [(U("column/3-1/project/1"), DCT.isPartOf, U("chapter/4/section/1"))]),
    ("column-number-not-a-number", "OrConstraintComponent",
     [(U("column/3-1"), PK.number, None)],
     [(U("column/3-1"), PK.number, Literal("三"))]),
    ("plan-without-region", "MinCountConstraintComponent",
     [(U(), DCT.spatial, None)], []),
    ("plan-period-not-gyear", "DatatypeConstraintComponent",
     [(U(), PK.periodEnd, None)],
     [(U(), PK.periodEnd, Literal("2025-12-31", datatype=XSD.date))]),
    ("department-not-organization", "ClassConstraintComponent",
     [(URIRef("https://w3id.org/plankg/id/org/510000/省卫生健康委"), RDF.type, None)], []),
]


@pytest.mark.parametrize("component, remove, add", [c[1:] for c in BROKEN],
                         ids=[c[0] for c in BROKEN])
def test_broken_graph_does_not_conform(component, remove, add):
    ok, report = validate_graph(edited(remove, add))
    assert not ok
    assert f"Constraint Violation in {component}" in report, report


def test_subclasses_come_from_the_ontology_graph():
    """sh:class pk:Division accepts a pk:Section only through plankg.ttl's subClassOf."""
    sub = U("chapter/4/section/1/sub/1")
    g = edited(add=[(sub, RDF.type, PK.Subsection), (sub, PK.number, Literal(1)),
                    (sub, DCT.isPartOf, U("chapter/4/section/1"))])
    g.parse(data=HEADER + _provenance(str(sub), 35, 40), format="turtle")
    ok, report = validate_graph(g)
    assert ok, report


def test_bad_turtle_raises():
    with pytest.raises(PlanKGError) as info:
        validate_graph("<a> <b> ")
    assert info.value.code == "E500"


# --- validate_store --------------------------------------------------------------------

def _oxigraph_store(graph: rdflib.Graph, path: Path | None = None,
                    ontology: bool = False) -> pyoxigraph.Store:
    store = pyoxigraph.Store(str(path)) if path else pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"),
               format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(PLAN))
    if ontology:
        for name in ("plankg.ttl", "domains.ttl"):
            store.load(path=str(ONTOLOGY / name), format=pyoxigraph.RdfFormat.TURTLE,
                       to_graph=pyoxigraph.NamedNode(vocab.ONTOLOGY_GRAPH))
    return store


def _on_disk(graph: rdflib.Graph, path: Path) -> Path:
    store = _oxigraph_store(graph, path, ontology=True)
    store.flush()
    del store
    gc.collect()  # release the store's lock before validate_store opens it
    return path


def test_validate_store_conforming(tmp_path):
    ok, report = validate_store(_on_disk(good_graph(), tmp_path / "store"))
    assert ok, report


def test_validate_store_not_conforming(tmp_path):
    broken = edited([(U("table/1/indicator/1"), PK.nature, None)],
                    [(U("table/1/indicator/1"), PK.nature, Literal("高"))])
    ok, report = validate_store(_on_disk(broken, tmp_path / "store"))
    assert not ok
    assert "高" in report


def test_validate_store_missing(tmp_path):
    with pytest.raises(PlanKGError) as info:
        validate_store(tmp_path / "nosuch")
    assert info.value.code == "E301"


# --- the builder's output meets the shapes ---------------------------------------------

def test_sample_plans_from_graph_builder_conform(sample_store):
    """conftest's hand-made plans, through plankg.graph.rdf and plankg.store.embedded, meet the shapes."""
    ok, report = validate_graph(sample_store.raw)
    assert ok, report


# --- lint queries ----------------------------------------------------------------------

def test_there_are_checks():
    assert 4 <= len(CHECKS) <= 6


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_parses_and_has_summary(check):
    text = check.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# summary:") and len(first) > len("# summary:") + 10
    result = pyoxigraph.Store().query(text)
    assert isinstance(result, pyoxigraph.QuerySolutions), "a check is a SELECT query"
    assert list(result) == []


def _run_check(check: Path, graph: rdflib.Graph) -> list:
    store = _oxigraph_store(graph, ontology=True)
    return list(store.query(check.read_text(encoding="utf-8"), use_default_graph_as_union=True))


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_finds_nothing_in_good_graph(check):
    rows = _run_check(check, good_graph())
    assert rows == [], "\n".join(str(r) for r in rows)


VIOLATIONS = {
    "nodes_without_provenance": (
        [(U("chapter/4"), PK.end, None)], []),
    "indicator_target_not_after_baseline": (
        [(U("table/1/indicator/1/target"), PK.year, None)],
        [(U("table/1/indicator/1/target"), PK.year, Literal("2020", datatype=XSD.gYear))]),
    "projects_outside_column": (
        [(U("column/3-1/project/1"), DCT.isPartOf, None)],
        [(U("column/3-1/project/1"), DCT.isPartOf, U("chapter/4/section/1"))]),
    "key_tasks_without_title": (
        [(U("chapter/4/section/1/task/1"), DCT.title, None)],
        [(U("chapter/4/section/1/task/1"), DCT.title, Literal(" \u3000"))]),
    "repeated_section_numbers": (
        [], [(U("chapter/4/section/1b"), RDF.type, PK.Section),
             (U("chapter/4/section/1b"), PK.number, Literal(1)),
             (U("chapter/4/section/1b"), DCT.isPartOf, U("chapter/4"))]),
    "domain_not_in_scheme": (
        [(U("table/2/domain/1"), PK.domain, None)],
        [(U("table/2/domain/1"), PK.domain, DOM("nosuch"))]),
}


def test_every_check_has_a_violation_case():
    assert {c.stem for c in CHECKS} == set(VIOLATIONS)


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_finds_its_violation(check):
    remove, add = VIOLATIONS[check.stem]
    rows = _run_check(check, edited(remove, add))
    assert len(rows) == 1, "\n".join(str(r) for r in rows)
