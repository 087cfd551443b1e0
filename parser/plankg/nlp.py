"""The shared NLP resources: jieba with the plankg user dictionary, and one spaCy pipeline.

Both are built lazily, once per process, and cached. jieba and spaCy are imported
inside the functions only, so importing this module (and the query path, which never
calls it) stays cheap.

* :func:`jieba_module` — the global ``jieba`` module with ``data/userdict.txt`` loaded
  (validated by :mod:`plankg.datafiles` first; jieba's own logging is silenced).
* :func:`segment` / :func:`segment_for_search` — ``jieba.lcut`` / ``lcut_for_search``.
* :func:`get_nlp` — ``spacy.blank("zh")`` with the jieba segmenter (which uses the same
  global jieba, hence the same user dictionary) plus a ``span_ruler`` named
  ``domain_terms`` writing ``doc.spans["domain"]``: one phrase pattern per signal term
  and label of the nine service domains in ``ontology/domains.ttl``, labelled with the
  domain's prefLabel. The ruler matches whole jieba tokens only (a term inside a longer
  token is missed); :func:`plankg.extract.domains.classify` uses a character regex
  instead and is what the semantic layer relies on. When ``domains.ttl`` cannot be
  read the pipeline has no ruler (``"domain_terms" not in nlp.pipe_names``).
"""
from __future__ import annotations

import io
import logging
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import datafiles

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language


@lru_cache(maxsize=None)
def jieba_module() -> Any:
    """The ``jieba`` module, initialised once with the plankg user dictionary."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    entries = datafiles.userdict()
    # jieba.load_userdict reads "word freq pos" lines; comments were dropped by the
    # validating loader, so feed it the clean lines rather than the file itself.
    jieba.load_userdict(io.StringIO("\n".join(f"{e.word} {e.freq} {e.pos}" for e in entries)))
    return jieba


def segment(text: str) -> list[str]:
    """Words of ``text`` by jieba (accurate mode) with the user dictionary."""
    return jieba_module().lcut(text)


def segment_for_search(text: str) -> list[str]:
    """Words of ``text`` in jieba's search mode: compounds and their parts."""
    return jieba_module().lcut_for_search(text)


def segment_with_parts(text: str) -> tuple[list[str], list[str]]:
    """``(words, parts)``: jieba's accurate-mode words, and the extra 2- and 3-character
    parts of longer words that search mode would add (its rule, applied to the words
    already cut, so the text is segmented once instead of twice).

    >>> words, parts = segment_with_parts("城镇老旧小区改造")
    >>> "城镇老旧小区" in words, "小区" in parts
    (True, True)
    """
    jb = jieba_module()
    freq = jb.dt.FREQ
    words = jb.lcut(text)
    parts = []
    for w in words:
        if len(w) > 2:
            parts += [w[i:i + 2] for i in range(len(w) - 1) if freq.get(w[i:i + 2])]
        if len(w) > 3:
            parts += [w[i:i + 3] for i in range(len(w) - 2) if freq.get(w[i:i + 3])]
    return words, parts


@lru_cache(maxsize=None)
def get_nlp() -> "Language":
    """The cached spaCy pipeline (blank Chinese, jieba segmenter, domain span ruler)."""
    import spacy

    from .errors import DataFileError
    from .extract import domains

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
    return nlp
