"""plankg: Chinese five-year plans as a SPARQL-queryable knowledge graph.

The notebook API (``open_store``, ``parse``, ``compare``) is loaded on first use by
module ``__getattr__``, so ``import plankg`` (and the ``plankg query`` path) stays light.
"""

__version__ = "0.1.0"

_LAZY = {"open_store", "parse", "compare"}


def __getattr__(name: str):
    if name in _LAZY:
        from plankg.workbench import api

        return getattr(api, name)
    raise AttributeError(f"module 'plankg' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
