"""Charts for ``plankg compare --plot`` and the comparison report (matplotlib, Agg).

CJK labels need a font with Chinese glyphs: the first installed one of
:data:`CJK_FONTS` found by ``matplotlib.font_manager`` is used; without one the chart
is still written (the glyphs show as boxes) and :func:`cjk_font` returns a warning the
CLI prints. matplotlib is imported here only, so the query path never loads it.
"""
from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from plankg.errors import PlanKGError

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei",
             "PingFang SC", "Heiti SC", "AR PL UMing CN", "Droid Sans Fallback")
FORMATS = ("png", "svg")


def _matplotlib():
    try:
        import matplotlib
    except ImportError:
        raise PlanKGError.make("E704", reason="matplotlib is needed for plots "
                               "(pip install matplotlib)") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return matplotlib, plt


def cjk_font() -> tuple[str | None, str | None]:
    """``(font family, warning)``: an installed font with Chinese glyphs, else a warning."""
    _matplotlib()
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name, None
    return None, ("no font with Chinese glyphs found (install fonts-noto-cjk or "
                  "fonts-wqy-zenhei); Chinese labels will show as boxes")


def _number(s: str) -> float | None:
    try:
        return float(Decimal(s)) if s else None
    except InvalidOperation:
        return None


def _figure(title: str):
    matplotlib, plt = _matplotlib()
    font, warning = cjk_font()
    rc = {"svg.fonttype": "none", "axes.unicode_minus": False}
    if font:
        rc["font.family"] = [font, "DejaVu Sans"]
    matplotlib.rcParams.update(rc)
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    ax.set_title(title)
    return plt, fig, ax, warning


def _save(plt, fig, out: Path | None, fmt: str) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format=fmt, metadata={"Title": fig.axes[0].get_title()} if fmt == "svg" else None)
    plt.close(fig)
    data = buf.getvalue()
    if out is not None:
        try:
            out.write_bytes(data)
        except OSError as e:
            raise PlanKGError.make("E703", path=str(out), reason=e.strerror or str(e)) from None
    return data


def fmt_of(path: Path) -> str:
    """``png`` or ``svg`` from the file name.

    Raises:
        WorkbenchError: E703 for another suffix.
    """
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise PlanKGError.make("E703", path=str(path), reason="the file name must end in .png or .svg")
    return fmt


def indicator_chart(comparison: Any, concept: str | None = None, out: Path | None = None,
                    fmt: str = "svg") -> tuple[bytes, str | None]:
    """Bars of one aligned indicator's baseline and target per region.

    Args:
        comparison: a :class:`~plankg.workbench.compare.Comparison`.
        concept: which concept (default: the first with a numeric target).
    Returns:
        ``(the image bytes, a warning or None)``.
    Raises:
        WorkbenchError: E703 when no concept of the comparison has a numeric figure.
    """
    candidates = [concept] if concept else comparison.concepts
    chosen = None
    for c in candidates:
        if any(_number(r["target"]) is not None or _number(r["baseline"]) is not None
               for r in comparison.series(c)):
            chosen = c
            break
    if chosen is None:
        raise PlanKGError.make("E703", reason="no numeric baseline or target to plot "
                               "(narrow it with --indicator)")
    rows = comparison.series(chosen)
    label = comparison.labels[chosen]
    unit = next((r["unit"] for r in rows if r["unit"]), "")
    title = label + (f"（{unit}）" if unit else "")
    plt, fig, ax, warning = _figure(title)
    names = [r["region"] + (f" {r['targetYear']}" if sum(x["region"] == r["region"] for x in rows) > 1 else "")
             for r in rows]
    xs = list(range(len(rows)))
    base = [_number(r["baseline"]) or 0 for r in rows]
    target = [_number(r["target"]) or 0 for r in rows]
    w = 0.38
    ax.bar([x - w / 2 for x in xs], base, w, label="基期 baseline", color="#9fb3c8")
    bars = ax.bar([x + w / 2 for x in xs], target, w, label="目标 target", color="#c0392b")
    if len(rows) > 8:  # many regions: a wider chart, labels on their side
        fig.set_size_inches(min(40, max(8, 0.32 * len(rows) + 2)), 5)
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    for b, r in zip(bars, rows if len(rows) <= 30 else []):  # figures on the bars while legible
        if r["target"]:
            ax.annotate(r["comparator"] + r["target"], (b.get_x() + b.get_width() / 2, b.get_height()),
                        ha="center", va="bottom", fontsize=8)
    ax.set_xticks(xs, names)
    ax.set_ylabel(unit)
    ax.legend()
    return _save(plt, fig, out, fmt), warning


def coverage_heatmap(matrix: Any, out: Path | None = None, fmt: str = "svg",
                     title: str = "基本公共服务项目覆盖 service-item coverage") -> tuple[bytes, str | None]:
    """A heat map of service items (rows) × regions (columns): listed or not."""
    plt, fig, ax, warning = _figure(title)
    fig.set_size_inches(max(6, 1.2 * len(matrix.regions) + 4), max(3, 0.28 * len(matrix.items) + 1.5))
    grid = [[1 if reg in matrix.listed[k] else 0 for reg in matrix.regions]
            for k, _l, _d in matrix.items]
    ax.imshow(grid, cmap="Greens", vmin=0, vmax=1.4, aspect="auto")
    ax.set_xticks(range(len(matrix.regions)), matrix.regions)
    ax.set_yticks(range(len(matrix.items)), [label for _k, label, _d in matrix.items], fontsize=8)
    ax.xaxis.tick_top()
    return _save(plt, fig, out, fmt), warning
