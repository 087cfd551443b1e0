"""``plankg query QUERY --endpoint URL``: a named query run by a remote SPARQL server.

The same query text and the same output as a local query (:mod:`plankg.store.queries`
formats both), so the query library serves a team server as it serves the local store.
Three things differ between the embedded store and a server, and are bridged here:

1. **Prefixes.** Locally the plankg prefixes (``pk:``, ``dcterms:`` …) are predeclared;
   a server knows none, so every one the query does not declare itself is put in front.
2. **The default graph.** Locally a query's default graph is the union of all graphs
   (plans and ontology). A server may do the same (``oxigraph serve
   --union-default-graph``, Virtuoso) or keep a separate, usually empty, default graph
   (Oxigraph and Fuseki out of the box). Which one it does is asked once per query
   (:func:`union_default_graph`: is a triple of some named graph also in the default
   graph?); where it does not, the request names the dataset with the protocol's
   ``default-graph-uri`` (every named graph, so the default graph is their merge, as
   locally) and ``named-graph-uri`` (every named graph again, so ``GRAPH ?plan`` sees
   them all). The contract queries already keep plan data inside ``GRAPH ?plan``, so
   on either kind of server they give the rows the local store gives.
3. **Results.** The server answers SPARQL JSON results (or N-Triples for CONSTRUCT);
   pyoxigraph reads them back into the very objects a local query returns, and
   :func:`plankg.store.queries.format_results` writes table, csv or json from those.

>>> with_prefixes("SELECT * { ?s a pk:Plan }").splitlines()[0]
'PREFIX pk: <https://w3id.org/plankg/ontology#>'
>>> "PREFIX pk:" in with_prefixes("PREFIX pk: <x#>\\nSELECT * { ?s a pk:Plan }").split("\\n", 1)[1]
True
"""
from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from plankg.errors import PlanKGError
from plankg.graph.vocab import PREFIXES
from plankg.remote import http

RESULTS_JSON = "application/sparql-results+json"
ACCEPT = (f"{RESULTS_JSON}, application/sparql-results+xml;q=0.9, "
          "application/n-triples;q=0.8, text/turtle;q=0.7")
_DECLARED = re.compile(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:")


def with_prefixes(sparql: str) -> str:
    """``sparql`` with a ``PREFIX`` line in front for each plankg prefix it does not
    declare (a declaration in the query wins; unused ones are harmless)."""
    declared = set(m.group(1) or "" for m in _DECLARED.finditer(sparql))
    head = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()
                   if p not in declared)
    return head + sparql


class Endpoint:
    """A remote SPARQL 1.1 Protocol endpoint (``http://HOST:PORT/query`` on Oxigraph).

    Args:
        url: the query endpoint.
        auth: credentials, if the server wants them.
        timeout: seconds to wait for an answer (None: forever).
        retries: retries on connection errors and 5xx answers.
    """

    def __init__(self, url: str, *, auth: http.Auth | None = None,
                 timeout: float | None = 60.0, retries: int = 2):
        self.url = http.validate_url(url)
        self.retries = retries
        self.client = http.client(auth, timeout)
        self._dataset: list[str] | None = None
        self._probed = False

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Endpoint":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the protocol -----------------------------------------------------------------

    def post(self, sparql: str, dataset: list[str] | None = None, accept: str = ACCEPT):
        """POST one query (form-encoded); returns the successful ``httpx.Response``."""
        data: list[tuple[str, str]] = [("query", sparql)]
        for g in dataset or ():
            data.append(("default-graph-uri", g))
        for g in dataset or ():
            data.append(("named-graph-uri", g))
        body = urlencode(data).encode("ascii")
        headers = {"Accept": accept,
                   "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        r = http.request(lambda: self.client.post(self.url, content=body, headers=headers),
                         self.url, retries=self.retries)
        if r.status_code >= 400:
            code = "E401" if _looks_like_syntax_error(r) else "E603"
            raise PlanKGError.make(code, path=http.redact(self.url),
                                   reason=f"HTTP {r.status_code}: {http.snippet(r, 300)}")
        return r

    def select(self, sparql: str, dataset: list[str] | None = None) -> list[dict]:
        """A SELECT's bindings as SPARQL-JSON dicts (for the small probes)."""
        r = self.post(sparql, dataset, accept=RESULTS_JSON)
        try:
            return json.loads(r.content)["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as e:
            raise PlanKGError.make("E603", path=http.redact(self.url),
                                   reason=f"not SPARQL JSON results: {e}") from None

    # --- the dataset ------------------------------------------------------------------

    def named_graphs(self) -> list[str]:
        """Every named graph the server holds."""
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return sorted(r["g"]["value"] for r in rows if r.get("g", {}).get("type") == "uri")

    def union_default_graph(self) -> bool:
        """Whether the server's default graph already holds its named graphs' triples.

        Asked with one triple taken from a named graph: if the default graph has it
        too, the server unions (or the data was also put in the default graph, which
        answers the same). A server without named graphs counts as unioning: there is
        nothing to add.
        """
        rows = self.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1")
        if not rows:
            return True
        term = {k: _term(v) for k, v in rows[0].items()}
        if any(t is None for t in term.values()) or len(term) < 3:
            return True  # a blank node cannot be asked about by name; do not guess
        r = self.post(f"ASK {{ {term['s']} {term['p']} {term['o']} }}", accept=RESULTS_JSON)
        try:
            return bool(json.loads(r.content)["boolean"])
        except (ValueError, KeyError, TypeError) as e:
            raise PlanKGError.make("E603", path=http.redact(self.url),
                                   reason=f"not SPARQL JSON results: {e}") from None

    def dataset(self) -> list[str] | None:
        """The graphs to name in each request, or None when the server unions itself."""
        if not self._probed:
            self._probed = True
            self._dataset = None if self.union_default_graph() else self.named_graphs()
        return self._dataset

    # --- running a query as the local store does --------------------------------------

    def query(self, sparql: str):
        """Run ``sparql`` with the local store's semantics; returns pyoxigraph
        ``QuerySolutions`` / ``QueryBoolean``, or a list of triples for CONSTRUCT."""
        import pyoxigraph

        r = self.post(with_prefixes(sparql), self.dataset())
        ctype = r.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if ctype in (RESULTS_JSON, "application/json"):
                return pyoxigraph.parse_query_results(r.content, pyoxigraph.QueryResultsFormat.JSON)
            if ctype in ("application/sparql-results+xml", "application/xml"):
                return pyoxigraph.parse_query_results(r.content, pyoxigraph.QueryResultsFormat.XML)
            if ctype in ("application/n-triples", "text/turtle", "text/plain"):
                return list(pyoxigraph.parse(r.content, format=pyoxigraph.RdfFormat.TURTLE))
        except (SyntaxError, ValueError) as e:
            raise PlanKGError.make("E603", path=http.redact(self.url),
                                   reason=f"cannot read the answer ({ctype}): "
                                          + " ".join(str(e).split())) from None
        raise PlanKGError.make("E603", path=http.redact(self.url),
                               reason=f"unexpected answer type {ctype or '(none)'}")


def execute_remote(sparql: str, endpoint: str, fmt: str = "table", *,
                   auth: http.Auth | None = None, timeout: float | None = 60.0) -> str:
    """Run ``sparql`` on a remote endpoint and format it like a local query.

    Raises:
        RemoteError: E600 unreachable, E603 the server refused or answered nonsense,
            E604 no answer within ``timeout``, E605 bad URL.
        QueryError: E401 when the server says the SPARQL is wrong.
    """
    from plankg.store.queries import format_results

    with Endpoint(endpoint, auth=auth, timeout=timeout) as ep:
        results = ep.query(sparql)
    if isinstance(results, list):
        return _triples_text(results, fmt)
    return format_results(results, fmt)


def _triples_text(triples: list, fmt: str) -> str:
    """CONSTRUCT/DESCRIBE answers as a local query writes them."""
    import pyoxigraph

    if fmt == "json":
        return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.JSON_LD).decode() + "\n"
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES).decode()


def _term(binding: dict) -> str | None:
    """A SPARQL-JSON binding as SPARQL text (None for a blank node)."""
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return f"<{value}>"
    if kind in ("literal", "typed-literal"):
        text = json.dumps(value, ensure_ascii=False)  # a valid SPARQL string literal
        if binding.get("xml:lang"):
            return f"{text}@{binding['xml:lang']}"
        if binding.get("datatype"):
            return f"{text}^^<{binding['datatype']}>"
        return text
    return None


def _looks_like_syntax_error(response) -> bool:
    if response.status_code != 400:
        return False
    text = http.snippet(response, 500).lower()
    return any(w in text for w in ("syntax", "parse error", "parser error", "lexical error",
                                   "encountered"))
