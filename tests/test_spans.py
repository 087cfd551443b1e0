"""Every node's source span, applied to the original file, gives back its text."""
import re
from pathlib import Path

import pytest
from lxml import html as lhtml

from plankg.model import Kind
from plankg.structure.normalize import normalize, tidy
from plankg.pipeline import parse_file

HERE = Path(__file__).parent
FILES = sorted(p for p in (HERE / "fixtures").glob("*.*") if p.suffix in (".txt", ".html")) + \
    sorted((HERE.parent / "corpus").glob("*.txt"))
_WS = re.compile(r"\s+")


def compact(s: str) -> str:
    return _WS.sub("", s)


def visible(plan, span) -> str:
    """What a reader sees in the source slice: tags stripped, normalised, tidied."""
    s, e = span
    raw = plan.source_text[s:e]
    if plan.format == "html":
        raw = lhtml.fromstring(f"<div>{raw}</div>").text_content() if raw.strip() else raw
    return compact(tidy(normalize(raw)[0]))


def is_subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(c in it for c in needle)


@pytest.fixture(scope="module", params=FILES, ids=lambda p: p.name)
def plan(request):
    return parse_file(request.param, semantic=False)


def test_spans_are_inside_the_file(plan):
    n = len(plan.source_text)
    for node in plan.root.walk():
        s, e = node.span
        assert 0 <= s <= e <= n, (node.kind, node.title, node.span)


def test_paragraph_spans_give_back_their_text(plan):
    for node in plan.root.walk():
        if node.kind in (Kind.PARAGRAPH, Kind.KEY_TASK):
            want = compact(node.title + ("。" if node.kind is Kind.KEY_TASK else "") + node.text)
            got = visible(plan, node.span)
            assert got.endswith(want), (node.title, got[:60], want[:60])
            assert len(got) - len(want) <= 6  # at most a number or bullet before it


def test_heading_and_name_spans_contain_their_titles(plan):
    for node in plan.root.walk():
        if node.kind in (Kind.CHAPTER, Kind.SECTION, Kind.PART, Kind.SUBSECTION, Kind.COLUMN,
                         Kind.PROJECT, Kind.INDICATOR, Kind.SERVICE_ITEM, Kind.SERVICE_DOMAIN):
            got = visible(plan, node.span)
            assert is_subsequence(compact(node.title), got), (node.kind, node.title, got[:80])


def test_service_items_have_their_own_spans(plan):
    for node in plan.root.find(Kind.SERVICE_ITEM):
        got = visible(plan, node.span)
        assert len(got) <= len(compact(node.title)) + 4, (node.title, got)


def test_text_comes_back_from_the_graph_alone(plan):
    """Round trip through the store: the quote derived from the graph (source text once,
    pk:start/pk:end per node) gives back each paragraph's and key task's text, and each
    heading's title, without the parsed plan."""
    import pyoxigraph

    from plankg.graph import vocab
    from plankg.graph.rdf import plan_quads
    from plankg.store.quotes import quotes

    g = pyoxigraph.Store()
    g.extend(plan_quads(plan))
    rows = list(g.query(f"""
        PREFIX pk: <{vocab.PK_NS}> PREFIX dcterms: <{vocab.DCTERMS}>
        SELECT ?n ?cls ?title ?text WHERE {{ GRAPH ?g {{
          ?n a ?cls ; pk:order ?order . OPTIONAL {{ ?n dcterms:title ?title }}
          OPTIONAL {{ ?n pk:text ?text }} }} }}"""))
    got = quotes(g, [r["n"].value for r in rows])
    assert len(got) == len(rows)
    checked = 0
    for r in rows:
        cls = r["cls"].value.rsplit("#", 1)[1]
        raw = got[r["n"].value]
        seen = visible(type("Q", (), {"source_text": raw, "format": plan.format}),
                       (0, len(raw)))
        title = r["title"].value if r["title"] is not None else ""
        if cls in ("Paragraph", "KeyTask"):
            want = compact(title + ("。" if cls == "KeyTask" else "")
                           + (r["text"].value if r["text"] is not None else ""))
            assert seen.endswith(want), (title, seen[:60], want[:60])
            checked += 1
        elif cls in ("Chapter", "Section", "Column", "Project", "Indicator", "ServiceItem"):
            assert is_subsequence(compact(title), seen), (cls, title, seen[:80])
            checked += 1
    assert checked
