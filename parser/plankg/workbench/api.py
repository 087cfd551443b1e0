"""The notebook API: a store, its queries as rows, comparisons, and parsed plans.

``plankg.open_store``, ``plankg.parse`` and ``plankg.compare`` are these functions,
loaded lazily by ``plankg/__init__.py`` so that ``import plankg`` stays light.

>>> from plankg.store.embedded import Store
>>> st = WorkbenchStore(Store.in_memory())
>>> rows = st.query("SELECT ?n { VALUES ?n { 1 2 } }")
>>> rows.columns, rows[1]["n"], len(rows)
(['n'], '2', 2)
"""
from __future__ import annotations

import os
from typing import Any, Iterable

from plankg.errors import PlanKGError


class Rows(list):
    """Query results: a list of ``{variable: text}`` dicts with the variable order kept."""

    def __init__(self, columns: list[str], rows: Iterable[dict[str, str]] = ()):
        super().__init__(rows)
        self.columns = columns

    def to_dataframe(self):
        """A pandas DataFrame (pandas is optional: ``pip install pandas``).

        Raises:
            WorkbenchError: E704 when pandas is not installed.
        """
        try:
            import pandas
        except ImportError:
            raise PlanKGError.make("E704", reason="pandas is needed for to_dataframe() "
                                   "(pip install pandas)") from None
        return pandas.DataFrame(list(self), columns=self.columns)

    def __repr__(self) -> str:
        return f"<Rows {len(self)} × {self.columns}>"


class WorkbenchStore:
    """A plankg store for notebooks: ``query``, ``compare``, ``compare_items``, ``plans``.

    Wraps :class:`plankg.store.embedded.Store`; use as a context manager or ``close()``.
    """

    def __init__(self, store: Any):
        self.store = store

    def query(self, name_or_sparql: str) -> Rows:
        """Run a named query (``indicators``), a ``.rq`` path or inline SPARQL."""
        from plankg.store.queries import resolve

        _name, sparql = resolve(name_or_sparql)
        results = self.store.query(sparql)
        if not hasattr(results, "variables"):
            raise PlanKGError.make("E705", reason="query() takes a SELECT query")
        columns = [v.value for v in results.variables]
        from plankg.store.queries import term_text

        return Rows(columns, ({c: term_text(sol[c]) for c in columns} for sol in results))

    def compare(self, indicator: str | None = None, *, domain: str | None = None,
                regions: Iterable[str] = ()) -> Rows:
        """Aligned indicators in long form (see :mod:`plankg.workbench.compare`)."""
        from plankg.workbench.compare import COLUMNS, compare_indicators

        c = compare_indicators(self.store, indicator=indicator, domain=domain, regions=regions)
        return Rows(list(COLUMNS), c.rows)

    def compare_items(self, *, domain: str | None = None, regions: Iterable[str] = ()) -> Rows:
        """The service-item coverage matrix, one row per item, ✓ per region."""
        from plankg.workbench.compare import compare_items

        m = compare_items(self.store, domain=domain, regions=regions)
        header, rows = m.wide()
        return Rows(header, (dict(zip(header, r)) for r in rows))

    def plans(self) -> Rows:
        """The plans in the store (iri, title, region, source file)."""
        rows = self.store.plans()
        return Rows(["plan", "title", "region", "file"], rows)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "WorkbenchStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(path: str | os.PathLike | None = None, *, read_only: bool = True) -> WorkbenchStore:
    """Open the store at ``path`` (default ``$PLANKG_STORE`` or ``./.plankg-store``), read-only
    unless asked; raises StoreError E301 when there is no store there."""
    from plankg.store.embedded import Store

    return WorkbenchStore(Store(path, read_only=read_only))


class ParsedPlan:
    """A parsed plan file with the pieces researchers ask for as lists of dicts:
    ``indicators``, ``columns``, ``projects``, ``service_items``, ``chapters``; the
    full :class:`plankg.model.Plan` is ``.plan``."""

    def __init__(self, plan: Any):
        self.plan = plan
        self.id = plan.id
        self.meta = plan.meta

    def _nodes(self, kind: str):
        from plankg.model import Kind

        want = Kind(kind)
        stack = [self.plan.root]
        while stack:
            n = stack.pop(0)
            if n.kind == want:
                yield n
            stack[0:0] = list(n.children)

    def _rows(self, kind: str) -> list[dict[str, Any]]:
        return [{"number": n.number, "title": n.title, "text": n.text, **n.attrs}
                for n in self._nodes(kind)]

    @property
    def indicators(self) -> list[dict[str, Any]]:
        return self._rows("indicator")

    @property
    def columns(self) -> list[dict[str, Any]]:
        return self._rows("column")

    @property
    def projects(self) -> list[dict[str, Any]]:
        return self._rows("project")

    @property
    def service_items(self) -> list[dict[str, Any]]:
        return self._rows("service_item")

    @property
    def chapters(self) -> list[dict[str, Any]]:
        return self._rows("chapter")

    def __repr__(self) -> str:
        return f"<Plan {self.id} {self.meta.get('region') or ''}>"


def parse(path: str | os.PathLike) -> ParsedPlan:
    """Parse one plan file (text, HTML …); raises InputError naming the file."""
    from plankg.cli import parse_one

    return ParsedPlan(parse_one(path))


def compare(store: str | os.PathLike | None = None, indicator: str | None = None, **kw: Any) -> Rows:
    """``open_store(store).compare(indicator, …)`` in one call."""
    with open_store(store) as st:
        return st.compare(indicator, **kw)
