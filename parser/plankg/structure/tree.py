"""Tree: blocks → the document hierarchy (篇 > 章 > 节 > deeper headings).

Which heading style is a chapter is read from the document: the highest-ranked
style below 篇 that occurs (第X章, or 一、 in a plan without 章) is the chapter
level, the next one down the section level, anything deeper a subsection.
Text before the first heading is the preamble. Paragraphs become key tasks when
they open with a lead phrase (``keytasks.py``). A stray line the parser
cannot place becomes an ``unknown`` node with a warning; nothing is dropped.

>>> from plankg.structure.blocks import split_blocks
>>> root = build_tree(split_blocks("前言。\\n一、总体要求\\n(一)指导思想\\n推进托育服务。支持托育。\\n"), [])
>>> [(n.kind.value, n.number, n.title) for n in root.walk()][1:]
[('preamble', None, ''), ('paragraph', None, ''), ('chapter', '1', '总体要求'), ('section', '1', '指导思想'), ('key_task', None, '推进托育服务')]
"""
from __future__ import annotations

from .blocks import Block
from .keytasks import key_task
from plankg.model import Kind, Node, Warning_
from .normalize import tidy
from .patterns import Structure, structure


def build_tree(blocks: list[Block], warnings: list[Warning_], P: Structure | None = None) -> Node:
    P = P or structure()
    ranks = sorted({b.info["rank"] for b in blocks if b.kind == "heading"})
    below_part = [r for r in ranks if r > 1]
    chapter_rank = below_part[0] if below_part else None
    section_rank = below_part[1] if len(below_part) > 1 else None

    root = Node(Kind.DOCUMENT, span=(0, blocks[-1].end if blocks else 0))
    preamble = Node(Kind.PREAMBLE)
    stack: list[tuple[int, Node]] = [(0, root)]
    counters: dict[int, int] = {}
    seen_heading = False
    toc_warned = False

    def container() -> Node:
        if not seen_heading:
            return preamble
        return stack[-1][1]

    for b in blocks:
        if b.kind == "heading":
            r = b.info["rank"]
            kind = (Kind.PART if r == 1 else Kind.CHAPTER if r == chapter_rank
                    else Kind.SECTION if r == section_rank else Kind.SUBSECTION)
            while len(stack) > 1 and stack[-1][0] >= r:
                stack.pop()
            node = Node(kind, number=str(b.info["number"]), title=tidy(b.info["title"]),
                        span=(b.start, b.end),
                        attrs={"style": b.info["style"], "level": len(stack)})
            stack[-1][1].children.append(node)
            stack.append((r, node))
            seen_heading = True
            if b.info.get("body"):
                _add_paragraph(node, b.info["body"], (b.start, b.end), P)
            continue
        parent = container()
        if b.kind == "toc":
            if not toc_warned:
                warnings.append(Warning_("W202", "table of contents lines skipped", b.lines[0].no))
                toc_warned = True
            continue
        if b.kind in ("table", "column"):
            parent.children.append(b.info["node"])
        elif b.kind == "paragraph":
            _add_paragraph(parent, tidy(b.text), (b.start, b.end), P)
        else:  # a stray line
            text = tidy(b.text)
            if not seen_heading and not preamble.children and not root.title:
                root.title = text  # the title line(s) at the top
                root.attrs["title_span"] = [b.start, b.end]
                continue
            if not seen_heading and not preamble.children and root.title and len(root.title) + len(text) <= 60 \
                    and not _is_dateline(text):
                root.title += text  # a title wrapped over two lines
                root.attrs["title_span"][1] = b.end
                continue
            warnings.append(Warning_("W201", f"unplaced line kept as an unknown node: {text[:30]}",
                                     b.lines[0].no))
            parent.children.append(Node(Kind.UNKNOWN, text=text, span=(b.start, b.end)))
    if preamble.children:
        preamble.span = (preamble.children[0].span[0], preamble.children[-1].span[1])
        root.children.insert(0, preamble)
    # a heading's span is its own line: its text is the title, and its children carry
    # their own spans (quoting a whole chapter again at every level would repeat it)
    if chapter_rank is None:
        warnings.append(Warning_("W200", "no chapter headings found; the text is kept as paragraphs"))
    return root


def _is_dateline(s: str) -> bool:
    return s[:4].isdigit() or s.startswith(("(", "（"))


def _add_paragraph(parent: Node, text: str, span: tuple[int, int], P: Structure) -> None:
    kt = key_task(text, P)
    if kt is None:
        parent.children.append(Node(Kind.PARAGRAPH, text=text, span=span))
        return
    attrs = {}
    if kt["bullet"]:
        attrs["bullet"] = kt["bullet"]
    parent.children.append(Node(Kind.KEY_TASK, number=kt["number"], title=kt["lead"],
                                text=kt["body"], span=span, attrs=attrs))
