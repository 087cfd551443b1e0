"""Quantities a plan commits to: 建设 1000 所 → value 1000, unit 所.

Recognition is done with regular expressions compiled from ``data/units.tsv`` and the
cue words of ``data/patterns/quantity.jsonl``, not with jieba tokens: jieba splits and
joins numerals unpredictably (``30万个`` vs ``30 / 万个``, ``1．5``), and a unit is
often glued to the noun it counts. spaCy is used only to *record* the matches:
:func:`quantity_doc` builds a Doc with the shared pipeline and stores them as
``doc.spans["quantity"]`` (``char_span(..., alignment_mode="expand")``).

What is recognised (each item has a test in ``tests/test_quantities.py``):

1. A number — Arabic digits with optional decimals and thousands separators
   (``1,000``, ``95.9``, ``95． 9``), or a Chinese numeral up to 千 (``一百二十``,
   ``两``, ``十``, ``三十五``, ``一千``; 万/亿 stay part of the unit) — followed, after
   optional spaces, by a unit of ``units.tsv``, longest first, optionally with a
   multiplier (``30 万个`` → value ``30``, unit ``万个``; ``1.5 万人`` → ``1.5``, ``万人``).
   ``百分之九十`` is 90 ``%``.
2. A range ``3—5 部`` / ``3-5 部`` / ``3至5部`` / ``3~5部`` → value 3, value_max 5.
3. ``approximate`` when 约/近/接近 comes right before or 左右 right after.
4. ``comparator`` (following Chinese legal usage, 以上/以下/以内 include the number):
   before the number 至少/不少于/不低于 → ``≥``, 超过/高于/逾 → ``>``,
   不超过/不高于 → ``≤``, 低于/不足 → ``<`` (a verb of up to four characters may sit
   between: 至少建成 1 所); after it 以上/及以上 → ``≥``, 以下/以内 → ``≤``; between
   number and unit 余/多 → ``>`` (100 余所); the symbols > ≥ < ≤ before it.
5. ``scope`` when a 每/各/所有 phrase ends a list of scope nouns earlier in the same
   clause (``每个县(市、区)至少建成 1 所`` → scope ``每个县(市、区)``, comparator ``≥``).
   A quantity joined to the previous one by 、/和/及/或 inherits its scope and its
   before-comparator (至少建有 1 个 A、1 所 B: both ≥).
6. Percentages: ``90%的县`` → 90 ``%``.

Not reported: years (``2025 年``, ``2021—2025 年``), ordinals (``第3``), rate
denominators (``每千人``, ``每 10 万人``), phone-like numbers (7+ digits), model
numbers glued to Latin letters (``5G``, ``5A 级``), numbers inside quotation marks or
book-title marks (``“15 分钟健身圈”``, ``“50、80”目标``, ``“9+3”``), ages and times
that describe a noun rather than a target (``3 岁以下婴幼儿``, ``九年义务教育``,
``2 小时应急救援圈``), Chinese numerals that are part of words (``统一``, ``千家万户``,
``一批``, ``一人一档``), and Chinese numerals with units other than counts, persons
and times.

>>> [(q["value"], q["unit"], q["approximate"]) for q in find_quantities("新建 120 所公办幼儿园,增加学位约 15 万个")]
[('120', '所', False), ('15', '万个', True)]
>>> find_quantities("到 2025 年,建成“15 分钟健身圈”")
[]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import datafiles

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

CN_DIGITS = "零〇一二两三四五六七八九"
CN_CHARS = CN_DIGITS + "十百千"
_CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")}
_CN_VALUE.update({"〇": 0, "两": 2})

# 1:1 replacements, so offsets into the translated text are offsets into the input.
_FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                            "％": "%", "．": ".", "（": "(", "）": ")", "，": ",",
                            "；": ";", "：": ":", "＞": ">", "＜": "<", "～": "~"})
_CLAUSE_PUNCT = set(",，。;；:：!！?？\n")
_LIST_JOINERS = ("、", "和", "及", "或", "与")
_QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", '"': '"'}
_QUOTE_MAX = 40            # a longer "quotation" is a broken pair, not a name
_BEFORE_GAP = 4            # characters allowed between a before-cue and the number
_SCOPE_LOOKBACK = 60       # how far back a clause is searched for its scope
_CN_UNIT_KINDS = frozenset({"count", "person", "time"})
_DESCRIPTOR_KINDS = frozenset({"age", "time"})


@dataclass(frozen=True)
class _Lexicon:
    number_re: re.Pattern
    percent_re: re.Pattern
    unit_kind: dict[str, str]
    before_re: re.Pattern
    before_cmp: dict[str, str]
    after_re: re.Pattern
    after_cmp: dict[str, str | None]
    infix_cmp: dict[str, str]
    approx_before_re: re.Pattern
    exclude_re: re.Pattern | None
    number_stop: frozenset[str]
    numeral_stop: frozenset[str]
    scope_re: re.Pattern


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=None)
def lexicon() -> _Lexicon:
    """The compiled recogniser, built once from the data files."""
    base = datafiles.units()
    multipliers = [u for u, k in base.items() if k == "multiplier"]
    unit_kind = {u: k for u, k in base.items() if k != "multiplier"}
    for m in multipliers:
        for u, k in list(unit_kind.items()):
            unit_kind.setdefault(m + u, k)
    pats = datafiles.patterns("quantity")
    by = lambda t: [p for p in pats if p["type"] == t]  # noqa: E731
    before_cmp = {p["cue"]: p["comparator"] for p in by("comparator") if p["position"] == "before"}
    after_cmp: dict[str, str | None] = {
        p["cue"]: p["comparator"] for p in by("comparator") if p["position"] == "after"}
    after_cmp.update({p["cue"]: None for p in by("approximate") if p["position"] == "after"})
    infix_cmp = {p["cue"]: p["comparator"] for p in by("comparator") if p["position"] == "infix"}
    approx_before = [p["cue"] for p in by("approximate") if p["position"] == "before"]
    excludes = [p["phrase"] for p in by("exclude")]

    arabic = r"(?<![\d.A-Za-z])(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\. ?\d+)?)"
    cn = rf"(?<![{CN_CHARS}万亿])[{CN_CHARS}]+(?![{CN_CHARS}])"
    num = rf"(?:{arabic}|{cn})(?![A-Za-z])"
    sep = r"[—–\-~]{1,2}|至|到"
    infix = _alternation(infix_cmp) or "(?!)"
    units = _alternation(unit_kind)
    number_re = re.compile(
        rf"(?P<n1>{num})(?:[ \t]*%?[ \t]*(?P<sep>{sep})[ \t]*(?P<n2>{num}))?"
        rf"\s*(?P<infix>{infix})?\s*(?P<unit>{units})")
    percent_re = re.compile(rf"百分之(?P<n1>{num})")

    scope_starts = _alternation(p["cue"] for p in by("scope_start"))
    scope_nouns = _alternation(p["noun"] for p in by("scope_noun"))
    scope_re = re.compile(
        rf"(?:{scope_starts})\s*(?:[\d{CN_CHARS}万.\s]+(?:名|个)?)?(?:{scope_nouns})"
        r"(?:[(（][^()（）]{1,12}[)）])?")
    return _Lexicon(
        number_re=number_re,
        percent_re=percent_re,
        unit_kind=unit_kind,
        before_re=re.compile(_alternation(before_cmp)),
        before_cmp=before_cmp,
        after_re=re.compile(rf"\s*(?:{_alternation(after_cmp)})"),
        after_cmp=after_cmp,
        infix_cmp=infix_cmp,
        approx_before_re=re.compile(rf"(?:{_alternation(approx_before)})\s*$"),
        exclude_re=re.compile(_alternation(excludes)) if excludes else None,
        number_stop=frozenset(p["char"] for p in by("number_stop")),
        numeral_stop=frozenset(p["char"] for p in by("numeral_stop")),
        scope_re=scope_re,
    )


def cn_numeral_value(s: str) -> int | None:
    """Integer value of a Chinese numeral up to the thousands; None if malformed.

    >>> [cn_numeral_value(s) for s in ["一百二十", "两", "十", "三十五", "一千", "一百零五", "十四五"]]
    [120, 2, 10, 35, 1000, 105, None]
    """
    total, digit, last_unit = 0, None, 10_000
    for i, ch in enumerate(s):
        if ch in _CN_VALUE:
            if digit is not None and digit != 0:
                return None  # two digits in a row (十四五)
            digit = _CN_VALUE[ch]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            if unit >= last_unit:
                return None
            if digit is None and i > 0:
                return None  # 百十 etc.
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    if digit is not None:
        if digit != 0 and last_unit > 10 and len(s) > 1 and s[-2] not in "零〇":
            # 一百二 (= 120 colloquially) is ambiguous in a plan; treat literally only
            # after 十 (二十五) or 零 (一百零五)
            return None
        total += digit
    return total


def _number(s: str) -> str | None:
    """The plain decimal string of a matched numeral (``1,000`` → ``1000``)."""
    if s[0] in CN_CHARS:
        if s in ("百", "千"):  # 千家万户, 百花齐放: a word, not a number
            return None
        v = cn_numeral_value(s)
        return None if v is None else str(v)
    return s.replace(",", "").replace(" ", "")


def _quoted_regions(text: str) -> list[tuple[int, int]]:
    """Spans inside matching quotation / book-title marks of at most _QUOTE_MAX chars."""
    out = []
    i, n = 0, len(text)
    while i < n:
        close = _QUOTE_PAIRS.get(text[i])
        if close:
            j = text.find(close, i + 1, min(n, i + 1 + _QUOTE_MAX + 1))
            if j != -1:
                out.append((i, j + 1))
                i = j + 1
                continue
        i += 1
    return out


def _clause_start(text: str, pos: int) -> int:
    """Start of the clause containing ``pos``: after the last clause punctuation that
    is not inside parentheses (县(市、区) is one noun)."""
    depth = 0
    lo = max(0, pos - _SCOPE_LOOKBACK)
    for i in range(pos - 1, lo - 1, -1):
        ch = text[i]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in _CLAUSE_PUNCT:
            return i + 1
    return lo


def _prev_nonspace(text: str, pos: int) -> str:
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return text[i] if i >= 0 else ""


def _is_year(value: str) -> bool:
    return value.isdecimal() and len(value) == 4 and 1900 <= int(value) <= 2100


def find_quantities(text: str, base: int = 0) -> list[dict[str, Any]]:
    """Every quantity committed to in ``text``, in the model's ``quantities`` format.

    Args:
        text: a key task's or project's text (normalised or not; full-width digits
            and punctuation are accepted).
        base: added to every offset, so spans can point into a larger text.
    Returns:
        dicts ``{"value", "value_max", "unit", "comparator", "approximate", "scope",
        "text", "span"}`` in text order.

    >>> q = find_quantities("每个县(市、区)至少建成 1 所", base=100)[0]
    >>> q["value"], q["unit"], q["comparator"], q["scope"], q["span"]
    ('1', '所', '≥', '每个县(市、区)', [113, 116])
    """
    lex = lexicon()
    t = text.translate(_FULLWIDTH)
    quoted = _quoted_regions(t)
    excluded = [m.span() for m in lex.exclude_re.finditer(t)] if lex.exclude_re else []

    def in_quotes(a: int, b: int) -> bool:
        return any(qa < a and b < qb for qa, qb in quoted)

    def overlaps_excluded(a: int, b: int) -> bool:
        return any(ea < b and a < eb for ea, eb in excluded)

    found: list[dict[str, Any]] = []
    prev: dict[str, Any] | None = None
    prev_before = ""
    for m in lex.number_re.finditer(t):
        start, end = m.start("n1"), m.end("unit")
        n1, n2, unit = m.group("n1"), m.group("n2"), m.group("unit")
        kind = lex.unit_kind[unit]
        if in_quotes(start, end) or overlaps_excluded(start, end):
            continue
        before_char = _prev_nonspace(t, start)
        if before_char in lex.number_stop:
            continue
        if n1[0] in CN_CHARS:
            if before_char in lex.numeral_stop or kind not in _CN_UNIT_KINDS:
                continue
            if t[end:end + 1] == "一":  # 一人一档, 三位一体: a pattern, not a number
                continue
        value, value_max = _number(n1), _number(n2) if n2 else None
        if value is None or (n2 and value_max is None):
            continue
        if kind == "time" and unit.endswith("年") and (
                _is_year(value) or (value_max is not None and _is_year(value_max))):
            continue
        if len(value.split(".")[0]) >= 7 and "," not in n1:
            continue  # phone-like
        after = lex.after_re.match(t, end)
        after_cue = after.group().strip() if after else ""
        if kind in _DESCRIPTOR_KINDS and after_cue != "左右":
            i = after.end() if after else end
            nxt = t[i:i + 1]
            if "\u4e00" <= nxt <= "\u9fff":
                continue  # 3 岁以下婴幼儿, 九年义务教育: describes a noun
        comparator, approximate = "", False
        if after_cue:
            if lex.after_cmp[after_cue] is None:
                approximate = True
            else:
                comparator = lex.after_cmp[after_cue]
        if m.group("infix"):
            comparator = comparator or lex.infix_cmp[m.group("infix")]
        wstart = _clause_start(t, start)
        window = t[wstart:start]
        if lex.approx_before_re.search(window):
            approximate = True
        before = ""
        for bm in lex.before_re.finditer(window):
            gap = window[bm.end():]
            if len(gap.strip()) <= _BEFORE_GAP and not re.search(r"[\d%]", gap):
                before = lex.before_cmp[bm.group()]
        scope = None
        for sm in lex.scope_re.finditer(window):
            scope = re.sub(r"\s+", "", text[wstart + sm.start():wstart + sm.end()])
        if prev is not None:
            gap = t[prev["_end"]:start]
            if (len(gap) <= 30 and not any(c in _CLAUSE_PUNCT for c in gap)
                    and any(j in gap for j in _LIST_JOINERS)):
                before = before or prev_before
                scope = scope or prev["scope"]
        q = {
            "value": value,
            "value_max": value_max,
            "unit": unit,
            "comparator": comparator or before,
            "approximate": approximate,
            "scope": scope,
            "text": text[start:end],
            "span": [base + start, base + end],
            "_end": end,
        }
        found.append(q)
        prev, prev_before = q, before
    for m in lex.percent_re.finditer(t):
        start, end = m.start(), m.end()
        value = _number(m.group("n1"))
        if value is None or in_quotes(start, end):
            continue
        found.append({"value": value, "value_max": None, "unit": "%", "comparator": "",
                      "approximate": False, "scope": None, "text": text[start:end],
                      "span": [base + start, base + end], "_end": end})
    found.sort(key=lambda q: q["span"][0])
    for q in found:
        del q["_end"]
    return found


def quantity_doc(text: str) -> "Doc":
    """A spaCy Doc of ``text`` with the quantities as ``doc.spans["quantity"]``.

    Each span is expanded to token boundaries and labelled with the unit's kind
    (``count``, ``percent`` …); ``doc.user_data["quantities"]`` holds the dicts of
    :func:`find_quantities` (offsets relative to ``text``).
    """
    from .nlp import get_nlp

    found = find_quantities(text)
    doc = get_nlp()(text)
    kinds = lexicon().unit_kind
    spans = []
    for q in found:
        span = doc.char_span(q["span"][0], q["span"][1], label=kinds.get(q["unit"], "count"),
                             alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans["quantity"] = spans
    doc.user_data["quantities"] = found
    return doc
