"""Quantities: one table of invented sentences, one row per recognition rule."""
from __future__ import annotations

import pytest

from plankg.semantic.quantities import cn_numeral_value, find_quantities, quantity_doc


def _short(q: dict) -> tuple:
    """(value, unit) plus the optional fields that are set, for compact expectations."""
    out: tuple = (q["value"], q["unit"])
    if q["value_max"] is not None:
        out += (("max", q["value_max"]),)
    if q["comparator"]:
        out += (q["comparator"],)
    if q["approximate"]:
        out += ("approx",)
    if q["scope"]:
        out += (("scope", q["scope"]),)
    return out


CASES = [
    ("arabic-and-wan", "新建 120 所公办幼儿园，增加学位约 15 万个",
     [("120", "所"), ("15", "万个", "approx")]),
    ("no-spaces", "新建120所公办幼儿园,增加学位15万个", [("120", "所"), ("15", "万个")]),
    ("range-dash", "每年扶持 3—5 部", [("3", "部", ("max", "5"), ("scope", "每年"))]),
    ("range-hyphen", "培育 3-5 个品牌", [("3", "个", ("max", "5"))]),
    ("range-zhi", "建设3至5部示范作品", [("3", "部", ("max", "5"))]),
    ("scope-at-least", "每个县(市、区)至少建成 1 所", [("1", "所", "≥", ("scope", "每个县(市、区)"))]),
    ("scope-fullwidth", "每个县（市、区）至少建成１所", [("1", "所", "≥", ("scope", "每个县（市、区）"))]),
    ("scope-ge", "各市(州)不少于 2 家", [("2", "家", "≥", ("scope", "各市(州)"))]),
    ("list-inherits", "每个街道至少建有 1 个服务站、2 所日间照料中心",
     [("1", "个", "≥", ("scope", "每个街道")), ("2", "所", "≥", ("scope", "每个街道"))]),
    ("cn-120", "建设一百二十个", [("120", "个")]),
    ("cn-two", "新建两所学校", [("2", "所")]),
    ("cn-ten", "打造十个示范点", [("10", "个")]),
    ("cn-35", "遴选三十五家机构", [("35", "家")]),
    ("cn-1000", "培训一千名护理员", [("1000", "名")]),
    ("year", "到 2025 年", []),
    ("year-range", "规划期为 2021—2025 年", []),
    ("year-no-space", "2035年远景目标", []),
    ("quoted-name", "建成“15 分钟健身圈”", []),
    ("quoted-list", "巩固“50、80”目标", []),
    ("quoted-plus", "实施“9+3”免费教育计划", []),
    ("book-title", "落实《3 岁以下婴幼儿照护服务指南》", []),
    ("ordinal", "第3批试点，第 2 个阶段", []),
    ("model-5g", "建设 5G 基站 300 个", [("300", "个")]),
    ("model-5a", "创建 5A 级景区 3 家", [("3", "家")]),
    ("phone", "拨打 12345678 人工热线", []),
    ("percent-of", "90%的县达到标准", [("90", "%")]),
    ("percent-above", "50%以上的街道建有托育机构", [("50", "%", "≥")]),
    ("percent-words", "覆盖率达到百分之九十", [("90", "%")]),
    ("gt-symbol", "参训率>90%", [("90", "%", ">")]),
    ("ge-symbol", "参训率≥95%", [("95", "%", "≥")]),
    ("more-than", "服务企业超过 8300 家", [("8300", "家", ">")]),
    ("at-most", "不超过 5 个工作日", [("5", "个", "≤")]),
    ("within", "控制在 4.5% 以内", [("4.5", "%", "≤")]),
    ("yu-infix", "建成 100 余所乡镇卫生院", [("100", "所", ">")]),
    ("about-after", "推动 200 个左右体育场馆开放", [("200", "个", "approx")]),
    ("decimal-broken", "人均面积达到 2． 6 平方米", [("2.6", "平方米")]),
    ("longest-unit", "改扩建校舍 80 万平方米，新增 3 万人次", [("80", "万平方米"), ("3", "万人次")]),
    ("thousands", "新增 1,200 张床位", [("1200", "张")]),
    ("percentage-point", "提高 5 个百分点", [("5", "个百分点")]),
    ("yi-yuan", "投资 12.5 亿元", [("12.5", "亿元")]),
    ("rate-denominator", "每千人口拥有执业医师 3.2 人", [("3.2", "人", ("scope", "每千人口"))]),
    ("per-10k", "每 10 万人口设置 1 所", [("1", "所", ("scope", "每10万人口"))]),
    ("age-descriptor", "3 岁以下婴幼儿托位", []),
    ("age-target", "人均预期寿命达到 79 岁。", [("79", "岁")]),
    ("time-descriptor", "建设 2 小时应急救援圈", []),
    ("cn-words", "统一个人账户，千家万户，建设一批项目，一人一档", []),
    ("cn-nine-years", "九年义务教育巩固率", []),
    ("fullwidth-digits", "改造 ２０ 万户", [("20", "万户")]),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_find_quantities(text, expected):
    assert [_short(q) for q in find_quantities(text)] == expected


def test_span_and_text_with_base():
    text = "建设 1000 所公办幼儿园"
    (q,) = find_quantities(text, base=50)
    assert q["text"] == "1000 所"
    assert q["span"] == [53, 59]
    assert text[q["span"][0] - 50:q["span"][1] - 50] == q["text"]


def test_record_format():
    (q,) = find_quantities("约 30 万个")
    assert set(q) == {"value", "value_max", "unit", "comparator", "approximate", "scope",
                      "text", "span"}


@pytest.mark.parametrize("numeral,value", [
    ("一", 1), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("三十五", 35),
    ("一百二十", 120), ("一百零五", 105), ("一千", 1000), ("三千五百", 3500),
    ("十四五", None), ("二〇二五", None),
], ids=lambda v: str(v))
def test_cn_numeral_value(numeral, value):
    assert cn_numeral_value(numeral) == value


def test_quantity_doc_records_spans():
    doc = quantity_doc("新建 120 所公办幼儿园，增加学位约 15 万个")
    spans = doc.spans["quantity"]
    assert [s.label_ for s in spans] == ["count", "count"]
    assert "120" in spans[0].text and "所" in spans[0].text
    assert "15" in spans[1].text
    assert len(doc.user_data["quantities"]) == 2
