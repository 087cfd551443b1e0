"""Where a fact came from: the quoted source text of each node, in ONE place.

Every report link to a source goes through :func:`quotes` (one SPARQL, below), so a
change in how the graph stores provenance (today a Web Annotation
``oa:SpecificResource`` with a ``TextQuoteSelector`` and a ``TextPositionSelector``)
is adapted here and nowhere else.

>>> from plankg.store.embedded import Store
>>> quote_of(Store.in_memory(), "https://w3id.org/plankg/id/plan/x/chapter/1") is None
True
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# ?node → its quote and offsets into the original file, for every node of one plan
QUOTES_SPARQL = """
SELECT ?node ?exact ?start ?end WHERE {
  GRAPH <%(plan)s> {
    ?node prov:wasDerivedFrom ?src .
    ?src oa:hasSelector ?q . ?q oa:exact ?exact .
    OPTIONAL { ?src oa:hasSelector ?p . ?p oa:start ?start ; oa:end ?end }
  }
}"""


@dataclass(frozen=True)
class Quote:
    """A node's source: the text as the file has it, and its character offsets."""

    text: str
    start: int | None = None
    end: int | None = None


def _plan_of(iri: str) -> str:
    head, sep, rest = iri.partition("/plan/")
    return head + sep + rest.split("/", 1)[0] if sep else iri


def quotes(store: Any, plan_iri: str) -> dict[str, Quote]:
    """node IRI → :class:`Quote`, for every node of the plan whose graph is ``plan_iri``."""
    from plankg.workbench.sparqlrun import select

    out: dict[str, Quote] = {}
    for r in select(store, QUOTES_SPARQL % {"plan": plan_iri}):
        out[r["node"]] = Quote(r["exact"], int(r["start"]) if r["start"] else None,
                               int(r["end"]) if r["end"] else None)
    return out


def quote_of(store: Any, iri: str) -> Quote | None:
    """The quote of one node (``None`` when the graph records none)."""
    return quotes(store, _plan_of(iri)).get(iri)
