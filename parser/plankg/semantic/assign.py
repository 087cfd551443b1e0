"""The semantic layer: domains, quantities, departments, links and the region code.

:func:`enrich` walks ``plan.root`` once and fills the ``attrs`` that ``model.py``
reserves for it. Everything here is regex and dictionary work except the jieba
segmentation of project / indicator / service-item *names* for links; spaCy is not
run (``extract.quantities.quantity_doc`` exists for callers who want a Doc).

Domains (``domain`` and ``domain_evidence``): the document's own naming first, then the
lexicon of ``ontology/domains.ttl`` (:mod:`plankg.semantic.domains`). A domain is
*named* when a table cell or title names it; containers pass a named domain down,
while a domain the lexicon inferred for a container gives way to a child whose own
title clearly says otherwise (健全多层次医疗保障制度 under a section the lexicon reads
as 老有所养).

==============  =====================================================================
kind            evidence, in order
==============  =====================================================================
indicator       its 类别 cell (``category``) → the signal terms of its name
service_domain  the domain cell of the service table → its title and content terms
service_item    its service_domain row
heading         a title that is a domain name (（一）幼有所育) → the parent heading when
                that was named → its own terms (title ×3, plus everything below it
                except tables) → the parent heading's inferred domain
column 专栏      a title naming a domain (住有宜居工程) → the enclosing heading when
                named → its title's terms → the enclosing heading → its own terms
project         its column when named → its title's terms → its column → its text
key_task        the enclosing heading when named → its lead phrase's terms → the
                enclosing heading → its text
==============  =====================================================================

``domain_evidence`` says which: ``"category: 幼有所育"``, ``"service table: 幼有所育"``,
``"heading: 幼有所育"``, ``"section: <heading title>"``, ``"column: <column title>"``,
``"parent: <heading title>"`` or ``"terms: 托育 托位 …"`` (the signal terms hit). Both
keys are set to None where no domain fits.

Quantities (projects and key tasks, from title and text) and departments (the same
nodes) are found in the node's normalised text, then mapped to *source* coordinates:
the node's ``span[0]`` plus the offset when the source has the same text there,
otherwise the first match at or after the previous one of a whitespace- and
width-tolerant pattern of the text inside the node's source slice, otherwise the
node's span.

Links (projects only) target ``table/{n}/indicator/{k}`` and
``table/{n}/domain/{k}/item/{j}``, the paths ``graph/rdf.py`` gives those nodes: ``n`` is
the table's number (表1 → ``1``) or, when it has none, its ordinal among the plan's
tables; ``k`` is the 1-based ordinal among the table's direct indicator (or
service_domain) children, ``j`` among the service_domain's service_item children.

``plan.meta["region_code"]`` is set from ``plan.meta["region"]`` (GB/T 2260, None for
unlisted regions); when the parser found no region, :func:`extract.regions.find_region`
fills ``region`` and ``level`` from the title and text first.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import Any

from plankg.model import HEADING_KINDS, Kind, Node, Plan, Warning_

from . import departments as departments_mod
from . import domains as domains_mod
from . import links as links_mod
from . import quantities as quantities_mod
from . import regions as regions_mod

_MAX_EVIDENCE_TERMS = 6
# characters whose full-width or ASCII twin the source may hold instead
_TWINS = {"(": "（", ")": "）", ",": "，", ";": "；", ":": "：", "%": "％", ".": "．",
          ">": "＞", "<": "＜", "~": "～", "-": "－"}
_TWINS.update({str(i): chr(0xFF10 + i) for i in range(10)})
_TWINS.update({v: k for k, v in list(_TWINS.items())})


def enrich(plan: Plan) -> None:
    """Set domains, quantities, departments, links and the region code on ``plan``."""
    _assign_domains(plan.root)
    for node in plan.root.walk():
        if node.kind in (Kind.PROJECT, Kind.KEY_TASK):
            _quantities_and_departments(plan, node)
    _assign_links(plan)
    _assign_region(plan)


# --- domains --------------------------------------------------------------------------

def _terms_evidence(title_terms: list[str], body_terms: list[str]) -> str:
    counts = Counter(title_terms + body_terms)
    top = [t for t, _ in counts.most_common(_MAX_EVIDENCE_TERMS)]
    return "terms: " + " ".join(top)


def _squash(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "")


def _set(node: Node, domain: str | None, evidence: str | None) -> None:
    node.attrs["domain"] = domain
    node.attrs["domain_evidence"] = evidence if domain else None


def _assign_domains(root: Node) -> None:
    hits: dict[int, tuple[Counter, list[str]]] = {}   # id(node) → own title+text hits
    below: dict[int, tuple[Counter, list[str]]] = {}  # id(node) → hits of descendants

    def collect(node: Node) -> tuple[Counter, list[str]]:
        own_scores, own_terms = domains_mod.term_hits(node.text or "")
        total_scores, total_terms = Counter(), []
        for child in node.children:
            if child.kind is Kind.TABLE:
                continue
            cs, ct = collect(child)
            ts, tt = domains_mod.term_hits(child.title or "")
            total_scores.update(cs)
            total_scores.update(ts)
            total_terms += tt + ct
        hits[id(node)] = (own_scores, own_terms)
        below[id(node)] = (total_scores, total_terms)
        scores = Counter(own_scores)
        scores.update(total_scores)
        return scores, own_terms + total_terms

    collect(root)

    def body(node: Node) -> tuple[Counter, list[str]]:
        own = hits.get(id(node)) or domains_mod.term_hits(node.text or "")
        sub = below.get(id(node), (Counter(), []))  # table rows are not collected
        s = Counter(own[0])
        s.update(sub[0])
        return s, list(own[1]) + sub[1]

    def lexicon(node: Node) -> tuple[str | None, str | None]:
        ts, tt = domains_mod.term_hits(node.title or "")
        bs, bt = body(node)
        dom, _ = domains_mod.decide(ts, bs)
        return (dom, _terms_evidence(tt, bt)) if dom else (None, None)

    strong: set[int] = set()  # nodes whose domain rests on the document's own naming

    def title_only(node: Node) -> tuple[str | None, str | None]:
        ts, tt = domains_mod.term_hits(node.title or "")
        dom, _ = domains_mod.decide(ts, Counter())
        return (dom, _terms_evidence(tt, [])) if dom else (None, None)

    def inherit(node: Node, container: Node | None, label: str, *, own_first: bool) -> None:
        """Container's domain if named; else own title; else container; else own text."""
        cdom = container.attrs.get("domain") if container is not None else None
        if cdom and id(container) in strong:
            _set(node, cdom, f"{label}: {container.title}")
            strong.add(id(node))
            return
        if own_first:
            dom, ev = title_only(node)
            if dom:
                _set(node, dom, ev)
                return
        if cdom:
            _set(node, cdom, f"{label}: {container.title}")
            return
        _set(node, *lexicon(node))

    def visit(node: Node, heading: Node | None, column: Node | None) -> None:
        a = node.attrs
        kind = node.kind
        if kind in HEADING_KINDS:
            named = domains_mod.domain_of_label(node.title or "", exact=True)
            if named:
                _set(node, named, f"heading: {node.title}")
                strong.add(id(node))
            elif heading is not None and heading.attrs.get("domain") and id(heading) in strong:
                _set(node, heading.attrs["domain"], f"parent: {heading.title}")
                strong.add(id(node))
            else:
                dom, ev = lexicon(node)
                if dom:
                    _set(node, dom, ev)
                elif heading is not None and heading.attrs.get("domain"):
                    _set(node, heading.attrs["domain"], f"parent: {heading.title}")
                else:
                    _set(node, None, None)
            heading = node
        elif kind is Kind.INDICATOR:
            named = domains_mod.domain_of_label(a.get("category") or "")
            if named:
                _set(node, named, "category: " + _squash(a.get("category")))
            else:
                _set(node, *lexicon(node))
        elif kind is Kind.SERVICE_DOMAIN:
            named = domains_mod.domain_of_label(node.title or "")
            if named:
                _set(node, named, "service table: " + _squash(node.title))
            else:
                _set(node, *lexicon(node))
            for item in node.children:
                if item.kind is Kind.SERVICE_ITEM:
                    if node.attrs["domain"]:
                        _set(item, node.attrs["domain"], "service table: " + _squash(node.title))
                    else:
                        _set(item, None, None)
            return
        elif kind is Kind.COLUMN:
            named = domains_mod.domain_of_label(node.title or "")
            if named:
                _set(node, named, f"heading: {node.title}")
                strong.add(id(node))
            else:
                inherit(node, heading, "section", own_first=True)
            column = node
        elif kind is Kind.PROJECT:
            inherit(node, column, "column", own_first=True)
        elif kind is Kind.KEY_TASK:
            inherit(node, heading, "section", own_first=True)
        for child in node.children:
            visit(child, heading, column)

    visit(root, None, None)


# --- quantities and departments -------------------------------------------------------

# width twins folded to one form (length-preserving, so offsets survive folding)
_FOLD = str.maketrans({k: v for k, v in _TWINS.items() if ord(k) > 0x7F})
_SPACE = re.compile(r"[\s\u3000]+")
_NON_SPACE = re.compile(r"[^\s\u3000]")


def _find_loose(src: str, lo: int, hi: int, start: int, text: str) -> tuple[int, int] | None:
    """Where ``text`` is in ``src[lo:hi]`` as the source may write it — any spacing
    between characters, either width of digits and punctuation — searching from
    ``start`` first, then from ``lo``. Folding is length-preserving and white space is
    skipped through an index list, so no pattern is compiled per text.

    >>> _find_loose("建设 １０ 所（个）幼儿园", 0, 14, 0, "10所(个)")
    (3, 10)
    """
    needle = _SPACE.sub("", text.translate(_FOLD))
    if not needle:
        return None
    part = src[lo:hi].translate(_FOLD)
    where = [m.start() for m in _NON_SPACE.finditer(part)]
    compact = _SPACE.sub("", part)
    first = bisect.bisect_left(where, max(start, lo) - lo)
    at = compact.find(needle, first)
    if at < 0 and first:
        at = compact.find(needle)
    if at < 0:
        return None
    return lo + where[at], lo + where[at + len(needle) - 1] + 1


def _locate(plan: Plan, node: Node, rel: int, found_text: str, cursor: int) -> tuple[int, int]:
    """Source span of ``found_text`` found at offset ``rel`` of the node's text."""
    lo, hi = node.span
    src = plan.source_text
    guess = lo + rel
    if src[guess:guess + len(found_text)] == found_text:
        return guess, guess + len(found_text)
    at = src.find(found_text, max(cursor, lo), hi)
    if at < 0:
        at = src.find(found_text, lo, hi)
    if at >= 0:  # verbatim elsewhere in the node: no pattern to compile
        return at, at + len(found_text)
    return _find_loose(src, lo, hi, cursor, found_text) or (lo, hi)


def _quantities_and_departments(plan: Plan, node: Node) -> None:
    title, text = node.title or "", node.text or ""
    quantities: list[dict[str, Any]] = []
    departments: list[dict[str, Any]] = []
    for part, offset in ((title, 0), (text, len(title) + 1 if title else 0)):
        if not part:
            continue
        quantities += [dict(q, _rel=offset + q["span"][0])
                       for q in quantities_mod.find_quantities(part)]
        departments += [dict(d, _rel=offset + d["span"][0], text=part[d["span"][0]:d["span"][1]])
                        for d in departments_mod.find_departments(part)]
    for items, key in ((quantities, "text"), (departments, "text")):
        cursor = node.span[0]
        for item in items:
            s, e = _locate(plan, node, item.pop("_rel"), item[key], cursor)
            item["span"] = [s, e]
            if e > s and (s, e) != tuple(node.span):
                cursor = e
    for d in departments:
        del d["text"]
    node.attrs["quantities"] = quantities
    node.attrs["departments"] = departments


# --- links ----------------------------------------------------------------------------

MAX_LINK_PAIRS = 200_000


def _assign_links(plan: Plan) -> None:
    projects = plan.root.find(Kind.PROJECT)
    if not projects:
        return
    indicators: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for ordinal, table in enumerate(plan.root.find(Kind.TABLE), 1):
        n = re.sub(r"\s+", "", table.number or "") or str(ordinal)
        counts: Counter = Counter()
        for child in table.children:
            counts[child.kind] += 1
            k = counts[child.kind]
            if child.kind is Kind.INDICATOR:
                indicators.append({"key": f"table/{n}/indicator/{k}", "name": child.title,
                                   "domain": child.attrs.get("domain")})
            elif child.kind is Kind.SERVICE_DOMAIN:
                j = 0
                for item in child.children:
                    if item.kind is Kind.SERVICE_ITEM:
                        j += 1
                        items.append({"key": f"table/{n}/domain/{k}/item/{j}",
                                      "name": item.title, "domain": item.attrs.get("domain")})
    if not indicators and not items:
        for p in projects:
            p.attrs["links"] = []
        return
    if len(projects) * (len(indicators) + len(items)) > MAX_LINK_PAIRS:
        # scoring is pairwise: a real plan has tens of projects and targets, a
        # pathological file (a plan pasted a thousand times) must not take hours
        plan.warnings.append(Warning_(
            "W410", f"{len(projects)} projects × {len(indicators) + len(items)} indicators and "
                    f"items is more than {MAX_LINK_PAIRS} pairs; project links skipped"))
        for p in projects:
            p.attrs["links"] = []
        return
    entries = [{"key": i, "name": p.title, "text": p.text, "domain": p.attrs.get("domain")}
               for i, p in enumerate(projects)]
    result = links_mod.link_projects(entries, indicators, items)
    for i, p in enumerate(projects):
        p.attrs["links"] = result.get(i, [])


# --- region ---------------------------------------------------------------------------

def _assign_region(plan: Plan) -> None:
    meta = plan.meta
    if not meta.get("region"):
        title = meta.get("title") or plan.root.title or ""
        found = regions_mod.find_region(plan.source_text[:20000], title)
        if found:
            meta["region"] = found[0]
            if not meta.get("level"):
                meta["level"] = found[1]
    if meta.get("region"):
        meta["region_code"] = regions_mod.region_code(meta["region"])
