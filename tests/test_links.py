"""Links from projects to indicators and service items by shared key terms."""
from __future__ import annotations

import pytest

from plankg.semantic.links import key_terms, link_projects
from plankg.model import Kind, Node, Plan

PROJECTS = [
    {"key": "p1", "name": "城镇老旧小区改造工程", "text": "改造老旧小区 3000 个。", "domain": "住有所居"},
    {"key": "p2", "name": "普惠托育服务扩容行动", "text": "新增婴幼儿托位 2 万个。", "domain": "幼有所育"},
    {"key": "p3", "name": "全民健身设施补短板工程", "text": "建设健身步道。", "domain": "文体服务保障"},
    {"key": "p4", "name": "数字政府建设工程", "text": "推进一网通办。", "domain": None},
]
INDICATORS = [
    {"key": "table/1/indicator/1", "name": "城镇老旧小区改造", "domain": "住有所居"},
    {"key": "table/1/indicator/2", "name": "每千人口3岁以下婴幼儿托位数", "domain": "幼有所育"},
    {"key": "table/1/indicator/3", "name": "人均体育场地面积", "domain": "文体服务保障"},
]
ITEMS = [
    {"key": "table/2/domain/9/item/1", "name": "全民健身服务", "domain": "文体服务保障"},
    {"key": "table/2/domain/6/item/1", "name": "公租房保障", "domain": "住有所居"},
]


@pytest.fixture(scope="module")
def links():
    return link_projects(PROJECTS, INDICATORS, ITEMS)


@pytest.mark.parametrize("project,target,term", [
    ("p1", "table/1/indicator/1", "城镇老旧小区"),
    ("p2", "table/1/indicator/2", "托位"),
    ("p3", "table/2/domain/9/item/1", "全民健身"),
], ids=["housing", "childcare", "fitness"])
def test_expected_link(links, project, target, term):
    got = {link["target"]: link for link in links[project]}
    assert target in got
    assert any(term in e for e in got[target]["evidence"])
    assert 0 < got[target]["score"] <= 1


def test_unrelated_project_has_no_links(links):
    assert links["p4"] == []


def test_links_sorted_and_above_threshold(links):
    for found in links.values():
        scores = [link["score"] for link in found]
        assert scores == sorted(scores, reverse=True)
        assert all(s >= 0.2 for s in scores)


def test_stopwords_are_not_key_terms():
    terms = key_terms("推进养老服务设施建设工程")
    assert "养老" in terms
    assert not {"推进", "建设", "工程", "服务"} & set(terms)


def test_enrich_link_targets_follow_graph_paths():
    from plankg.semantic.assign import enrich

    text = "专栏1 住有宜居工程\n1 城镇老旧小区改造计划\n改造城镇老旧小区 250 万套(省住房城乡建设厅负责)。"
    start = text.index("1 城镇")
    project = Node(Kind.PROJECT, "1", "城镇老旧小区改造计划",
                   "改造城镇老旧小区250万套(省住房城乡建设厅负责)。", span=(start, len(text)))
    column = Node(Kind.COLUMN, "1", "住有宜居工程", span=(0, len(text)), children=[project])
    table = Node(Kind.TABLE, "1", "主要指标", children=[
        Node(Kind.INDICATOR, "1", "学前教育毛入园率", attrs={"category": "学有所教"}),
        Node(Kind.INDICATOR, "2", "城镇老旧小区改造", attrs={"category": "住有所居", "unit": "万套"}),
    ])
    services = Node(Kind.TABLE, None, "服务清单", children=[
        Node(Kind.SERVICE_DOMAIN, "1", "住有所居", children=[
            Node(Kind.SERVICE_ITEM, "1", "公租房保障"),
            Node(Kind.SERVICE_ITEM, "2", "城镇老旧小区改造")]),
    ])
    root = Node(Kind.DOCUMENT, children=[column, table, services])
    plan = Plan(id="t", path="t.txt", source_text=text, format="text", encoding="utf-8",
                sha256="", meta={"region": "四川省"}, root=root)
    enrich(plan)
    targets = [link["target"] for link in project.attrs["links"]]
    assert targets[:2] == ["table/1/indicator/2", "table/2/domain/1/item/2"] or \
        targets[:2] == ["table/2/domain/1/item/2", "table/1/indicator/2"]
    assert project.attrs["domain"] == "住有所居"
    (q,) = project.attrs["quantities"]
    assert (q["value"], q["unit"]) == ("250", "万套")
    assert text[q["span"][0]:q["span"][1]] == "250 万套"  # source coordinates
    (d,) = project.attrs["departments"]
    assert (d["name"], d["role"]) == ("省住房城乡建设厅", "lead")
    assert text[d["span"][0]:d["span"][1]] == "省住房城乡建设厅"
    assert plan.meta["region_code"] == "510000"


def test_a_shared_population_alone_does_not_link():
    # both serve 残疾人 (a population topic), but a rehabilitation centre does not
    # raise subsidy coverage: no link; a shared service (康复) does link
    projects = [{"key": "p", "name": "残疾人康复设施建设工程", "text": "新建残疾人康复中心 12 所。",
                 "domain": "弱有所扶"}]
    targets = [{"key": "subsidy", "name": "困难残疾人生活补贴覆盖率", "domain": "弱有所扶"},
               {"key": "rehab", "name": "残疾儿童康复服务覆盖率", "domain": "弱有所扶"}]
    got = [link["target"] for link in link_projects(projects, targets, [])["p"]]
    assert got == ["rehab"]


def test_an_outcome_links_to_the_services_that_serve_it():
    # 预期寿命 is an outcome topic whose related services include 公共卫生
    projects = [{"key": "p", "name": "疾病预防控制体系建设工程", "text": "建设市级疾控中心 8 个。",
                 "domain": "病有所医"},
                {"key": "q", "name": "智慧图书馆建设工程", "text": "建成智慧图书馆 5 个。",
                 "domain": "文体服务保障"}]
    targets = [{"key": "life", "name": "人均预期寿命", "domain": "病有所医"}]
    out = link_projects(projects, targets, [])
    (link,) = out["p"]
    assert link["target"] == "life" and "#公共卫生" in link["evidence"]
    assert out["q"] == []


def test_service_items_do_not_crowd_out_indicators():
    # six items match better than the indicator; the indicator still gets its link
    projects = [{"key": "p", "name": "养老服务设施建设工程", "text": "新建养老服务设施 30 个。",
                 "domain": "老有所养"}]
    items = [{"key": f"item/{i}", "name": f"养老服务设施{s}", "domain": "老有所养"}
             for i, s in enumerate("甲乙丙丁戊己")]
    indicators = [{"key": "ind", "name": "社区养老服务设施覆盖率", "domain": "老有所养"}]
    got = link_projects(projects, indicators, items)["p"]
    targets = [link["target"] for link in got]
    assert "ind" in targets
    assert sum(t.startswith("item/") for t in targets) == 5


def test_topics_come_from_the_spacy_pipeline():
    from plankg.semantic.nlp import analyse, get_nlp

    assert {"domain_terms", "topic_terms"} <= set(get_nlp().pipe_names)
    doc = analyse("每千人口3岁以下婴幼儿托位数")
    labels = {(sp.text, sp.label_) for sp in doc.spans["topic"]}
    # 托位 sits inside the jieba token 婴幼儿托位: the span is that whole token
    assert any(label == "托育" and "托位" in text for text, label in labels)
    tokens = [t.text for t in doc]
    assert "".join(tokens) == "每千人口3岁以下婴幼儿托位数"


def _names_and_texts() -> list[str]:
    """Every project, indicator and service-item name and text of the corpus and the
    fixtures: what the linker reads."""
    from pathlib import Path

    from conftest import corpus_files
    from plankg.pipeline import parse_file

    fixtures = Path(__file__).parent / "fixtures"
    texts: set[str] = set()
    for path in [*corpus_files(), *sorted(fixtures.glob("*.txt"))]:
        plan = parse_file(path, semantic=False)
        for node in plan.root.walk():
            if node.kind in (Kind.PROJECT, Kind.INDICATOR, Kind.SERVICE_ITEM):
                texts.add(node.title or "")
                texts.add(node.text or "")
    texts.discard("")
    return sorted(texts)


def test_the_parse_reads_what_the_spacy_pipeline_gives():
    """terms_of (jieba and regexes, what the parse uses) and the spaCy Docs of
    analyse agree on every name and text the linker reads: words, one-token domain
    spans and topic spans."""
    from plankg.semantic.nlp import analyse, terms_of

    texts = _names_and_texts()
    assert len(texts) > 200
    for text in texts:
        doc = analyse(text)
        got = terms_of(text)
        assert got.words == tuple(t.text for t in doc if not t.is_space), text
        assert got.domain_words == {sp.text for sp in doc.spans["domain"] if len(sp) == 1}, text
        assert got.topics == tuple(sp.label_ for sp in doc.spans["topic"]), text


def test_the_parse_does_not_load_spacy():
    import subprocess
    import sys
    from pathlib import Path

    from conftest import corpus_files

    code = ("import sys; from plankg.pipeline import parse_file; "
            f"parse_file({str(corpus_files()[0])!r}); "
            "print('spacy' in sys.modules, 'jieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parent)
    assert out.stdout.split() == ["False", "True"]
