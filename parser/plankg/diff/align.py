"""Two plans' facts → change rows, aligned by content, not by position.

For each kind (chapter, section, column, key task, project, indicator, service item)
the nodes of OLD and NEW are paired in three passes, each only among what the
earlier passes left:

1. the same name (compared by :func:`plankg.diff.facts.norm`, so full-width and
   half-width, line wraps and quotes do not matter) under parents that were paired;
2. the same name anywhere (a node moved to another chapter is not a change of it);
3. renames: the most similar remaining pairs first, similarity being difflib's ratio
   of the names, raised when the parents were paired and the node keeps its place
   among its siblings, and (key tasks, projects) by the ratio of the body texts, so
   a retitled key task whose text stayed is still recognised. A pair needs
   :data:`RENAME_MIN` to count.

What is left is ``removed`` (OLD only) or ``added`` (NEW only); a pair whose names
differ is ``renamed``. One exception, for key tasks: whether a paragraph is a key task
depends on how it is laid out (a lead phrase that a hard wrap or other punctuation
hides, two paragraphs that a lost line break joins), so a key task whose lead phrase
and text both still occur in the other plan's text was not added or removed, only
read differently; it gives no row, and nor do the departments it took with it. Paired nodes are then compared field by field (``changed``, one
row a field): an indicator's unit, baseline, baseline year, target, target year,
comparator and nature; a project's quantities (paired the same way inside the project:
equal ones first, then by unit, then in order; ``quantity`` rows name the project);
the departments of a key task or project (``responsibility`` rows: the task's name,
``field`` the role, the department as the value). The plan itself gives ``plan`` rows
for its title, region, period and level (not its source file or format: a reformatted
copy of a plan has an empty diff).

>>> old = [_item("a", "section", "提升优生优育服务水平"), _item("b", "section", "加强基层服务")]
>>> new = [_item("c", "section", "全面提升优生优育服务水平"), _item("d", "section", "加强基层服务")]
>>> sorted((o.name, n.name) for o, n in pair_items(old, new, {}))
[('加强基层服务', '加强基层服务'), ('提升优生优育服务水平', '全面提升优生优育服务水平')]
"""
from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass

from plankg.diff.facts import Item, PlanFacts, norm, same_value

KINDS = ("plan", "chapter", "section", "measure", "column", "project", "quantity",
         "indicator", "service_item", "responsibility")
CHANGES = ("added", "removed", "renamed", "changed")
COLUMNS = ("kind", "change", "old", "new", "field", "oldValue", "newValue")
ITEM_KINDS = ("chapter", "section", "column", "measure", "project", "indicator",
              "service_item")
INDICATOR_FIELDS = ("unit", "baseline", "baselineYear", "target", "targetYear",
                    "comparator", "nature")
# not the source file or its format: a copy of the plan in another file or format says the
# same (the table and JSON outputs name both files)
PLAN_FIELDS = ("title", "region", "periodStart", "periodEnd", "level")
QUANTITY_FIELDS = ("value", "unit", "comparator", "scope")

RENAME_MIN = 0.6      # least similarity score for a rename
PARENT_BONUS = 0.15   # the parents were paired
PLACE_BONUS = 0.1     # ... and the node keeps its place among its siblings
TEXT_WEIGHT = 0.9     # a body-text ratio counts nearly as much as a name ratio
TEXT_MIN_CHARS = 15   # texts shorter than this say too little to pair on


@dataclass
class Row:
    """One change: ``kind,change,old,new,field,oldValue,newValue``."""

    kind: str
    change: str
    old: str = ""
    new: str = ""
    field: str = ""
    oldValue: str = ""  # noqa: N815 - the CSV column name
    newValue: str = ""  # noqa: N815

    def as_list(self) -> list[str]:
        return [getattr(self, c) for c in COLUMNS]


def _item(iri: str, kind: str, name: str, parent: str | None = None, index: int = 1) -> Item:
    """A bare item (for examples and tests)."""
    return Item(iri, kind, kind, name, 0, parent, index=index)


def ratio(a: str, b: str) -> float:
    """difflib's similarity of two normalised texts (0..1)."""
    a, b = norm(a), norm(b)
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def similarity(o: Item, n: Item, pairs: dict[str, str]) -> float:
    """How likely NEW's ``n`` is OLD's ``o`` renamed."""
    score = ratio(o.name, n.name)
    if (o.kind in ("measure", "project") and len(norm(o.text)) >= TEXT_MIN_CHARS
            and len(norm(n.text)) >= TEXT_MIN_CHARS):
        score = max(score, TEXT_WEIGHT * ratio(o.text, n.text))
    if o.parent is not None and pairs.get(o.parent) == n.parent:
        score += PARENT_BONUS
        if o.index == n.index:
            score += PLACE_BONUS
    return score


def pair_items(old: list[Item], new: list[Item], pairs: dict[str, str]
               ) -> list[tuple[Item, Item]]:
    """Pair OLD's and NEW's items of one kind (see the module docstring); ``pairs``
    (old IRI → new IRI) holds the parents paired so far and gets these pairs added."""
    out: list[tuple[Item, Item]] = []
    left_old = list(old)
    left_new = list(new)

    def take(o: Item, n: Item) -> None:
        out.append((o, n))
        pairs[o.iri] = n.iri
        left_old.remove(o)
        left_new.remove(n)

    for same_parent in (True, False):
        by_key: dict[tuple, list[Item]] = {}
        for n in left_new:
            by_key.setdefault((n.key, n.parent if same_parent else None), []).append(n)
        for o in list(left_old):
            parent = pairs.get(o.parent) if same_parent else None
            if same_parent and parent is None:
                continue
            bucket = by_key.get((o.key, parent))
            if bucket:
                take(o, bucket.pop(0))
    scored = sorted(((similarity(o, n, pairs), -o.order, -n.order, o.iri, n.iri)
                     for o in left_old for n in left_new), reverse=True)
    olds = {o.iri: o for o in left_old}
    news = {n.iri: n for n in left_new}
    for score, _, _, oi, ni in scored:
        if score < RENAME_MIN:
            break
        if oi in olds and ni in news:
            take(olds.pop(oi), news.pop(ni))
    return out


def _pair_context(old: PlanFacts, new: PlanFacts, pairs: dict[str, str]) -> None:
    """Parts, subsections, tables and service domains paired by class and name: they
    are no rows of their own, only parents that make their children's pairing surer."""
    pairs[old.iri] = new.iri
    waiting: dict[tuple[str, str], list[str]] = {}
    for it in new.context.values():
        if not it.kind:
            waiting.setdefault((it.cls, it.key), []).append(it.iri)
    for it in old.context.values():
        if not it.kind:
            bucket = waiting.get((it.cls, it.key))
            if bucket:
                pairs[it.iri] = bucket.pop(0)


def _quantity_text(q: dict[str, str]) -> str:
    if q.get("text"):
        return q["text"]
    return f"{q.get('comparator', '')}{q.get('value', '')}{q.get('unit', '')}"


def _quantity_value(q: dict[str, str]) -> str:
    return q["value"] + (f"-{q['valueMax']}" if q.get("valueMax") else "")


def _quantity_rows(o: Item, n: Item) -> list[Row]:
    rows: list[Row] = []
    left_old = list(o.quantities)
    left_new = list(n.quantities)

    def same(a: dict, b: dict) -> bool:
        return (same_value(_quantity_value(a), _quantity_value(b))
                and all(same_value(a[f], b[f]) for f in ("unit", "comparator", "scope")))

    for a in list(left_old):  # 1. equal quantities are no change, wherever they are
        for b in left_new:
            if same(a, b):
                left_old.remove(a)
                left_new.remove(b)
                break
    paired: list[tuple[dict, dict]] = []
    for a in list(left_old):  # 2. the same unit: its value (or scope …) changed
        for b in left_new:
            if same_value(a["unit"], b["unit"]):
                paired.append((a, b))
                left_old.remove(a)
                left_new.remove(b)
                break
    while left_old and left_new:  # 3. what is left, in order
        paired.append((left_old.pop(0), left_new.pop(0)))
    for a, b in paired:
        for f in QUANTITY_FIELDS:
            va = _quantity_value(a) if f == "value" else a[f]
            vb = _quantity_value(b) if f == "value" else b[f]
            if not same_value(va, vb):
                rows.append(Row("quantity", "changed", o.name, n.name, f, va, vb))
    rows += [Row("quantity", "removed", o.name, n.name, "value", _quantity_text(a), "")
             for a in left_old]
    rows += [Row("quantity", "added", o.name, n.name, "value", "", _quantity_text(b))
             for b in left_new]
    return rows


def _still_there(item: Item, other: PlanFacts) -> bool:
    """Whether a key task's lead phrase and text both occur in the other plan's text."""
    if len(norm(item.name)) < 4:
        return False
    return other.contains(item.name) and (not norm(item.text) or other.contains(item.text))


def _responsibility_rows(o: Item, n: Item, relaid_old: list[Item] = (),
                         relaid_new: list[Item] = ()) -> list[Row]:
    """Departments added to or dropped from a paired key task or project; not those
    that came from, or went to, a key task read differently (see the module doc)."""
    rows: list[Row] = []
    old_roles = {norm(d): (d, r) for d, r in o.departments}
    new_roles = {norm(d): (d, r) for d, r in n.departments}
    moved_in = {norm(d) for it in relaid_old for d, _ in it.departments}
    moved_out = {norm(d) for it in relaid_new for d, _ in it.departments}
    for key in moved_in - set(old_roles):
        new_roles.pop(key, None)
    for key in moved_out - set(new_roles):
        old_roles.pop(key, None)
    for key, (d, role) in old_roles.items():
        if key not in new_roles:
            rows.append(Row("responsibility", "removed", o.name, n.name, role, d, ""))
        elif new_roles[key][1] != role:
            rows.append(Row("responsibility", "changed", o.name, n.name, "role", role,
                            new_roles[key][1]))
    for key, (d, role) in new_roles.items():
        if key not in old_roles:
            rows.append(Row("responsibility", "added", o.name, n.name, role, "", d))
    return rows


def diff(old: PlanFacts, new: PlanFacts) -> list[Row]:
    """Every change from ``old`` to ``new``, plan rows first, then kind by kind in
    document order."""
    rows: list[Row] = []
    ot, nt = old.plan.get("title", "") or old.label, new.plan.get("title", "") or new.label
    for f in PLAN_FIELDS:
        a, b = old.plan.get(f, ""), new.plan.get(f, "")
        if not same_value(a, b):
            rows.append(Row("plan", "changed", ot, nt, f, a, b))
    pairs: dict[str, str] = {}
    _pair_context(old, new, pairs)
    relaid_old: list[Item] = []  # key tasks whose words are still there, laid out anew
    relaid_new: list[Item] = []
    found: list[tuple[int, int, list[Row]]] = []  # (kind rank, order, rows) for sorting
    for kind in ITEM_KINDS:
        olds, news = old.of_kind(kind), new.of_kind(kind)
        matched = pair_items(olds, news, pairs)
        paired_new = {n.iri for _, n in matched}
        paired_old = {o.iri for o, _ in matched}
        if kind == "measure":
            relaid_old += [o for o in olds if o.iri not in paired_old and _still_there(o, new)]
            relaid_new += [n for n in news if n.iri not in paired_new and _still_there(n, old)]
            paired_old |= {o.iri for o in relaid_old}
            paired_new |= {n.iri for n in relaid_new}
        for o, n in matched:
            here: list[Row] = []
            if o.key != n.key:
                here.append(Row(kind, "renamed", o.name, n.name))
            if kind == "indicator":
                extra = sorted({f for f in (*o.fields, *n.fields) if f[-1:].isdigit()})
                for f in (*INDICATOR_FIELDS, *extra):
                    a, b = o.fields.get(f, ""), n.fields.get(f, "")
                    if not same_value(a, b):
                        here.append(Row(kind, "changed", o.name, n.name, f, a, b))
            if kind == "project":
                here += _quantity_rows(o, n)
            if kind in ("measure", "project"):
                here += _responsibility_rows(o, n, relaid_old, relaid_new)
            if here:
                found.append((KINDS.index(kind), o.order, here))
        for o in olds:
            if o.iri not in paired_old:
                found.append((KINDS.index(kind), o.order, [Row(kind, "removed", o.name, "")]))
        for n in news:
            if n.iri not in paired_new:
                # placed after the old node it follows, near where it would be read
                found.append((KINDS.index(kind), _old_position(n, new, pairs, old),
                              [Row(kind, "added", "", n.name)]))
    found.sort(key=lambda t: (t[0], t[1]))
    for _, _, rs in found:
        rows += sorted(rs, key=lambda r: (KINDS.index(r.kind), CHANGES.index(r.change)))
    return rows


def _old_position(n: Item, new: PlanFacts, pairs: dict[str, str], old: PlanFacts) -> int:
    """Where NEW's item ``n`` would sit in OLD's document order (after its nearest
    paired predecessor)."""
    back = {v: k for k, v in pairs.items()}
    best = 0
    for it in new.items:
        if it.order >= n.order:
            break
        if it.iri in back and back[it.iri] in old.context:
            best = old.context[back[it.iri]].order
    return best


# --- output ------------------------------------------------------------------------------

def format_rows(rows: list[Row], fmt: str = "table", *, old: str = "", new: str = "") -> str:
    """The rows as ``table`` (for people), ``csv`` (the CONTRACT's columns) or ``json``
    (``{"old", "new", "rows": [{column: value}]}``)."""
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(r.as_list() for r in rows)
        return buf.getvalue()
    if fmt == "json":
        import json

        return json.dumps({"old": old, "new": new, "rows": [asdict(r) for r in rows]},
                          ensure_ascii=False, indent=1) + "\n"
    if fmt == "table":
        from plankg.store.queries import _table

        return _table(list(COLUMNS), [r.as_list() for r in rows])
    raise ValueError(f"unknown format {fmt!r}")
