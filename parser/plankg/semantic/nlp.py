"""The shared NLP resources: jieba with the plankg user dictionary, and one spaCy pipeline.

Both are built lazily, once per process, and cached. jieba and spaCy are imported
inside the functions only, so importing this module (and the query path, which never
calls it) stays cheap.

* :func:`jieba_module` — the global ``jieba`` module with ``data/userdict.txt`` loaded
  (validated by :mod:`plankg.semantic.datafiles` first; jieba's own logging is silenced).
* :func:`search_parts` — the extra parts jieba's search mode adds to words already cut.
* :func:`terms_of` — what the linker reads of a text: jieba's words, the words that
  are whole service-domain terms, and the topics of ``data/topics.tsv`` mentioned.
  jieba and regexes only: the parse never loads spaCy (its import alone costs a
  parsing process half a second, longer than parsing forty plans' links).
* :func:`get_nlp` / :func:`analyse` — the same analysis as a spaCy ``Doc``, for users
  who work with spaCy (notebooks, :func:`plankg.semantic.quantities.quantity_doc`):
  ``spacy.blank("zh")`` with the jieba segmenter (which uses the same global jieba,
  hence the same user dictionary) and two components whose patterns are data:

  - ``domain_terms``, a span ruler, writes ``doc.spans["domain"]``: one phrase pattern per signal
    term and label of the nine service domains in ``ontology/domains.ttl``, labelled
    with the domain's prefLabel (whole jieba tokens only);
  - ``topic_terms`` (a plankg component) writes ``doc.spans["topic"]``: each term of
    ``data/topics.tsv`` found in the text (:func:`topic_matches`), as a span expanded
    to token boundaries and labelled with its topic (a term is often inside a token
    or across two, where phrase patterns miss it).

  :func:`terms_of` gives exactly what these Docs give (the suite checks it on every
  name of the corpus). The domain classifier of the semantic layer uses a character
  regex over the same domain vocabulary (it reads long texts, which are not segmented).
  When ``domains.ttl`` cannot be read there are no domain terms.
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterator

from . import datafiles

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc


@lru_cache(maxsize=None)
def jieba_module() -> Any:
    """The ``jieba`` module, initialised once with the plankg user dictionary."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    _load_cached_dictionary(jieba)
    entries = datafiles.userdict()
    # jieba.load_userdict reads "word freq pos" lines; comments were dropped by the
    # validating loader, so feed it the clean lines rather than the file itself.
    jieba.load_userdict(io.StringIO("\n".join(f"{e.word} {e.freq} {e.pos}" for e in entries)))
    return jieba


def _load_cached_dictionary(jieba: Any) -> None:
    """Initialise jieba from its own cache file, three times faster than it does.

    jieba keeps its prefix dictionary in ``<tmp>/jieba.cache`` and reads it back with
    ``marshal.load(file)``, which pulls the 9 MB file through the file object in tiny
    reads: 1.7 s on the bench machine, against 0.55 s for ``marshal.loads`` of the
    whole file — on every start of every parsing process. Same file, same content; for
    a custom dictionary, a missing or unreadable cache, jieba does it its own way.
    """
    import marshal
    import os
    import tempfile

    dt = jieba.dt
    if dt.initialized or dt.dictionary != jieba.DEFAULT_DICT or dt.cache_file:
        return
    cache = os.path.join(dt.tmp_dir or tempfile.gettempdir(), "jieba.cache")
    try:
        with open(cache, "rb") as f:
            freq, total = marshal.loads(f.read())
        if not isinstance(freq, dict) or not freq or not isinstance(total, int):
            return
    except (OSError, ValueError, EOFError, TypeError):
        return  # jieba.initialize() (called by its first use) rebuilds the cache
    with dt.lock:
        if not dt.initialized:
            dt.FREQ, dt.total = freq, total
            dt.initialized = True


def search_parts(words: list[str]) -> list[str]:
    """The 2- and 3-character parts of longer words that jieba's search mode adds
    (its own rule: parts found in its dictionary), for words already cut, so a text
    is segmented once rather than again in search mode.

    >>> "小区" in search_parts(["城镇老旧小区", "改造"])
    True
    """
    freq = jieba_module().dt.FREQ
    parts = []
    for w in words:
        if len(w) > 2:
            parts += [w[i:i + 2] for i in range(len(w) - 1) if freq.get(w[i:i + 2])]
        if len(w) > 3:
            parts += [w[i:i + 3] for i in range(len(w) - 2) if freq.get(w[i:i + 3])]
    return parts


@lru_cache(maxsize=None)
def get_nlp() -> "Language":
    """The cached spaCy pipeline (blank Chinese, jieba segmenter, domain span ruler)."""
    import spacy

    from plankg.errors import DataFileError
    from . import domains

    jieba_module()  # spaCy's jieba segmenter uses the global module: load the dict first
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    try:
        doms = domains.load_domains()
    except DataFileError:
        doms = ()
    if doms:
        ruler = nlp.add_pipe("span_ruler", name="domain_terms",
                             config={"spans_key": "domain", "overwrite": False})
        patterns = []
        for d in doms:
            for term in sorted({d.label, *d.alt_labels, *d.signal_terms}):
                patterns.append({"label": d.label, "pattern": term})
        ruler.add_patterns(patterns)
    _register_topic_component()
    nlp.add_pipe("plankg_topic_terms", name="topic_terms")
    return nlp


def _register_topic_component() -> None:
    """Register the ``plankg_topic_terms`` component (once per process).

    A topic term is often part of a jieba token (托位 in 婴幼儿托位) or straddles two
    (医疗卫生服务 in 医疗卫生/服务体系), so neither phrase nor token patterns find it;
    the component runs one regex of every term of ``data/topics.tsv`` (longest first)
    over the Doc's text and keeps each match as a span expanded to token boundaries,
    labelled with its topic, in ``doc.spans["topic"]``.
    """
    from spacy.language import Language

    if Language.has_factory("plankg_topic_terms"):
        return

    @Language.factory("plankg_topic_terms")
    def make_topic_terms(nlp: "Language", name: str):
        def topic_terms(doc: "Doc") -> "Doc":
            spans = []
            for start, end, topic in topic_matches(doc.text):
                span = doc.char_span(start, end, label=topic, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
            doc.spans["topic"] = spans
            return doc

        return topic_terms


def analyse(text: str) -> "Doc":
    """``text`` through the shared pipeline (see :func:`get_nlp`)."""
    return get_nlp()(text)


@lru_cache(maxsize=None)
def _topic_regex() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    vocab = datafiles.topics()
    terms = sorted(vocab.term_topic, key=len, reverse=True)  # longest first
    rx = re.compile("|".join(re.escape(t) for t in terms)) if terms else None
    return rx, vocab.term_topic


def topic_matches(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, topic)`` of each term of ``data/topics.tsv`` in ``text``, left to
    right, the longest term where several start at one place.

    >>> [t for _s, _e, t in topic_matches("每千人口3岁以下婴幼儿托位数")]
    ['婴幼儿', '婴幼儿', '托育']
    """
    rx, term_topic = _topic_regex()
    if rx is None:
        return
    for m in rx.finditer(text):
        yield m.start(), m.end(), term_topic[m.group()]


@lru_cache(maxsize=None)
def _domain_words() -> frozenset[str]:
    """The labels and signal terms of the service domains that jieba cuts as one word:
    the ones the spaCy ``domain_terms`` ruler can match as a one-token span (its phrase
    patterns are cut by the same jieba)."""
    from plankg.errors import DataFileError
    from . import domains

    try:
        doms = domains.load_domains()
    except DataFileError:
        return frozenset()
    jieba = jieba_module()
    terms = {t for d in doms for t in (d.label, *d.alt_labels, *d.signal_terms)}
    return frozenset(t for t in terms if list(jieba.cut(t)) == [t])


@dataclass(frozen=True)
class Terms:
    """What the linker reads of a short text (see :func:`terms_of`)."""

    words: tuple[str, ...]
    """jieba's words, whitespace dropped (the tokens of :func:`analyse`, but runs of
    whitespace)."""
    domain_words: frozenset[str]
    """The words that are a whole service-domain term (托位, 全民健身)."""
    topics: tuple[str, ...]
    """The topic of each topic term found, in text order."""


def terms_of(text: str) -> Terms:
    """``text``'s words, domain words and topics, with jieba and regexes only.

    >>> t = terms_of("每千人口3岁以下婴幼儿托位数")
    >>> "".join(t.words), t.topics
    ('每千人口3岁以下婴幼儿托位数', ('婴幼儿', '婴幼儿', '托育'))
    """
    words = tuple(w for w in jieba_module().cut(text) if w and not w.isspace())
    domain = _domain_words()
    return Terms(words=words, domain_words=frozenset(w for w in words if w in domain),
                 topics=tuple(t for _s, _e, t in topic_matches(text)))
