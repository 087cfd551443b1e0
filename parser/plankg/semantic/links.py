"""Links from projects to the indicators and service items they serve, by shared terms.

Inputs are plain dicts ``{"key", "name", "text", "domain"}`` (``text`` and ``domain``
optional), so the tree stays out of it. Key terms are jieba's words (compounds of the
user dictionary stay whole: 城镇老旧小区) weighing 1, plus the parts search mode adds
(城镇, 老旧小区) weighing :data:`PART_WEIGHT`, with stopwords (``data/stopwords.txt``),
units, single characters and numbers removed; a project's name counts fully and its
description at :data:`TEXT_WEIGHT`. Each topic of ``data/topics.tsv`` that a text
mentions adds a feature ``#topic`` (weight :data:`TOPIC_WEIGHT`), so texts about the
same thing in different words still meet (托育服务机构 ~ 婴幼儿托位数); an outcome topic
(预期寿命) adds the service topics that serve it at :data:`RELATED_WEIGHT`, and a
population topic (残疾人) adds to the score but is never enough evidence alone. A term that is a signal term or label of a service
domain in ``ontology/domains.ttl`` (托位, 全民健身) weighs :data:`SIGNAL_WEIGHT` times
as much: it is the vocabulary indicators and service items are named in.

Score = TF-IDF cosine between the project's and the target's term vectors (IDF over
all projects and targets), plus :data:`DOMAIN_BONUS` when both carry the same domain,
times :data:`OTHER_DOMAIN_FACTOR` when both carry different ones. Links scoring at
least :data:`THRESHOLD` are kept, best first, at most :data:`MAX_LINKS` indicators and
as many service items per project;
each lists its evidence: the shared terms, heaviest first, dropping a term that is
part of a longer one listed.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import Any, Iterable

from . import datafiles

TEXT_WEIGHT = 0.5
PART_WEIGHT = 0.5
SIGNAL_WEIGHT = 2.0
DOMAIN_BONUS = 0.1
OTHER_DOMAIN_FACTOR = 0.3
OTHER_DOMAIN_TOPIC_FACTOR = 0.8
THRESHOLD = 0.14
MAX_LINKS = 5
TOPIC_WEIGHT = 1.5
RELATED_WEIGHT = 0.5
TOPIC_PREFIX = "#"
MAX_EVIDENCE = 5

_CJK = re.compile(r"[\u4e00-\u9fff]")


def key_terms(text: str) -> list[str]:
    """The key terms of a short text: jieba's words and, in search mode, their parts.

    Stopwords, units, single characters and numbers are removed.
    """
    return [w for w, _ in _analysis(text)[0]]


def _keep(w: str) -> bool:
    return (len(w) >= 2 and bool(_CJK.search(w)) and w not in datafiles.stopwords()
            and w not in _units() and not any(c.isdigit() for c in w))


@lru_cache(maxsize=8192)
def _analysis(text: str) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]:
    """``(terms, topics)`` of ``text`` (:func:`plankg.semantic.nlp.terms_of`).

    Terms are (term, weight): jieba's words count 1, the extra parts that jieba's
    search mode adds (托位 of 婴幼儿托位) :data:`PART_WEIGHT`, so a long compound does
    not outweigh the rest of the name; a word that is a whole service-domain term, or
    a part that is a domain signal term, :data:`SIGNAL_WEIGHT` times as much.
    Topics are (``#topic``, factor) for each topic term found, plus, for an outcome
    topic, the services that serve it at :data:`RELATED_WEIGHT`.
    Cached: indicator and item names recur across plans.
    """
    from .nlp import search_parts, terms_of

    found = terms_of(text)
    words = list(found.words)
    # a word that is a domain term (托位, 全民健身) is the vocabulary indicators and
    # items are named in; so is a search-mode part that is a signal term
    signal = found.domain_words
    signal_terms = _signal_terms()
    terms = [(w, SIGNAL_WEIGHT if w in signal else 1.0) for w in words if _keep(w)]
    terms += [(w, PART_WEIGHT * (SIGNAL_WEIGHT if w in signal_terms else 1.0))
              for w in search_parts(words) if _keep(w)]
    related = datafiles.topics().related
    topics: list[tuple[str, float]] = []
    for topic in found.topics:
        topics.append((TOPIC_PREFIX + topic, 1.0))
        topics += [(TOPIC_PREFIX + r, RELATED_WEIGHT) for r in related.get(topic, ())]
    return tuple(terms), tuple(topics)


@lru_cache(maxsize=None)
def _units() -> frozenset[str]:
    """Measure words (万个, 平方米) are never evidence: they are in every target."""
    base = datafiles.units()
    mult = [u for u, k in base.items() if k == "multiplier"]
    return frozenset(base) | {m + u for m in mult for u in base}


@lru_cache(maxsize=None)
def _signal_terms() -> frozenset[str]:
    """Signal terms and labels of the service domains (empty without domains.ttl)."""
    from plankg.errors import DataFileError
    from .domains import load_domains

    try:
        doms = load_domains()
    except DataFileError:
        return frozenset()
    return frozenset(t for d in doms for t in (d.label, *d.alt_labels, *d.signal_terms))


@lru_cache(maxsize=None)
def _population() -> frozenset[str]:
    """Topic features and terms of kind ``population``: who a service is for."""
    vocab = datafiles.topics()
    pop = {t for t, k in vocab.kind.items() if k == "population"}
    return frozenset({TOPIC_PREFIX + t for t in pop}
                     | {w for w, t in vocab.term_topic.items() if t in pop})


def _vector(entry: dict[str, Any]) -> Counter:
    v: Counter = Counter()
    name = entry.get("name") or ""
    text = entry.get("text") or ""
    best: dict[str, float] = {}
    for weight, part in ((1.0, name), (TEXT_WEIGHT, text)):
        if not part:
            continue
        terms, topics = _analysis(part)
        for t, w in terms:
            v[t] += weight * w
        # a shared topic counts even where the words differ (托育 ~ 托位), once
        for feature, factor in topics:
            best[feature] = max(best.get(feature, 0.0), TOPIC_WEIGHT * weight * factor)
    for feature, weight in best.items():
        v[feature] += weight
    return v


def _evidence(shared: Iterable[tuple[str, float]]) -> list[str]:
    """Shared terms, heaviest first; a shared topic shows as ``#托育``."""
    ranked = [t for t, _ in sorted(shared, key=lambda tw: (-tw[1], -len(tw[0]), tw[0]))]
    out: list[str] = []
    for t in ranked:
        if any(t in longer for longer in ranked if longer != t):
            continue
        out.append(t)
    return out[:MAX_EVIDENCE]


def _service_topic(evidence: list[str]) -> bool:
    """Whether the evidence holds a shared topic that is not a population."""
    pop = _population()
    return any(t.startswith(TOPIC_PREFIX) and t not in pop for t in evidence)


def _enough(evidence: list[str]) -> bool:
    """One short common word (儿童, 服务) is not enough to link by; a shared service
    or outcome topic, a longer term or two terms are. Who a service is for (a
    population topic or term: 残疾人, 退役军人) never counts: a rehabilitation centre
    and a subsidy both serve 残疾人 and measure different things.

    >>> _enough(["#托育"]), _enough(["#残疾人"]), _enough(["残疾人", "康复"])
    (True, False, False)
    """
    pop = _population()
    strong = [t for t in evidence if t not in pop]
    return len(strong) >= 2 or any(t.startswith(TOPIC_PREFIX) or len(t) >= 3 for t in strong)


def link_projects(projects: list[dict[str, Any]], indicators: list[dict[str, Any]],
                  items: list[dict[str, Any]], *, threshold: float = THRESHOLD
                  ) -> dict[Any, list[dict[str, Any]]]:
    """Links of each project to indicators and service items, keyed by project key.

    Returns ``{project_key: [{"target": key, "score": 0.42, "evidence": [...]}]}``;
    a project without links maps to ``[]``.
    """
    targets = list(indicators) + list(items)
    n_indicators = len(indicators)
    pvecs = [_vector(p) for p in projects]
    tvecs = [_vector(t) for t in targets]
    n_docs = len(pvecs) + len(tvecs)
    df: Counter = Counter()
    for v in (*pvecs, *tvecs):
        df.update(v.keys())
    idf = {t: math.log((1 + n_docs) / (1 + d)) + 1.0 for t, d in df.items()}

    def weigh(v: Counter) -> tuple[dict[str, float], float]:
        w = {t: c * idf[t] for t, c in v.items()}
        return w, math.sqrt(sum(x * x for x in w.values())) or 1.0

    tw = [weigh(v) for v in tvecs]
    out: dict[Any, list[dict[str, Any]]] = {}
    for p, pv in zip(projects, pvecs):
        pw, pn = weigh(pv)
        links = []
        for i, (t, (w, n)) in enumerate(zip(targets, tw)):
            shared = [(term, pw[term] * w[term]) for term in pw.keys() & w.keys()]
            if not shared:
                continue
            score = sum(x for _, x in shared) / (pn * n)
            evidence = _evidence(shared)
            pd, td = p.get("domain"), t.get("domain")
            if pd and td:
                if pd == td:
                    score += DOMAIN_BONUS
                else:  # a shared service topic outweighs a domain disagreement
                    score *= (OTHER_DOMAIN_TOPIC_FACTOR if _service_topic(evidence)
                              else OTHER_DOMAIN_FACTOR)
            score = min(score, 1.0)
            if score >= threshold and _enough(evidence):
                links.append((i < n_indicators, {"target": t["key"], "score": round(score, 3),
                                                 "evidence": evidence}))
        links.sort(key=lambda kl: (-kl[1]["score"], str(kl[1]["target"])))
        # the cap is per kind: service items must not crowd out a project's indicators
        kept = ([link for is_ind, link in links if is_ind][:MAX_LINKS]
                + [link for is_ind, link in links if not is_ind][:MAX_LINKS])
        kept.sort(key=lambda link: (-link["score"], str(link["target"])))
        out[p["key"]] = kept
    return out
