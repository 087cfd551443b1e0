"""Where a fact came from: the quoted source text of each node, in ONE place.

Every report link to a source goes through :func:`quotes`, so a change in how the graph
stores provenance is adapted here and nowhere else. Since store format 2 a node has
its span as ``pk:start``/``pk:end`` into the plan's source text, stored once; both
are read by :mod:`plankg.store.quotes` and the quote is cut from that text.

>>> from plankg.store.embedded import Store
>>> quote_of(Store.in_memory(), "https://w3id.org/plankg/id/plan/x/chapter/1") is None
True
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Quote:
    """A node's source: the text as the file has it, and its character offsets."""

    text: str
    start: int | None = None
    end: int | None = None


def quotes(store: Any, plan_iri: str) -> dict[str, Quote]:
    """node IRI → :class:`Quote`, for every node of the plan whose graph is ``plan_iri``."""
    from plankg.store.quotes import plan_spans, source_text

    text = source_text(store, plan_iri)
    if text is None:
        return {}
    return {n: Quote(text[a:b], a, b) for n, (a, b) in plan_spans(store, plan_iri).items()}


def quote_of(store: Any, iri: str) -> Quote | None:
    """The quote of one node (``None`` when the graph records none)."""
    from plankg.store.quotes import plan_of

    plan = plan_of(iri)
    return quotes(store, plan).get(iri) if plan else None
