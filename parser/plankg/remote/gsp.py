"""``plankg push``: every named graph of the local store → a Graph Store Protocol server.

One ``PUT …?graph=IRI`` per named graph (each plan's graph and the ontology graph), so
pushing twice leaves the server exactly as pushing once, and a push that stopped half
way is finished by running it again. One graph at a time: its quads are read from the
embedded store (opened read-only) a batch at a time and written as N-Triples into a
spooled temporary file (:class:`GraphBody`), which is then streamed to the server with
a ``Content-Length``, so the store is never held in memory and a big graph not either.
N-Triples is also valid Turtle: a server that refuses ``application/n-triples`` (415)
gets the same bytes as ``text/turtle``.

Failures: connection errors and 5xx answers are retried with backoff
(:func:`plankg.remote.http.request`); when a graph still cannot be sent, the error
(E601) says which graphs are up to date on the server and which are not, checked with
``HEAD`` where the server still answers.

``--prune`` deletes the server's plan graphs (IRIs under ``…/id/plan/``, typed
``pk:Plan``) that are not in the local store, after every ``PUT`` has succeeded. It
asks the server's SPARQL query endpoint which plan graphs it has; for the usual
servers that endpoint is found from the store endpoint (:func:`query_endpoint_for`),
else give ``--query-endpoint``. Graphs that are not plankg plans are never touched.

>>> graph_url("http://h:7878/store", "https://w3id.org/plankg/id/plan/a b")
'http://h:7878/store?graph=https%3A%2F%2Fw3id.org%2Fplankg%2Fid%2Fplan%2Fa+b'
>>> query_endpoint_for("http://h:7878/store"), query_endpoint_for("http://h:3030/ds/data")
('http://h:7878/query', 'http://h:3030/ds/sparql')
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Iterator
from urllib.parse import urlencode

from plankg.errors import PlanKGError
from plankg.graph.rdf import plan_iri
from plankg.graph.vocab import ONTOLOGY_GRAPH
from plankg.remote import http

NTRIPLES = "application/n-triples"
TURTLE = "text/turtle"
BATCH = 5000  # quads serialised at a time: bounds memory whatever a graph's size
SPOOL_BYTES = 4 << 20  # a graph's body is kept in memory up to this, on disk beyond
BLOCK_BYTES = 1 << 16
PLAN_PREFIX = plan_iri("x")[:-1]

# Where common servers put their SPARQL query endpoint, next to the Graph Store one:
# (suffix of the GSP URL, suffix of the query URL). Oxigraph, Fuseki, Virtuoso, GraphDB.
QUERY_ENDPOINT_FOR = (
    ("/store", "/query"),
    ("/data", "/sparql"),
    ("/sparql-graph-crud-auth", "/sparql"),
    ("/sparql-graph-crud", "/sparql"),
    ("/rdf-graphs/service", ""),
    ("/statements", ""),
)


def graph_url(endpoint: str, graph: str) -> str:
    """The GSP URL of one graph (indirect identification, ``?graph=``)."""
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode({"graph": graph})


def query_endpoint_for(endpoint: str) -> str | None:
    """The SPARQL query endpoint beside a Graph Store endpoint, or None if unknown."""
    base = endpoint.split("?", 1)[0].rstrip("/")
    for gsp_suffix, query_suffix in QUERY_ENDPOINT_FOR:
        if base.endswith(gsp_suffix):
            return base[: len(base) - len(gsp_suffix)] + query_suffix
    return None


def short(graph: str) -> str:
    """A graph as people name it: the plan id, or ``ontology``."""
    if graph == ONTOLOGY_GRAPH:
        return "ontology"
    return graph[len(PLAN_PREFIX):] if graph.startswith(PLAN_PREFIX) else graph


def ntriples_chunks(raw_store, graph: str, batch: int = BATCH) -> Iterator[bytes]:
    """The triples of one named graph of a :class:`pyoxigraph.Store` as N-Triples,
    ``batch`` quads per chunk."""
    import pyoxigraph

    from plankg.graph.vocab import PK_NS

    g = pyoxigraph.NamedNode(graph)
    source_text = pyoxigraph.NamedNode(PK_NS + "sourceText")
    buffer: list = []
    last: list = []
    for q in raw_store.quads_for_pattern(None, None, None, g):
        if q.predicate == source_text:
            # the plan's source text goes last: a server that sniffs the body (Virtuoso)
            # takes a body that opens with an HTML page's text for text/html
            last.append(q.triple)
            continue
        buffer.append(q.triple)
        if len(buffer) >= batch:
            yield pyoxigraph.serialize(buffer, format=pyoxigraph.RdfFormat.N_TRIPLES)
            buffer.clear()
    buffer.extend(last)
    if buffer:
        yield pyoxigraph.serialize(buffer, format=pyoxigraph.RdfFormat.N_TRIPLES)


class GraphBody:
    """One graph's N-Triples as a PUT body with a ``Content-Length``.

    The graph is written a batch at a time into a spooled temporary file (in memory up
    to :data:`SPOOL_BYTES`, on disk beyond), then sent from there in blocks: memory
    stays bounded whatever the graph's size, and the body has a length, which servers
    that ignore chunked bodies need (Virtuoso stores an empty graph from one). It can
    be sent again, which digest auth needs (the request goes a second time after the
    challenge), and so does a retry.
    """

    def __init__(self, raw_store, graph: str):
        import tempfile

        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        self.triples = 0
        for chunk in ntriples_chunks(raw_store, graph):
            self.triples += chunk.count(b"\n")
            self.file.write(chunk)
        self.length = self.file.tell()

    def __iter__(self) -> Iterator[bytes]:
        self.file.seek(0)
        while True:
            block = self.file.read(BLOCK_BYTES)
            if not block:
                return
            yield block

    def close(self) -> None:
        self.file.close()


@dataclass
class PushReport:
    """What a push did: graphs sent (with their triple counts) and graphs pruned."""

    endpoint: str
    sent: dict[str, int] = field(default_factory=dict)
    pruned: list[str] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(self.sent.values())


def graphs_to_push(store, plan_ids: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The ontology graph, then each plan graph (all, or those of ``plan_ids``).

    Raises:
        RemoteError: E610 for a plan id the store does not hold.
    """
    have = [g for g in store.graphs() if g != ONTOLOGY_GRAPH]
    if plan_ids:
        wanted = []
        for pid in plan_ids:
            g = pid if "://" in pid else plan_iri(pid)
            if g not in have:
                raise PlanKGError.make("E610", path=str(store.path),
                                       reason=f"{pid!r} is not in the store")
            wanted.append(g)
        have = list(dict.fromkeys(wanted))
    head = [ONTOLOGY_GRAPH] if ONTOLOGY_GRAPH in store.graphs() else []
    return head + have


class _Pusher:
    def __init__(self, endpoint: str, auth: http.Auth | None, retries: int,
                 timeout: float | None, on_retry: Callable[[int, str], None] | None):
        self.endpoint = endpoint
        self.retries = retries
        self.on_retry = on_retry
        self.client = http.client(auth, timeout)
        self.content_type = NTRIPLES

    def close(self) -> None:
        self.client.close()

    def exists(self, graph: str) -> bool | None:
        """Whether the server has ``graph`` (GSP ``HEAD``); None when it does not say."""
        url = graph_url(self.endpoint, graph)
        try:
            r = http.request(lambda: self.client.head(url), url, retries=0)
        except PlanKGError:
            return None
        if r.status_code == 404:
            return False
        return True if r.status_code < 300 else None

    def put(self, raw_store, graph: str) -> int:
        """Replace ``graph`` on the server; returns its triple count."""
        url = graph_url(self.endpoint, graph)
        body = GraphBody(raw_store, graph)

        def send():
            return self.client.put(url, content=body,
                                   headers={"Content-Type": self.content_type,
                                            "Content-Length": str(body.length)})

        try:
            r = http.request(send, url, retries=self.retries, on_retry=self.on_retry)
            if r.status_code == 415 and self.content_type == NTRIPLES:
                self.content_type = TURTLE  # the same bytes: N-Triples is Turtle
                r = http.request(send, url, retries=self.retries, on_retry=self.on_retry)
        finally:
            body.close()
        http.check(r, url)
        return body.triples

    def delete(self, graph: str) -> None:
        url = graph_url(self.endpoint, graph)
        r = http.request(lambda: self.client.delete(url), url, retries=self.retries,
                         on_retry=self.on_retry)
        if r.status_code != 404:
            http.check(r, url)


def server_plan_graphs(query_endpoint: str, client, retries: int = 5) -> list[str]:
    """The plan graphs a server holds (graphs under ``…/id/plan/`` naming a ``pk:Plan``)."""
    import json

    q = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a <https://w3id.org/plankg/ontology#Plan> } "
         f'FILTER(STRSTARTS(STR(?g), "{PLAN_PREFIX}")) }}')
    r = http.request(lambda: client.post(query_endpoint, data={"query": q},
                                         headers={"Accept": "application/sparql-results+json"}),
                     query_endpoint, retries=retries)
    http.check(r, query_endpoint, "E603")
    try:
        rows = json.loads(r.content)["results"]["bindings"]
    except (ValueError, KeyError, TypeError) as e:
        raise PlanKGError.make("E603", path=http.redact(query_endpoint),
                               reason=f"not SPARQL JSON results: {e}") from None
    return sorted(row["g"]["value"] for row in rows if "g" in row)


def _names(graphs: list[str], limit: int = 8) -> str:
    names = [short(g) for g in graphs]
    more = f" … and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def push(store_path: str | os.PathLike | None, endpoint: str, *,
         plan_ids: list[str] | tuple[str, ...] = (), prune: bool = False,
         auth: http.Auth | None = None, retries: int = 5, timeout: float | None = 120.0,
         query_endpoint: str | None = None,
         on_graph: Callable[[str, int], None] | None = None,
         on_retry: Callable[[int, str], None] | None = None) -> PushReport:
    """Send the store's graphs to ``endpoint`` (a SPARQL 1.1 Graph Store endpoint).

    Args:
        store_path: the local store (opened read-only).
        endpoint: e.g. ``http://127.0.0.1:7878/store`` (Oxigraph).
        plan_ids: only these plans (and the ontology graph); default every plan.
        prune: afterwards delete the server's plan graphs that are not local.
        auth: credentials (basic, or digest when the server asks).
        retries: retries per request on connection errors and 5xx answers.
        timeout: seconds without progress before a request is given up.
        query_endpoint: the server's SPARQL query endpoint (for ``prune``).
        on_graph: called with (graph IRI, triples) after each graph is on the server.
    Returns:
        a :class:`PushReport`.
    Raises:
        RemoteError: E601 (saying which graphs are on the server) when a graph could
            not be sent; E605 for a bad URL; E610 for an unknown plan id.
        StoreError: E301 when there is no local store.
    """
    from plankg.store.embedded import Store

    http.validate_url(endpoint)
    report = PushReport(endpoint)
    with Store(store_path, read_only=True) as st:
        graphs = graphs_to_push(st, plan_ids)
        local = set(g for g in st.graphs() if g != ONTOLOGY_GRAPH)
        if prune:
            query_endpoint = query_endpoint or query_endpoint_for(endpoint)
            if not query_endpoint:
                raise PlanKGError.make("E605", path=http.redact(endpoint),
                                       reason="--prune needs the server's SPARQL query "
                                              "endpoint; give --query-endpoint URL")
            http.validate_url(query_endpoint)
        pusher = _Pusher(endpoint, auth, retries, timeout, on_retry)
        try:
            if graphs:
                # one cheap request first, so that digest auth has the server's
                # challenge before the first body goes out (which is then sent once)
                pusher.exists(graphs[0])
            for g in graphs:
                try:
                    report.sent[g] = pusher.put(st.raw, g)
                except PlanKGError as e:
                    raise _incomplete(pusher, graphs, report, e) from None
                if on_graph:
                    on_graph(g, report.sent[g])
            if prune:
                for g in server_plan_graphs(query_endpoint, pusher.client, retries):
                    if g not in local:
                        pusher.delete(g)
                        report.pruned.append(g)
        finally:
            pusher.close()
    return report


def _incomplete(pusher: _Pusher, graphs: list[str], report: PushReport,
                cause: PlanKGError) -> PlanKGError:
    """E601 saying what is on the server now, so the user knows a re-run finishes it."""
    done = [g for g in graphs if g in report.sent]
    rest = [g for g in graphs if g not in report.sent]
    missing, old, unknown = [], [], []
    for g in rest:
        state = pusher.exists(g) if not unknown else None  # stop asking once it is down
        (old if state else missing if state is False else unknown).append(g)
    parts = [f"{cause.code} {cause.reason}",
             f"{len(done)} of {len(graphs)} graphs are up to date on the server"
             + (f" ({_names(done)})" if done else "")]
    if missing:
        parts.append(f"not on the server: {_names(missing)}")
    if old:
        parts.append(f"on the server in an older version: {_names(old)}")
    if unknown:
        parts.append(f"not sent, the server did not say whether it has them: {_names(unknown)}")
    parts.append("run the same push again to finish")
    return PlanKGError.make("E601", path=http.redact(pusher.endpoint), reason="; ".join(parts))
