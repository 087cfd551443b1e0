"""An endpoint worker: evaluates one query at a time on the newest store snapshot.

Run as ``python -m plankg.endpoint.worker SNAPSHOT_DIR`` by :mod:`plankg.endpoint.server`.
It reads one request per line on stdin, a JSON object ``{"query", "format",
"max_rows"}``, and answers on stdout with one JSON header line ``{"status",
"type", "length", "cut", "error"}`` followed by ``length`` bytes of body. Before each
query it looks at the published snapshot name (:func:`plankg.store.snapshot.current`)
and opens the new snapshot if there is one; a query that fails because an old
snapshot was removed under it is run again once on the newest. The server kills a
worker whose answer is late; nothing here needs to know about time.

Results are written here (not by Oxigraph's serializers) so that a ``max_rows`` cut
can stop reading solutions early: at most ``max_rows`` rows are read and rendered,
and ``cut`` says the answer had more.

>>> from plankg.store.embedded import Store
>>> st = Store.in_memory()
>>> ctype, body, cut = render(st.query("SELECT ?n { VALUES ?n { 1 2 3 } }"), "csv", 2)
>>> ctype, body.decode(), cut
('text/csv; charset=utf-8', 'n\\r\\n1\\r\\n2\\r\\n', True)
>>> render(st.query("ASK {}"), "json", 10)[1]
b'{"head": {}, "boolean": true}'
"""
from __future__ import annotations

import csv
import io
import json
import sys
from itertools import islice
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from plankg.errors import PlanKGError

TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "ntriples": "application/n-triples",
    "turtle": "text/turtle",
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
STATUS = {"E401": 400, "E402": 500, "E403": 503, "E404": 413, "E405": 503}


def _json_term(t) -> dict:
    kind = type(t).__name__
    if kind == "NamedNode":
        return {"type": "uri", "value": t.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": t.value}
    if kind == "Literal":
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != XSD_STRING:
            out["datatype"] = t.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(t.subject),
                                        "predicate": _json_term(t.predicate),
                                        "object": _json_term(t.object)}}


def _xml_term(t) -> str:
    kind = type(t).__name__
    if kind == "NamedNode":
        return f"<uri>{escape(t.value)}</uri>"
    if kind == "BlankNode":
        return f"<bnode>{escape(t.value)}</bnode>"
    if kind == "Literal":
        attr = (f" xml:lang={quoteattr(t.language)}" if t.language else
                "" if t.datatype.value == XSD_STRING else f" datatype={quoteattr(t.datatype.value)}")
        return f"<literal{attr}>{escape(t.value)}</literal>"
    return f"<literal>{escape(str(t))}</literal>"


def _plain(t) -> str:
    if t is None:
        return ""
    kind = type(t).__name__
    if kind == "BlankNode":
        return "_:" + t.value
    return t.value if kind in ("NamedNode", "Literal") else str(t)


def render(results, fmt: str, max_rows: int | None) -> tuple[str, bytes, bool]:
    """``(content type, body, cut)`` for query results in ``fmt`` with at most
    ``max_rows`` rows (``None``: all). Graph results are N-Triples unless ``fmt`` is
    ``turtle``; a boolean is JSON or XML (``true``/``false`` as text otherwise)."""
    import pyoxigraph

    limit = None if not max_rows else max_rows + 1
    if isinstance(results, pyoxigraph.QueryBoolean):
        value = bool(results)
        if fmt == "xml":
            body = ('<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                    f"<head/><boolean>{str(value).lower()}</boolean></sparql>")
            return TYPES["xml"], body.encode(), False
        if fmt in ("csv", "tsv"):
            return "text/plain; charset=utf-8", str(value).lower().encode(), False
        return TYPES["json"], json.dumps({"head": {}, "boolean": value}).encode(), False
    if isinstance(results, pyoxigraph.QueryTriples):
        triples = list(islice(results, limit))
        cut = limit is not None and len(triples) > max_rows
        triples = triples[:max_rows] if cut else triples
        rdf = pyoxigraph.RdfFormat.TURTLE if fmt == "turtle" else pyoxigraph.RdfFormat.N_TRIPLES
        key = "turtle" if fmt == "turtle" else "ntriples"
        return TYPES[key], pyoxigraph.serialize(triples, format=rdf), cut
    names = [v.value for v in results.variables]
    rows = list(islice(results, limit))
    cut = limit is not None and len(rows) > max_rows
    rows = rows[:max_rows] if cut else rows
    if fmt == "csv" or fmt == "tsv":
        buf = io.StringIO()
        if fmt == "csv":
            w = csv.writer(buf, lineterminator="\r\n")
            w.writerow(names)
            w.writerows([_plain(r[n]) for n in names] for r in rows)
        else:
            buf.write("\t".join("?" + n for n in names) + "\n")
            for r in rows:
                buf.write("\t".join("" if r[n] is None else str(r[n]) for n in names) + "\n")
        return TYPES[fmt], buf.getvalue().encode("utf-8"), cut
    if fmt == "xml":
        out = ['<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out += [f"<variable name={quoteattr(n)}/>" for n in names]
        out.append("</head><results>")
        for r in rows:
            out.append("<result>")
            out += [f"<binding name={quoteattr(n)}>{_xml_term(r[n])}</binding>"
                    for n in names if r[n] is not None]
            out.append("</result>")
        out.append("</results></sparql>")
        return TYPES["xml"], "".join(out).encode("utf-8"), cut
    data = {"head": {"vars": names},
            "results": {"bindings": [{n: _json_term(r[n]) for n in names if r[n] is not None}
                                     for r in rows]}}
    return TYPES["json"], json.dumps(data, ensure_ascii=False).encode("utf-8"), cut


class Worker:
    """Answers requests on the newest snapshot in ``directory``."""

    def __init__(self, directory: str):
        self.directory = Path(directory)
        self.opened: Path | None = None
        self.store = None

    def _newest(self) -> None:
        from plankg.store.embedded import Store
        from plankg.store.snapshot import current

        snap = current(self.directory)
        if snap is None or snap == self.opened:
            return
        try:
            store = Store(snap, read_only=True)
        except PlanKGError:
            if self.store is None:
                raise
            return  # keep the one we have; the next request looks again
        self.store, self.opened = store, snap

    def answer(self, req: dict) -> tuple[dict, bytes]:
        for attempt in (0, 1):
            try:
                self._newest()
                if self.store is None:
                    raise PlanKGError.make("E405", reason="no snapshot of the store yet")
                results = self.store.query(req["query"])
                ctype, body, cut = render(results, req.get("format", "json"),
                                          req.get("max_rows"))
                return {"status": 200, "type": ctype, "cut": cut}, body
            except PlanKGError as e:
                if e.code == "E402" and attempt == 0:  # an old snapshot removed under us
                    self.opened = None
                    continue
                return _error(e)
            except OSError as e:
                if attempt == 0:
                    self.opened = None
                    continue
                return _error(PlanKGError.make("E402", reason=" ".join(str(e).split())))
        raise AssertionError("unreachable")


def _error(e: PlanKGError) -> tuple[dict, bytes]:
    return ({"status": STATUS.get(e.code, 500), "type": "text/plain; charset=utf-8",
             "cut": False, "error": e.code}, (str(e) + "\n").encode("utf-8"))


def main(argv: list[str] | None = None) -> None:
    """Serve requests from stdin until it closes."""
    args = sys.argv[1:] if argv is None else argv
    worker = Worker(args[0])
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        try:
            req = json.loads(line)
            head, body = worker.answer(req)
        except (ValueError, KeyError, TypeError) as e:
            head, body = _error(PlanKGError.make("E405", reason=f"bad request to worker: {e}"))
        head["length"] = len(body)
        out.write(json.dumps(head).encode() + b"\n" + body)
        out.flush()


if __name__ == "__main__":  # pragma: no cover
    main()
