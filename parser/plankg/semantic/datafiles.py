"""The one loader of the semantic layer's data files, each validated on load (the TSV
reader and ``units.tsv`` come from :mod:`plankg.structure.datafile`, which the table
reader shares).

Domain knowledge lives in ``plankg/data/`` as plain files; this module reads each of
them with explicit UTF-8, checks every line and raises
:class:`~plankg.errors.DataFileError` (code ``E200``) naming the file and the line
of the first problem. Loaded data is cached per path.

Formats (``#`` starts a comment line in every file except where noted; blank lines
are ignored):

* ``units.tsv`` — header ``unit<TAB>kind``; ``kind`` is one of :data:`UNIT_KINDS`.
  A ``multiplier`` row (万, 亿) combines with every other unit (万 + 套 → 万套).
* ``departments.tsv`` — header ``alias<TAB>canonical``: a short or long form of a
  department name *without* its level prefix and the canonical 规范简称 it stands for
  (卫健委 → 卫生健康委).
* ``regions.tsv`` — header ``code<TAB>name<TAB>short_name<TAB>level``: GB/T 2260
  six-digit code, full name, short name, ``province`` | ``city`` | ``district``.
* ``userdict.txt`` — the jieba user dictionary, ``word freq pos`` separated by
  single spaces (jieba's own format; comments allowed here, stripped before jieba
  sees the lines).
* ``stopwords.txt`` — one word per line; words too general to link projects by.
* ``topics.tsv`` — header ``topic<TAB>kind<TAB>terms<TAB>related``: terms
  (space-separated) that signal one topic, so texts that share a topic but no word can
  still be linked (托育 ~ 托位); ``kind`` is ``service``, ``population`` (who a service
  is for: never enough to link on its own) or ``outcome`` (预期寿命), whose ``related``
  column names the service topics that serve it (``-`` for none).
* ``patterns/<name>.jsonl`` — one JSON object per line with a ``type`` key; the
  keys each type needs are listed in :data:`PATTERN_SCHEMAS`.

A duplicate key (unit, alias, code, name, word) is an error, as is a wrong column
count or a value outside the allowed set.

>>> units()["平方米"], units()["%"], units()["万"]
('area', 'percent', 'multiplier')
>>> region_rows()[0].name
'北京市'
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from plankg.paths import DATA_DIR  # noqa: F401 - callers name files by it
# the TSV reader and the units table are shared with the structure stage (table cells);
# UNIT_KINDS and units stay part of this module's API
from plankg.structure.datafile import UNIT_KINDS, _content_lines, _error, _unique, read_tsv, units

__all__ = ["UNIT_KINDS", "units", "read_tsv", "departments", "region_rows", "userdict",
           "stopwords", "topics", "patterns"]


REGION_LEVELS = frozenset({"province", "city", "district"})
# ICTCLAS / jieba part-of-speech tags a user-dictionary entry may carry.
JIEBA_POS = frozenset({
    "n", "nr", "ns", "nt", "nz", "nw", "vn", "v", "vd", "a", "ad", "an", "d", "m", "q",
    "l", "i", "j", "f", "s", "t", "b", "z", "r", "p", "c", "u", "eng",
})

# patterns/<file>.jsonl: for each ``type``, required keys and the allowed values of
# keys whose values are a closed set (None = any non-empty string).
PATTERN_SCHEMAS: dict[str, dict[str, dict[str, frozenset[str] | None]]] = {
    "quantity": {
        "comparator": {"cue": None, "position": frozenset({"before", "after", "infix"}),
                       "comparator": frozenset({">", "≥", "<", "≤"})},
        "approximate": {"cue": None, "position": frozenset({"before", "after"})},
        "exclude": {"phrase": None},
        "numeral_stop": {"char": None},
        "number_stop": {"char": None},
        "scope_start": {"cue": None},
        "scope_noun": {"noun": None},
    },
    "departments": {
        "label": {"marker": None, "role": frozenset({"lead", "support", "responsible"})},
        "verb": {"marker": None, "role": frozenset({"lead", "support", "responsible"})},
        "suffix": {"text": None},
        "generic": {"text": None},
        "generic_prefix": {"text": None},
    },
}


@lru_cache(maxsize=None)
def departments(path: Path | None = None) -> dict[str, str]:
    """Alias → canonical department name (without level prefix)."""
    path = path or DATA_DIR / "departments.tsv"
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for no, (alias, canonical) in read_tsv(path, ("alias", "canonical")):
        for cell in (alias, canonical):
            if not re.fullmatch(r"[\u4e00-\u9fff]+", cell):
                raise _error(path, no, f"{cell!r} is not a name in Chinese characters")
        if alias == canonical:
            raise _error(path, no, f"alias {alias!r} equals its canonical form")
        _unique(path, no, alias, seen, "alias")
        out[alias] = canonical
    return out


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    short_name: str
    level: str


@lru_cache(maxsize=None)
def region_rows(path: Path | None = None) -> tuple[RegionRow, ...]:
    """The rows of ``regions.tsv`` in file order."""
    path = path or DATA_DIR / "regions.tsv"
    out: list[RegionRow] = []
    codes: dict[str, int] = {}
    names: dict[str, int] = {}
    for no, (code, name, short, level) in read_tsv(
            path, ("code", "name", "short_name", "level")):
        if not re.fullmatch(r"\d{6}", code):
            raise _error(path, no, f"code {code!r} is not six digits (GB/T 2260)")
        if level not in REGION_LEVELS:
            raise _error(path, no, f"unknown level {level!r}; one of {sorted(REGION_LEVELS)}")
        if level == "province" and not code.endswith("0000"):
            raise _error(path, no, f"province code {code!r} must end in 0000")
        if not name.startswith(short):
            raise _error(path, no, f"short name {short!r} is not a prefix of {name!r}")
        _unique(path, no, code, codes, "code")
        _unique(path, no, name, names, "name")
        out.append(RegionRow(code, name, short, level))
    return tuple(out)


@dataclass(frozen=True)
class UserWord:
    word: str
    freq: int
    pos: str


@lru_cache(maxsize=None)
def userdict(path: Path | None = None) -> tuple[UserWord, ...]:
    """Entries of the jieba user dictionary (``word freq pos``)."""
    path = path or DATA_DIR / "userdict.txt"
    out: list[UserWord] = []
    seen: dict[str, int] = {}
    for no, line in _content_lines(path):
        parts = line.split()
        if len(parts) != 3:
            raise _error(path, no, f"expected 'word freq pos', found {len(parts)} fields")
        word, freq, pos = parts
        if not freq.isdecimal() or int(freq) <= 0:
            raise _error(path, no, f"frequency {freq!r} is not a positive integer")
        if pos not in JIEBA_POS:
            raise _error(path, no, f"unknown part of speech {pos!r}")
        _unique(path, no, word, seen, "word")
        out.append(UserWord(word, int(freq), pos))
    return tuple(out)


@lru_cache(maxsize=None)
def stopwords(path: Path | None = None) -> frozenset[str]:
    """Words never used as link evidence (one per line)."""
    path = path or DATA_DIR / "stopwords.txt"
    seen: dict[str, int] = {}
    for no, line in _content_lines(path):
        word = line.strip()
        if any(ch.isspace() for ch in word):
            raise _error(path, no, f"one word per line, found {word!r}")
        _unique(path, no, word, seen, "word")
    return frozenset(seen)


@lru_cache(maxsize=None)
def patterns(name: str, path: Path | None = None) -> tuple[dict[str, Any], ...]:
    """The entries of ``patterns/<name>.jsonl``, each checked against its schema."""
    schema = PATTERN_SCHEMAS.get(name)
    if schema is None:
        raise KeyError(f"no schema for pattern file {name!r}")
    path = path or DATA_DIR / "patterns" / f"{name}.jsonl"
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for no, line in _content_lines(path):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _error(path, no, f"not JSON: {exc.msg} at column {exc.colno}") from None
        if not isinstance(entry, dict):
            raise _error(path, no, "each line must be a JSON object")
        kind = entry.get("type")
        if kind not in schema:
            raise _error(path, no, f"unknown type {kind!r}; one of {sorted(schema)}")
        keys = schema[kind]
        extra = set(entry) - set(keys) - {"type", "comment"}
        if extra:
            raise _error(path, no, f"unknown key(s) {sorted(extra)} for type {kind!r}")
        for key, allowed in keys.items():
            value = entry.get(key)
            if not isinstance(value, str) or not value:
                raise _error(path, no, f"type {kind!r} needs a non-empty string {key!r}")
            if allowed is not None and value not in allowed:
                raise _error(path, no, f"{key} {value!r} not one of {sorted(allowed)}")
        first = next(iter(keys))
        _unique(path, no, f"{kind}:{entry[first]}", seen, "entry")
        out.append(entry)
    return tuple(out)


TOPIC_KINDS = frozenset({"service", "population", "outcome"})


@dataclass(frozen=True)
class Topics:
    """The topic vocabulary: which topic each term signals, each topic's kind and,
    for an outcome, the service topics that serve it."""

    term_topic: dict[str, str]
    kind: dict[str, str]
    related: dict[str, tuple[str, ...]]


@lru_cache(maxsize=None)
def topics(path: Path | None = None) -> Topics:
    """The topics of ``topics.tsv``; a term in two topics is an error, as is a kind
    outside :data:`TOPIC_KINDS` or a related topic that is not defined.

    >>> t = topics()
    >>> t.term_topic["托位"] == t.term_topic["托育"], t.kind[t.term_topic["托位"]]
    (True, 'service')
    """
    path = path or DATA_DIR / "topics.tsv"
    term_topic: dict[str, str] = {}
    kind: dict[str, str] = {}
    related: dict[str, tuple[str, ...]] = {}
    seen: dict[str, int] = {}
    topics_seen: dict[str, int] = {}
    pending: list[tuple[int, str, tuple[str, ...]]] = []
    for no, (topic, k, terms, rel) in read_tsv(path, ("topic", "kind", "terms", "related")):
        _unique(path, no, topic, topics_seen, "topic")
        if k not in TOPIC_KINDS:
            raise _error(path, no, f"kind {k!r} not one of {sorted(TOPIC_KINDS)}")
        words = terms.split()
        if not words:
            raise _error(path, no, f"topic {topic!r} has no terms")
        for w in words:
            _unique(path, no, w, seen, "term")
            term_topic[w] = topic
        kind[topic] = k
        rel_topics = () if rel == "-" else tuple(rel.split())
        pending.append((no, topic, rel_topics))
    for no, topic, rel_topics in pending:
        for r in rel_topics:
            if r not in kind:
                raise _error(path, no, f"related topic {r!r} is not defined")
            if kind[r] != "service":
                raise _error(path, no, f"related topic {r!r} is not a service topic")
        related[topic] = rel_topics
    return Topics(term_topic, kind, related)
