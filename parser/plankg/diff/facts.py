"""A plan's graph → the things a diff compares, read the same way for files and the store.

A plan file is parsed and turned into its graph (:func:`plankg.graph.rdf.plan_nquads`);
a plan id is copied out of the store. Either way the diff reads one graph in a small
in-memory store with the queries here, so a file and its copy in the store diff as
equal, and nothing else in the store matters.

Each node becomes an :class:`Item`: its diff kind (``chapter`` … ``service_item``), its
name (title, lead phrase, indicator name), its parent and its place among its
siblings (for aligning renames), its comparable fields (an indicator's baseline and
target …), its quantities and the departments responsible for it.

>>> norm("  （一）“十四五” 托育服务， ")
'(一)十四五托育服务'
>>> same_value("4.50", "4.5"), same_value("４.５", "4.5"), same_value("应保尽保", "95")
(True, True, False)
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from plankg.errors import PlanKGError

PK = "https://w3id.org/plankg/ontology#"

# ontology class → diff kind (the CONTRACT's kinds); parts, subsections, tables and
# service domains are read only as parents (context for alignment)
KIND_OF_CLASS = {
    "Chapter": "chapter", "Section": "section", "KeyTask": "measure", "Column": "column",
    "Project": "project", "Indicator": "indicator", "ServiceItem": "service_item",
}
CONTEXT_CLASSES = ("Part", "Subsection", "Table", "ServiceDomainEntry")

_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』《》〈〉")
_DASHES = re.compile(r"[—–－‐‑‒―~～]+")
_EDGE_PUNCT = "。．.；;，,：:、！!？? "


def norm(text: str | None) -> str:
    """Text as compared: NFKC (full-width → ASCII), no whitespace, no quotes, one kind
    of dash, no punctuation at either end. Two layouts of one plan agree on it."""
    s = unicodedata.normalize("NFKC", text or "")
    s = re.sub(r"\s+", "", s).translate(_QUOTES)
    s = _DASHES.sub("-", s)
    return s.strip(_EDGE_PUNCT).lower()


def same_value(a: str | None, b: str | None) -> bool:
    """Whether two field values mean the same: as numbers when both are, else as text."""
    na, nb = norm(a), norm(b)
    if na == nb:
        return True
    try:
        return Decimal(na) == Decimal(nb)
    except (InvalidOperation, ValueError):
        return False


@dataclass
class Item:
    """One node of a plan, as the diff sees it."""

    iri: str
    kind: str           # chapter section measure column project indicator service_item
    cls: str            # its ontology class (local name)
    name: str           # as the plan writes it
    order: int          # document order
    parent: str | None  # IRI of the enclosing node
    text: str = ""      # body (key task, project description)
    fields: dict[str, str] = field(default_factory=dict)
    quantities: list[dict[str, str]] = field(default_factory=list)
    departments: list[tuple[str, str]] = field(default_factory=list)  # (name, role)
    index: int = 0      # place among the parent's children of the same kind
    extra_targets: list[tuple[str, str, str]] = field(default_factory=list)  # (year, value, comparator)

    @property
    def key(self) -> str:
        return norm(self.name)


@dataclass
class PlanFacts:
    """Everything the diff compares in one plan."""

    label: str                       # what the user named (file or plan id)
    iri: str
    plan: dict[str, str]             # plan-level fields (title, region, period, source …)
    items: list[Item]                # every node of a diff kind, in document order
    context: dict[str, Item]         # every node by IRI (incl. parts, tables …)
    fulltext: str = ""               # every title and text of the plan, normalised

    def contains(self, text: str) -> bool:
        """Whether ``text`` (normalised) occurs somewhere in this plan's text."""
        t = norm(text)
        return bool(t) and t in self.fulltext

    def of_kind(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]


# --- reading a plan ----------------------------------------------------------------------

def from_file(path: str | Path) -> PlanFacts:
    """Parse a plan file and read its facts.

    Raises:
        InputError: as ``plankg parse`` would (E100 no such file, E101 …).
    """
    import pyoxigraph

    from plankg.graph.rdf import plan_iri, plan_nquads
    from plankg.pipeline import parse_path

    plan = parse_path(path)
    store = pyoxigraph.Store()
    store.bulk_load(plan_nquads(plan), format=pyoxigraph.RdfFormat.N_QUADS)
    return read(store, plan_iri(plan), str(path))


def from_store(plan_id: str, store_path: str | Path | None) -> PlanFacts:
    """Read plan ``plan_id`` (its id or IRI) from the store.

    Raises:
        RemoteError: E610 when the store has no such plan (naming the ones it has).
        StoreError: E301 when there is no store.
    """
    import pyoxigraph

    from plankg.graph.rdf import plan_iri
    from plankg.graph.vocab import ONTOLOGY_GRAPH
    from plankg.store.embedded import Store

    g = plan_id if "://" in plan_id else plan_iri(plan_id)
    with Store(store_path, read_only=True) as st:
        graphs = st.graphs()
        if g not in graphs:
            ids = [x.rsplit("/", 1)[-1] for x in graphs if x != ONTOLOGY_GRAPH]
            shown = ", ".join(ids[:10]) + (f" … and {len(ids) - 10} more" if len(ids) > 10 else "")
            raise PlanKGError.make("E610", path=plan_id,
                                   reason="not a plan file, nor a plan id in the store "
                                          f"{st.path} (plan ids: {shown or 'none'})")
        mem = pyoxigraph.Store()
        mem.extend(st.raw.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(g)))
    return read(mem, g, plan_id)


def load(spec: str, store_path: str | Path | None = None) -> PlanFacts:
    """A plan file if ``spec`` names one, else a plan id in the store."""
    p = Path(spec)
    if p.exists() or p.suffix.lower() in (".txt", ".html", ".htm") or "/" in spec:
        return from_file(p)
    return from_store(spec, store_path)


def _rows(store, graph: str, sparql: str) -> list[dict[str, str]]:
    """Run one of the queries below on ``graph``; rows as {variable: lexical value}."""
    q = (f"PREFIX pk: <{PK}>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
         + sparql.replace("$G", f"<{graph}>"))
    results = store.query(q)
    names = [v.value for v in results.variables]
    return [{k: (s[k].value if s[k] is not None else "") for k in names} for s in results]


_NODES = """
SELECT ?n ?cls ?title ?number ?order ?parent ?text WHERE { GRAPH $G {
  ?n a ?c ; pk:order ?order .
  FILTER(STRSTARTS(STR(?c), "https://w3id.org/plankg/ontology#"))
  BIND(STRAFTER(STR(?c), "#") AS ?cls)
  OPTIONAL { ?n dcterms:title ?title }
  OPTIONAL { ?n pk:number ?number }
  OPTIONAL { ?n dcterms:isPartOf ?parent }
  OPTIONAL { ?n pk:text ?text }
} } ORDER BY ?order"""

_TEXTS = """
SELECT ?t WHERE { GRAPH $G {
  ?n pk:order ?order . { ?n dcterms:title ?t } UNION { ?n pk:text ?t }
} } ORDER BY ?order"""

_INDICATORS = """
SELECT ?n ?o ?unit ?nature ?which ?value ?valueMax ?year ?comparator ?qualitative ?raw WHERE {
GRAPH $G {
  ?n a pk:Indicator .
  OPTIONAL { ?n pk:unit ?unit }
  OPTIONAL { ?n pk:nature ?nature }
  OPTIONAL { { ?n pk:baseline ?o . BIND("baseline" AS ?which) }
             UNION { ?n pk:target ?o . BIND("target" AS ?which) }
             OPTIONAL { ?o pk:value ?value } OPTIONAL { ?o pk:valueMax ?valueMax }
             OPTIONAL { ?o pk:year ?year } OPTIONAL { ?o pk:comparator ?comparator }
             OPTIONAL { ?o pk:qualitativeValue ?qualitative } OPTIONAL { ?o pk:rawValue ?raw } }
} }"""

_QUANTITIES = """
SELECT ?n ?q ?value ?valueMax ?unit ?comparator ?scope ?text WHERE { GRAPH $G {
  ?n a pk:Project ; pk:quantity ?q .
  OPTIONAL { ?q pk:value ?value } OPTIONAL { ?q pk:rawValue ?raw }
  OPTIONAL { ?q pk:valueMax ?valueMax } OPTIONAL { ?q pk:unit ?unit }
  OPTIONAL { ?q pk:comparator ?comparator } OPTIONAL { ?q pk:scope ?scope }
  OPTIONAL { ?q pk:text ?text }
} }"""

_DEPARTMENTS = """
SELECT ?n ?department ?role WHERE { GRAPH $G {
  { ?n pk:leadDepartment ?org . BIND("lead" AS ?role) }
  UNION { ?n pk:supportDepartment ?org . BIND("support" AS ?role) }
  ?org <http://www.w3.org/2004/02/skos/core#prefLabel> ?department .
} } ORDER BY ?n ?role ?department"""

_PLAN = """
SELECT ?title ?region ?periodStart ?periodEnd ?level ?source ?format ?sha256 WHERE {
GRAPH $G {
  OPTIONAL { $G dcterms:title ?title }
  OPTIONAL { $G dcterms:spatial/<http://www.w3.org/2000/01/rdf-schema#label> ?region }
  OPTIONAL { $G pk:periodStart ?periodStart } OPTIONAL { $G pk:periodEnd ?periodEnd }
  OPTIONAL { $G pk:administrativeLevel ?level }
  OPTIONAL { $G <http://www.w3.org/ns/prov#wasDerivedFrom> ?src .
             OPTIONAL { ?src dcterms:source ?source } OPTIONAL { ?src pk:sourceFormat ?format }
             OPTIONAL { ?src pk:sha256 ?sha256 } }
} } LIMIT 1"""


def _observation_text(row: dict[str, str]) -> str:
    """An observation's value as one comparable string: 4.5, 3-5, 应保尽保 or ''."""
    if row["value"]:
        return row["value"] + (f"-{row['valueMax']}" if row["valueMax"] else "")
    return row["qualitative"] or ""


def read(store, graph: str, label: str) -> PlanFacts:
    """The facts of plan graph ``graph`` in a pyoxigraph store."""
    plan_rows = _rows(store, graph, _PLAN)
    plan = plan_rows[0] if plan_rows else {}
    context: dict[str, Item] = {}
    items: list[Item] = []
    siblings: dict[tuple[str | None, str], int] = {}
    for r in _rows(store, graph, _NODES):
        cls = r["cls"]
        kind = KIND_OF_CLASS.get(cls)
        if kind is None and cls not in CONTEXT_CLASSES:
            continue
        if r["n"] in context:  # a node with two classes: keep the first
            continue
        name = r["title"] or (r["text"][:30] if kind == "measure" else "")
        item = Item(r["n"], kind or "", cls, name, int(r["order"] or 0), r["parent"] or None,
                    r["text"])
        if kind:
            slot = (item.parent, kind)
            item.index = siblings[slot] = siblings.get(slot, 0) + 1
            items.append(item)
        context[item.iri] = item
    for r in _rows(store, graph, _INDICATORS):
        item = context.get(r["n"])
        if item is None:
            continue
        item.fields.setdefault("unit", r["unit"])
        item.fields.setdefault("nature", r["nature"])
        if r["which"] == "baseline":
            item.fields["baseline"] = _observation_text(r)
            item.fields["baselineYear"] = r["year"]
        elif r["which"] == "target" and r["o"].endswith("/target"):
            item.fields["target"] = _observation_text(r)
            item.fields["targetYear"] = r["year"]
            item.fields["comparator"] = r["comparator"]
        elif r["which"] == "target":
            # a further target of an indicator with several (…/target/2035): one field
            # per extra target, in year order (target2, targetYear2 …)
            item.extra_targets.append((r["year"], _observation_text(r), r["comparator"]))
    for it in items:
        if it.kind == "indicator":
            for f in ("unit", "baseline", "baselineYear", "target", "targetYear",
                      "comparator", "nature"):
                it.fields.setdefault(f, "")
            for k, (year, value, cmp) in enumerate(sorted(it.extra_targets), 2):
                it.fields[f"target{k}"] = value
                it.fields[f"targetYear{k}"] = year
                it.fields[f"comparator{k}"] = cmp
    quantities = sorted(_rows(store, graph, _QUANTITIES),
                        key=lambda r: (r["n"], int(r["q"].rsplit("/", 1)[-1] or 0)
                                       if r["q"].rsplit("/", 1)[-1].isdecimal() else 0))
    for r in quantities:
        item = context.get(r["n"])
        if item is not None:
            item.quantities.append({k: r[k] for k in ("value", "valueMax", "unit",
                                                      "comparator", "scope", "text")})
    for r in _rows(store, graph, _DEPARTMENTS):
        item = context.get(r["n"])
        if item is not None and item.kind in ("measure", "project"):
            item.departments.append((r["department"], r["role"]))
    fulltext = "\n".join(norm(r["t"]) for r in _rows(store, graph, _TEXTS))
    return PlanFacts(label, graph, plan, items, context, fulltext)
