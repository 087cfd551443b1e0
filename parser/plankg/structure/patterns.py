"""Structure patterns, loaded once from ``data/structure.toml`` and validated.

Every regex is compiled at load time; a bad one (or a missing key) raises
:class:`~plankg.errors.DataFileError` naming the file and the entry.

>>> P = structure()
>>> [h.style for h in P.headings][:4]
['第X篇', '第X章', '第X部分', '第X节']
>>> P.heading_for("第四章 推进公共服务优质均衡发展").style
'第X章'
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from plankg.errors import PlanKGError
from plankg.paths import DATA_DIR

DATA = DATA_DIR


@dataclass(frozen=True)
class HeadingStyle:
    style: str
    rank: int
    regex: re.Pattern
    max_title: int
    inline_body: bool


@dataclass(frozen=True)
class Structure:
    headings: tuple[HeadingStyle, ...]
    max_lead: int
    min_lead: int
    bullets: tuple[str, ...]
    not_lead_prefix: re.Pattern
    column_header: re.Pattern
    project: re.Pattern
    name_suffixes: tuple[str, ...]
    wrap_suffixes: tuple[str, ...]
    max_name: int
    caption: re.Pattern
    natures: tuple[str, ...]
    header_roles: dict[str, str]
    baseline_words: tuple[str, ...]
    target_words: tuple[str, ...]
    group_words: frozenset[str]
    target_phrase_starts: tuple[str, ...]
    table_units: frozenset[str]
    qualitative: tuple[str, ...]

    def heading_for(self, line: str) -> HeadingStyle | None:
        for h in self.headings:
            if h.regex.match(line):
                return h
        return None


def _compile(path: Path, where: str, pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise PlanKGError.make("E200", path=str(path), reason=f"{where}: bad regex: {e}") from None


def load_structure(path: Path) -> Structure:
    """Load and validate a structure file (see ``data/structure.toml``)."""
    try:
        with open(path, "rb") as f:
            d = tomllib.load(f)
    except OSError as e:
        raise PlanKGError.make("E200", path=str(path), reason=e.strerror or str(e)) from None
    except tomllib.TOMLDecodeError as e:
        raise PlanKGError.make("E200", path=str(path), reason=str(e)) from None
    try:
        heads = []
        for i, h in enumerate(d["heading"], 1):
            rx = _compile(path, f"heading #{i} ({h['style']})", h["regex"])
            if not {"num", "title"} <= set(rx.groupindex):
                raise PlanKGError.make("E200", path=str(path),
                                       reason=f"heading #{i}: regex needs groups num and title")
            heads.append(HeadingStyle(h["style"], int(h["rank"]), rx, int(h["max_title"]),
                                      bool(h["inline_body"])))
        heads.sort(key=lambda h: h.rank)
        kt, col, tab = d["keytask"], d["columns"], d["tables"]
        roles = dict(tab["header_roles"])
        known = {"index", "category", "domain", "group", "name", "unit", "nature", "content",
                 "items", "project", "departments", "note"}
        for word, role in roles.items():
            if role not in known:
                raise PlanKGError.make("E200", path=str(path),
                                       reason=f"tables.header_roles: {word!r} has unknown role {role!r}")
        return Structure(
            headings=tuple(heads),
            max_lead=int(kt["max_lead"]),
            min_lead=int(kt["min_lead"]),
            bullets=tuple(sorted(kt["bullets"], key=len, reverse=True)),
            not_lead_prefix=_compile(path, "keytask.not_lead_prefix", kt["not_lead_prefix"]),
            column_header=_compile(path, "columns.header", col["header"]),
            project=_compile(path, "columns.project", col["project"]),
            name_suffixes=tuple(col["name_suffixes"]),
            wrap_suffixes=tuple(col["wrap_suffixes"]),
            max_name=int(col["max_name"]),
            caption=_compile(path, "tables.caption", tab["caption"]),
            natures=tuple(tab["natures"]),
            header_roles=roles,
            baseline_words=tuple(tab["year_words"]["baseline"]),
            target_words=tuple(tab["year_words"]["target"]),
            group_words=frozenset(tab["group_words"]),
            target_phrase_starts=tuple(tab["qualitative"]["starts"]),
            table_units=frozenset(tab["units"]),
            qualitative=tuple(sorted(tab["qualitative"]["words"], key=len, reverse=True)),
        )
    except KeyError as e:
        raise PlanKGError.make("E200", path=str(path), reason=f"missing key {e}") from None


@lru_cache(maxsize=1)
def structure() -> Structure:
    return load_structure(DATA / "structure.toml")
