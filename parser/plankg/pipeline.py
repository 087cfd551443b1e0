"""The parse pipeline: read → normalise → blocks → tree → extract → (semantic).

Each stage is a module of its own; this one only runs them in order, maps every
node's span back to the original file, and can dump any stage for debugging
(``plankg parse FILE --stage blocks``).

>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> p = os.path.join(d, "demo.txt")
>>> _ = open(p, "w", encoding="utf-8").write("第一章 总体要求\\n推进托育服务。支持建设托育机构。\\n")
>>> plan = parse_file(p, semantic=False)
>>> [(n.kind.value, n.title) for n in plan.root.walk()][1:]
[('chapter', '总体要求'), ('key_task', '推进托育服务')]
>>> s, e = plan.root.children[0].children[0].span
>>> plan.source_text[s:e]
'推进托育服务。支持建设托育机构。'
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from plankg import __version__
from plankg.structure.blocks import split_blocks
from plankg.structure.envelope import find_envelope
from plankg.semantic.metadata import envelope_metadata, metadata
from .errors import PlanKGError
from .model import Kind, Node, Plan, Warning_
from plankg.structure.normalize import normalize
from .offsets import OffsetMap
from plankg.structure.patterns import structure
from plankg.read.text import read_source
from plankg.structure.tree import build_tree

STAGES = ("read", "normalize", "blocks", "tree")


def plan_id(path: str | os.PathLike) -> str:
    """Stable plan id from the file name: ``四川 2021.txt`` → ``四川-2021``.

    >>> plan_id("/x/sichuan-2021-public-services.txt")
    'sichuan-2021-public-services'
    """
    stem = Path(path).stem
    slug = re.sub(r"[^\w\-.]+", "-", stem, flags=re.UNICODE).strip("-.").lower()
    return slug or "plan"


def parse_file(path: str | os.PathLike, *, semantic: bool = True) -> Plan:
    """Parse one plan file into a :class:`Plan` (raises :class:`InputError`)."""
    src = read_source(path)
    return parse_source(src, semantic=semantic)


def parse_path(path: str | os.PathLike, *, semantic: bool = True) -> Plan:
    """:func:`parse_file` for a user's path: every failure is a :class:`PlanKGError`
    naming the file (E100 no such file, E101 not a file or a parser error), never a
    traceback; ``PLANKG_DEBUG=1`` lets a parser error through as it is."""
    p = Path(path)
    if not p.exists():
        raise PlanKGError.make("E100", path=str(path))
    if not p.is_file():
        raise PlanKGError.make("E101", path=str(path), reason="not a regular file")
    try:
        return parse_file(p, semantic=semantic)
    except PlanKGError as e:
        if not e.path:
            e.path = str(path)
        raise
    except ImportError:  # a broken installation, not a bad file: show it as it is
        raise
    except Exception as e:  # a parser bug must still give one line naming the file
        if os.environ.get("PLANKG_DEBUG"):
            raise
        reason = " ".join(f"parser error {type(e).__name__}: {e}".split())
        raise PlanKGError.make("E101", path=str(path), reason=reason[:300]) from None


def parse_source(src: Any, *, semantic: bool = True) -> Plan:
    P = structure()
    warnings: list[Warning_] = []
    norm, nmap = normalize(src.text)
    # the notice and front matter around the plan are blanked out: metadata, not body
    envelope = find_envelope(norm)
    norm = envelope.mask(norm)
    hints = [h for h in getattr(src, "headings", ()) if not envelope.is_title(h[0])]
    blocks = split_blocks(norm, warnings, P, hints=hints)
    root = build_tree(blocks, warnings, P)
    _refine_item_spans(root, norm)
    title = envelope.fields.get("title") or root.title
    if envelope and not root.title:
        root.title = title
    head_text = "\n".join(_preamble_texts(root)) or norm[:5000]
    meta = metadata(title, head_text + "\n" + norm[:5000])
    _fill_years(root, meta)
    to_source = _compose(nmap, src.to_raw)
    if envelope:
        meta.update(envelope_metadata(envelope.fields, meta, title))
        root.attrs["envelope"] = envelope.to_dict(to_source)
    for node in root.walk():
        node.span = to_source(node.span)
    if "title_span" in root.attrs:
        root.attrs["title_span"] = list(to_source(tuple(root.attrs["title_span"])))
    root.span = (0, len(src.raw_text))
    _mark_pages(root, src, warnings)
    plan = Plan(
        id=plan_id(src.path), path=str(src.path), source_text=src.raw_text, format=src.format,
        encoding=src.encoding, sha256=src.sha256, meta=meta, root=root, warnings=warnings,
    )
    plan.meta["parser_version"] = __version__
    if getattr(src, "pages", None):
        plan.meta["page_starts"] = list(src.pages)
    if semantic:
        from plankg.semantic.assign import enrich  # spaCy/jieba live behind this import
        enrich(plan)
    return plan


def dump_stage(path: str | os.PathLike, stage: str) -> Any:
    """A JSON-serialisable view of one stage's output, for debugging."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; choose from {', '.join(STAGES)}")
    src = read_source(path)
    if stage == "read":
        out = {"path": str(src.path), "format": src.format, "encoding": src.encoding,
               "sha256": src.sha256, "text": src.text}
        if getattr(src, "pages", None) is not None:   # binary formats: what the reader saw
            out["pages"] = [{"page": k + 1, "start": s} for k, s in enumerate(src.pages)]
        if getattr(src, "parts", None):
            out["parts"] = [{"start": s, "from": w} for s, w in src.parts]
        if getattr(src, "tables", None):
            out["tables"] = src.tables
        if getattr(src, "notes", None):
            out["notes"] = src.notes
        return out
    norm, _ = normalize(src.text)
    if stage == "normalize":
        return {"text": norm}
    norm = find_envelope(norm).mask(norm)
    warnings: list[Warning_] = []
    blocks = split_blocks(norm, warnings, hints=getattr(src, "headings", ()))
    if stage == "blocks":
        return {"blocks": [b.to_dict() for b in blocks], "warnings": [str(w) for w in warnings]}
    root = build_tree(blocks, warnings)
    return {"tree": root.to_dict(), "warnings": [str(w) for w in warnings]}


def _compose(nmap: OffsetMap, raw_map: OffsetMap):
    identity = len(raw_map.new_starts) == 1 and raw_map.new_starts[0] == 0 \
        and raw_map.old_starts[0] == 0 and raw_map.new_len == raw_map.old_len

    def to_source(span: tuple[int, int]) -> tuple[int, int]:
        s, e = nmap.span_to_source(*span)
        if identity:
            return s, e
        s, e = raw_map.span_to_source(s, e)
        # an HTML rowspan cell is repeated in later rows of the text but maps back to its
        # one cell above, so a span ending in such a copy would end before it starts
        # (found by tests/test_fuzz.py): keep it a span, from the lower to the higher
        return (s, e) if s <= e else (e - 1, s + 1)

    return to_source


def _mark_pages(root: Node, src: Any, warnings: list[Warning_]) -> None:
    """Paged formats (PDF, OFD): each node's ``page`` attr is the page its span starts on;
    what the reader skipped (a scanned page) becomes a warning."""
    for note in getattr(src, "notes", None) or []:
        warnings.append(Warning_("W106", note))
    if not getattr(src, "pages", None):
        return
    for node in root.walk():
        if node is not root:
            node.attrs["page"] = src.page_of(node.span[0])


def _preamble_texts(root: Node) -> list[str]:
    for c in root.children:
        if c.kind is Kind.PREAMBLE:
            return [n.text or n.title for n in c.children]
    return []


def _fill_years(root: Node, meta: dict) -> None:
    """Indicator observations without a year from the header take the plan period."""
    start, end = meta.get("period_start"), meta.get("period_end")
    for t in root.find(Kind.TABLE):
        if t.attrs.get("table_type") != "indicators":
            continue
        for ind in t.children:
            for role, year in (("baseline", start - 1 if start else None), ("target", end)):
                obs = ind.attrs.get(role)
                if obs is not None and obs.get("year") is None:
                    obs["year"] = t.attrs.get(f"{role}_year") or year
            for obs in ind.attrs.get("targets") or []:
                # the first is the same observation as attrs["target"]; the others have their year
                if obs.get("year") is None:
                    obs["year"] = end


@lru_cache(maxsize=4096)
def _spaced(title: str) -> re.Pattern:
    """``title`` with any white space between its characters (item names recur)."""
    return re.compile(r"\s*".join(re.escape(c) for c in title if not c.isspace()))


def _refine_item_spans(root: Node, norm: str) -> None:
    """Give each service item the span of its own words inside its domain row."""
    for dom in root.find(Kind.SERVICE_DOMAIN):
        pos, end = dom.span
        for item in dom.children:
            m = _spaced(item.title).search(norm, pos, end)
            if m:
                item.span = (m.start(), m.end())
                pos = m.end()
