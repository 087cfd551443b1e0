"""Result rows, the Markdown table of bench/results.md, and reading a previous table."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Row:
    label: str                      # stable: the key for "previous"
    value: float | None             # the median measured
    unit: str                       # how value is shown: "kchar/s", "ktriples/s", "ms", "MB", "s", "×"
    baseline: float | None = None
    baseline_label: str = ""
    baseline_unit: str | None = None
    ratio: float | None = None
    goal: str = ""                  # e.g. "≥ 2× (stretch 4×)"; "" = no goal (info)
    status: str = "info"            # PASS, FAIL, info, n/a, ERROR, skipped
    runs: int | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


def fmt(v: float | None, unit: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if unit == "kchar/s":
        return f"{v / 1e3:,.1f} kchar/s"
    if unit == "ktriples/s":
        return f"{v / 1e3:,.1f} ktriples/s"
    if unit == "ms":
        return f"{v * 1e3:,.2f} ms" if v < 0.01 else f"{v * 1e3:,.1f} ms"
    if unit == "s":
        return f"{v:,.2f} s"
    if unit == "MB":
        return f"{v:,.0f} MB"
    if unit == "×":
        return f"{v:.2f}×"
    return f"{v:,.3g} {unit}".strip()


def fmt_ratio(r: float | None) -> str:
    """``0.32×``; a ratio far below 1 keeps two significant digits (``0.0024×``)."""
    if r is None or math.isnan(r):
        return "—"
    return f"{r:.2g}×" if 0 < abs(r) < 0.01 else f"{r:.2f}×"


_NUM = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def _first_number(cell: str) -> float | None:
    m = _NUM.search(cell or "")
    return float(m.group(0).replace(",", "")) if m else None


def read_previous(path: Path) -> dict[str, dict[str, float | None]]:
    """``label → {"value": v, "ratio": r}`` from a results.md written by this module.

    Values are read as shown (kchar/s, ms, MB ...), so compare them with the shown form.
    """
    out: dict[str, dict[str, float | None]] = {}
    if not path.is_file():
        return out
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None if not line.strip() else header
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == "measurement":
            header = cells
            continue
        if header is None or set(cells[0]) <= set("-: "):
            continue
        row = dict(zip(header, cells))
        shown = row.get("median", "")
        # no number for a row that was skipped or failed ("— (exit -15)")
        value = None if shown.startswith("—") else _first_number(shown)
        out[cells[0]] = {"value": value, "ratio": _first_number(row.get("ratio", "")),
                         "shown": row.get("median", "") if value is not None else ""}
    return out


def _shown_value(r: Row) -> float | None:
    return _first_number(fmt(r.value, r.unit))


def previous_cell(r: Row, prev: dict[str, dict[str, float | None]]) -> str:
    p = prev.get(r.label)
    if not p:
        return "—"
    parts = []
    if p.get("ratio") is not None:
        parts.append(f"{p['ratio']:.2f}×")
    if p.get("shown"):
        parts.append(str(p["shown"]))
    now = _shown_value(r)
    if now is not None and p.get("value"):
        parts.append(f"Δ {100.0 * (now - p['value']) / p['value']:+.0f}%")
    return " / ".join(parts) if parts else "—"


def table(rows: list[Row], prev: dict | None) -> str:
    cols = ["measurement", "median", "baseline", "ratio", "goal", "result", "runs"]
    if prev:
        cols.append("previous")
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for r in rows:
        base = "—"
        if r.baseline is not None:
            base = fmt(r.baseline, r.baseline_unit or r.unit)
            if r.baseline_label:
                base = f"{r.baseline_label}: {base}"
        elif r.baseline_label:
            base = r.baseline_label
        status = f"**{r.status}**" if r.status == "FAIL" else r.status
        cells = [r.label, fmt(r.value, r.unit) + (f" {r.note}" if r.note else ""), base,
                 fmt_ratio(r.ratio), r.goal or "—", status,
                 str(r.runs) if r.runs is not None else "—"]
        if prev:
            cells.append(previous_cell(r, prev))
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def line(r: Row) -> str:
    """One console line for a measurement."""
    s = f"{r.label}: {fmt(r.value, r.unit)}"
    if r.note:
        s += f" {r.note}"
    if r.baseline is not None:
        s += f"  [{r.baseline_label or 'baseline'} {fmt(r.baseline, r.baseline_unit or r.unit)}]"
    if r.ratio is not None:
        s += f"  ratio {fmt_ratio(r.ratio)}"
    if r.goal:
        s += f"  goal {r.goal}"
    s += f"  {r.status}"
    return s
