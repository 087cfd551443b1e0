"""A node's quote from the source text, and the Web Annotation form of every span.

The ONE way to get the text a node was parsed from. Since store format 2 the graph
keeps provenance compact: ``{plan}/source`` holds the plan's decoded text once
(``pk:sourceText``), and every node its span as two integers ``pk:start`` /
``pk:end`` (characters, counted from 0, end exclusive). A quote is derived:

* in SPARQL (:data:`QUOTE_PATTERN`; the graph of a node is its plan)::

    GRAPH ?plan { ?plan prov:wasDerivedFrom/pk:sourceText ?text .
                  ?node pk:start ?start ; pk:end ?end }
    BIND(SUBSTR(?text, ?start + 1, ?end - ?start) AS ?quote)

* in Python, :func:`quotes` (many nodes, one query, each plan's text fetched once)
  or :func:`quote` (one node), on a :class:`~plankg.store.embedded.Store` or a
  :class:`pyoxigraph.Store`.

Tools that expect Web Annotation selectors get them from
``queries/export/web_annotation.rq`` through :func:`web_annotation_quads`.

>>> from plankg.store.embedded import Store
>>> s = Store.in_memory()
>>> p = "https://w3id.org/plankg/id/plan/x"
>>> s.raw.update(f'''PREFIX pk: <https://w3id.org/plankg/ontology#>
...   PREFIX prov: <http://www.w3.org/ns/prov#>
...   INSERT DATA {{ GRAPH <{p}> {{ <{p}> prov:wasDerivedFrom <{p}/source> .
...     <{p}/source> pk:sourceText "第四章　推进公共服务" .
...     <{p}/chapter/4> pk:start 4 ; pk:end 10 . }} }}''')
>>> quote(s, p + "/chapter/4")
'推进公共服务'
>>> len(web_annotation_quads(s))  # the eight-quad structure + wasDerivedFrom + exact
10
"""
from __future__ import annotations

from typing import Any, Iterable

import pyoxigraph

from plankg.graph.vocab import ID, PK_NS, PROV
from plankg.paths import queries_dir

#: The SPARQL pattern that binds ``?quote`` for ``?node`` (inside a query that declares
#: the ``pk:`` and ``prov:`` prefixes, as every plankg query does).
QUOTE_PATTERN = """
  GRAPH ?plan { ?plan prov:wasDerivedFrom/pk:sourceText ?text .
                ?node pk:start ?start ; pk:end ?end }
  BIND(SUBSTR(?text, ?start + 1, ?end - ?start) AS ?quote)"""

_PLAN_PREFIX = ID + "plan/"


def _raw(store: Any) -> pyoxigraph.Store:
    return getattr(store, "raw", store)


def plan_of(node_iri: str) -> str | None:
    """The plan (and graph) IRI a node IRI belongs to: ``{plan}/…`` → ``{plan}``.

    >>> plan_of("https://w3id.org/plankg/id/plan/sc/chapter/4/section/2")
    'https://w3id.org/plankg/id/plan/sc'
    >>> plan_of("https://example.org/x") is None
    True
    """
    if not node_iri.startswith(_PLAN_PREFIX):
        return None
    rest = node_iri[len(_PLAN_PREFIX):]
    return _PLAN_PREFIX + rest.split("/", 1)[0] if rest else None


def spans(store: Any, node_iris: Iterable[str]) -> dict[str, tuple[str, int, int]]:
    """``node IRI → (plan IRI, start, end)`` for the nodes that have a span."""
    raw = _raw(store)
    start_p, end_p = pyoxigraph.NamedNode(PK_NS + "start"), pyoxigraph.NamedNode(PK_NS + "end")
    out: dict[str, tuple[str, int, int]] = {}
    for n in node_iris:
        plan = plan_of(n)
        if plan is None:
            continue
        node, g = pyoxigraph.NamedNode(n), pyoxigraph.NamedNode(plan)
        s = next(iter(raw.quads_for_pattern(node, start_p, None, g)), None)
        e = next(iter(raw.quads_for_pattern(node, end_p, None, g)), None)
        if s is not None and e is not None:
            out[n] = (plan, int(s.object.value), int(e.object.value))
    return out


def plan_spans(store: Any, plan_iri: str) -> dict[str, tuple[int, int]]:
    """``node IRI → (start, end)`` for every node of one plan that has a span."""
    raw = _raw(store)
    g = pyoxigraph.NamedNode(plan_iri)
    starts = {q.subject.value: int(q.object.value) for q in raw.quads_for_pattern(
        None, pyoxigraph.NamedNode(PK_NS + "start"), None, g)}
    out: dict[str, tuple[int, int]] = {}
    for q in raw.quads_for_pattern(None, pyoxigraph.NamedNode(PK_NS + "end"), None, g):
        n = q.subject.value
        if n in starts:
            out[n] = (starts[n], int(q.object.value))
    return out


def source_text(store: Any, plan_iri: str) -> str | None:
    """The decoded source text of a plan (``{plan}/source pk:sourceText``), or None."""
    raw = _raw(store)
    g = pyoxigraph.NamedNode(plan_iri)
    src = next(iter(raw.quads_for_pattern(
        g, pyoxigraph.NamedNode(PROV + "wasDerivedFrom"), None, g)), None)
    if src is None:
        return None
    t = next(iter(raw.quads_for_pattern(
        src.object, pyoxigraph.NamedNode(PK_NS + "sourceText"), None, g)), None)
    return t.object.value if t is not None else None


def quotes(store: Any, node_iris: Iterable[str]) -> dict[str, str]:
    """``node IRI → the source text it was parsed from``, for every node with a span.

    Each plan's text is read once, however many of its nodes are asked for.
    """
    texts: dict[str, str | None] = {}
    out: dict[str, str] = {}
    for n, (plan, start, end) in spans(store, node_iris).items():
        if plan not in texts:
            texts[plan] = source_text(store, plan)
        text = texts[plan]
        if text is not None:
            out[n] = text[start:end]
    return out


def quote(store: Any, node_iri: str) -> str | None:
    """The quote of one node (see :func:`quotes`), None when it has no span."""
    return quotes(store, [node_iri]).get(node_iri)


def web_annotation_quads(store: Any, plans: Iterable[str] | None = None) -> list[pyoxigraph.Quad]:
    """The Web Annotation form of every span (``queries/export/web_annotation.rq``), each
    triple in its plan's graph; only the given plan IRIs when ``plans`` is given."""
    sparql = (queries_dir() / "export" / "web_annotation.rq").read_text(encoding="utf-8")
    wanted = set(plans) if plans is not None else None
    if wanted is not None:  # read only those graphs
        from plankg.store.queries import restrict

        sparql = restrict(sparql, wanted)
    out = []
    for t in _raw(store).query(sparql, use_default_graph_as_union=True):
        plan = plan_of(t.subject.value)
        if plan is None or (wanted is not None and plan not in wanted):
            continue
        out.append(pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.NamedNode(plan)))
    return out
