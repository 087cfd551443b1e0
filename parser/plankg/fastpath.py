"""The ``plankg`` entry point: a cached query answered before the CLI framework loads.

``plankg query NAME`` is what researchers run most, often from scripts in a loop, and
importing click alone costs more than answering from the store's result cache
(:mod:`plankg.store.cache`). So the console script runs :func:`main` here: when the command
line is exactly ``plankg query QUERY [--store DIR] [--format table|csv|json]
[--timeout SECONDS]`` (either
``--opt value`` or ``--opt=value``) and the cache holds the answer for the store as it
is now, the answer is written and nothing else is imported. Any other command line,
any other option, a miss or any doubt hands over to :func:`plankg.cli.main`, which
parses the arguments itself, so both paths give the same output.

>>> _cached_query_args(["query", "chapters", "--format=csv", "--store", "s"])
('chapters', 'csv', 's')
>>> _cached_query_args(["query", "chapters", "--no-cache"]) is None
True
>>> _cached_query_args(["query", "chapters", "--timeout", "5"])
('chapters', 'table', None)
"""
from __future__ import annotations

import os
import sys

_FORMATS = ("table", "csv", "json")


def _cached_query_args(argv: list[str]) -> tuple[str, str, str | None] | None:
    """``(query, format, store)`` for a plain ``query`` command line, else None."""
    if len(argv) < 2 or argv[0] != "query" or argv[1].startswith("-"):
        return None
    query, fmt, store = argv[1], "table", None
    rest = argv[2:]
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if name not in ("--store", "--format", "--timeout"):
            return None
        if not eq:
            if not rest:
                return None
            value = rest.pop(0)
        if name == "--timeout":  # a cached answer takes no time; only check the value
            try:
                if float(value) >= 0:
                    continue
            except ValueError:
                pass
            return None
        if name == "--format":
            if value not in _FORMATS:
                return None
            fmt = value
        elif value:
            store = value
        else:  # --store= : let the CLI say what it makes of that
            return None
    return query, fmt, store


def _try_cache(argv: list[str]) -> str | None:
    args = _cached_query_args(argv)
    if args is None:
        return None
    query, fmt, store = args
    from plankg.errors import PlanKGError
    from plankg.store.queries import cached, resolve

    try:
        _name, sparql = resolve(query)
    except PlanKGError:
        return None  # the CLI reports it
    return cached(sparql, fmt, store)[2]


def main() -> int | None:
    """Answer a cached query, or run the click CLI."""
    try:
        text = _try_cache(sys.argv[1:])
    except Exception:  # noqa: BLE001 - any doubt: the full CLI decides and reports
        text = None
    if text is None:
        from plankg.cli import main as cli_main

        return cli_main()
    data = text.encode("utf-8")
    try:
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(text)
        else:
            buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:  # plankg query … | head: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
