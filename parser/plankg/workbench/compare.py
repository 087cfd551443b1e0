"""Aligned indicators and service items side by side across regions (``plankg compare``).

Indicators: the graph gives every indicator a concept (``pk:concept``, from
:func:`plankg.graph.rdf.indicator_concept_key`: equal normalised names). Compare builds
on it and adds units (:mod:`.units`):

* rows of one concept whose units convert (万张 ↔ 张, ‰ ↔ %) are restated in the
  concept's *reference unit* (the unit most of its rows use); the plan's own unit and
  figures stay in ``sourceUnit``, ``sourceBaseline``, ``sourceTarget``;
* rows of one concept whose units are known and measure different things (城镇新增就业
  in 万人 and in %) are not the same measure: the rows of the less common dimension get
  a concept of their own (``CONCEPT#dimension``);
* a unit the table does not know that differs from the reference unit is kept as it is
  and flagged ``unitMismatch=true``.

The long form (csv, json) has one row per indicator target plus, for a region of the
selection that has no indicator on a concept, one row with only ``concept`` and
``region`` filled: an empty cell, not a missing row. The table has one row per concept
and one column group per region.

Service items are aligned by their normalised name (NFKC, no spaces or punctuation);
the matrix marks the items only one region lists.
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from plankg.errors import PlanKGError
from plankg.workbench import units
from plankg.workbench.sparqlrun import select, sparql

COLUMNS = ["concept", "region", "plan", "name", "unit", "baseline", "baselineYear",
           "target", "targetYear", "comparator", "nature", "unitMismatch",
           "qualitativeTarget", "domain", "sourceUnit", "sourceBaseline", "sourceTarget",
           "iri"]
FORMATS = ("table", "csv", "json")
PLAN_PREFIX = "/plan/"
_PUNCT = re.compile(r"[\s“”\"'‘’《》「」〈〉、,，:：;；·。.（）()]")


def plan_id(plan_iri: str) -> str:
    """The plan id (file stem) of a plan IRI."""
    return plan_iri.rpartition(PLAN_PREFIX)[2] if PLAN_PREFIX in plan_iri else plan_iri


def _norm(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def _region_filter(rows: list[dict[str, str]], regions: Iterable[str]) -> list[str]:
    """The regions to show, in the order asked for (a region name or a plan id), else
    in the order their plans first appear."""
    asked = [r for r in regions if r]
    seen: list[str] = []
    for r in rows:
        if r["region"] not in seen:
            seen.append(r["region"])
    if not asked:
        return seen
    by_plan = {plan_id(r["plan"]): r["region"] for r in rows}
    out: list[str] = []
    for a in asked:
        name = a if a in seen else by_plan.get(a)
        if name is None:
            known = ", ".join(seen) or "(no plans in the store)"
            raise PlanKGError.make("E700", reason=f"no plan of region {a!r}; regions: {known}")
        if name not in out:
            out.append(name)
    return out


# --- indicators ----------------------------------------------------------------------

@dataclass
class Comparison:
    """Aligned indicators: long-form ``rows`` (dicts keyed by :data:`COLUMNS`), the
    ``regions`` shown and each concept's label (its most common name)."""

    rows: list[dict[str, str]]
    regions: list[str]
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def concepts(self) -> list[str]:
        return list(self.labels)

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(self.rows)
        return buf.getvalue()

    def to_json(self) -> str:
        return json.dumps(self.rows, ensure_ascii=False, indent=1) + "\n"

    def wide(self) -> tuple[list[str], list[list[str]]]:
        """One row per concept: label, unit, then baseline/target/nature per region."""
        header = ["indicator", "unit"]
        for r in self.regions:
            header += [f"{r}:baseline", f"{r}:target", f"{r}:nature"]
        cells: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
        unit: dict[str, str] = {}
        for row in self.rows:
            if row["name"]:
                cells[(row["concept"], row["region"])].append(row)
                unit.setdefault(row["concept"], row["unit"])
        out = []
        for c, label in self.labels.items():
            line = [label, unit.get(c, "")]
            for r in self.regions:
                rs = cells.get((c, r), [])
                line.append(" / ".join(dict.fromkeys(_baseline_cell(x) for x in rs)))
                line.append(" / ".join(_target_cell(x) for x in rs))
                line.append(" / ".join(dict.fromkeys(x["nature"] for x in rs)))
            out.append(line)
        return header, out

    def to_table(self) -> str:
        from plankg.store.queries import _table

        header, rows = self.wide()
        return _table(header, rows)

    def render(self, fmt: str) -> str:
        if fmt == "csv":
            return self.to_csv()
        if fmt == "json":
            return self.to_json()
        return self.to_table()

    def series(self, concept: str) -> list[dict[str, str]]:
        """The named rows of one concept, in region order (for a plot)."""
        return [r for reg in self.regions for r in self.rows
                if r["concept"] == concept and r["region"] == reg and r["name"]]


def _baseline_cell(r: dict[str, str]) -> str:
    if not r["baseline"]:
        return ""
    return r["baseline"] + (f" ({r['baselineYear']})" if r["baselineYear"] else "")


def _target_cell(r: dict[str, str]) -> str:
    value = (r["comparator"] + r["target"]) if r["target"] else r["qualitativeTarget"]
    if not value:
        return ""
    return value + (f" ({r['targetYear']})" if r["targetYear"] else "")


def indicator_rows(store: Any, plans: Iterable[str] | None = None) -> list[dict[str, str]]:
    """Every indicator target row of the store, or of the plans (IRIs) given (the SPARQL
    in ``sparql/compare_indicators.rq``)."""
    from plankg.graph.rdf import concept_iri, indicator_concept_key
    from plankg.store.queries import restrict

    rows = []
    for r in select(store, restrict(sparql("compare_indicators"), plans)):
        if not r["concept"] or _MARKS.search(r["name"]):
            # unaligned by the graph, or a footnote mark in the name (人均预期寿命*):
            # align it by its name without the marks
            r["concept"] = concept_iri(indicator_concept_key(_MARKS.sub("", r["name"]), r["unit"]))
        rows.append(r)
    return rows


# footnote marks a table puts after a name (人均预期寿命*, 托位数①): not part of the measure
_MARKS = re.compile(r"[*＊※△▲☆★\u2460-\u2473\u2776-\u277f]+")


def align(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Split concepts whose units measure different things; restate convertible units
    in each concept's reference unit. Returns new rows keyed by :data:`COLUMNS`."""
    by_concept: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_concept[r["concept"]].append(r)
    out = []
    for concept, rs in by_concept.items():
        dims = Counter(units.dimension(r["unit"]) for r in rs if units.dimension(r["unit"]))
        main = dims.most_common(1)[0][0] if dims else None
        parts: dict[str, list[dict[str, str]]] = defaultdict(list)
        for r in rs:
            d = units.dimension(r["unit"])
            parts[concept if d is None or d == main else f"{concept}#{d}"].append(r)
        for key, part in parts.items():
            ref = _reference_unit(part)
            for r in part:
                out.append(_restate(key, r, ref))
    return out


def _reference_unit(rows: list[dict[str, str]]) -> str:
    counts = Counter(r["unit"] for r in rows if r["unit"])
    if not counts:
        return ""
    best = max(counts.values())
    tied = [u for u, n in counts.items() if n == best]
    # among equally common units prefer the dimension's base unit (张 over 万张)
    tied.sort(key=lambda u: (units.table().get(u, ("", 1))[1] != 1, u))
    return tied[0]


def _restate(concept: str, r: dict[str, str], ref: str) -> dict[str, str]:
    out = {k: r.get(k, "") for k in COLUMNS}
    out["concept"] = concept
    out["sourceUnit"], out["sourceBaseline"], out["sourceTarget"] = (
        r["unit"], r["baseline"], r["target"])
    mismatch = bool(r["unit"] and ref and not units.convertible(r["unit"], ref))
    if r["unit"] and ref and not mismatch and r["unit"] != ref:
        out["unit"] = ref
        out["baseline"] = units.convert(r["baseline"], r["unit"], ref) or ""
        out["target"] = units.convert(r["target"], r["unit"], ref) or ""
    out["unitMismatch"] = "true" if mismatch else "false"
    return out


def compare_indicators(store: Any, *, indicator: str | None = None, domain: str | None = None,
                       regions: Iterable[str] = ()) -> Comparison:
    """Aligned indicators across regions.

    Args:
        store: a :class:`plankg.store.embedded.Store`.
        indicator: keep concepts whose name (or normalised key) contains this text.
        domain: keep indicators of this service domain (幼有所育 …).
        regions: region names or plan ids to show, in this order (default: all).
    Raises:
        WorkbenchError: E700 when the store has no indicators or a region is unknown.
    """
    raw = indicator_rows(store)
    if not raw:
        raise PlanKGError.make("E700", reason="the store has no indicators; load plans first")
    shown = _region_filter(raw, regions)
    rows = align(raw)
    if domain:
        keep = {r["concept"] for r in rows if r["domain"] == domain}
        rows = [r for r in rows if r["concept"] in keep]
    if indicator:
        from plankg.graph.rdf import indicator_concept_key

        want = {_norm(indicator), indicator_concept_key(indicator)}
        keep = {r["concept"] for r in rows
                if any(w and (w in _norm(r["name"]) or w in _norm(r["concept"].rpartition("/")[2]))
                       for w in want)}
        rows = [r for r in rows if r["concept"] in keep]
    rows = [r for r in rows if r["region"] in shown]
    if not rows:
        what = " ".join(x for x in (indicator, domain) if x) or "the regions asked for"
        raise PlanKGError.make("E700", reason=f"no indicator matches {what}")
    labels: dict[str, str] = {}
    names: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        names[r["concept"]][r["name"]] += 1
    first_seen = list(dict.fromkeys(r["concept"] for r in rows))
    for c in sorted(first_seen, key=lambda c: (names[c].most_common(1)[0][0], c)):
        labels[c] = names[c].most_common(1)[0][0]
    region_order = {reg: i for i, reg in enumerate(shown)}
    concept_order = {c: i for i, c in enumerate(labels)}
    present = {(r["concept"], r["region"]) for r in rows}
    for c in labels:
        for reg in shown:
            if (c, reg) not in present:
                empty = dict.fromkeys(COLUMNS, "")
                empty["concept"], empty["region"] = c, reg
                rows.append(empty)
    rows.sort(key=lambda r: (concept_order[r["concept"]], region_order[r["region"]]))
    return Comparison(rows, shown, labels)


# --- service items -------------------------------------------------------------------

@dataclass
class ItemMatrix:
    """Service items × regions: ``items`` are (key, label, domain); ``listed`` maps an
    item key to the set of regions listing it."""

    items: list[tuple[str, str, str]]
    regions: list[str]
    listed: dict[str, set[str]]

    def only_in(self, key: str) -> str:
        """The region, when exactly one region of the matrix lists the item."""
        regs = self.listed[key]
        return next(iter(regs)) if len(regs) == 1 and len(self.regions) > 1 else ""

    def wide(self, mark: str = "✓") -> tuple[list[str], list[list[str]]]:
        header = ["item", "domain"] + self.regions + ["onlyIn"]
        rows = [[label, dom] + [mark if reg in self.listed[k] else "" for reg in self.regions]
                + [self.only_in(k)] for k, label, dom in self.items]
        return header, rows

    def to_csv(self) -> str:
        header, rows = self.wide()
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        return buf.getvalue()

    def to_json(self) -> str:
        data = [{"item": label, "domain": dom,
                 "regions": [r for r in self.regions if r in self.listed[k]],
                 "onlyIn": self.only_in(k)} for k, label, dom in self.items]
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    def to_table(self) -> str:
        from plankg.store.queries import _table

        header, rows = self.wide()
        header[-1] = "only in"
        return _table(header, rows)

    def render(self, fmt: str) -> str:
        return {"csv": self.to_csv, "json": self.to_json}.get(fmt, self.to_table)()


def compare_items(store: Any, *, domain: str | None = None,
                  regions: Iterable[str] = ()) -> ItemMatrix:
    """The service-item coverage matrix (aligned item × region).

    Raises:
        WorkbenchError: E700 when no plan lists service items (or none match).
    """
    raw = list(select(store, sparql("service_items")))
    if not raw:
        raise PlanKGError.make("E700", reason="the store has no service items; load plans first")
    shown = _region_filter(raw, regions)
    items: dict[str, tuple[str, str, str]] = {}
    listed: dict[str, set[str]] = defaultdict(set)
    for r in raw:
        if r["region"] not in shown or (domain and r["domain"] != domain):
            continue
        key = _norm(r["item"])
        items.setdefault(key, (key, r["item"], r["domain"]))
        listed[key].add(r["region"])
    if not items:
        raise PlanKGError.make("E700", reason=f"no service item of domain {domain!r}")
    return ItemMatrix(list(items.values()), shown, dict(listed))


# --- the command ---------------------------------------------------------------------

def compare_in_store(store: Any, *, indicator: str | None, domain: str | None,
                     regions: Iterable[str], items: bool, fmt: str, plot: Path | None,
                     quiet: bool = False) -> tuple[str, str | None]:
    """What ``plankg compare`` prints, and a warning (the plot's font) or None."""
    from plankg.store.embedded import Store
    from plankg.workbench.progress import progress

    fmt_plot = None
    if plot is not None:
        from plankg.workbench.plot import fmt_of

        fmt_plot = fmt_of(plot)
    warning = None
    with progress("comparing", total=None, enabled=None if not quiet else False) as step, \
            Store(store, read_only=True) as st:
        if items:
            result = compare_items(st, domain=domain, regions=regions)
        else:
            result = compare_indicators(st, indicator=indicator, domain=domain, regions=regions)
        step()
    if plot is not None:
        from plankg.workbench import plot as plotting

        if items:
            _data, warning = plotting.coverage_heatmap(result, plot, fmt_plot)
        else:
            _data, warning = plotting.indicator_chart(result, None, plot, fmt_plot)
    return result.render(fmt), warning
