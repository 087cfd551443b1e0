"""Python names for ontology terms, checked against ``ontology/plankg.ttl`` by a test.

An undefined term fails at import time (``PK.nosuch`` raises ``AttributeError``), and
``tests/test_vocab.py`` asserts that every name here is declared in the ontology with
labels and comments in @zh and @en, and vice versa.

IRI patterns (one per kind; no blank nodes; built by ``plankg.graph.rdf.iri``). ``{plan}`` is ``ID + "plan/" + plan_id``
where ``plan_id`` is the file stem slug (``sichuan-2021-public-services``):

=================  ===============================================  ======================
kind               pattern                                          example
=================  ===============================================  ======================
plan (and graph)   ``{plan}``                                       ``…/id/plan/sichuan-2021-public-services``
source file        ``{plan}/source``
preamble           ``{plan}/preamble``
part 第X篇          ``{plan}/part/{n}``                              第二篇 → ``…/part/2``
chapter            ``{plan}/chapter/{n}``                           第四章 → ``…/chapter/4``
section            ``{chapter}/section/{n}``                        第四章第二节 → ``…/chapter/4/section/2``
subsection         ``{parent}/sub/{n}``                             ``…/section/2/sub/1``
paragraph          ``{parent}/para/{k}``                            k = ordinal in parent
key task           ``{parent}/task/{k}``
column 专栏         ``{plan}/column/{no}``                           专栏3-1 → ``…/column/3-1``
project            ``{column}/project/{n}``
table              ``{plan}/table/{n}``                             表1 → ``…/table/1``
indicator row      ``{table}/indicator/{k}``                        k = row ordinal
observation        ``{indicator}/baseline`` , ``{indicator}/target``
service domain row ``{table}/domain/{k}``
service item       ``{domainrow}/item/{k}``
quantity           ``{owner}/quantity/{k}``
link               ``{project}/link/{k}``
region             ``ID + "region/" + code``                        四川省 → ``…/id/region/510000``
department         ``ID + "org/" + region code + "/" + name``       ``…/id/org/510000/省民政厅``
indicator concept  ``ID + "concept/" + key``
service domain     ``DOMAIN + slug``                                幼有所育 → ``…/domain/youyousuoyu``
=================  ===============================================  ======================

Provenance is compact: ``{plan}/source`` holds the decoded text once (``pk:sourceText``)
and every node its span ``[pk:start, pk:end)`` into it; a quote is derived, never
stored (:mod:`plankg.store.quotes`; ``queries/web_annotation.rq`` expands the spans to
Web Annotation selectors ``{node}/src``, ``{node}/src/pos``, ``{node}/src/quote``).
"""
from __future__ import annotations

from pyoxigraph import NamedNode

BASE = "https://w3id.org/plankg/"
PK_NS = BASE + "ontology#"
ID = BASE + "id/"
DOMAIN_NS = BASE + "domain/"
ONTOLOGY_GRAPH = BASE + "ontology"

CLASSES = (
    "Plan", "SourceDocument", "Division", "Part", "Chapter", "Section", "Subsection",
    "Preamble", "Paragraph", "KeyTask", "Column", "Project", "Table", "Indicator",
    "Observation", "ServiceDomainEntry", "ServiceItem", "Quantity", "Region", "Link",
    "TableRow", "UnknownBlock",
)
PROPERTIES = (
    # structure
    "number", "order", "text", "level", "style", "chapter", "section",
    # plan metadata
    "periodStart", "periodEnd", "administrativeLevel", "cites", "parserVersion",
    "sha256", "encoding", "sourceFormat", "noticeTitle",
    # paged sources (PDF, OFD)
    "page",
    # provenance: the source text once, each node's span into it
    "sourceText", "start", "end",
    # the store's layout version (a marker on the ontology graph, see store/embedded.py)
    "storeFormat", "buildKey",
    # region
    "divisionCode",
    # domains
    "domain", "domainEvidence", "signalTerm",
    # indicators and observations
    "category", "unit", "baseline", "target", "nature", "value", "valueMax", "year",
    "comparator", "approximate", "qualitativeValue", "concept", "rawValue",
    # service list
    "content", "declaredCount",
    # quantities
    "quantity", "scope",
    # departments
    "leadDepartment", "supportDepartment",
    # links
    "link", "linkTarget", "score", "evidenceTerm",
)


class _Namespace:
    """Attribute access to a fixed list of terms; unknown names fail at once."""

    def __init__(self, base: str, names: tuple[str, ...]):
        self._base = base
        self._names = frozenset(names)

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_") or name not in self._names:
            raise AttributeError(f"{name!r} is not a term of {self._base}")
        node = NamedNode(self._base + name)
        setattr(self, name, node)  # later look-ups are plain attribute reads
        return node

    def iri(self, name: str) -> str:
        getattr(self, name)
        return self._base + name

    def __iter__(self):
        return iter(sorted(self._names))


PK = _Namespace(PK_NS, CLASSES + PROPERTIES)


# Standard vocabularies reused (see ontology/external.ttl)
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
QB = "http://purl.org/linked-data/cube#"
ORG = "http://www.w3.org/ns/org#"

PREFIXES = {
    "pk": PK_NS, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "dcterms": DCTERMS,
    "skos": SKOS, "prov": PROV, "oa": OA, "qb": QB, "org": ORG,
}
