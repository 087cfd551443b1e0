"""Graph stage: IRIs, provenance, literals, no blank nodes (on hand-made plans)."""
from __future__ import annotations

import pyoxigraph
import pytest
from conftest import sample_plan

from plankg.graph import vocab
from plankg.graph.rdf import (DOMAIN_SLUGS, decimal_lexical, domain_iri, indicator_concept_key,
                          plan_iri, plan_quads, serialize_plan)
from plankg.store.quotes import QUOTE_PATTERN, quote, web_annotation_quads
from plankg.model import Kind, Node, Plan

PK = vocab.PK_NS
PLAN = "https://w3id.org/plankg/id/plan/sample-sichuan"
XSD = vocab.XSD


def _graph(plan: Plan) -> pyoxigraph.Store:
    s = pyoxigraph.Store()
    s.extend(plan_quads(plan))
    return s


def _objects(store, s: str, p: str) -> list:
    return [q.object for q in store.quads_for_pattern(pyoxigraph.NamedNode(s),
                                                       pyoxigraph.NamedNode(p), None)]


def test_no_blank_nodes_and_one_graph(plan):
    quads = list(plan_quads(plan))
    assert quads
    for q in quads:
        assert not isinstance(q.subject, pyoxigraph.BlankNode), q
        assert not isinstance(q.object, pyoxigraph.BlankNode), q
        assert q.graph_name == pyoxigraph.NamedNode(PLAN)


def test_every_node_has_provenance_quoting_the_source(plan):
    """Each node has its span (pk:start/pk:end) and the quote the one documented pattern
    derives from the plan's source text is exactly the text at that span."""
    g = _graph(plan)
    rows = list(g.query(f"""
        PREFIX pk: <{PK}> PREFIX prov: <{vocab.PROV}>
        SELECT ?n ?start ?end ?quote WHERE {{
          GRAPH ?g {{ ?n pk:order ?order . }}
          OPTIONAL {{ {QUOTE_PATTERN.replace("?node", "?n")} }} }}"""))
    nodes = [n for n in plan.root.walk() if n.kind is not Kind.DOCUMENT]
    assert len(rows) == len(nodes)
    for r in rows:
        assert r["start"] is not None, f"{r['n']} has no provenance"
        start, end = int(r["start"].value), int(r["end"].value)
        assert plan.source_text[start:end] == r["quote"].value
        assert quote(g, r["n"].value) == r["quote"].value
    assert _objects(g, PLAN, vocab.PROV + "wasDerivedFrom") == [
        pyoxigraph.NamedNode(PLAN + "/source")]
    assert [t.value for t in _objects(g, PLAN + "/source", PK + "sourceText")] == [plan.source_text]


def test_provenance_is_two_quads_a_node(plan):
    """No Web Annotation structure is stored: the span is two integers on the node."""
    g = _graph(plan)
    assert not any(q.subject.value.endswith(("/src", "/src/pos", "/src/quote")) for q in g)
    assert not any(q.predicate.value.startswith(vocab.OA) for q in g)
    chapter = PLAN + "/chapter/4"
    assert [o.datatype.value for o in _objects(g, chapter, PK + "start") + _objects(
        g, chapter, PK + "end")] == [XSD + "integer"] * 2


def test_web_annotation_export_restores_the_selectors(plan):
    """queries/export/web_annotation.rq rebuilds the oa: form with the old IRIs."""
    g = _graph(plan)
    quads = web_annotation_quads(g)
    wa = pyoxigraph.Store()
    wa.extend(quads)
    chapter = PLAN + "/chapter/4"
    assert _objects(wa, chapter, vocab.PROV + "wasDerivedFrom") == [
        pyoxigraph.NamedNode(chapter + "/src")]
    assert _objects(wa, chapter + "/src", vocab.OA + "hasSource") == [
        pyoxigraph.NamedNode(PLAN + "/source")]
    start = int(_objects(wa, chapter + "/src/pos", vocab.OA + "start")[0].value)
    end = int(_objects(wa, chapter + "/src/pos", vocab.OA + "end")[0].value)
    assert _objects(wa, chapter + "/src/quote", vocab.OA + "exact")[0].value == \
        plan.source_text[start:end]
    assert {q.graph_name.value for q in quads} == {PLAN}
    spans = sum(1 for _ in g.quads_for_pattern(None, pyoxigraph.NamedNode(PK + "start"), None))
    assert len(quads) == 10 * spans


def test_quantities_have_provenance_too(plan):
    g = _graph(plan)
    q = next(iri for iri in _subjects(g) if iri.endswith("/project/1/quantity/1"))
    assert quote(g, q) == "1000 所"


def _subjects(g) -> set[str]:
    return {q.subject.value for q in g}


EXPECTED_IRIS = [
    ("plan", PLAN),
    ("source", PLAN + "/source"),
    ("preamble", PLAN + "/preamble"),
    ("chapter", PLAN + "/chapter/4"),
    ("section", PLAN + "/chapter/4/section/1"),
    ("key task", PLAN + "/chapter/4/section/1/task/1"),
    ("paragraph", PLAN + "/chapter/4/section/1/para/1"),
    ("column", PLAN + "/column/1"),
    ("project", PLAN + "/column/1/project/1"),
    ("quantity", PLAN + "/column/1/project/1/quantity/2"),
    ("link", PLAN + "/column/1/project/1/link/1"),
    ("table", PLAN + "/table/1"),
    ("indicator", PLAN + "/table/1/indicator/3"),
    ("observation", PLAN + "/table/1/indicator/1/baseline"),
    ("service domain row", PLAN + "/table/2/domain/1"),
    ("service item", PLAN + "/table/2/domain/1/item/2"),
    ("unknown block", PLAN + "/chapter/4/unknown/1"),
    ("section of chapter 5", PLAN + "/chapter/5/section/1/task/1"),
    ("region", "https://w3id.org/plankg/id/region/510000"),
    ("department", "https://w3id.org/plankg/id/org/510000/省卫生健康委"),
    ("concept", "https://w3id.org/plankg/id/concept/每千人3岁以下婴幼儿托位数"),
]


@pytest.mark.parametrize("kind,iri", EXPECTED_IRIS, ids=[k for k, _ in EXPECTED_IRIS])
def test_iri_patterns(plan, kind, iri):
    g = _graph(plan)  # concepts are only named (pk:concept), not described
    assert iri in _subjects(g) | {q.object.value for q in g
                                  if isinstance(q.object, pyoxigraph.NamedNode)}


def test_region_and_departments_without_a_code_use_the_name():
    g = _graph(sample_plan("sample-guizhou", "贵州省", None, column_no="3-1"))
    subjects = _subjects(g)
    assert "https://w3id.org/plankg/id/region/贵州省" in subjects
    assert "https://w3id.org/plankg/id/org/贵州省/省教育厅" in subjects
    assert "https://w3id.org/plankg/id/plan/sample-guizhou/column/3-1/project/1" in subjects


def test_numbers_are_integers_except_compound(plan):
    g = _graph(sample_plan(column_no="3-1"))
    (n,) = _objects(g, PLAN + "/chapter/4", PK + "number")
    assert n == pyoxigraph.Literal("4", datatype=pyoxigraph.NamedNode(XSD + "integer"))
    (c,) = _objects(g, PLAN + "/column/3-1", PK + "number")
    assert c == pyoxigraph.Literal("3-1")


def test_order_is_document_order_and_unique(plan):
    g = _graph(plan)
    orders = {q.subject.value: int(q.object.value)
              for q in g.quads_for_pattern(None, pyoxigraph.NamedNode(PK + "order"), None)}
    assert sorted(orders.values()) == list(range(1, len(orders) + 1))
    assert orders[PLAN + "/chapter/4"] < orders[PLAN + "/chapter/4/section/1"] \
        < orders[PLAN + "/column/1"] < orders[PLAN + "/table/1"] < orders[PLAN + "/chapter/5"]


def test_part_of_and_plan_links(plan):
    g = _graph(plan)
    assert _objects(g, PLAN + "/column/1/project/1", vocab.DCTERMS + "isPartOf") == [
        pyoxigraph.NamedNode(PLAN + "/column/1")]
    assert _objects(g, PLAN + "/chapter/4", vocab.DCTERMS + "isPartOf") == [
        pyoxigraph.NamedNode(PLAN)]
    # no pk:plan on the nodes: the named graph is the plan, and dcterms:isPartOf+ reaches it
    assert not list(g.quads_for_pattern(None, pyoxigraph.NamedNode(PK + "plan"), None))
    assert [r["p"] for r in g.query(f"""SELECT ?p WHERE {{ GRAPH ?g {{
        <{PLAN}/table/2/domain/1/item/1> <{vocab.DCTERMS}isPartOf>+ ?p . ?p a <{PK}Plan> }} }}""")] == [
        pyoxigraph.NamedNode(PLAN)]


def test_indicator_observations(plan):
    g = _graph(plan)
    dec = pyoxigraph.NamedNode(XSD + "decimal")
    ind = PLAN + "/table/1/indicator/2"
    assert _objects(g, ind + "/baseline", PK + "value") == [pyoxigraph.Literal("90.93", datatype=dec)]
    assert _objects(g, ind + "/target", PK + "year") == [
        pyoxigraph.Literal("2025", datatype=pyoxigraph.NamedNode(XSD + "gYear"))]
    assert _objects(g, ind, PK + "nature") == [pyoxigraph.Literal("预期性")]
    q = PLAN + "/table/1/indicator/3/target"
    assert _objects(g, q, PK + "qualitativeValue") == [pyoxigraph.Literal("应保尽保")]
    assert _objects(g, q, PK + "value") == []
    assert _objects(g, PLAN + "/table/1/indicator/4/target", PK + "comparator") == [
        pyoxigraph.Literal(">")]
    assert _objects(g, ind, PK + "domain") == [
        pyoxigraph.NamedNode(vocab.DOMAIN_NS + "xueyousuojiao")]


def test_service_list(plan):
    g = _graph(plan)
    row = PLAN + "/table/2/domain/1"
    assert _objects(g, row, vocab.RDF + "type") == [pyoxigraph.NamedNode(PK + "ServiceDomainEntry")]
    assert _objects(g, row, PK + "declaredCount")[0].value == "2"
    assert _objects(g, row, PK + "content") == [pyoxigraph.Literal("为儿童提供关爱服务")]
    item = row + "/item/1"
    assert _objects(g, item, PK + "domain") == [
        pyoxigraph.NamedNode(vocab.DOMAIN_NS + "youyousuoyu")]
    assert _objects(g, item, vocab.DCTERMS + "title") == [pyoxigraph.Literal("预防接种")]


def test_departments_and_links(plan):
    g = _graph(plan)
    task = PLAN + "/chapter/4/section/1/task/1"
    org = "https://w3id.org/plankg/id/org/510000/"
    assert _objects(g, task, PK + "leadDepartment") == [pyoxigraph.NamedNode(org + "省卫生健康委")]
    assert sorted(o.value for o in _objects(g, task, PK + "supportDepartment")) == [
        org + "省发展改革委", org + "省教育厅"]
    link = PLAN + "/column/1/project/1/link/1"
    assert _objects(g, link, PK + "linkTarget") == [
        pyoxigraph.NamedNode(PLAN + "/table/1/indicator/1")]
    assert _objects(g, link, PK + "score")[0].value == "0.42"


def test_region_label_is_plain(plan):
    g = _graph(plan)
    (label,) = _objects(g, "https://w3id.org/plankg/id/region/510000", vocab.RDFS + "label")
    assert label == pyoxigraph.Literal("四川省") and label.language is None


def test_duplicate_numbers_never_merge_nodes():
    p = sample_plan()
    p.root.children.append(Node(Kind.CHAPTER, number="4", title="重复的第四章", span=(0, 3)))
    subjects = _subjects(_graph(p))
    assert PLAN + "/chapter/4" in subjects and PLAN + "/chapter/4_2" in subjects


@pytest.mark.parametrize("kind", list(Kind), ids=[k.value for k in Kind])
def test_every_kind_builds(kind):
    p = sample_plan()
    p.root.children.append(Node(kind, title="x", text="y", span=(0, 2)))
    types = {q.object.value for q in plan_quads(p)
             if q.predicate.value == vocab.RDF + "type"}
    expected = {Kind.UNKNOWN: "UnknownBlock", Kind.TABLE_ROW: "TableRow",
                Kind.SERVICE_DOMAIN: "ServiceDomainEntry", Kind.KEY_TASK: "KeyTask"}
    if kind in expected:
        assert PK + expected[kind] in types


def test_loading_is_deterministic(plan):
    assert list(plan_quads(plan)) == list(plan_quads(sample_plan()))


@pytest.mark.parametrize("label,slug", sorted(DOMAIN_SLUGS.items()))
def test_domain_slugs(label, slug):
    assert domain_iri(label) == vocab.DOMAIN_NS + slug
    assert domain_iri(slug) == vocab.DOMAIN_NS + slug


SAME = [
    ("每千人口拥有执业（助理）医师数", "人", "每千人口执业(助理)医师数(人)", None),
    ("每千人口3岁以下婴幼儿托位数", "个", "每千人口拥有 3 岁以下婴幼儿托位数（个）", None),
    ("基本养老保险参保率", "%", "基本养老保险参保率(%)", None),
    ("城镇老旧小区改造", "万套", "城镇老旧小区改造（万套）", "万套"),
    ("“15分钟健身圈”覆盖率", None, "15 分钟健身圈覆盖率", None),
]
DIFFERENT = [
    ("基本养老保险参保率", "%", "基本医疗保险参保率", "%"),
    ("每千人口拥有执业(助理)医师数", "人", "每千人口拥有注册护士数", "人"),
    ("每千名老年人口养老床位数", "张", "每千人口养老床位数", "张"),
    ("学前教育毛入园率", "%", "高中阶段教育毛入学率", "%"),
    ("每千人口3岁以下婴幼儿托位数", "个", "每万人口3岁以下婴幼儿托位数", "个"),
]


@pytest.mark.parametrize("a,ua,b,ub", SAME, ids=[s[0] for s in SAME])
def test_concept_key_merges_variants(a, ua, b, ub):
    assert indicator_concept_key(a, ua) == indicator_concept_key(b, ub)


@pytest.mark.parametrize("a,ua,b,ub", DIFFERENT, ids=[s[0] + "≠" + s[2] for s in DIFFERENT])
def test_concept_key_keeps_measures_apart(a, ua, b, ub):
    assert indicator_concept_key(a, ua) != indicator_concept_key(b, ub)


def test_decimal_lexical():
    assert [decimal_lexical(v) for v in ("90.93", "95．9", "1,000", 2.5, "约", None, True)] == [
        "90.93", "95.9", "1000", "2.5", None, None, None]


@pytest.mark.parametrize("fmt,rdf_format", [("turtle", pyoxigraph.RdfFormat.TURTLE),
                                            ("jsonld", pyoxigraph.RdfFormat.JSON_LD),
                                            ("nquads", pyoxigraph.RdfFormat.N_QUADS)])
def test_serialisations_round_trip(plan, fmt, rdf_format):
    data = serialize_plan(plan, fmt)
    back = list(pyoxigraph.parse(data, format=rdf_format))
    assert len(back) == len(list(plan_quads(plan)))


def test_plan_metadata(plan):
    g = _graph(plan)
    assert _objects(g, PLAN, vocab.DCTERMS + "spatial") == [
        pyoxigraph.NamedNode("https://w3id.org/plankg/id/region/510000")]
    assert _objects(g, PLAN, PK + "periodStart")[0].value == "2021"
    assert _objects(g, PLAN + "/source", vocab.DCTERMS + "source") == [
        pyoxigraph.Literal("sample-sichuan.txt")]
    assert plan_iri(plan) == PLAN


def test_quotes_backslashes_and_line_ends_survive_as_written():
    """The builder writes N-Quads text itself: every character must come back intact."""
    text = '第一章 "总体"\\要求\r\n推进\t托育服务。"引号"与\\反斜杠\r\n'
    root = Node(Kind.DOCUMENT, children=[
        Node(Kind.CHAPTER, number="1", title='"总体"\\要求', span=(0, len(text)))])
    plan = Plan("esc", "esc.txt", text, "text", "utf-8", "0" * 64,
                {"title": 'a "b" \\ c', "region": "某 省"}, root)
    g = _graph(plan)
    assert quote(g, PLAN.replace("sample-sichuan", "esc") + "/chapter/1") == text
    stored = [q.object.value for q in g.quads_for_pattern(
        None, pyoxigraph.NamedNode(PK + "sourceText"), None)]
    assert stored == [text]
    titles = {q.object.value for q in g.quads_for_pattern(
        None, pyoxigraph.NamedNode(vocab.DCTERMS + "title"), None)}
    assert titles == {'a "b" \\ c', '"总体"\\要求'}
    # a region without a code: its name is an IRI segment, the space percent-encoded
    regions = [q.object.value for q in g.quads_for_pattern(
        None, pyoxigraph.NamedNode(vocab.DCTERMS + "spatial"), None)]
    assert regions == ["https://w3id.org/plankg/id/region/某%20省"]


def test_characters_an_iri_may_not_hold_are_percent_encoded():
    from plankg.graph.rdf import _iri

    assert _iri("https://x.org/a b<c>") == "<https://x.org/a%20b%3Cc%3E>"
    assert _iri("https://x.org/托育") == "<https://x.org/托育>"
    pyoxigraph.NamedNode(_iri('https://x.org/"{|}^`\\')[1:-1])  # valid: no exception
