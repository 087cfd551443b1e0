"""Service domains: labels, classification of invented texts, the loader, and enrich()."""
from __future__ import annotations

import pytest

from plankg.errors import DataFileError
from plankg.semantic import domains
from plankg.model import Kind, Node, Plan

needs_ontology = pytest.mark.skipif(
    not domains.DOMAINS_TTL.is_file(),
    reason="ontology/domains.ttl (written by the ontology work) is not there yet")

NINE = ["幼有所育", "学有所教", "劳有所得", "病有所医", "老有所养", "住有所居", "弱有所扶",
        "优军服务保障", "文体服务保障"]


@needs_ontology
def test_nine_domains_in_notation_order():
    assert list(domains.domain_labels()) == NINE


LABELS = [
    ("exact", "幼有所育", "幼有所育"),
    ("alt-label", "优军服务", "优军服务保障"),
    ("wrapped-cell", "文体服务\n保障", "文体服务保障"),
    ("spaced-cell", "优军服务 保障", "优军服务保障"),
    ("numbered-heading", "（三）病有所医", "病有所医"),
    ("count-trailer", "老有所养（共 4 项）", "老有所养"),
    ("column-title", "住有宜居工程", "住有所居"),
    ("cut-by-wrap", "优军服", "优军服务保障"),
    ("not-a-domain", "主要目标", None),
    ("mentions-two", "促进幼有所育和学有所教", None),
    ("mentions-among-words", "健全托育和学前教育服务", None),
]


@needs_ontology
@pytest.mark.parametrize("label,expected", [c[1:] for c in LABELS], ids=[c[0] for c in LABELS])
def test_domain_of_label(label, expected):
    assert domains.domain_of_label(label) == expected


TEXTS = [
    ("youyou", "发展普惠托育服务", "支持社会力量建设托育机构，增加婴幼儿托位，加强妇幼保健。", "幼有所育"),
    ("xueyou", "推进义务教育优质均衡", "改善中小学办学条件，扩大学前教育资源，加强教师队伍建设。", "学有所教"),
    ("laoyoude", "促进高质量充分就业", "完善公共就业服务，开展职业技能培训，支持高校毕业生创业。", "劳有所得"),
    ("bingyou", "提升医疗服务能力", "加强公共卫生体系建设，推进家庭医生签约服务，完善基本医疗保险。", "病有所医"),
    ("laoyouyang", "健全养老服务体系", "发展居家养老和社区养老，增加护理型床位，推进医养结合。", "老有所养"),
    ("zhuyou", "完善住房保障体系", "扩大保障性租赁住房供给，推进老旧小区改造和公租房建设。", "住有所居"),
    ("ruoyou", "织密兜底保障网", "完善最低生活保障制度，做好特困人员供养，发展残疾人康复。", "弱有所扶"),
    ("youjun", "做好退役军人服务", "落实退役士兵安置政策，加强光荣院和优抚医院建设，开展褒扬纪念。", "优军服务保障"),
    ("wenti", "繁荣公共文化和全民健身", "推动图书馆、文化馆免费开放，建设体育场地，开展全民阅读。", "文体服务保障"),
    ("all-nine", "明确基本公共服务清单",
     "围绕幼有所育、学有所教、劳有所得、病有所医、老有所养、住有所居、弱有所扶、"
     "优军服务保障、文体服务保障，提供基本公共服务。", None),
    ("implementation", "加强组织领导", "确保规划实施效果，强化统筹协调和监督检查。", None),
    ("digital", "促进公共服务数字化", "在在线教育、智慧医疗、智慧养老、智慧体育等领域开展试点。", None),
    ("background", "发展基础", "基本公共服务体系基本建立，人民群众获得感明显增强。", None),
]


@needs_ontology
@pytest.mark.parametrize("title,body,expected", [c[1:] for c in TEXTS], ids=[c[0] for c in TEXTS])
def test_classify(title, body, expected):
    dom, share = domains.classify(title, body)
    assert dom == expected
    assert 0.0 <= share <= 1.0


@needs_ontology
def test_title_outweighs_body():
    # a title hit counts three times: one title term beats one body term of another
    # domain, but not three
    assert domains.classify("发展普惠托育", "依托医院开展指导。")[0] == "幼有所育"
    assert domains.classify("发展普惠托育", "依托医院、医保和中医药开展指导。")[0] is None


TTL = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix pk: <https://w3id.org/plankg/ontology#> .
@prefix d: <https://example.org/d/> .
d:s a skos:ConceptScheme ; skos:prefLabel "领域"@zh .
d:a a skos:Concept ; skos:notation "2" ; skos:prefLabel "甲领域"@zh , "A"@en ;
    skos:altLabel "甲类"@zh ; pk:signalTerm "苹果"@zh , "香蕉"@zh .
d:b a skos:Concept ; skos:notation "1" ; skos:prefLabel "乙领域"@zh ; pk:signalTerm "汽车"@zh .
"""


def test_load_domains_from_a_file(tmp_path):
    p = tmp_path / "d.ttl"
    p.write_text(TTL, encoding="utf-8")
    got = domains.load_domains(p)
    assert [d.label for d in got] == ["乙领域", "甲领域"]  # notation order, scheme skipped
    assert got[1].alt_labels == ("甲类",) and got[1].signal_terms == ("苹果", "香蕉")


def test_load_domains_errors_name_the_file(tmp_path):
    missing = tmp_path / "none.ttl"
    with pytest.raises(DataFileError, match=r"none\.ttl: E200 bad data file: file is missing"):
        domains.load_domains(missing)
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix x: <http://x/> .\nx:a x:b\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"bad\.ttl:\d+: E200 bad data file: not Turtle"):
        domains.load_domains(bad)


@needs_ontology
def test_spacy_ruler_marks_domain_terms():
    from plankg.semantic.nlp import get_nlp

    nlp = get_nlp()
    assert "domain_terms" in nlp.pipe_names
    doc = nlp("加强退役军人服务保障。")
    assert "优军服务保障" in {s.label_ for s in doc.spans["domain"]}


def _plan(root: Node, text: str = "") -> Plan:
    return Plan(id="t", path="t.txt", source_text=text, format="text", encoding="utf-8",
                sha256="", meta={"region": "湖南省"}, root=root)


@needs_ontology
def test_enrich_evidence_order():
    from plankg.semantic.assign import enrich

    kt_named = Node(Kind.KEY_TASK, title="推进托育服务", text="增加托位。")
    kt_other = Node(Kind.KEY_TASK, title="完善基本医疗保险", text="提高参保率。")
    named = Node(Kind.SECTION, "1", "幼有所育", children=[kt_named])
    lex = Node(Kind.SECTION, "2", "提升养老服务水平",
               text="", children=[Node(Kind.KEY_TASK, title="发展居家养老",
                                       text="增加护理型床位，推进医养结合。"), kt_other])
    cross = Node(Kind.SECTION, "3", "加强组织领导", children=[
        Node(Kind.KEY_TASK, title="强化统筹协调", text="确保规划落实。")])
    ind = Node(Kind.INDICATOR, "1", "每千人口托位数", attrs={"category": "幼有所育"})
    ind2 = Node(Kind.INDICATOR, "2", "养老机构护理型床位占比", attrs={"category": None})
    table = Node(Kind.TABLE, "1", "主要指标", children=[ind, ind2])
    chapter = Node(Kind.CHAPTER, "1", "重点任务", children=[named, lex, cross, table])
    plan = _plan(Node(Kind.DOCUMENT, children=[chapter]))
    enrich(plan)
    assert named.attrs["domain"] == "幼有所育"
    assert named.attrs["domain_evidence"] == "heading: 幼有所育"
    assert kt_named.attrs["domain"] == "幼有所育"  # a named section wins
    assert kt_named.attrs["domain_evidence"] == "section: 幼有所育"
    assert lex.attrs["domain"] == "老有所养"
    assert lex.attrs["domain_evidence"].startswith("terms: ")
    # a lead phrase that names another domain's terms beats a lexicon-only section
    assert kt_other.attrs["domain"] == "病有所医"
    assert cross.attrs["domain"] is None and cross.attrs["domain_evidence"] is None
    assert chapter.attrs["domain"] is None
    assert ind.attrs["domain_evidence"] == "category: 幼有所育"
    assert ind2.attrs["domain"] == "老有所养"
    assert plan.meta["region_code"] == "430000"
