"""Graph stage: a parsed :class:`~plankg.model.Plan` as RDF quads in its own named graph.

Quads are built directly with pyoxigraph terms (no rdflib on the load path) so that
:meth:`plankg.store.embedded.Store.load_plan` can write them in one transaction. Every quad
lives in the named graph ``<{plan}>``, the plan's IRI. There are no blank nodes: every
resource has an IRI from the patterns in :mod:`plankg.graph.vocab`, plus these kinds the
vocab table does not list:

=================  =========================================  ==========================
kind               pattern                                    why
=================  =========================================  ==========================
table row          ``{table}/row/{k}``                        rows of a ``generic`` table
unknown block      ``{parent}/unknown/{k}``                   lines the parser could not place
=================  =========================================  ==========================

Numbers come from the document (第四章 → ``chapter/4``, 专栏3-1 → ``column/3-1``);
a node without a number gets its ordinal among same-kind siblings. Should two nodes
still get the same IRI (a plan that numbers two chapters 4), the later one gets
``_2``, ``_3`` ... appended, so nodes are never merged.

Shared resources (regions, departments, indicator concepts) are described inside
every plan graph that mentions them. The union default graph does not deduplicate
triples across graphs, so queries read their labels inside ``GRAPH ?plan { … }``
(see ``queries/*.rq``).

>>> from plankg.model import Plan, Node, Kind
>>> root = Node(Kind.DOCUMENT, children=[
...     Node(Kind.CHAPTER, number="4", title="推进公共服务", span=(0, 9))])
>>> plan = Plan("demo", "demo.txt", "第四章　推进公共服务", "text", "utf-8", "0" * 64,
...             {"title": "示例规划", "region": "四川省", "region_code": "510000"}, root)
>>> quads = list(plan_quads(plan))
>>> any(q.subject.value.endswith("/plan/demo/chapter/4") for q in quads)
True
>>> all(q.graph_name.value == plan_iri(plan) for q in quads)
True
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Any, Iterable, Iterator

from pyoxigraph import Quad, RdfFormat, parse, serialize

from plankg import __version__
from plankg.graph import vocab
from plankg.model import Kind, Node, Plan
from plankg.graph.vocab import ID, PREFIXES

# --- terms, written as N-Quads text ------------------------------------------------------
#
# The builder writes each quad as one N-Quads line: writing text is ~5x cheaper than
# making pyoxigraph term objects, and text is what the store's bulk loader reads anyway.
# Term strings below are N-Triples terms (``<iri>``, ``"lexical"^^<datatype>``).

_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LIT_BAD = re.compile(r'["\\\n\r]')
_LIT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}


def _iri(value: str) -> str:
    """``<value>``, with the characters an IRI may not contain percent-encoded.

    >>> _iri("https://x.org/a b")
    '<https://x.org/a%20b>'
    """
    if _IRI_BAD.search(value):  # rare: IRIs are made of escaped segments (see _seg)
        value = _IRI_BAD.sub(lambda m: f"%{ord(m.group()):02X}", value)
    return f"<{value}>"


def _lit(value: str, datatype: str | None = None) -> str:
    """A literal term: ``"value"`` or ``"value"^^<datatype>``.

    >>> print(_lit('他说"好"\\n'))
    "他说\\"好\\"\\n"
    """
    v = _LIT_BAD.sub(lambda m: _LIT_ESCAPES[m.group()], value) if _LIT_BAD.search(value) else value
    return f'"{v}"^^{datatype}' if datatype else f'"{v}"'


class _Terms:
    """``T.order`` → ``"<…ontology#order>"`` for every plankg term (unknown names fail)."""

    def __getattr__(self, name: str) -> str:
        t = f"<{vocab.PK.iri(name)}>"
        setattr(self, name, t)
        return t


T = _Terms()

_XSD = vocab.XSD
_INTEGER = f"<{_XSD}integer>"
_DECIMAL = f"<{_XSD}decimal>"
_BOOLEAN = f"<{_XSD}boolean>"
_GYEAR = f"<{_XSD}gYear>"
_DATE = f"<{_XSD}date>"

RDF_TYPE = f"<{vocab.RDF}type>"
RDFS_LABEL = f"<{vocab.RDFS}label>"
DCT_TITLE = f"<{vocab.DCTERMS}title>"
DCT_IS_PART_OF = f"<{vocab.DCTERMS}isPartOf>"
DCT_SPATIAL = f"<{vocab.DCTERMS}spatial>"
DCT_SOURCE = f"<{vocab.DCTERMS}source>"
DCT_PUBLISHER = f"<{vocab.DCTERMS}publisher>"
DCT_IDENTIFIER = f"<{vocab.DCTERMS}identifier>"
DCT_ISSUED = f"<{vocab.DCTERMS}issued>"
DCT_CREATED = f"<{vocab.DCTERMS}created>"
SKOS_PREF = f"<{vocab.SKOS}prefLabel>"
SKOS_ALT = f"<{vocab.SKOS}altLabel>"
PROV_DERIVED = f"<{vocab.PROV}wasDerivedFrom>"
ORG_ORGANIZATION = f"<{vocab.ORG}Organization>"

#: The nine basic public service domains (labels as plans write them) → IRI slugs.
DOMAIN_SLUGS: dict[str, str] = {
    "幼有所育": "youyousuoyu",
    "学有所教": "xueyousuojiao",
    "劳有所得": "laoyousuode",
    "病有所医": "bingyousuoyi",
    "老有所养": "laoyousuoyang",
    "住有所居": "zhuyousuoju",
    "弱有所扶": "ruoyousuofu",
    "优军服务保障": "youjunfuwubaozhang",
    "文体服务保障": "wentifuwubaozhang",
}
_SLUG_SET = frozenset(DOMAIN_SLUGS.values())

#: Node kind → ontology class name. DOCUMENT is the plan itself.
CLASS_OF: dict[Kind, str] = {
    Kind.PREAMBLE: "Preamble",
    Kind.PART: "Part",
    Kind.CHAPTER: "Chapter",
    Kind.SECTION: "Section",
    Kind.SUBSECTION: "Subsection",
    Kind.PARAGRAPH: "Paragraph",
    Kind.KEY_TASK: "KeyTask",
    Kind.COLUMN: "Column",
    Kind.PROJECT: "Project",
    Kind.TABLE: "Table",
    Kind.INDICATOR: "Indicator",
    Kind.SERVICE_DOMAIN: "ServiceDomainEntry",
    Kind.SERVICE_ITEM: "ServiceItem",
    Kind.TABLE_ROW: "TableRow",
    Kind.UNKNOWN: "UnknownBlock",
}

# Domain evidence that only repeats what the graph already says (the indicator's
# pk:category, the service table row, the enclosing column/section/parent's domain, the
# node's own heading): not written. Evidence from the node's own words ("terms: …") is.
_EVIDENCE_IN_GRAPH = frozenset({"category", "service table", "column", "section", "parent",
                                "heading"})

# The numbering style most plans use for a heading kind: pk:style is written only
# for the others (一、 chapters, （一） sections …).
_USUAL_STYLE = {Kind.PART: "第X篇", Kind.CHAPTER: "第X章", Kind.SECTION: "第X节"}

# Kinds numbered across the whole plan ({plan}/chapter/4); the rest are numbered
# inside their parent ({chapter}/section/2).
_PLAN_SCOPED = {Kind.PREAMBLE: "preamble", Kind.PART: "part", Kind.CHAPTER: "chapter",
                Kind.COLUMN: "column", Kind.TABLE: "table"}
_PARENT_SCOPED = {Kind.SECTION: "section", Kind.SUBSECTION: "sub", Kind.PARAGRAPH: "para",
                  Kind.KEY_TASK: "task", Kind.PROJECT: "project",
                  Kind.INDICATOR: "indicator", Kind.SERVICE_DOMAIN: "domain",
                  Kind.SERVICE_ITEM: "item", Kind.TABLE_ROW: "row",
                  Kind.UNKNOWN: "unknown"}
# Kinds whose IRI uses the document's number; the others use the ordinal k.
_NUMBERED = {Kind.PART, Kind.CHAPTER, Kind.SECTION, Kind.SUBSECTION, Kind.COLUMN,
             Kind.PROJECT, Kind.TABLE}


# --- small helpers ------------------------------------------------------------------

def plan_iri(plan: Plan | str) -> str:
    """The plan's IRI, which is also the name of its graph.

    >>> plan_iri("sichuan-2021-public-services")
    'https://w3id.org/plankg/id/plan/sichuan-2021-public-services'
    """
    return iri("plan", plan if isinstance(plan, str) else plan.id)


def region_iri(meta: dict[str, Any]) -> str | None:
    """``ID/region/{code}``, or ``ID/region/{name}`` when the plan gives no code.

    >>> region_iri({"region": "四川省", "region_code": "510000"})
    'https://w3id.org/plankg/id/region/510000'
    >>> region_iri({"region": "四川省"})
    'https://w3id.org/plankg/id/region/四川省'
    """
    key = meta.get("region_code") or meta.get("region")
    return iri("region", str(key)) if key else None


def domain_iri(domain: str | None) -> str | None:
    """The service-domain concept for a label, slug or IRI; None when it is not one.

    >>> domain_iri("幼有所育")
    'https://w3id.org/plankg/domain/youyousuoyu'
    >>> domain_iri("优军服务\\n保障")
    'https://w3id.org/plankg/domain/youjunfuwubaozhang'
    >>> domain_iri("经济发展") is None
    True
    """
    if not domain:
        return None
    d = re.sub(r"\s+", "", str(domain))
    if d.startswith(vocab.DOMAIN_NS):
        d = d[len(vocab.DOMAIN_NS):]
    slug = DOMAIN_SLUGS.get(d) or (d if d in _SLUG_SET else None)
    return vocab.DOMAIN_NS + slug if slug else None


_IRI_SAFE = re.compile(r"[^A-Za-z0-9\-_.~]")


def _seg(s: object) -> str:
    """One IRI path segment: ASCII outside ``A-Za-z0-9-_.~`` percent-encoded, other
    printable non-ASCII characters (CJK) kept as they are, which IRIs allow
    (``urllib.parse.quote`` would encode them even when listed as safe).

    >>> _seg("省民政厅"), _seg("3-1"), _seg("a/b c")
    ('省民政厅', '3-1', 'a%2Fb%20c')
    """
    def enc(m: re.Match) -> str:
        c = m.group(0)
        if ord(c) > 0x7F and c.isprintable() and not c.isspace():
            return c
        return "".join(f"%{b:02X}" for b in c.encode("utf-8"))
    return _IRI_SAFE.sub(enc, str(s))


def iri(*parts: object) -> str:
    """An instance IRI ``ID + "/".join(parts)``, each part a readable segment.

    >>> iri("org", "510000", "省民政厅")
    'https://w3id.org/plankg/id/org/510000/省民政厅'
    """
    return ID + "/".join(_seg(p) for p in parts)


_DEC_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


def decimal_lexical(v: object) -> str | None:
    """A plain xsd:decimal lexical form, or None when ``v`` is not a number.

    >>> decimal_lexical("90.93"), decimal_lexical(" 1,000 "), decimal_lexical(3), decimal_lexical("—")
    ('90.93', '1000', '3', None)
    """
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, float):
        s = repr(v)
        if "e" in s or "E" in s:
            s = f"{v:.10f}".rstrip("0").rstrip(".")
    else:
        s = unicodedata.normalize("NFKC", str(v)).strip().replace(",", "").replace(" ", "")
    return s if _DEC_RE.match(s) else None


_UNIT_WORD = re.compile(
    r"^[十百千万亿]?(?:人次|人|个|张|套|次|所|家|年|岁|平方米|米|千米|公里|元|%|‰|项|床|户|辆|"
    r"册|件|小时|天|分钟|公顷|亩|吨|名|位|座|处|间|台|条|m2|km|kg)$")
_PUNCT = re.compile(r"[“”\"'‘’《》「」〈〉、,，:：;；·]")


def indicator_concept_key(name: str, unit: str | None = None) -> str:
    """An alignment key for an indicator name: equal keys mean the same measure.

    Normalisation: NFKC (full-width letters, digits and brackets → ASCII), no
    whitespace, a trailing parenthesised unit dropped (when it equals ``unit`` or is a
    unit word such as ``(个)``, ``(万人次)``, ``(%)``), ``每千人口`` → ``每千人`` (and
    ``每万人口`` …), the filler words ``拥有`` and ``的`` dropped, quotes and
    enumeration commas dropped, ASCII lower-cased. Nothing else is merged: different
    wording of the measure itself (医师数 vs 医生数) gives different keys, because a
    false merge of two measures is worse than a missed alignment.

    >>> k = indicator_concept_key
    >>> k("每千人口拥有执业（助理）医师数", "人") == k("每千人口执业(助理)医师数(人)")
    True
    >>> k("每千人口 3 岁以下婴幼儿托位数(个)", "个")
    '每千人3岁以下婴幼儿托位数'
    >>> k("每千人口３岁以下婴幼儿托位数") == k("每千人口拥有3岁以下婴幼儿托位数（个）")
    True
    >>> k("基本养老保险参保率", "%") == k("基本医疗保险参保率", "%")
    False
    >>> k("每千名老年人口养老床位数") == k("每千人口养老床位数")
    False
    >>> k("每千人口拥有执业(助理)医师数") == k("每千人口拥有注册护士数")
    False
    >>> k("PM2.5 未达标城市浓度")
    'pm2.5未达标城市浓度'
    """
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    u = re.sub(r"\s+", "", unicodedata.normalize("NFKC", unit)) if unit else ""
    m = re.search(r"\(([^()]*)\)$", s)
    if m and m.start() > 0 and (m.group(1) == u or not m.group(1) or _UNIT_WORD.match(m.group(1))):
        s = s[:m.start()]
    s = re.sub(r"每([十百千万]+)人口", r"每\1人", s)
    s = s.replace("拥有", "").replace("的", "")
    s = _PUNCT.sub("", s)
    s = s.rstrip("。.")
    return s.lower()


def concept_iri(key: str) -> str:
    """``ID/concept/{key}`` for an :func:`indicator_concept_key`."""
    return iri("concept", key)


# --- the builder ----------------------------------------------------------------------

def _raw_is_implied(raw: str, obs: dict) -> bool:
    """Does the cell text say nothing beyond pk:comparator + pk:value (``≥85``, ``85%``,
    ``qualitative`` alone)? Then pk:rawValue is left out: the quads would repeat them.

    >>> _raw_is_implied("≥ 85", {"value": "85", "comparator": "≥"}), _raw_is_implied("90以上", {"value": "90", "comparator": "≥"})
    (True, False)
    """
    t = re.sub(r"\s+", "", raw)
    value = decimal_lexical(obs.get("value")) or ""
    if not value:
        return bool(obs.get("qualitative")) and t == re.sub(r"\s+", "", obs["qualitative"])
    if obs.get("value_max") or obs.get("approximate") or obs.get("cumulative"):
        return False
    cmp = obs.get("comparator") or ""
    return t in (value, cmp + value, value + "%", cmp + value + "%")


class _Builder:
    """Walks a plan once, writing N-Quads lines; keeps the IRI bookkeeping in one place.

    Subjects, predicates and objects are N-Triples term strings (see ``_iri``/``_lit``).
    """

    def __init__(self, plan: Plan):
        self.plan = plan
        self.text = plan.source_text or ""
        self.piri = plan_iri(plan)
        self.g = _iri(self.piri)
        self.plan_node = self.g
        self.source = _iri(self.piri + "/source")
        self.lines: list[str] = []
        self.used: set[str] = set()
        self.described: set = set()  # shared resources (concepts, departments) described once
        self.plan_counts: dict[str, int] = {}
        self.order = 0
        meta = plan.meta or {}
        self.region_key = str(meta.get("region_code") or meta.get("region") or "unknown")

    # quads
    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} {self.g} .\n")

    def lit(self, s: str, p: str, value: object) -> None:
        """A plain string literal, skipped when empty."""
        if value is None:
            return
        v = str(value).strip()
        if v:
            self.add(s, p, _lit(v))

    def dec(self, s: str, p: str, value: object) -> bool:
        lex = decimal_lexical(value)
        if lex is not None:
            self.add(s, p, _lit(lex, _DECIMAL))
            return True
        return False

    def year(self, s: str, p: str, value: object) -> None:
        if value is None:
            return
        y = str(value).strip()
        if re.fullmatch(r"\d{4}", y):
            self.add(s, p, _lit(y, _GYEAR))

    def integer(self, s: str, p: str, value: int) -> None:
        self.add(s, p, f'"{int(value)}"^^{_INTEGER}')

    def boolean(self, s: str, p: str, value: object) -> None:
        if value is not None:
            self.add(s, p, f'"{"true" if value else "false"}"^^{_BOOLEAN}')

    def flag(self, s: str, p: str, value: object) -> None:
        """A boolean stated only when true (``pk:approximate``): absence means false,
        which saves a quad on nearly every figure."""
        if value:
            self.add(s, p, f'"true"^^{_BOOLEAN}')

    def unique(self, iri: str) -> str:
        if iri not in self.used:
            self.used.add(iri)
            return iri
        n = 2
        while f"{iri}_{n}" in self.used:
            n += 1
        self.used.add(f"{iri}_{n}")
        return f"{iri}_{n}"

    # plan and source
    def plan_triples(self) -> None:
        plan, p, meta = self.plan, self.plan_node, self.plan.meta or {}
        self.add(p, RDF_TYPE, T.Plan)
        self.lit(p, DCT_TITLE, meta.get("title") or self.plan.root.title)
        r = region_iri(meta)
        if r:
            rn = _iri(r)
            self.add(p, DCT_SPATIAL, rn)
            self.add(rn, RDF_TYPE, T.Region)
            self.lit(rn, RDFS_LABEL, meta.get("region"))
            self.lit(rn, T.divisionCode, meta.get("region_code"))
        self.year(p, T.periodStart, meta.get("period_start"))
        self.year(p, T.periodEnd, meta.get("period_end"))
        self.lit(p, T.administrativeLevel, meta.get("level"))
        for c in meta.get("cited") or []:
            self.lit(p, T.cites, c)
        self.lit(p, T.parserVersion, __version__)
        self.add(p, PROV_DERIVED, self.source)
        src = self.source
        self.add(src, RDF_TYPE, T.SourceDocument)
        self.lit(src, T.sha256, plan.sha256)
        self.lit(src, T.encoding, plan.encoding)
        self.lit(src, T.sourceFormat, plan.format)
        name = re.split(r"[\\/]", str(plan.path or ""))[-1]
        self.lit(src, DCT_SOURCE, name)
        # the decoded text, once: every node's span (pk:start/pk:end) points into it
        self.add(src, T.sourceText, _lit(self.text))

    def provenance(self, iri: str, span: Iterable[int] | None) -> None:
        """The node's span in the source text: two quads, ``pk:start`` and ``pk:end``.

        The quote is not stored: it is ``pk:sourceText`` (one literal on
        ``{plan}/source``) cut at ``[start, end)``, see :mod:`plankg.store.quotes`;
        ``queries/web_annotation.rq`` expands spans back to Web Annotation selectors.
        """
        try:
            start, end = (int(x) for x in span)  # type: ignore[union-attr]
        except (TypeError, ValueError):
            return
        start = max(0, min(start, len(self.text)))
        end = max(start, min(end, len(self.text)))
        node = _iri(iri)
        self.integer(node, T.start, start)
        self.integer(node, T.end, end)

    def page(self, iri: str, page: object) -> None:
        """Paged sources (PDF, OFD): ``{node} pk:page N``, the page the span starts on."""
        if isinstance(page, int) and not isinstance(page, bool) and page > 0:
            self.integer(_iri(iri), T.page, page)

    # nodes
    def node_iri(self, node: Node, parent_iri: str, sibling_counts: dict[Kind, int]) -> str:
        k = sibling_counts[node.kind] = sibling_counts.get(node.kind, 0) + 1
        number = re.sub(r"\s+", "", node.number or "")
        if node.kind in _PLAN_SCOPED:
            seg = _PLAN_SCOPED[node.kind]
            pk_ = self.plan_counts[seg] = self.plan_counts.get(seg, 0) + 1
            if node.kind is Kind.PREAMBLE:
                base = f"{self.piri}/preamble" + ("" if pk_ == 1 else f"_{pk_}")
            else:
                base = f"{self.piri}/{seg}/{_seg(number or pk_)}"
        else:
            seg = _PARENT_SCOPED.get(node.kind, "node")
            ident = number if (node.kind in _NUMBERED and number) else k
            base = f"{parent_iri}/{seg}/{_seg(ident)}"
        return self.unique(base)

    def walk(self, node: Node, parent_iri: str, inherited_domain: str | None,
             table: Node | None, outline: tuple[str | None, str | None] = (None, None)) -> None:
        """Emit ``node``'s descendants. ``outline``: the IRIs of the chapter and section
        the walk is inside (see :meth:`outline_links`)."""
        counts: dict[Kind, int] = {}
        for child in node.children:
            if child.kind is Kind.DOCUMENT:  # a nested document: flatten it
                self.walk(child, parent_iri, inherited_domain, table, outline)
                continue
            iri = self.node_iri(child, parent_iri, counts)
            dom = self.node_triples(child, iri, parent_iri, inherited_domain, table)
            inner = self.outline_links(child, iri, outline)
            self.walk(child, iri, dom if child.kind is Kind.SERVICE_DOMAIN else None,
                      child if child.kind is Kind.TABLE else table, inner)

    def outline_links(self, node: Node, iri: str,
                      outline: tuple[str | None, str | None]) -> tuple[str | None, str | None]:
        """``pk:chapter``/``pk:section``: shortcuts for ``dcterms:isPartOf+`` to the
        chapter and section a key task lies in (and the chapter of a section), so that the
        contract queries read one quad instead of walking the path and testing each
        ancestor's type (issue #12: ``measures`` 1.9 s → under 1 s at 1,000 plans).
        Returns the outline the node's children are inside."""
        chapter, section = outline
        if node.kind is Kind.CHAPTER:
            return iri, None
        if node.kind is Kind.PART:
            return None, None
        if node.kind in (Kind.SECTION, Kind.KEY_TASK):
            if chapter:
                self.add(_iri(iri), T.chapter, _iri(chapter))
            if node.kind is Kind.SECTION:
                return chapter, iri
            if section:
                self.add(_iri(iri), T.section, _iri(section))
        return outline

    def node_triples(self, node: Node, iri: str, parent_iri: str,
                     inherited_domain: str | None, table: Node | None) -> str | None:
        s = _iri(iri)
        a = node.attrs or {}
        self.order += 1
        self.add(s, RDF_TYPE, getattr(T, CLASS_OF.get(node.kind, "UnknownBlock")))
        self.lit(s, DCT_TITLE, node.title or a.get("title"))
        if node.kind is not Kind.SERVICE_DOMAIN:  # its text is pk:content
            self.lit(s, T.text, node.text)
        number = re.sub(r"\s+", "", node.number or "")
        if number:
            if number.isdecimal():
                self.integer(s, T.number, int(number))
            else:
                self.add(s, T.number, _lit(number))
        self.integer(s, T.order, self.order)
        self.add(s, DCT_IS_PART_OF, _iri(parent_iri))
        # no pk:plan: the node's named graph is its plan (and dcterms:isPartOf+ reaches it)
        if "style" in a and _USUAL_STYLE.get(node.kind) != a["style"]:
            self.lit(s, T.style, a["style"])  # only an unusual numbering style
        # no pk:level: a heading's depth is its count of Division ancestors (dcterms:isPartOf)

        dom = domain_iri(a.get("domain"))
        if dom is None and node.kind is Kind.INDICATOR:
            dom = domain_iri(a.get("category"))
        if dom is None and node.kind is Kind.SERVICE_DOMAIN:
            dom = domain_iri(node.title)
        if dom is None and node.kind is Kind.SERVICE_ITEM:
            dom = inherited_domain
        if dom:
            self.add(s, T.domain, _iri(dom))
        ev = a.get("domain_evidence")
        for e in (ev if isinstance(ev, (list, tuple)) else [ev] if ev else []):
            if str(e).split(":", 1)[0].strip() not in _EVIDENCE_IN_GRAPH:
                self.lit(s, T.domainEvidence, e)

        self.provenance(iri, node.span)
        self.page(iri, a.get("page"))

        if node.kind is Kind.INDICATOR:
            self.indicator(s, iri, node, table)
        elif node.kind is Kind.SERVICE_DOMAIN:
            self.lit(s, T.content, node.text or a.get("content"))
            if isinstance(a.get("declared_count"), int):
                self.integer(s, T.declaredCount, a["declared_count"])
        for k, q in enumerate(a.get("quantities") or [], 1):
            self.quantity(s, iri, k, q)
        for d in a.get("departments") or []:
            self.department(s, d)
        for k, link in enumerate(a.get("links") or [], 1):
            self.link(s, iri, k, link)
        return dom

    def indicator(self, s: str, iri: str, node: Node, table: Node | None) -> None:
        a = node.attrs or {}
        name = node.title or a.get("title") or ""
        category = re.sub(r"\s+", "", a.get("category") or "") or None
        named = domain_iri(category)
        if named is None or named != domain_iri(a.get("domain") or category):
            self.lit(s, T.category, category)  # a category that is the domain's name: pk:domain
        self.lit(s, T.unit, a.get("unit"))
        self.lit(s, T.nature, a.get("nature"))
        tattrs = (table.attrs if table is not None else None) or {}
        observations = [("baseline", T.baseline, a.get("baseline"), "baseline"),
                        ("target", T.target, a.get("target"), "target")]
        # an indicator with targets for several years (2025 and 2035): one target each,
        # the first at …/target, the next ones at …/target/2035
        for extra in (a.get("targets") or [])[1:]:
            observations.append(("target", T.target, extra, f"target/{extra.get('year') or len(observations)}"))
        for which, prop, obs, seg in observations:
            if not obs:
                continue
            o = _iri(f"{iri}/{seg}")
            self.add(s, prop, o)  # a pk:Observation by the range of pk:baseline/pk:target
            if not self.dec(o, T.value, obs.get("value")) and obs.get("value") is not None:
                self.lit(o, T.rawValue, obs.get("value"))
            self.dec(o, T.valueMax, obs.get("value_max"))
            self.year(o, T.year, obs.get("year") or tattrs.get(f"{which}_year"))
            self.lit(o, T.comparator, obs.get("comparator"))
            self.flag(o, T.approximate, obs.get("approximate"))
            self.lit(o, T.qualitativeValue, obs.get("qualitative"))
            raw = obs.get("raw")
            if raw is not None and not _raw_is_implied(str(raw), obs):
                self.lit(o, T.rawValue, raw)  # only where the cell says more than the parts
        key = indicator_concept_key(name, a.get("unit"))
        if key:
            # a skos:Concept by the range of pk:concept; its notation is the IRI's last
            # segment and its labels are the titles of the indicators that share it
            self.add(s, T.concept, _iri(concept_iri(key)))

    def quantity(self, owner: str, owner_iri: str, k: int, q: dict) -> None:
        qiri = f"{owner_iri}/quantity/{k}"
        n = _iri(qiri)
        self.add(owner, T.quantity, n)  # a pk:Quantity by the range of pk:quantity
        if not self.dec(n, T.value, q.get("value")) and q.get("value") is not None:
            self.lit(n, T.rawValue, q.get("value"))
        self.dec(n, T.valueMax, q.get("value_max"))
        self.lit(n, T.unit, q.get("unit"))
        self.lit(n, T.comparator, q.get("comparator"))
        self.flag(n, T.approximate, q.get("approximate"))
        self.lit(n, T.scope, q.get("scope"))
        self.lit(n, T.text, q.get("text"))
        if q.get("span"):
            self.provenance(qiri, q["span"])

    def department(self, owner: str, d: dict) -> None:
        written = (d.get("name") or "").strip()
        canonical = (d.get("canonical") or written).strip()
        if not canonical:
            return
        org = _iri(iri("org", self.region_key, canonical))
        prop = T.supportDepartment if d.get("role") == "support" else T.leadDepartment
        self.add(owner, prop, org)
        if org not in self.described:  # described once per plan, not at every mention
            self.described.add(org)
            self.add(org, RDF_TYPE, ORG_ORGANIZATION)
            self.lit(org, SKOS_PREF, canonical)
        if written and written != canonical and (org, written) not in self.described:
            self.described.add((org, written))  # type: ignore[arg-type]
            self.lit(org, SKOS_ALT, written)

    def link(self, owner: str, owner_iri: str, k: int, link: dict) -> None:
        target = str(link.get("target") or "").strip()
        if not target:
            return
        if not target.startswith(("http://", "https://")):
            path = target.split(":", 1)[1] if ":" in target else target
            target = f"{self.piri}/{path.strip('/')}"
        n = _iri(f"{owner_iri}/link/{k}")
        self.add(owner, T.link, n)  # a pk:Link by the range of pk:link
        self.add(n, T.linkTarget, _iri(target))
        score = link.get("score")
        if isinstance(score, (int, float)) and not isinstance(score, bool):
            self.dec(n, T.score, f"{float(score):.4f}".rstrip("0").rstrip("."))
        for term in link.get("evidence") or []:
            self.lit(n, T.evidenceTerm, term)


def _envelope_triples(b: "_Builder") -> None:
    """What the notice and front matter say about the plan (``structure/envelope.py``).

    The issuing body is ``dcterms:publisher``, an ``org:Organization`` with the IRI
    pattern of departments (``ID/org/{region}/{name}``); the document number as printed
    is ``dcterms:identifier``; the date issued ``dcterms:issued`` and the notice's own
    date ``dcterms:created``, both ``xsd:date``; the notice's title ``pk:noticeTitle``.
    A plan without an envelope gets none of these.
    """
    meta, p = b.plan.meta or {}, b.plan_node
    issuer = str(meta.get("issuer") or "").strip()
    if issuer:
        org = _iri(iri("org", b.region_key, issuer))
        b.add(p, DCT_PUBLISHER, org)
        b.add(org, RDF_TYPE, ORG_ORGANIZATION)
        b.lit(org, SKOS_PREF, issuer)
    b.lit(p, DCT_IDENTIFIER, meta.get("doc_number"))
    for key, prop in (("issued", DCT_ISSUED), ("signed", DCT_CREATED)):
        d = str(meta.get(key) or "")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d):
            b.add(p, prop, _lit(d, _DATE))
    b.lit(p, T.noticeTitle, meta.get("notice_title"))


def plan_nquads(plan: Plan) -> bytes:
    """Every quad of ``plan`` as N-Quads (UTF-8), all in the named graph ``<{plan}>``.

    What ``plankg build`` sends to the store's bulk loader.
    """
    b = _Builder(plan)
    b.plan_triples()
    _envelope_triples(b)
    b.walk(plan.root, b.piri, None, None)
    return "".join(b.lines).encode("utf-8")


def plan_quads(plan: Plan) -> Iterator[Quad]:
    """Every quad of ``plan`` as :class:`pyoxigraph.Quad` objects: :func:`plan_nquads`
    read back by pyoxigraph's (validating) N-Quads parser.

    Args:
        plan: a parsed plan.
    Returns:
        an iterator of quads (the text is made first, so a bad plan fails before
        anything is yielded).
    """
    return parse(plan_nquads(plan), format=RdfFormat.N_QUADS)


SERIALISATIONS = {"turtle": RdfFormat.TURTLE, "jsonld": RdfFormat.JSON_LD,
                  "trig": RdfFormat.TRIG, "nquads": RdfFormat.N_QUADS,
                  "ntriples": RdfFormat.N_TRIPLES}


def serialize_plan(plan: Plan, fmt: str = "turtle", *, extra: Iterable[Quad] = ()) -> bytes:
    """The plan's graph as bytes in ``fmt`` (turtle, jsonld, trig, nquads, ntriples).

    Triple formats (turtle, jsonld, ntriples) drop the graph name; the dataset formats
    keep it. pyoxigraph 0.5 writes all of them, so rdflib is never needed here.
    ``extra`` quads (the Web Annotation form of the spans, see
    :mod:`plankg.store.quotes`) are written with the plan's own.

    >>> from plankg.model import Plan, Node, Kind
    >>> p = Plan("x", "x.txt", "", "text", "utf-8", "", {"region": "四川省"}, Node(Kind.DOCUMENT))
    >>> b"pk:Plan" in serialize_plan(p, "turtle")
    True
    """
    rdf_format = SERIALISATIONS[fmt]
    # group by subject (first appearance order) so Turtle writes one block per resource
    groups: dict = {}
    for q in itertools.chain(plan_quads(plan), extra):
        groups.setdefault(q.subject, []).append(q)
    quads = [q for qs in groups.values() for q in qs]
    items: Iterable = quads if rdf_format.supports_datasets and fmt != "jsonld" else (
        q.triple for q in quads)
    return serialize(items, format=rdf_format, prefixes=dict(PREFIXES))
