"""vocab.py ↔ ontology/plankg.ttl, and the service-domain scheme in ontology/domains.ttl.

Every Python name in :data:`plankg.graph.vocab.PK` must be declared in the ontology with
labels and comments in @zh and @en, and every ``pk:`` term any ontology file uses must
be a name in vocab.py, so a typo on either side fails here rather than as an empty
query result.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from plankg.graph import vocab

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
PK = rdflib.Namespace(vocab.PK_NS)
DCTERMS = rdflib.Namespace(vocab.DCTERMS)
ONTOLOGY_IRI = rdflib.URIRef(vocab.ONTOLOGY_GRAPH)
SCHEME = rdflib.URIRef(vocab.DOMAIN_NS + "scheme")

#: The nine domains: slug, the name plans write, the English label.
DOMAINS = [
    ("youyousuoyu", "幼有所育", "Childcare"),
    ("xueyousuojiao", "学有所教", "Education"),
    ("laoyousuode", "劳有所得", "Employment"),
    ("bingyousuoyi", "病有所医", "Health care"),
    ("laoyousuoyang", "老有所养", "Elderly care"),
    ("zhuyousuoju", "住有所居", "Housing"),
    ("ruoyousuofu", "弱有所扶", "Social assistance"),
    ("youjunfuwubaozhang", "优军服务保障", "Veterans' services"),
    ("wentifuwubaozhang", "文体服务保障", "Culture and sports"),
]

MAPPINGS = (SKOS.closeMatch, SKOS.exactMatch, SKOS.relatedMatch, SKOS.broadMatch,
            SKOS.narrowMatch)
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                  RDF.Property}


def _parse(name: str) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data=(ONTOLOGY / name).read_text(encoding="utf-8"), format="turtle")
    return g


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return _parse("plankg.ttl")


@pytest.fixture(scope="module")
def domains() -> rdflib.Graph:
    return _parse("domains.ttl")


# --- plankg.ttl ------------------------------------------------------------------------

def test_ontology_header(onto):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    titles = {t.language for t in onto.objects(ONTOLOGY_IRI, DCTERMS.title)}
    assert {"zh", "en"} <= titles
    assert str(onto.value(ONTOLOGY_IRI, OWL.versionInfo)) == "0.1.0"


@pytest.mark.parametrize("name", sorted(vocab.PK), ids=str)
def test_vocab_term_is_declared_with_zh_and_en_labels(onto, name):
    term = PK[name]
    types = set(onto.objects(term, RDF.type))
    if name in vocab.CLASSES:
        assert OWL.Class in types, f"pk:{name} is not declared an owl:Class"
    else:
        assert types & PROPERTY_TYPES, f"pk:{name} is not declared a property"
    for pred in (RDFS.label, RDFS.comment):
        langs = [o.language for o in onto.objects(term, pred)]
        assert sorted(langs) == ["en", "zh"], f"pk:{name} {pred.n3()} languages: {langs}"
    assert any(onto.value(term, m) is not None for m in MAPPINGS), \
        f"pk:{name} cites no standard term (skos:closeMatch …)"
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in onto


@pytest.mark.parametrize("file", ["plankg.ttl", "domains.ttl", "shapes.ttl"])
def test_every_pk_term_used_is_in_vocab(file):
    g = _parse(file)
    used = {str(t)[len(vocab.PK_NS):] for triple in g for t in triple
            if isinstance(t, rdflib.URIRef) and str(t).startswith(vocab.PK_NS)}
    unknown = sorted(used - set(vocab.PK))
    assert not unknown, f"{file} uses pk: terms that vocab.py does not define: {unknown}"


def test_every_declared_term_is_in_vocab(onto):
    declared = {str(s)[len(vocab.PK_NS):] for s in onto.subjects(RDF.type, None)
                if isinstance(s, rdflib.URIRef) and str(s).startswith(vocab.PK_NS)}
    assert declared == set(vocab.PK)


def test_class_and_property_lists_are_disjoint():
    assert not set(vocab.CLASSES) & set(vocab.PROPERTIES)
    assert len(set(vocab.CLASSES)) == len(vocab.CLASSES)
    assert len(set(vocab.PROPERTIES)) == len(vocab.PROPERTIES)


# --- domains.ttl -----------------------------------------------------------------------

def _labels(g, concept, pred, lang):
    return {str(o) for o in g.objects(concept, pred) if o.language == lang}


def test_scheme_has_exactly_the_nine_domains(domains):
    concepts = set(domains.subjects(SKOS.inScheme, SCHEME))
    assert concepts == {rdflib.URIRef(vocab.DOMAIN_NS + slug) for slug, _, _ in DOMAINS}
    assert set(domains.objects(SCHEME, SKOS.hasTopConcept)) == concepts
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in domains


@pytest.mark.parametrize("n, slug, zh, en",
                         [(i, *d) for i, d in enumerate(DOMAINS, 1)], ids=[d[0] for d in DOMAINS])
def test_domain_concept(domains, n, slug, zh, en):
    c = rdflib.URIRef(vocab.DOMAIN_NS + slug)
    assert (c, RDF.type, SKOS.Concept) in domains
    assert (c, SKOS.topConceptOf, SCHEME) in domains
    assert _labels(domains, c, SKOS.prefLabel, "zh") == {zh}
    assert _labels(domains, c, SKOS.prefLabel, "en") == {en}
    assert len(_labels(domains, c, SKOS.definition, "zh")) == 1
    assert len(_labels(domains, c, SKOS.definition, "en")) == 1
    assert [str(x) for x in domains.objects(c, SKOS.notation)] == [str(n)]
    terms = list(domains.objects(c, PK.signalTerm))
    assert 10 <= len(terms) <= 40, f"{zh}: {len(terms)} signal terms"
    assert all(t.language == "zh" for t in terms), f"{zh}: signal terms must be @zh"
    assert len({str(t) for t in terms}) == len(terms), f"{zh}: repeated signal term"


def test_no_signal_term_or_label_belongs_to_two_domains(domains):
    owners: dict[str, set[str]] = defaultdict(set)
    for c in domains.subjects(SKOS.inScheme, SCHEME):
        names = {str(o) for p in (SKOS.prefLabel, SKOS.altLabel, PK.signalTerm)
                 for o in domains.objects(c, p) if o.language == "zh"}
        for name in names:
            owners[name].add(str(c).rsplit("/", 1)[1])
    shared = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
    assert not shared, f"terms in more than one domain: {shared}"


def test_domain_names_are_not_generic(domains):
    # words every domain uses would make every paragraph match every domain
    generic = {"服务", "保障", "建设", "提升", "完善", "公共服务", "基本公共服务", "发展"}
    terms = {str(o) for o in domains.objects(None, PK.signalTerm)}
    assert not terms & generic
