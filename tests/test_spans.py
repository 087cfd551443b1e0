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
