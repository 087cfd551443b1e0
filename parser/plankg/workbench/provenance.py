"""Where a fact came from: the quoted source text of each node, in ONE place.

Every report link to a source goes through :func:`quotes`, so a change in how the graph
stores provenance is adapted here and nowhere else. Since store format 2 a node has
its span as ``pk:start``/``pk:end`` into the plan's source text, stored once
(:mod:`plankg.store.quotes`); the quote is cut from that text.

>>> from plankg.store.embedded import Store
>>> quote_of(Store.in_memory(), "https://w3id.org/plankg/id/plan/x/chapter/1") is None
True
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# ?node → its offsets into the plan's source text, for every node of one plan
SPANS_SPARQL = """
SELECT ?node ?start ?end WHERE {
  GRAPH <%(plan)s> { ?node pk:start ?start ; pk:end ?end }
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
    from plankg.store.quotes import source_text
    from plankg.workbench.sparqlrun import select

    text = source_text(store, plan_iri)
    if text is None:
        return {}
    out: dict[str, Quote] = {}
    for r in select(store, SPANS_SPARQL % {"plan": plan_iri}):
        a, b = int(r["start"]), int(r["end"])
        out[r["node"]] = Quote(text[a:b], a, b)
    return out


def quote_of(store: Any, iri: str) -> Quote | None:
    """The quote of one node (``None`` when the graph records none)."""
    return quotes(store, _plan_of(iri)).get(iri)
