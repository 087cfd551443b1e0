"""The service domains' names, read from ``ontology/domains.ttl`` (a SKOS scheme).

The structure stage uses the names as a layout cue (a table's category cell ``优军服务``
opens a group; a label cut by a wrap joins its next line); the semantic stage
(:mod:`plankg.semantic.domains`) adds the signal terms and classifies text. The file is
read once with pyoxigraph and cached.

* :func:`load_domains` — every ``skos:Concept`` with a Chinese ``skos:prefLabel``
  (幼有所育), its ``skos:altLabel`` names (幼有善育, 优军服务) and its ``pk:signalTerm``
  cue words (托育, 托位).
* :func:`domain_of_label` — a cell or heading that *names* a domain (a table's 类别
  ``优军服务``, a heading ``（一）幼有所育``) → the domain's prefLabel.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from plankg.errors import PlanKGError
from plankg.paths import REPO

from .datafile import units

ONTOLOGY_DIR = REPO / "ontology"
DOMAINS_TTL = ONTOLOGY_DIR / "domains.ttl"

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PK_SIGNAL_TERM = "https://w3id.org/plankg/ontology#signalTerm"

_SPACES = re.compile(r"[\s\u3000]+")
_NUMBERING = re.compile(
    r"^(?:第[零〇一二三四五六七八九十百两\d]+[章节篇]|[(（][零〇一二三四五六七八九十两\d]+[)）]"
    r"|[零〇一二三四五六七八九十两\d]+[、.．])")
# what may follow a domain name in a title that still just names it (住有宜居工程)
_NAME_RESIDUES = frozenset({"", "工程", "重点工程", "计划", "行动", "专栏", "领域", "服务", "保障",
                            "项目", "工程项目"})
_TRAILER = re.compile(r"[(（][^()（）]*[)）]$|[:：。]$")


@dataclass(frozen=True)
class Domain:
    """One service domain as the ontology describes it."""

    iri: str
    label: str                      # the Chinese skos:prefLabel (幼有所育)
    notation: str | None
    alt_labels: tuple[str, ...]
    signal_terms: tuple[str, ...]


def _is_zh(lit) -> bool:
    lang = (getattr(lit, "language", None) or "").lower()
    if lang:
        return lang.startswith("zh")
    return bool(re.search(r"[\u4e00-\u9fff]", lit.value))


@lru_cache(maxsize=None)
def load_domains(path: Path | None = None) -> tuple[Domain, ...]:
    """The domains of ``ontology/domains.ttl`` in notation order.

    Raises:
        DataFileError (E200) naming the file when it is missing, is not Turtle, or
        declares no concept with a Chinese prefLabel.
    """
    from pyoxigraph import Literal, NamedNode, RdfFormat, parse

    path = path or DOMAINS_TTL
    if not path.is_file():
        raise PlanKGError.make("E200", path=str(path), reason="file is missing")
    props: dict[str, dict[str, list]] = {}
    concepts: set[str] = set()
    try:
        with open(path, "rb") as fh:
            for q in parse(fh, format=RdfFormat.TURTLE, base_iri=path.as_uri()):
                if not isinstance(q.subject, NamedNode):
                    continue
                s, p, o = q.subject.value, q.predicate.value, q.object
                if p == RDF_TYPE and isinstance(o, NamedNode) and o.value == SKOS + "Concept":
                    concepts.add(s)
                elif isinstance(o, Literal):
                    props.setdefault(s, {}).setdefault(p, []).append(o)
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None)
        raise PlanKGError.make("E200", path=str(path), line=line,
                               reason=f"not Turtle: {exc}") from None
    out = []
    for iri in concepts:
        p = props.get(iri, {})
        prefs = [lit.value for lit in p.get(SKOS + "prefLabel", []) if _is_zh(lit)]
        if not prefs:
            continue
        alts = [lit.value for lit in p.get(SKOS + "altLabel", []) if _is_zh(lit)]
        terms: list[str] = []
        for lit in p.get(PK_SIGNAL_TERM, []):
            if _is_zh(lit):
                terms.extend(t for t in re.split(r"[,，、;；\s]+", lit.value) if t)
        notation = next((lit.value for lit in p.get(SKOS + "notation", [])), None)
        out.append(Domain(iri, prefs[0], notation, tuple(sorted(set(alts))),
                          tuple(sorted(set(terms)))))
    if not out:
        raise PlanKGError.make("E200", path=str(path),
                               reason="no skos:Concept with a Chinese skos:prefLabel")
    out.sort(key=lambda d: (int(d.notation) if (d.notation or "").isdecimal() else 99, d.label))
    return tuple(out)


def domain_labels() -> tuple[str, ...]:
    """The prefLabels of the domains, in notation order."""
    return tuple(d.label for d in load_domains())


def _clean_label(label: str) -> str:
    s = _SPACES.sub("", label)
    s = _NUMBERING.sub("", s)
    s = _TRAILER.sub("", s)
    return s


@lru_cache(maxsize=None)
def _label_index() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    exact: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    for d in load_domains():
        for name in (d.label, *d.alt_labels):
            key = _SPACES.sub("", name)
            exact.setdefault(key, d.label)
            names.append((key, d.label))
    names.sort(key=lambda kv: -len(kv[0]))
    return exact, tuple(names)


def domain_of_label(label: str, *, exact: bool = False) -> str | None:
    """The domain a table cell, heading or 专栏 title names, or None.

    Exact prefLabel or altLabel first (spaces and line-wrap joins ignored, numbering
    like ``（一）`` and a trailing ``（共 9 项）`` stripped). Unless ``exact``: then a
    name followed only by a word like 工程/计划/行动 (``住有宜居工程``), then a
    cell that is the start of exactly one name (a label cut by a table wrap:
    ``优军服务`` + ``保障``). A title that merely mentions a name among other words
    (``健全托育和学前教育服务``) names no domain.

    >>> domain_of_label("优军服务\\n保障"), domain_of_label("（三）病有所医"), domain_of_label("总体要求")
    ('优军服务保障', '病有所医', None)
    >>> domain_of_label("住有宜居工程"), domain_of_label("住有宜居工程", exact=True)
    ('住有所居', None)
    """
    s = _clean_label(label)
    if not s:
        return None
    exact_index, names = _label_index()
    if s in exact_index:
        return exact_index[s]
    if exact:
        return None
    for name, dom in names:
        if s.startswith(name) and s[len(name):] in _NAME_RESIDUES:
            return dom
    if len(s) >= 3:
        starts = {dom for name, dom in names if name.startswith(s)}
        if len(starts) == 1:
            return starts.pop()
    return None


def unit_words() -> frozenset[str]:
    """The measure units of ``data/units.tsv``: a table's unit cells are made of them
    (万平方米, 平方米/人, 条（段）), a name cell is not."""
    return frozenset(units())


def is_unit(cell: str, extra: frozenset[str] | tuple = ()) -> bool:
    """Is ``cell`` made of known units (万平方米, 平方米/人, 个/每年, 条（段）, 1/10万)?

    ``extra``: more unit words (a table's units: ``structure.toml`` ``tables.units``).

    >>> [is_unit(c, {"段"}) for c in ("万平方米", "平方米/人", "条（段）", "其中公园绿地", "%")]
    [True, True, True, False, True]
    """
    t = re.sub(r"\s+", "", cell).strip("()（）")
    if not t:
        return False
    units = unit_words()
    if t in units or t in extra:
        return True
    parts = [p for p in re.split(r"[/／（）()每]", t) if p]
    for p in parts:
        p = re.sub(r"^(?:\d+(?:\.\d+)?)?[十百千万亿]*", "", p) or p
        if p not in units and p not in extra and not re.fullmatch(r"[十百千万亿]+", p):
            return False
    return bool(parts)
