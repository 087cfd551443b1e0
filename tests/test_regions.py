"""Regions: codes from regions.tsv and the plan's region from title, 依据 sentence or text."""
from __future__ import annotations

import pytest

from plankg.semantic import datafiles
from plankg.semantic.regions import find_region, region_code, region_level


def test_all_34_provincial_divisions():
    rows = datafiles.region_rows()
    assert len([r for r in rows if r.level == "province"]) == 34
    assert {r.code[:2] for r in rows} >= {"11", "51", "71", "81", "82"}


@pytest.mark.parametrize("name,code", [
    ("北京市", "110000"), ("四川省", "510000"), ("四川", "510000"), ("内蒙古自治区", "150000"),
    ("内蒙古", "150000"), ("广西壮族自治区", "450000"), ("新疆维吾尔自治区", "650000"),
    ("台湾省", "710000"), ("香港特别行政区", "810000"), ("澳门特别行政区", "820000"),
    ("杭州市", None), ("我省", None), ("", None),
], ids=lambda v: str(v))
def test_region_code(name, code):
    assert region_code(name) == code


@pytest.mark.parametrize("name,level", [
    ("四川省", "province"), ("宁夏回族自治区", "province"), ("重庆市", "province"),
    ("上海市", "province"), ("苏州市", "city"), ("凉山彝族自治州", "city"),
    ("锡林郭勒盟", "city"), ("武侯区", "district"), ("仁寿县", "district"), ("我省", None),
], ids=lambda v: str(v))
def test_region_level(name, level):
    assert region_level(name) == level


CASES = [
    ("title-province", "", "湖南省“十四五”公共服务规划", ("湖南省", "province")),
    ("title-ascii-quotes", "", '江苏省"十四五"基本公共服务规划', ("江苏省", "province")),
    ("title-autonomous", "", "广西壮族自治区“十四五”公共服务规划", ("广西壮族自治区", "province")),
    ("title-municipality", "", "天津市“十四五”公共服务发展规划", ("天津市", "province")),
    ("title-city", "", "苏州市“十四五”公共服务规划", ("苏州市", "city")),
    ("title-district", "", "成都市武侯区“十四五”公共服务规划", ("成都市武侯区", "district")),
    ("basis-sentence",
     "为推动我省公共服务高质量发展，依据国家《“十四五”公共服务规划》和《江西省国民经济和社会发展"
     "第十四个五年规划和二〇三五年远景目标纲要》，编制本规划。", "“十四五”公共服务规划",
     ("江西省", "province")),
    ("basis-wrapped",
     "根据《福建省国民经济和社会发展第十四\n个五年规划和 2035 年远景目标纲要》编制。", "",
     ("福建省", "province")),
    ("basis-city", "依据《宁波市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》编制。", "",
     ("宁波市", "city")),
    ("national-skipped",
     "依据《中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要》编制。"
     "山东省将……山东省的……", "", ("山东省", "province")),
    ("most-frequent", "安徽省基本公共服务……安徽省人民……与江苏省合作", "", ("安徽省", "province")),
    ("wo-sheng-alone", "推动我省公共服务高质量发展，全省上下共同努力。", "", None),
    ("single-mention", "学习浙江省经验。", "", None),
]


@pytest.mark.parametrize("text,title,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_find_region(text, title, expected):
    assert find_region(text, title) == expected
