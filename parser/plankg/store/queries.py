"""Finding queries and formatting their results.

A query is named three ways: a bare name from ``queries/`` (``indicators``), a path to a
``.rq`` file, or inline SPARQL. Results print as an aligned ``table`` for people,
``csv`` (one header row of variable names; literals as their lexical value, IRIs as
the IRI, unbound as empty) or ``json`` (SPARQL 1.1 results JSON).

>>> name, sparql = resolve("SELECT * { ?s ?p ?o }")
>>> name
'inline'
>>> from plankg.store.embedded import Store
>>> print(format_results(Store.in_memory().query("SELECT ?a ?b { BIND(1 AS ?a) }"), "csv"), end="")
a,b
1,
"""
from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Iterable

from plankg.errors import PlanKGError
from plankg.paths import queries_dir

FORMATS = ("table", "csv", "json")
_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")




def available() -> dict[str, str]:
    """Query name → its ``# summary:`` line, for every ``queries/*.rq`` (not checks/)."""
    out = {}
    for f in sorted(queries_dir().glob("*.rq")):
        summary = ""
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.startswith("# summary:"):
                summary = line[len("# summary:"):].strip()
                break
        out[f.stem] = summary
    return out


def resolve(query: str) -> tuple[str, str]:
    """``(name, sparql)`` for a query name, a path to a file, or inline SPARQL.

    Raises:
        QueryError: E400 for an unknown name (listing the available ones) or a
            path that does not exist.

    >>> resolve("no_such_query")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    plankg.errors.QueryError: E400 no such query: 'no_such_query'; available: ...
    """
    q = query.strip()
    if _NAME.match(q):
        f = queries_dir() / f"{q}.rq"
        if f.is_file():
            return q, f.read_text(encoding="utf-8")
        if not Path(q).is_file():
            names = ", ".join(available()) or "(none)"
            raise PlanKGError.make("E400", reason=f"{q!r}; available: {names}")
    p = Path(q)
    if "\n" not in q and len(q) < 4096 and p.is_file():
        try:
            return p.stem, p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise PlanKGError.make("E400", path=q, reason=f"cannot read: {e}") from None
    if "\n" not in q and q.endswith(".rq"):
        raise PlanKGError.make("E400", path=q, reason="no such file")
    return "inline", query


# --- running --------------------------------------------------------------------------

def _store_path(store: str | os.PathLike | None) -> Path:
    from plankg.paths import default_store_path

    return Path(store) if store is not None else default_store_path()


def cached(sparql: str, fmt: str, store: str | os.PathLike | None = None
           ) -> tuple[Path, str | None, str | None]:
    """``(store path, its fingerprint, the cached answer or None)`` for ``sparql`` in
    ``fmt``; the store defaults to :func:`plankg.paths.default_store_path`. Light: it
    imports neither click nor pyoxigraph (:mod:`plankg.fastpath` calls it first)."""
    from plankg.store import cache

    path = _store_path(store)
    state = cache.fingerprint(path)
    return path, state, cache.lookup(path, state, sparql, fmt)


def execute(sparql: str, fmt: str = "table", store: str | os.PathLike | None = None, *,
            use_cache: bool = True, timeout: float | None = None) -> str:
    """Run ``sparql`` on the store (read-only) and return the formatted result.

    The result is served from, and saved to, the store's result cache
    (:mod:`plankg.store.cache`) unless ``use_cache`` is False; a cache hit opens no store.
    With a ``timeout`` (seconds, > 0) a miss is evaluated in a child process that is
    killed when the time is up (:mod:`plankg.store.bounded`).

    Raises:
        StoreError: E301 when there is no store; QueryError: E401/E402, E403 on timeout.
    """
    from plankg.store import cache
    from plankg.store.bounded import run_bounded

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if use_cache:
        path, state, hit = cached(sparql, fmt, store)
        if hit is not None:
            return hit
    else:
        path, state = _store_path(store), None
    if timeout:
        # imported here, not in the child: the forked child then has no fresh pages of
        # its own to copy for them (measured: a cold bounded query ~20 ms faster)
        import plankg.store.embedded  # noqa: F401 - pyoxigraph behind it
    text = run_bounded(lambda: _evaluate(sparql, fmt, path), timeout,
                       on_kill=lambda pid: _remove_checkpoint(path, pid))
    if state is not None:
        cache.save(path, state, sparql, fmt, text)
    return text


def _remove_checkpoint(path: Path, pid: int) -> None:
    """Remove the checkpoint a killed child may have left (see :func:`_evaluate`)."""
    from plankg.store.snapshot import checkpoint_path
    import shutil

    shutil.rmtree(checkpoint_path(path, pid), ignore_errors=True)


_MOVED = re.compile(r"IO error|Corruption|No such file|not found", re.I)


def _evaluate(sparql: str, fmt: str, path: Path, *, tries: int = 8) -> str:
    """Open the store read-only, run ``sparql`` and format the whole answer.

    While a ``load`` or ``build`` writes, the query reads a checkpoint of the store
    (:func:`plankg.store.snapshot.readable`), since Oxigraph leaves reading during a
    write undefined (here: failed or hung reads of files the writer removed); a
    read that fails for that reason (a writer that started just after the look) is
    retried on a checkpoint, up to ``tries`` times over about two seconds.
    """
    import time

    from plankg.store.embedded import Store
    from plankg.store.snapshot import readable

    for attempt in range(tries):
        try:
            with readable(path, force=attempt > 0) as where, \
                    Store(where, read_only=True) as st:
                results = st.query(sparql)
                try:
                    return format_results(results, fmt)
                except (OSError, ValueError, SyntaxError, RuntimeError) as e:
                    raise PlanKGError.make("E402", reason=" ".join(str(e).split())) from None
        except PlanKGError as e:
            if (e.code not in ("E301", "E402") or not _MOVED.search(e.reason)
                    or attempt == tries - 1):
                raise
            time.sleep(min(0.05 * 2 ** attempt, 0.4))
    raise AssertionError("unreachable")


# --- formatting ----------------------------------------------------------------------

def term_text(term: object) -> str:
    """A term as plain text: literal → lexical value, IRI → IRI, unbound → ``""``."""
    if term is None:
        return ""
    kind = type(term).__name__  # pyoxigraph's classes, without importing it here
    if kind == "BlankNode":
        return "_:" + term.value  # type: ignore[attr-defined]
    if kind in ("Literal", "NamedNode"):
        return term.value  # type: ignore[attr-defined]
    return str(term)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _table(header: list[str], rows: list[list[str]]) -> str:
    rows = [[c.replace("\n", " ") for c in r] for r in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def format_results(results, fmt: str = "table") -> str:
    """Render SELECT solutions (or an ASK boolean, or CONSTRUCT triples) as text.

    Args:
        results: what :meth:`plankg.store.embedded.Store.query` returned.
        fmt: ``table``, ``csv`` or ``json``.
    """
    import pyoxigraph

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if isinstance(results, pyoxigraph.QueryBoolean):
        if fmt == "json":
            import json

            return json.dumps({"head": {}, "boolean": bool(results)}) + "\n"
        return ("true" if results else "false") + "\n"
    if isinstance(results, pyoxigraph.QueryTriples):
        triples = list(results)
        if fmt == "json":
            return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.JSON_LD).decode() + "\n"
        return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES).decode()
    if fmt == "json":
        data = results.serialize(format=pyoxigraph.QueryResultsFormat.JSON)
        import json  # json, csv and io load only for the format asked for

        return json.dumps(json.loads(data), ensure_ascii=False) + "\n"
    header = [v.value for v in results.variables]
    rows = [[term_text(sol[v]) for v in header] for sol in results]
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        return buf.getvalue()
    return _table(header, rows)


def restrict(query: str, plans: Iterable[str] | None) -> str:
    """``query`` with ``VALUES ?plan { … }`` opening its outer WHERE group, so the store
    reads only those plans' graphs (the rows are still filtered afterwards).

    >>> print(restrict("SELECT ?a WHERE { ?a ?b ?plan }", ["http://p/1"]))
    SELECT ?a WHERE { VALUES ?plan { <http://p/1> }
     ?a ?b ?plan }
    """
    if not plans:
        return query
    m = re.search(r"\bWHERE\s*\{", query, re.I)
    if not m:
        return query
    values = "VALUES ?plan { " + " ".join(f"<{p}>" for p in sorted(plans)) + " }\n"
    return query[:m.end()] + " " + values + query[m.end():]
