"""Departments: every responsibility form, in invented sentences."""
from __future__ import annotations

import pytest

from plankg.semantic.departments import canonicalize, find_departments, is_department

CASES = [
    ("lead-and-support", "推进托育服务扩容。（省民政厅牵头，省发展改革委、省财政厅按职责分工负责）",
     [("省民政厅", "lead"), ("省发展改革委", "support"), ("省财政厅", "support")]),
    ("lead-ascii", "推进托育服务扩容。(省民政厅牵头,省发展改革委、省财政厅按职责分工负责)",
     [("省民政厅", "lead"), ("省发展改革委", "support"), ("省财政厅", "support")]),
    ("responsible-units", "完善医疗保障。（责任单位：市卫生健康委、市医保局）",
     [("市卫生健康委", "lead"), ("市医保局", "support")]),
    ("responsible-one", "完善医疗保障。(责任单位:市卫生健康委)", [("市卫生健康委", "lead")]),
    ("single-responsible", "健全医保经办体系（省医保局负责）", [("省医保局", "lead")]),
    ("lead-and-cooperate-labels", "（牵头单位：省教育厅；配合单位：省财政厅、省人社厅）",
     [("省教育厅", "lead"), ("省财政厅", "support"), ("省人社厅", "support")]),
    ("labels-ascii-commas", "(牵头单位:省教育厅;配合单位:省财政厅,省人社厅)",
     [("省教育厅", "lead"), ("省财政厅", "support"), ("省人社厅", "support")]),
    ("label-no-parens", "加快学校建设。责任单位：县教育局、县财政局。",
     [("县教育局", "lead"), ("县财政局", "support")]),
    ("bare-list-at-end", "做好兜底保障（省民政厅、省财政厅）。",
     [("省民政厅", "lead"), ("省财政厅", "support")]),
    ("autonomous-region", "（自治区住房城乡建设厅牵头，自治区财政厅配合）",
     [("自治区住房城乡建设厅", "lead"), ("自治区财政厅", "support")]),
    ("region-prefix", "（江西省卫健委、南昌市人社局）",
     [("江西省卫健委", "lead"), ("南昌市人社局", "support")]),
    ("generic-skipped", "（省民政厅牵头，各市（州）人民政府、有关部门按职责分工负责）",
     [("省民政厅", "lead")]),
    ("etc-departments", "（省体育局牵头，省财政厅等部门按职责分工负责）",
     [("省体育局", "lead"), ("省财政厅", "support")]),
    ("by-lead", "（由省退役军人厅牵头）", [("省退役军人厅", "lead")]),
    ("not-a-list-region", "每个县(市、区)建设 1 所", []),
    ("not-a-list-hospital", "推进省儿童医学中心(省儿童医院)建设", []),
    ("not-a-list-note", "打造 100 所名校(含技工学校)", []),
    ("generic-only", "（各地、有关部门负责）", []),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_find_departments(text, expected):
    found = find_departments(text)
    assert [(d["name"], d["role"]) for d in found] == expected
    for d in found:  # spans point at the name as written
        assert text[d["span"][0]:d["span"][1]] == d["name"]


def test_base_offset_and_format():
    text = "（省医保局负责）"
    (d,) = find_departments(text, base=100)
    assert d == {"name": "省医保局", "canonical": "省医保局", "role": "lead", "span": [101, 105]}


@pytest.mark.parametrize("name,canonical", [
    ("省卫健委", "省卫生健康委"),
    ("卫健委", "卫生健康委"),
    ("省发改委", "省发展改革委"),
    ("市人社局", "市人力资源社会保障局"),
    ("省人社厅", "省人力资源社会保障厅"),
    ("省住建厅", "省住房城乡建设厅"),
    ("自治区住房和城乡建设厅", "自治区住房城乡建设厅"),
    ("湖北省卫生健康委员会", "湖北省卫生健康委"),
    ("省市场监督管理局", "省市场监管局"),
    ("市市场监管局", "市市场监管局"),
    ("省教育厅", "省教育厅"),
    ("省委网络安全和信息化委员会办公室", "省委网信办"),
    ("团省委", "团省委"),
], ids=lambda v: v)
def test_canonicalize(name, canonical):
    assert canonicalize(name) == canonical


@pytest.mark.parametrize("item,ok", [
    ("省民政厅", True), ("市医保局", True), ("省残联", True), ("省总工会", True),
    ("各地", False), ("有关部门", False), ("各市(州)人民政府", False), ("技工学校", False),
], ids=lambda v: str(v))
def test_is_department(item, ok):
    assert is_department(item) is ok
