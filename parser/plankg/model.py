"""The one shape every stage shares: a document tree of :class:`Node`.

Every node has a :class:`Kind`, an optional number (``"4"``, ``"3-1"``), a title
(heading title, lead phrase or name), a body text, a source span ``(start, end)`` in
*source coordinates* (character offsets into the decoded original file, see
``read.py``), children, and ``attrs`` for kind-specific fields (an indicator's values,
a service domain's declared count, ...).

``attrs`` by kind (the contract between the parser, the semantic layer and the graph;
values are JSON-serialisable; absent keys mean "not known"):

* document: ``title_span``; ``envelope`` when the plan came inside a notice or under front
  matter (``structure/envelope.py``): ``parts`` (``front_matter``/``notice``/``trailer``),
  ``title``, ``notice_title``, ``issuer``, ``doc_number``, ``issued``/``signed`` (ISO
  dates), ``spans`` (field → source span), ``ranges`` (the envelope's source spans),
  ``front_matter`` (every key as written).
* headings (part/chapter/section/subsection): ``style`` (``"第X章"``, ``"一、"``,
  ``"（一）"``, ``"1."``, ``"（1）"``), ``level`` (int depth, document = 0),
  ``domain`` (one of the nine service domains or None), ``domain_evidence``.
* key_task: ``title`` is the lead phrase without its 。, ``text`` the body;
  ``bullet`` (``"——"`` when it was a dash bullet), ``domain``, ``quantities``,
  ``departments``.
* column: ``number`` ``"1"`` or ``"3-1"``; ``title``; children are projects; ``domain``.
* project: ``number`` ``"1"``; ``title`` the name; ``text`` the description;
  ``quantities``, ``departments``, ``domain``, ``links``.
* table: ``number`` (表1 → ``"1"``, else the ordinal), ``title`` the caption;
  ``table_type`` ``"indicators" | "services" | "generic"``; ``columns`` (header roles);
  ``baseline_year``/``target_year`` (int) for indicator tables.
* indicator: ``title`` the name without unit; ``category`` (as written, e.g. 幼有所育);
  ``unit`` (or None); ``baseline``/``target``: None or an observation
  ``{"value": "90.93" | None, "value_max": None, "year": 2020, "comparator": ">"|"≥"|"<"|"≤"|"",
  "approximate": bool, "qualitative": "应保尽保" | None, "raw": "＞90%"}``;
  ``nature`` ``"预期性" | "约束性" | None``; ``domain``.
* service_domain: ``title`` the domain as written (优军服务保障), ``text`` the
  content/goal text, ``declared_count`` (int from ``(共 N 项)`` or None),
  children service_item nodes (``title`` the item); ``domain``.
* quantities (list): ``{"value": "1000", "value_max": None, "unit": "所",
  "comparator": "", "approximate": False, "scope": "每个县(市、区)" | None,
  "text": "1000 所", "span": [start, end]}`` (span in source coordinates).
* departments (list): ``{"name": "省民政厅" (as written), "canonical": "省民政厅",
  "role": "lead" | "support", "span": [start, end]}``.
* links (list, on projects): ``{"target": "<kind>:<path>", "score": 0.42,
  "evidence": ["托位"]}`` where target names an indicator or service item node by
  its IRI path (e.g. ``"table/1/indicator/1"``).

>>> n = Node(Kind.CHAPTER, number="4", title="推进公共服务优质均衡发展", span=(10, 30))
>>> n.to_dict()["kind"], n.to_dict()["number"]
('chapter', '4')
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterator


class Kind(str, Enum):
    """Node kinds. The string value is what ``--format json`` writes."""

    DOCUMENT = "document"
    PREAMBLE = "preamble"
    PART = "part"            # 第X篇
    CHAPTER = "chapter"      # 第X章, or 一、 where a plan has no 章
    SECTION = "section"      # 第X节, or （一） under 一、
    SUBSECTION = "subsection"  # deeper numbered headings: 1. / （1） / 一、 under 节
    PARAGRAPH = "paragraph"
    KEY_TASK = "key_task"    # paragraph that opens with a short lead phrase
    COLUMN = "column"        # 专栏
    PROJECT = "project"      # numbered 工程/计划/行动/项目 inside a 专栏
    TABLE = "table"
    INDICATOR = "indicator"  # one row of an indicator table
    SERVICE_DOMAIN = "service_domain"  # one domain row of a service-list table
    SERVICE_ITEM = "service_item"
    TABLE_ROW = "table_row"  # a row of a table of unknown type
    UNKNOWN = "unknown"      # a line the parser could not place (with a warning)


HEADING_KINDS = (Kind.PART, Kind.CHAPTER, Kind.SECTION, Kind.SUBSECTION)


@dataclass
class Node:
    kind: Kind
    number: str | None = None
    title: str = ""
    text: str = ""
    span: tuple[int, int] = (0, 0)
    children: list["Node"] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)

    def walk(self) -> Iterator["Node"]:
        """Yield this node and every descendant, depth first, in document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def find(self, kind: Kind) -> list["Node"]:
        return [n for n in self.walk() if n.kind is kind]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind.value}
        if self.number is not None:
            d["number"] = self.number
        if self.title:
            d["title"] = self.title
        if self.text:
            d["text"] = self.text
        d["span"] = [self.span[0], self.span[1]]
        if self.attrs:
            d["attrs"] = self.attrs
        if self.children:
            d["children"] = [c.to_dict() for c in self.children]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Node":
        return cls(
            Kind(d["kind"]),
            d.get("number"),
            d.get("title", ""),
            d.get("text", ""),
            (d["span"][0], d["span"][1]),
            [cls.from_dict(c) for c in d.get("children", [])],
            d.get("attrs", {}),
        )


@dataclass
class Warning_:
    """A parse warning: something odd that did not stop the parse."""

    code: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{self.code} {where}{self.message}"


@dataclass
class Plan:
    """The result of parsing one file: metadata, the tree, and warnings."""

    id: str                 # stable plan id (file stem slug), used in IRIs
    path: str
    source_text: str        # decoded original text (the coordinate system of spans)
    format: str             # "text" | "html"
    encoding: str
    sha256: str
    meta: dict[str, Any]    # title, region, level, period_start, period_end, cited;
    #                         from an envelope: issuer, doc_number, issued, signed, notice_title
    root: Node
    warnings: list[Warning_] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "format": self.format,
            "encoding": self.encoding,
            "sha256": self.sha256,
            "meta": self.meta,
            "warnings": [str(w) for w in self.warnings],
            "tree": self.root.to_dict(),
        }
