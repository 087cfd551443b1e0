"""Imported once by the worker server (see :mod:`plankg.store.workers`): load what every
parsing process needs and what does not depend on plankg's own data files — the
modules and jieba with its prefix dictionary — so that every worker forked from the
server starts warm. spaCy is not among them: the parse does not use it
(:func:`plankg.semantic.nlp.terms_of`).

plankg's data files (heading patterns, lexicons, topics, the jieba user dictionary,
``ontology/domains.ttl``) are deliberately *not* loaded here: a server lives as long
as the process that started it, and a worker forked from it must see those files as
they are when it parses, not as they were when the server started. Each worker loads
them on first use, in milliseconds.

Nothing here may fail: anything that does not load is loaded (and reported) by the
worker that needs it, exactly as it would be without preloading.
"""
from __future__ import annotations

import gc


def warm() -> bool:
    """Load the data-independent part of the parse pipeline; True when all of it loaded."""
    try:
        import jieba

        from plankg import pipeline  # noqa: F401
        from plankg.graph import rdf  # noqa: F401
        from plankg.semantic import (assign, departments, domains, metadata,  # noqa: F401
                                     nlp, quantities, regions)
        from plankg.structure import columns, keytasks, tables  # noqa: F401

        nlp._load_cached_dictionary(jieba)   # jieba's own dictionary, not plankg's
        return True
    except Exception:  # noqa: BLE001 - see the module doc
        return False


WARM = warm()
# Forked workers share the server's memory page by page until they write to it; the
# cyclic GC would visit (and so copy) every preloaded object. Keep them out of its way.
gc.freeze()
