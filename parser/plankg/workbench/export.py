"""``plankg export``: the store (or some plans) as files for pandas, R, Excel or RDF tools.

Formats (everything UTF-8, everything streamed: rows and quads are written as the
store yields them, one named graph at a time, never the whole store in memory):

* ``csv`` — one ``KIND.csv`` per kind of :data:`KINDS`, with the columns of the
  contract query (``queries/KIND.rq``) plus ``plan`` (the plan IRI) and ``iri`` (the
  thing the row is about), and ``README.txt`` describing every column
  (``data/export_columns.tsv``). ``excel=True`` starts each file with the byte-order
  mark Excel needs to recognise UTF-8.
* ``json`` — ``KIND.json``, an array of one object per row, same columns.
* ``jsonld`` — one ``PLAN.jsonld`` per plan graph (and ``ontology.jsonld``), compacted
  with the context published as ``ontology/context.jsonld`` (inlined, so the file
  parses offline): ``"title": "…"``, ``"target": {"value": "55", "year": "2025"}``.
  A node whose IRI extends its only referrer's (``…/indicator/3/target``) is nested
  inside it.
* ``trig`` / ``nquads`` — ``plankg.trig`` / ``plankg.nq``, the named graphs as they are.

With ``web_annotation=True`` (``--web-annotation``) the RDF formats also carry each
node's span in the Web Annotation form (``prov:wasDerivedFrom`` an
``oa:SpecificResource`` with an ``oa:TextPositionSelector`` and an
``oa:TextQuoteSelector`` holding the quoted text), built by
``queries/export/web_annotation.rq`` one plan graph at a time, for tools that expect
Web Annotation rather than plankg's compact ``pk:start``/``pk:end``.

The contract queries are reused as they are: ``?plan`` and ``(?X AS ?iri)`` are added
to their projection, where ``?X`` is the variable :data:`SUBJECT` names for the kind
(the node a row is about).
"""
from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path
from typing import Any, Iterable, Iterator

from plankg.errors import PlanKGError
from plankg.paths import DATA_DIR, ontology_dir, queries_dir
from plankg.store.queries import restrict

# kind (file name) → contract query name
KINDS = {
    "plans": "plans", "chapters": "chapters", "sections": "sections", "measures": "measures",
    "columns": "columns", "projects": "projects", "quantities": "project_quantities",
    "indicators": "indicators", "service_items": "service_items",
    "responsibilities": "responsibilities",
}
# kind → the variable of the node a row is about (its ``?iri``): named, not guessed from
# the query's first pattern, which a query may start elsewhere for speed (service_items
# starts at its list rows, responsibilities at the department quads)
SUBJECT = {
    "plans": "plan", "chapters": "c", "sections": "s", "measures": "k", "columns": "col",
    "projects": "p", "quantities": "q", "indicators": "i", "service_items": "s",
    "responsibilities": "x",
}
FORMATS = ("csv", "json", "jsonld", "trig", "nquads")
CONTEXT_FILE = "context.jsonld"
CONTEXT_URL = "https://w3id.org/plankg/context.jsonld"
_SELECT = re.compile(r"(SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?)(.*?)(\s+WHERE\s*\{)", re.S | re.I)


# --- the queries ---------------------------------------------------------------------

def kind_query(kind: str) -> str:
    """The contract query of ``kind`` with ``?plan`` and ``?iri`` added to its projection.

    >>> q = kind_query("indicators")
    >>> "?plan (?i AS ?iri) WHERE" in q
    True
    """
    from plankg.workbench.sparqlrun import sparql

    f = queries_dir() / f"{KINDS[kind]}.rq"
    text = f.read_text(encoding="utf-8") if f.is_file() else sparql(KINDS[kind])
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    m = _SELECT.search(body)
    if not m:
        raise PlanKGError.make("E701", path=str(f), reason="not a SELECT query")
    subject = SUBJECT[kind]
    if not re.search(rf"\?{subject}\b", body):
        raise PlanKGError.make("E701", path=str(f), reason=f"no ?{subject}: cannot tell what a row is about")
    projected = set(re.findall(r"\?(\w+)", re.sub(r"\(.*?\)", "", m.group(2))))
    extra = ("" if "plan" in projected else " ?plan") + f" (?{subject} AS ?iri)"
    return body[:m.end(2)] + extra + body[m.end(2):]


def _plan_iris(store: Any, plans: Iterable[str]) -> set[str] | None:
    from plankg.graph.rdf import plan_iri

    wanted = [p for p in plans if p]
    if not wanted:
        return None
    have = {p["plan"] for p in store.plans()}
    out = set()
    for p in wanted:
        iri = p if "://" in p else plan_iri(p)
        if iri not in have:
            ids = ", ".join(sorted(h.rpartition("/plan/")[2] for h in have)) or "(none)"
            raise PlanKGError.make("E702", reason=f"{p!r}; plans in the store: {ids}")
        out.add(iri)
    return out


def kind_rows(store: Any, kind: str, plans: set[str] | None = None
              ) -> tuple[list[str], Iterator[list[str]]]:
    """``(header, rows)`` of one kind, rows streamed from the store."""
    from plankg.store.queries import term_text

    results = store.query(restrict(kind_query(kind), plans))
    header = [v.value for v in results.variables]
    plan_at = header.index("plan")

    def rows() -> Iterator[list[str]]:
        for sol in results:
            row = [term_text(sol[h]) for h in header]
            if plans is None or row[plan_at] in plans:
                yield row
    return header, rows()


def column_meanings() -> dict[str, str]:
    """column → meaning, from ``data/export_columns.tsv``."""
    path = DATA_DIR / "export_columns.tsv"
    out = {}
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("column\t"):
            continue
        cells = line.split("\t")
        if len(cells) != 2:
            raise PlanKGError.make("E200", path=str(path), line=no, reason="want column<TAB>meaning")
        out[cells[0]] = cells[1]
    return out


# --- writers -------------------------------------------------------------------------

def _open(path: Path, mode: str = "w", **kw: Any):
    try:
        return open(path, mode, **kw)
    except OSError as e:
        raise PlanKGError.make("E701", path=str(path), reason=e.strerror or str(e)) from None


def _tabular(store: Any, out: Path, fmt: str, plans: set[str] | None, excel: bool,
             step) -> list[Path]:
    written = []
    headers: dict[str, list[str]] = {}
    for kind, query in KINDS.items():
        header, rows = kind_rows(store, kind, plans)
        headers[kind] = header
        path = out / f"{kind}.{fmt}"
        with _open(path, "w", encoding="utf-8-sig" if excel and fmt == "csv" else "utf-8",
                   newline="") as f:
            if fmt == "csv":
                w = csv.writer(f, lineterminator="\r\n" if excel else "\n")
                w.writerow(header)
                for row in rows:
                    w.writerow(row)
            else:
                f.write("[")
                first = True
                for row in rows:
                    f.write(("\n " if first else ",\n ")
                            + json.dumps(dict(zip(header, row)), ensure_ascii=False))
                    first = False
                f.write("\n]\n")
        written.append(path)
        step(label=f"export {kind}")
    meanings = column_meanings()
    lines = [f"plankg export ({fmt}): one file per kind, one row per thing, UTF-8"
             + (" with a byte-order mark (Excel)." if excel and fmt == "csv" else "."),
             "Each kind has the columns of its contract query (queries/QUERY.rq; see",
             "CONTRACT.md) plus plan and iri.", ""]
    for kind, header in headers.items():
        lines.append(f"{kind}.{fmt}  (query: {KINDS[kind]})")
        for h in header:
            lines.append(f"  {h}: {meanings.get(h, f'see queries/{KINDS[kind]}.rq')}")
        lines.append("")
    readme = out / "README.txt"
    with _open(readme, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return written + [readme]


def _graphs(store: Any, plans: set[str] | None) -> list[str]:
    graphs = store.graphs()
    if plans is not None:
        return [g for g in graphs if g in plans]
    return graphs


def _quads(store: Any, graph: str):
    import pyoxigraph

    return store.raw.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph))


def _graph_quads(store: Any, graph: str, web_annotation: bool):
    """``graph``'s quads, and with ``web_annotation`` the Web Annotation form of its spans
    (``queries/export/web_annotation.rq``) for tools that expect ``oa:`` selectors."""
    yield from _quads(store, graph)
    if web_annotation:
        from plankg.graph.vocab import ONTOLOGY_GRAPH
        from plankg.store.quotes import web_annotation_quads

        if graph != ONTOLOGY_GRAPH:
            yield from web_annotation_quads(store, [graph])


def _rdf_dump(store: Any, out: Path, fmt: str, plans: set[str] | None, step,
              web_annotation: bool = False) -> list[Path]:
    import pyoxigraph

    from plankg.graph.vocab import PREFIXES

    path = out / ("plankg.trig" if fmt == "trig" else "plankg.nq")
    rdf_format = pyoxigraph.RdfFormat.TRIG if fmt == "trig" else pyoxigraph.RdfFormat.N_QUADS

    def every_quad():
        for g in _graphs(store, plans):
            yield from _graph_quads(store, g, web_annotation)
            step(label=f"export {g.rpartition('/')[2]}")

    with _open(path, "wb") as f:
        pyoxigraph.serialize(every_quad(), f, rdf_format,
                             prefixes=dict(PREFIXES) if fmt == "trig" else None)
    return [path]


def load_context() -> dict[str, Any]:
    """The published JSON-LD context (``ontology/context.jsonld``)'s ``@context`` object."""
    path = ontology_dir() / CONTEXT_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))["@context"]
    except (OSError, ValueError, KeyError) as e:
        raise PlanKGError.make("E200", path=str(path), reason=str(e)) from None


class _Compactor:
    """Turns one graph's quads into compacted JSON-LD node objects under a context."""

    XSD = "http://www.w3.org/2001/XMLSchema#"
    RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

    def __init__(self, context: dict[str, Any]):
        self.prefixes = {k: v for k, v in context.items()
                         if isinstance(v, str) and not k.startswith("@")}
        self.terms: dict[str, tuple[str, str | None]] = {}  # predicate IRI → (term, @type)
        for k, v in context.items():
            if isinstance(v, dict) and "@id" in v:
                self.terms[self.expand(v["@id"])] = (k, self.expand(v["@type"]) if v.get("@type")
                                                     and v["@type"] != "@id" else v.get("@type"))

    def expand(self, s: str) -> str:
        p, _, local = s.partition(":")
        return self.prefixes[p] + local if p in self.prefixes and not local.startswith("//") else s

    def compact_iri(self, iri: str) -> str:
        best = max(((p, ns) for p, ns in self.prefixes.items() if iri.startswith(ns)
                    and re.fullmatch(r"[A-Za-z_][\w.-]*", iri[len(ns):] or "-")),
                   key=lambda x: len(x[1]), default=None)
        return f"{best[0]}:{iri[len(best[1]):]}" if best else iri

    def value(self, obj: Any, coerce: str | None) -> Any:
        kind = type(obj).__name__
        if kind == "NamedNode":
            return obj.value if coerce == "@id" else {"@id": obj.value}
        if kind == "BlankNode":
            return f"_:{obj.value}" if coerce == "@id" else {"@id": f"_:{obj.value}"}
        lex, dt = obj.value, obj.datatype.value
        if obj.language:
            return {"@value": lex, "@language": obj.language}
        if coerce and coerce != "@id":
            if dt == coerce:
                return lex
            return {"@value": lex, "@type": dt}
        if dt == self.XSD + "string":
            return lex if coerce != "@id" else {"@value": lex}
        if coerce != "@id":
            if dt == self.XSD + "integer" and re.fullmatch(r"-?(0|[1-9]\d*)", lex) \
                    and abs(int(lex)) < 2 ** 53:
                return int(lex)
            if dt == self.XSD + "boolean" and lex in ("true", "false"):
                return lex == "true"
        return {"@value": lex, "@type": dt}

    def nodes(self, quads: Iterable[Any]) -> list[dict[str, Any]]:
        props: dict[str, dict[str, list[Any]]] = {}
        order: list[str] = []
        refs: dict[str, list[str]] = {}
        for q in quads:
            s = q.subject.value if type(q.subject).__name__ == "NamedNode" else f"_:{q.subject.value}"
            if s not in props:
                props[s] = {}
                order.append(s)
            if q.predicate.value == self.RDF_TYPE and type(q.object).__name__ == "NamedNode":
                props[s].setdefault("@type", []).append(self.compact_iri(q.object.value))
                continue
            term, coerce = self.terms.get(q.predicate.value, (self.compact_iri(q.predicate.value), None))
            props[s].setdefault(term, []).append(self.value(q.object, coerce))
            if type(q.object).__name__ == "NamedNode":
                refs.setdefault(q.object.value, []).append(s)
        # nest a node whose IRI extends its one referrer's (…/indicator/3/target)
        nested: dict[str, str] = {}
        for o, who in refs.items():
            if o in props and len(who) == 1 and o.startswith(who[0] + "/"):
                nested[o] = who[0]

        def build(s: str) -> dict[str, Any]:
            node: dict[str, Any] = {"@id": s}
            for k, vs in sorted(props[s].items(), key=lambda kv: kv[0] != "@type"):
                out = []
                for v in vs:
                    target = v if isinstance(v, str) else v.get("@id") if isinstance(v, dict) else None
                    if isinstance(target, str) and nested.get(target) == s:
                        out.append(build(target))
                    else:
                        out.append(v)
                node[k] = out[0] if len(out) == 1 else out
            return node

        return [build(s) for s in order if s not in nested]


def _jsonld(store: Any, out: Path, plans: set[str] | None, step,
            web_annotation: bool = False) -> list[Path]:
    from plankg.graph.vocab import ONTOLOGY_GRAPH

    context = load_context()
    compactor = _Compactor(context)
    written = []
    for g in _graphs(store, plans):
        name = "ontology" if g == ONTOLOGY_GRAPH else re.sub(r"[^\w.-]", "_", g.rpartition("/plan/")[2]
                                                            or g.rpartition("/")[2])
        doc = {"@context": context, "@id": g, "@graph": compactor.nodes(_graph_quads(store, g, web_annotation))}
        path = out / f"{name}.jsonld"
        with _open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)
            f.write("\n")
        written.append(path)
        step(label=f"export {name}")
    return written


def export(store: Any, out: Path, fmt: str, *, plans: Iterable[str] = (), excel: bool = False,
           quiet: bool = False, web_annotation: bool = False) -> list[Path]:
    """Write ``store`` (a :class:`plankg.store.embedded.Store`) into directory ``out``.

    Returns:
        the files written.
    Raises:
        WorkbenchError: E701 when ``out`` cannot be written, E702 for an unknown plan id.
    """
    from plankg.workbench.progress import progress

    if fmt not in FORMATS:
        raise PlanKGError.make("E705", reason=f"--format {fmt!r}; one of {', '.join(FORMATS)}")
    if web_annotation and fmt in ("csv", "json"):
        raise PlanKGError.make("E705", reason=f"--web-annotation is for the RDF formats "
                                              f"(jsonld, trig, nquads), not {fmt}")
    wanted = _plan_iris(store, plans)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PlanKGError.make("E701", path=str(out), reason=e.strerror or str(e)) from None
    total = len(KINDS) if fmt in ("csv", "json") else len(_graphs(store, wanted))
    with progress("export", total=total, enabled=False if quiet else None) as step:
        if fmt in ("csv", "json"):
            return _tabular(store, out, fmt, wanted, excel, step)
        if fmt == "jsonld":
            return _jsonld(store, out, wanted, step, web_annotation)
        return _rdf_dump(store, out, fmt, wanted, step, web_annotation)


def export_store(store_path: str | os.PathLike | None, out: Path, fmt: str, **kw: Any) -> list[Path]:
    """:func:`export` from the store at ``store_path`` (opened read-only)."""
    from plankg.store.embedded import Store

    with Store(store_path, read_only=True) as st:
        return export(st, out, fmt, **kw)
