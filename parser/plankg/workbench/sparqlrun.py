"""Running the workbench's own SPARQL files (``workbench/sparql/*.rq``) and named queries.

One place that turns a store's solutions into plain ``dict`` rows of text, so the
modules above it never touch pyoxigraph terms.

>>> from plankg.store.embedded import Store
>>> list(select(Store.in_memory(), "SELECT ?a ?b { BIND(1 AS ?a) }"))
[{'a': '1', 'b': ''}]
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from plankg.store.queries import term_text

SPARQL_DIR = Path(__file__).resolve().parent / "sparql"


def sparql(name: str) -> str:
    """The text of ``workbench/sparql/NAME.rq``."""
    return (SPARQL_DIR / f"{name}.rq").read_text(encoding="utf-8")


def select(store: Any, query: str) -> Iterator[dict[str, str]]:
    """Rows of a SELECT as ``{variable: text}`` (unbound → ``""``), streamed."""
    results = store.query(query)
    names = [v.value for v in results.variables]
    for sol in results:
        yield {n: term_text(sol[n]) for n in names}


def variables(store: Any, query: str) -> list[str]:
    """The projected variable names of a SELECT (runs it; the solutions are not read)."""
    return [v.value for v in store.query(query).variables]
