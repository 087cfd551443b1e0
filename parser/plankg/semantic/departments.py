"""Departments named as responsible for a task: （省民政厅牵头，省财政厅按职责分工负责）.

Forms recognised (markers and name shapes are data: ``data/patterns/departments.jsonl``;
short forms map to canonical names through ``data/departments.tsv``):

1. A parenthesised group with verbs: ``（省民政厅牵头，省发展改革委、省财政厅按职责分工
   负责）`` → 省民政厅 lead, the others support. ``（省医保局负责）`` → lead.
2. Labelled lists, in parentheses or not: ``（责任单位：市卫生健康委、市医保局）``,
   ``（牵头单位：…；配合单位：…）``, ``责任单位：省教育厅。``
3. A bare parenthesised list of prefixed government departments at the end of a
   sentence: ``（省教育厅、省财政厅）``.

Full-width and ASCII parentheses and the separators ``、，,；;`` are accepted; a list
segment without its own marker continues the role of the segment before it.

Roles: ``lead`` and ``support`` as marked; a ``responsible`` marker (责任单位, 负责) means
*the first listed leads and the rest support*, unless the group already names a lead,
in which case they all support. A group with no lead at all gets its first department
as lead.

A department name is an optional level prefix (省 市 县 区 州 自治区 …, or a region
name such as 四川省 or 成都市) plus an organisation name ending in one of the suffixes
(厅 委 局 办 委员会 部 院 会 中心 联 …). Items such as 各地, 有关部门, 各市（州）人民政府
are not departments and are skipped.

>>> [(d["name"], d["canonical"], d["role"]) for d in find_departments("（省卫健委牵头，省财政厅按职责分工负责）")]
[('省卫健委', '省卫生健康委', 'lead'), ('省财政厅', '省财政厅', 'support')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import datafiles

OPEN, CLOSE = "(（", ")）"
_LIST_SEP = "、,，/"
_LIST_END = re.compile(r"[。\n)）]")
# 省财政厅等部门按职责分工负责: the trailing 等部门 closes the list
_ETC = re.compile(r"等(?:有关|相关)?(?:部门|单位)$")
_SEGMENT_SEP = ";；,，"
_LEVEL = r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|自治旗|省|市|县|区|州|盟|旗)"
_PREFIX_RE = re.compile(rf"^(?:[\u4e00-\u9fff]{{0,10}}?{_LEVEL})?(?:委)?$")
# Suffixes of government bodies proper (a bare list like （省教育厅、省财政厅） must end in
# one of these; 院 / 中心 / 馆 alone are too often hospitals and venues).
_GOV_SUFFIXES = ("厅", "委", "局", "办", "办公室", "政府", "署", "联", "总工会")


@dataclass(frozen=True)
class _Lexicon:
    labels: dict[str, str]
    label_re: re.Pattern
    verbs: dict[str, str]
    verb_re: re.Pattern
    suffixes: tuple[str, ...]
    generic: frozenset[str]
    generic_prefixes: tuple[str, ...]
    aliases: dict[str, str]
    known: tuple[str, ...]  # aliases and canonical forms, longest first


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=None)
def _label_any(labels: tuple[str, ...]) -> re.Pattern:
    """``责任单位：`` anywhere in a text (compiled once, not per call)."""
    return re.compile(rf"(?:{_alternation(labels)})\s*[:：]")


@lru_cache(maxsize=None)
def lexicon() -> _Lexicon:
    """The compiled markers and name tables, built once from the data files."""
    pats = datafiles.patterns("departments")
    labels = {p["marker"]: p["role"] for p in pats if p["type"] == "label"}
    verbs = {p["marker"]: p["role"] for p in pats if p["type"] == "verb"}
    aliases = datafiles.departments()
    known = sorted(set(aliases) | set(aliases.values()), key=lambda w: (-len(w), w))
    return _Lexicon(
        labels=labels,
        label_re=re.compile(rf"^\s*(?:{_alternation(labels)})\s*[:：]\s*"),
        verbs=verbs,
        verb_re=re.compile(rf"(?:由)?\s*(?:等)?\s*(?:{_alternation(verbs)})\s*$"),
        suffixes=tuple(p["text"] for p in pats if p["type"] == "suffix"),
        generic=frozenset(p["text"] for p in pats if p["type"] == "generic"),
        generic_prefixes=tuple(p["text"] for p in pats if p["type"] == "generic_prefix"),
        aliases=aliases,
        known=tuple(known),
    )


def canonicalize(name: str) -> str:
    """The canonical form of a department name, keeping its level prefix.

    The longest known alias or canonical form that ends the name is replaced by its
    canonical form when what precedes it is empty or a level prefix (省, 市, 四川省,
    成都市, 省委 …); otherwise the name is returned unchanged.

    >>> canonicalize("省卫健委"), canonicalize("卫生健康委员会"), canonicalize("成都市人社局")
    ('省卫生健康委', '卫生健康委', '成都市人力资源社会保障局')
    >>> canonicalize("省市场监督管理局"), canonicalize("市市场监管局"), canonicalize("省民政厅")
    ('省市场监管局', '市市场监管局', '省民政厅')
    """
    name = re.sub(r"\s+", "", name)
    lex = lexicon()
    for form in lex.known:
        if name.endswith(form):
            prefix = name[: len(name) - len(form)]
            if prefix == "" or _PREFIX_RE.match(prefix):
                return prefix + lex.aliases.get(form, form)
    return name


def _split_depth0(s: str, seps: str) -> list[tuple[int, str]]:
    """Split ``s`` on any of ``seps`` outside parentheses; (offset, piece) pairs."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(s):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in seps:
            out.append((start, s[start:i]))
            start = i + 1
    out.append((start, s[start:]))
    return out


def _paren_groups(text: str) -> list[tuple[int, int]]:
    """(content start, content end) of every outermost parenthesised group."""
    groups, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in OPEN:
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch in CLOSE and depth > 0:
            depth -= 1
            if depth == 0:
                groups.append((start, i))
    return groups


def is_department(item: str) -> bool:
    """Whether a list item looks like a department name (not 各地, 有关部门 …).

    >>> is_department("省发展改革委"), is_department("各市(州)人民政府"), is_department("有关部门")
    (True, False, False)
    """
    lex = lexicon()
    s = item.strip()
    if not (2 <= len(s) <= 30) or s in lex.generic or s.startswith(lex.generic_prefixes):
        return False
    if not re.fullmatch(r"[\u4e00-\u9fff()（）]+", s):
        return False
    return s.endswith(lex.suffixes)


def _has_level_prefix(name: str) -> bool:
    lex = lexicon()
    for form in lex.known:
        if name.endswith(form) and len(name) > len(form):
            return bool(_PREFIX_RE.match(name[: len(name) - len(form)]))
    return bool(re.match(rf"^[\u4e00-\u9fff]{{0,10}}?{_LEVEL}", name)) and len(name) >= 4


def _parse_group(text: str, a: int, b: int, *, bare_ok: bool) -> list[dict[str, Any]]:
    """Departments of the list ``text[a:b]``; [] unless it really is a list of them."""
    lex = lexicon()
    content = text[a:b]
    entries: list[tuple[str, int, int, str | None]] = []  # name, start, end, role
    marked = False
    role: str | None = None
    for seg_off, seg in _split_depth0(content, _SEGMENT_SEP):
        body_start, body = seg_off, seg
        lm = lex.label_re.match(body)
        seg_role = None
        if lm:
            label = lm.group().strip().rstrip(":：").strip()
            seg_role = lex.labels[label]
            body_start, body = seg_off + lm.end(), body[lm.end():]
        vm = lex.verb_re.search(body)
        if vm and seg_role is None:
            verb = re.sub(r"^\s*由?\s*等?\s*", "", vm.group()).strip()
            seg_role = lex.verbs[verb]
            body = body[: vm.start()]
        if seg_role is not None:
            role, marked = seg_role, True
        body_lead = len(body) - len(body.lstrip())
        body = body.strip()
        body_start += body_lead
        if body.startswith("由"):
            body, body_start = body[1:], body_start + 1
        body = _ETC.sub("", body).rstrip()
        if not body:
            continue
        for item_off, item in _split_depth0(body, _LIST_SEP):
            lead_ws = len(item) - len(item.lstrip())
            name = item.strip()
            if name.endswith("等"):
                name = name[:-1]
            if not name:
                continue
            if not is_department(name):
                if lex.generic and (name in lex.generic or name.startswith(lex.generic_prefixes)):
                    continue  # 各地, 有关部门: skipped, the group stays valid
                return []
            start = a + body_start + item_off + lead_ws
            entries.append((name, start, start + len(name), role))
    if not entries:
        return []
    if not marked:
        if not bare_ok:
            return []
        if not all(_has_level_prefix(n) and n.endswith(_GOV_SUFFIXES) for n, *_ in entries):
            return []
    has_lead = any(r == "lead" for *_, r in entries)
    out = []
    for i, (name, s, e, r) in enumerate(entries):
        if has_lead:
            final = "lead" if r == "lead" else "support"
        else:
            final = "lead" if i == 0 else "support"
        out.append({"name": name, "canonical": canonicalize(name), "role": final, "span": [s, e]})
    return out


def find_departments(text: str, base: int = 0) -> list[dict[str, Any]]:
    """Departments named as responsible in ``text``, in the model's ``departments`` format.

    Args:
        text: a key task's or project's text.
        base: added to every offset of ``span``.
    Returns:
        ``{"name", "canonical", "role", "span"}`` dicts in text order.

    >>> [(d["name"], d["role"]) for d in find_departments("完善制度。(责任单位:市卫生健康委、市医保局)")]
    [('市卫生健康委', 'lead'), ('市医保局', 'support')]
    """
    lex = lexicon()
    found: list[dict[str, Any]] = []
    groups = _paren_groups(text)
    for a, b in groups:
        after = text[b + 1:b + 3].strip()
        bare_ok = after == "" or after[0] in "。;；\n" or b + 1 >= len(text)
        found.extend(_parse_group(text, a, b, bare_ok=bare_ok))
    # labelled lists outside parentheses: 责任单位：A、B。
    label_any = _label_any(tuple(lex.labels))
    covered = list(groups)
    for m in label_any.finditer(text):
        if any(a <= m.start() < b for a, b in covered):
            continue
        stop = _LIST_END.search(text, m.end())
        end = stop.start() if stop else len(text)
        covered.append((m.start(), end))
        found.extend(_parse_group(text, m.start(), end, bare_ok=False))
    # the same list may be reached twice (two labels in one unparenthesised run)
    seen: set[tuple[int, int]] = set()
    out = []
    for d in sorted(found, key=lambda d: d["span"][0]):
        key = (d["span"][0], d["span"][1])
        if key in seen:
            continue
        seen.add(key)
        d["span"] = [base + d["span"][0], base + d["span"][1]]
        out.append(d)
    return out
