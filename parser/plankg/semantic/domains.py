"""The nine service domains: recognise them by label and classify text by signal terms.

Everything comes from ``ontology/domains.ttl`` (a SKOS scheme): each ``skos:Concept``
with a Chinese ``skos:prefLabel`` (幼有所育), its ``skos:altLabel`` names (幼有善育,
优军服务) and its ``pk:signalTerm`` cue words (托育, 托位). The file is read once with
pyoxigraph and cached.

* :func:`domain_of_label` (from :mod:`plankg.structure.lexicon`) — a cell or heading
  that *names* a domain (a table's 类别 ``优军服务``, a heading ``（一）幼有所育``) → the
  domain's prefLabel.
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
from functools import lru_cache

from plankg.structure.lexicon import (DOMAINS_TTL, Domain, domain_labels,  # noqa: F401 - used by callers
                                 domain_of_label, load_domains)

LABEL_WEIGHT = 3.0      # the prefLabel itself (幼有所育)
ALT_WEIGHT = 1.5        # an altLabel: a name, but often an ordinary phrase (养老服务)
TERM_WEIGHT = 1.0
TITLE_WEIGHT = 3.0
MIN_SCORE = 3.0
DOMINANCE = 3.0
MIN_SHARE = 0.7

_SPACES = re.compile(r"[\s\u3000]+")


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
