"""Unit normalisation for comparing indicators across plans (data: ``unit_conversions.tsv``).

Two plans state the same measure in different units (养老床位 3.2 万张 vs 32000 张;
婴儿死亡率 5‰ vs 0.5%). A unit belongs to one *dimension* with a factor to the
dimension's base unit; values convert only within a dimension. Everything is
:class:`~decimal.Decimal`, so 3.2 万张 is exactly 32000 张.

>>> convert("3.2", "万张", "张")
'32000'
>>> convert("5", "‰", "%")
'0.5'
>>> convert("5", "个", "张") is None     # places are not beds
True
>>> convert("", "万张", "张")
''
>>> dimension("万人次"), dimension("托位")
('visits', None)
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from plankg.errors import PlanKGError
from plankg.paths import DATA_DIR

FILE = "unit_conversions.tsv"


@lru_cache(maxsize=None)
def table() -> dict[str, tuple[str, Decimal]]:
    """unit → (dimension, factor to the base unit), validated on load.

    Raises:
        DataFileError: E200 naming the file and line of a malformed entry.
    """
    path = DATA_DIR / FILE
    out: dict[str, tuple[str, Decimal]] = {}
    header_seen = False
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if cells != ["unit", "dimension", "factor"]:
                raise PlanKGError.make("E200", path=str(path), line=no,
                                       reason="header must be unit<TAB>dimension<TAB>factor")
            header_seen = True
            continue
        if len(cells) != 3 or not all(c.strip() for c in cells):
            raise PlanKGError.make("E200", path=str(path), line=no,
                                   reason="want three tab-separated cells")
        unit, dim, factor = (c.strip() for c in cells)
        try:
            f = Decimal(factor)
        except InvalidOperation:
            raise PlanKGError.make("E200", path=str(path), line=no,
                                   reason=f"factor {factor!r} is not a number") from None
        if f <= 0:
            raise PlanKGError.make("E200", path=str(path), line=no, reason="factor must be > 0")
        if unit in out:
            raise PlanKGError.make("E200", path=str(path), line=no,
                                   reason=f"unit {unit!r} listed twice")
        out[unit] = (dim, f)
    return out


def dimension(unit: str | None) -> str | None:
    """The dimension a unit measures, or None when the unit is not in the table."""
    hit = table().get((unit or "").strip())
    return hit[0] if hit else None


def convertible(a: str | None, b: str | None) -> bool:
    """True when values in unit ``a`` can be stated in unit ``b`` (or the units are equal)."""
    a, b = (a or "").strip(), (b or "").strip()
    if a == b:
        return True
    da, db = dimension(a), dimension(b)
    return da is not None and da == db


def fmt_decimal(d: Decimal) -> str:
    """A plain decimal without exponent or trailing zeros (``3.20E+4`` → ``32000``)."""
    s = format(d.normalize(), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


def convert(value: str | None, unit: str | None, to: str | None) -> str | None:
    """``value`` in ``unit`` restated in unit ``to``; '' for an empty value; None when the
    units do not convert (or the value is not a number)."""
    if value is None or str(value).strip() == "":
        return "" if convertible(unit, to) else None
    if (unit or "").strip() == (to or "").strip():
        return str(value)
    if not convertible(unit, to):
        return None
    try:
        v = Decimal(str(value))
    except InvalidOperation:
        return None
    _, fa = table()[(unit or "").strip()]
    _, fb = table()[(to or "").strip()]
    return fmt_decimal(v * fa / fb)
