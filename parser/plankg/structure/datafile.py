"""Validated reading of the TSV data files, shared by the structure and semantic stages.

Every data file in ``plankg/data/`` is read with explicit UTF-8; a bad line raises
:class:`~plankg.errors.DataFileError` (``E200``) naming the file and the line. The
semantic layer's loaders (:mod:`plankg.semantic.datafiles`) build on :func:`read_tsv`;
:func:`units` lives here because the table reader needs the measure units too (a unit
cell is made of them, a name cell is not).

>>> units()["平方米"], units()["万"]
('area', 'multiplier')
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterator

from plankg.errors import PlanKGError
from plankg.paths import DATA_DIR

UNIT_KINDS = frozenset({
    "count", "person", "area", "length", "volume", "mass", "money", "percent",
    "time", "age", "multiplier",
})


def _error(path: Path, line: int | None, reason: str) -> PlanKGError:
    return PlanKGError.make("E200", path=str(path), line=line, reason=reason)


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise _error(path, None, "file is missing") from None
    except UnicodeDecodeError as exc:
        raise _error(path, None, f"not UTF-8 ({exc.reason})") from None


def _content_lines(path: Path, comments: bool = True) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) for every non-blank, non-comment line."""
    for no, line in enumerate(_read_lines(path), 1):
        line = line.rstrip("\r").lstrip("\ufeff")
        if not line.strip() or (comments and line.lstrip().startswith("#")):
            continue
        yield no, line


def read_tsv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, tuple[str, ...]]]:
    """Rows of a TSV file whose first content line is the header ``columns``.

    Returns (line number, cells) per row; raises DataFileError on a wrong header, a
    wrong column count or an empty cell.
    """
    rows: list[tuple[int, tuple[str, ...]]] = []
    header_seen = False
    for no, line in _content_lines(path):
        cells = tuple(c.strip() for c in line.split("\t"))
        if not header_seen:
            if cells != columns:
                raise _error(path, no, f"header must be {' '.join(columns)!r} "
                                       f"(tab-separated), found {line!r}")
            header_seen = True
            continue
        if len(cells) != len(columns):
            raise _error(path, no, f"expected {len(columns)} tab-separated columns "
                                   f"({' '.join(columns)}), found {len(cells)}")
        if any(not c for c in cells):
            raise _error(path, no, "empty cell")
        rows.append((no, cells))
    if not header_seen:
        raise _error(path, None, "no header line")
    return rows


def _unique(path: Path, no: int, key: str, seen: dict[str, int], what: str) -> None:
    if key in seen:
        raise _error(path, no, f"duplicate {what} {key!r} (first on line {seen[key]})")
    seen[key] = no


@lru_cache(maxsize=None)
def units(path: Path | None = None) -> dict[str, str]:
    """Unit → kind from ``units.tsv`` (multipliers included, kind ``multiplier``)."""
    path = path or DATA_DIR / "units.tsv"
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for no, (unit, kind) in read_tsv(path, ("unit", "kind")):
        if kind not in UNIT_KINDS:
            raise _error(path, no, f"unknown kind {kind!r}; one of {sorted(UNIT_KINDS)}")
        if any(ch.isdigit() or ch.isspace() for ch in unit):
            raise _error(path, no, f"unit {unit!r} contains a digit or a space")
        _unique(path, no, unit, seen, "unit")
        out[unit] = kind
    return out
