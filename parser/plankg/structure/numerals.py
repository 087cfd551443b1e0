"""Chinese numerals in heading numbers and quantities → integers.

>>> [cn_to_int(s) for s in ["四", "十", "十二", "二十", "二十三", "一百零五", "两", "〇", "12"]]
[4, 10, 12, 20, 23, 105, 2, 0, 12]
>>> cn_to_int("十四五") is None
True
>>> cn_to_int("③"), cn_to_int("⑳")
(3, 20)
"""
from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def circled(s: str) -> bool:
    """Is ``s`` one circled number, ① … ⑳ (``"①".isdigit()`` is true, ``int("①")`` raises)?"""
    return len(s) == 1 and "①" <= s <= "⑳"


def cn_to_int(s: str) -> int | None:
    """Value of a numeral written in Arabic or Chinese digits; None if it is not one."""
    s = s.strip()
    if not s:
        return None
    if circled(s):
        return ord(s) - ord("①") + 1
    if s.isdecimal():
        return int(s)
    total = 0
    section = 0
    digit: int | None = None
    last_unit = 10 ** 9
    for ch in s:
        if ch in _DIGITS:
            if digit is not None and digit != 0:
                # two digits in a row ("十四五", "二〇二五") is not a plain number
                return _digit_string(s)
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit == 10000:
                section = (section + (digit or 0)) * unit
                total += section
                section = 0
            else:
                if unit >= last_unit:
                    return None
                section += (1 if digit is None else digit) * unit
                last_unit = unit
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def _digit_string(s: str) -> int | None:
    """"二〇二五" → 2025: digits written one by one (years)."""
    if all(ch in _DIGITS and ch != "两" for ch in s) and len(s) >= 3:
        return int("".join(str(_DIGITS[ch]) for ch in s))
    return None
