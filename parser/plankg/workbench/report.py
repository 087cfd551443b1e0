"""``plankg report``: one static, self-contained HTML page for a plan or a comparison.

No server and no network: the CSS is inline, charts are inline SVG, and the page links
to nothing outside itself. The plan page has an outline with anchors, the structure
with key tasks, the indicator table, the 专栏 with their projects and quantities, the
service items by domain, the departments, and the domain coverage; the comparison page
the aligned indicators, one chart per indicator that two regions or more state, and the
service-item coverage. Every fact carries a numbered link to its source quote (hover
shows it; the number jumps to the footnote), taken from :func:`.provenance.quotes`.

Templates are jinja2 files in ``workbench/templates/``.
"""
from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from plankg.errors import PlanKGError

TEMPLATES = Path(__file__).resolve().parent / "templates"
DOMAINS = ("幼有所育", "学有所教", "劳有所得", "病有所医", "老有所养", "住有所居", "弱有所扶",
           "优军服务保障", "文体服务保障")
MAX_PLOTS = 24


def _env():
    try:
        import jinja2
    except ImportError:
        raise PlanKGError.make("E704", reason="jinja2 is needed for reports (pip install jinja2)") from None
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined), jinja2


class _Citations:
    """Numbers the quotes as the page cites them; ``cite(iri)`` is the link markup."""

    def __init__(self, quotes: dict[str, Any], markup: Any):
        self.quotes = quotes
        self.markup = markup
        self.numbers: dict[str, int] = {}
        self.sources: list[Any] = []

    def __call__(self, iri: str) -> Any:
        q = self.quotes.get(iri)
        if q is None:
            return ""
        n = self.numbers.get(iri)
        if n is None:
            self.sources.append(q)
            n = self.numbers[iri] = len(self.sources)
        return self.markup('<sup class="src"><a href="#src-{}" title="{}">[{}]</a></sup>'
                           ).format(n, q.text, n)


def _anchor(iri: str) -> str:
    return re.sub(r"[^\w-]", "-", iri.partition("/plan/")[2].partition("/")[2]) or "plan"


def _label(node: dict[str, str]) -> str:
    prefix = {"Part": "第{}篇 ", "Chapter": "第{}章 ", "Section": "第{}节 "}.get(node["kind"], "{}. ")
    return (prefix.format(node["number"]) if node["number"] else "") + node["title"]


def _find_plan(store: Any, plan: str) -> dict[str, str]:
    from plankg.graph.rdf import plan_iri

    iri = plan if "://" in plan else plan_iri(plan)
    for p in store.plans():
        if p["plan"] == iri:
            return {**p, "id": iri.rpartition("/plan/")[2]}
    ids = ", ".join(p["plan"].rpartition("/plan/")[2] for p in store.plans()) or "(none)"
    raise PlanKGError.make("E702", reason=f"{plan!r}; plans in the store: {ids}")


def plan_context(store: Any, plan: str) -> dict[str, Any]:
    """Everything the plan template shows (without the citation function)."""
    from plankg.workbench.compare import indicator_rows
    from plankg.workbench.export import kind_rows
    from plankg.workbench.sparqlrun import select, sparql

    info = _find_plan(store, plan)
    iri = info["plan"]
    wanted = {iri}

    def rows(kind: str) -> list[dict[str, str]]:
        header, it = kind_rows(store, kind, wanted)
        return [dict(zip(header, r)) for r in it]

    # issuer, document number, dates from the plan's notice or front matter (plans.rq)
    info = {**next(iter(rows("plans")), {}), **info}

    # outline: headings nested by dcterms:isPartOf, key tasks under their heading
    nodes = [dict(r, children=[]) for r in select(store, sparql("report_outline") % {"plan": iri})]
    by_iri = {n["iri"]: n for n in nodes}
    outline = []
    for n in nodes:
        n["anchor"], n["label"] = _anchor(n["iri"]), _label(n)
        parent = by_iri.get(n["parent"])
        (parent["children"] if parent else outline).append(n)
    indicators = [r for r in indicator_rows(store, wanted) if r["plan"] == iri]
    quantities: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for q in rows("quantities"):
        quantities[(q["columnNo"], q["projectNo"])].append(q)
    projects: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in rows("projects"):
        projects[p["columnNo"]].append({**p, "quantities": quantities.get((p["columnNo"], p["projectNo"]), [])})
    columns = [{**c, "projects": projects.get(c["columnNo"], [])} for c in rows("columns")]
    services: dict[str, list[dict[str, str]]] = {}
    items = rows("service_items")
    for it in items:
        services.setdefault(it["domain"], []).append(it)
    departments: dict[str, dict[str, Any]] = {}
    for r in rows("responsibilities"):
        d = departments.setdefault(r["department"], {"name": r["department"], "lead": [], "support": []})
        d["lead" if r["role"] == "lead" else "support"].append(r)
    coverage = []
    flat = [n for n in nodes]
    project_rows = [p for ps in projects.values() for p in ps]
    for dom in DOMAINS:
        coverage.append({
            "domain": dom,
            "headings": sum(n["domain"] == dom and n["kind"] != "KeyTask" for n in flat),
            "tasks": sum(n["domain"] == dom and n["kind"] == "KeyTask" for n in flat),
            "indicators": len({r["iri"] for r in indicators if r["domain"] == dom}),
            "projects": sum(p["domain"] == dom for p in project_rows),
            "items": sum(i["domain"] == dom for i in items)})
    return {"plan": info, "outline": outline, "indicators": indicators, "columns": columns,
            "services": list(services.items()), "departments": list(departments.values()),
            "coverage": coverage, "page_title": info["title"] or info["id"]}


def render_plan(store: Any, plan: str) -> str:
    """The HTML page of one plan (a plan id or IRI)."""
    from plankg import __version__
    from plankg.workbench.provenance import quotes

    env, jinja2 = _env()
    ctx = plan_context(store, plan)
    cite = _Citations(quotes(store, ctx["plan"]["plan"]), jinja2.utils.markupsafe.Markup)
    return env.get_template("plan.html.j2").render(**ctx, cite=cite, sources=cite.sources,
                                                   version=__version__)


def _svg_inline(data: bytes) -> str:
    text = data.decode("utf-8")
    return text[text.index("<svg"):]


def render_compare(store: Any, regions: Iterable[str]) -> tuple[str, str | None]:
    """The comparison page of ``regions`` (names or plan ids; all regions when empty),
    and a warning (no CJK font for the charts) or None."""
    from plankg import __version__
    from plankg.workbench import plot
    from plankg.workbench.compare import compare_indicators, compare_items
    from plankg.workbench.provenance import quotes

    env, jinja2 = _env()
    comparison = compare_indicators(store, regions=regions)
    quote_map: dict[str, Any] = {}
    for p in {r["plan"] for r in comparison.rows if r["plan"]}:
        quote_map.update(quotes(store, p))
    cite = _Citations(quote_map, jinja2.utils.markupsafe.Markup)
    cells: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    unit: dict[str, str] = {}
    for r in comparison.rows:
        if r["name"]:
            cells[(r["concept"], r["region"])].append(r)
            unit.setdefault(r["concept"], r["unit"])
    table = [{"label": label, "unit": unit.get(c, ""),
              "cells": [cells.get((c, reg), []) for reg in comparison.regions]}
             for c, label in comparison.labels.items()]
    plots, warning = [], None
    Markup = jinja2.utils.markupsafe.Markup
    for c, label in comparison.labels.items():
        if len(plots) >= MAX_PLOTS:
            break
        numeric = {r["region"] for r in comparison.series(c) if plot._number(r["target"]) is not None}
        if len(numeric) < 2:
            continue
        data, warning = plot.indicator_chart(comparison, c, None, "svg")
        plots.append({"label": label, "svg": Markup(_svg_inline(data))})
    items, heatmap = [], None
    try:
        matrix = compare_items(store, regions=comparison.regions)
    except PlanKGError:
        matrix = None
    if matrix is not None:
        items = [{"label": label, "domain": dom, "only": matrix.only_in(k),
                  "cells": [reg in matrix.listed[k] for reg in matrix.regions]}
                 for k, label, dom in matrix.items]
        data, warning = plot.coverage_heatmap(matrix, None, "svg")
        heatmap = Markup(_svg_inline(data))
    html = env.get_template("compare.html.j2").render(
        page_title="规划比较 Comparison: " + " · ".join(comparison.regions),
        regions=comparison.regions, table=table, plots=plots, items=items, heatmap=heatmap,
        cite=cite, sources=cite.sources, version=__version__)
    return html, warning


def report_to_file(store_path: str | os.PathLike | None, plan: str | None,
                   regions: Iterable[str], output: Path | None) -> tuple[Path, str | None]:
    """Render a plan page (``plan``) or a comparison page (``regions``) into ``output``
    (default ``PLAN.html`` / ``compare.html``); returns the path and a warning or None."""
    from plankg.store.embedded import Store

    regions = tuple(regions)
    with Store(store_path, read_only=True) as st:
        if regions:
            html, warning = render_compare(st, regions)
        else:
            html, warning = render_plan(st, plan or ""), None
    out = output or Path(f"{plan}.html" if not regions else "compare.html")
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as e:
        raise PlanKGError.make("E701", path=str(out), reason=e.strerror or str(e)) from None
    return out, warning
