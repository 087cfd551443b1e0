"""The nine service domains: recognise them by label and classify text by signal terms.

Everything comes from ``ontology/domains.ttl`` (a SKOS scheme): each ``skos:Concept``
with a Chinese ``skos:prefLabel`` (幼有所育), its ``skos:altLabel`` names (幼有善育,
优军服务) and its ``pk:signalTerm`` cue words (托育, 托位). The file is read once with
pyoxigraph and cached.

* :func:`domain_of_label` — a cell or heading that *names* a domain (a table's 类别
  ``优军服务``, a heading ``（一）幼有所育``) → the domain's prefLabel.
* :func:`classify` — a heading title and body → the domain whose terms dominate, or
  None. One compiled alternation of every term (longest first) runs over the text,
  so this is cheap enough for every paragraph.

Scoring (see :func:`decide`): a prefLabel hit counts 3, an altLabel 1.5, a signal
term 1; hits in the title count three times. A domain is returned only when its score is at
least :data:`MIN_SCORE`, at least :data:`DOMINANCE` times the runner-up's, and at least
:data:`MIN_SHARE` of all hits — so a section that walks through all nine domains, or
text about implementation, digitalisation or the planning background, gets None.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import PlanKGError

ONTOLOGY_DIR = Path(__file__).resolve().parents[3] / "ontology"
DOMAINS_TTL = ONTOLOGY_DIR / "domains.ttl"

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PK_SIGNAL_TERM = "https://w3id.org/plankg/ontology#signalTerm"

LABEL_WEIGHT = 3.0      # the prefLabel itself (幼有所育)
ALT_WEIGHT = 1.5        # an altLabel: a name, but often an ordinary phrase (养老服务)
TERM_WEIGHT = 1.0
TITLE_WEIGHT = 3.0
MIN_SCORE = 3.0
DOMINANCE = 3.0
MIN_SHARE = 0.7

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
    out.sort(key=lambda d: (int(d.notation) if (d.notation or "").isdigit() else 99, d.label))
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


@lru_cache(maxsize=None)
def _term_index() -> tuple[re.Pattern, dict[str, tuple[tuple[str, float], ...]]]:
    weights: dict[str, dict[str, float]] = {}
    for d in load_domains():
        for t in d.signal_terms:
            weights.setdefault(t, {})[d.label] = max(weights.get(t, {}).get(d.label, 0),
                                                     TERM_WEIGHT)
        for t in d.alt_labels:
            weights.setdefault(t, {})[d.label] = ALT_WEIGHT
        weights.setdefault(d.label, {})[d.label] = LABEL_WEIGHT
    index = {}
    for term, per in weights.items():
        share = len(per)  # a term shared by k domains gives each 1/k of its weight
        index[term] = tuple((dom, w / share) for dom, w in per.items())
    alternation = "|".join(re.escape(t) for t in sorted(weights, key=lambda t: (-len(t), t)))
    return re.compile(alternation), index


def term_hits(text: str) -> tuple[Counter, list[str]]:
    """Weighted domain scores of ``text`` and the terms hit, in text order.

    >>> scores, terms = term_hits("新增托位,发展普惠托育")
    >>> scores.most_common(1)[0][0], terms
    ('幼有所育', ['托位', '普惠托育'])
    """
    regex, index = _term_index()
    scores: Counter = Counter()
    terms: list[str] = []
    for m in regex.finditer(_SPACES.sub("", text)):
        term = m.group()
        terms.append(term)
        for dom, w in index[term]:
            scores[dom] += w
    return scores, terms


def decide(title_scores: Counter, body_scores: Counter) -> tuple[str | None, float]:
    """Combine title and body scores; the dominant domain and its share, or None."""
    total: Counter = Counter()
    for dom, s in title_scores.items():
        total[dom] += TITLE_WEIGHT * s
    for dom, s in body_scores.items():
        total[dom] += s
    if not total:
        return None, 0.0
    ranked = total.most_common()
    best_dom, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    share = best / sum(total.values())
    if best >= MIN_SCORE and best >= DOMINANCE * second and share >= MIN_SHARE:
        return best_dom, round(share, 3)
    return None, round(share, 3)


def classify(title: str, body: str = "") -> tuple[str | None, float]:
    """The service domain of a heading (or paragraph) from its title and body text.

    Returns ``(domain, share)`` where ``share`` is the dominant domain's part of all
    weighted hits (0–1); ``domain`` is None when no domain clearly dominates.

    >>> classify("提升优生优育服务水平", "加强妇幼保健,发展普惠托育,增加托位。")[0]
    '幼有所育'
    >>> classify("加强组织领导", "确保规划实施效果。")
    (None, 0.0)
    """
    return decide(term_hits(title)[0], term_hits(body)[0])
