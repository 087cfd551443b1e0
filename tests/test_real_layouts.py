"""Layouts real plans bring that the sample does not have (issue #16), one test each.

Every plan text here is invented (other regions, other figures); the real plans are
scored in ``test_real_plans.py``.
"""
from __future__ import annotations

import pytest

from plankg.model import Kind
from plankg.pipeline import parse_source
from plankg.read.text import read_bytes


def parse(text: str):
    return parse_source(read_bytes(text.encode("utf-8"), path="plan.txt"), semantic=False)


def indicators(plan):
    return [(n.attrs.get("category"), n.title, n.attrs.get("unit"),
             (n.attrs.get("baseline") or {}).get("value"),
             [(t.get("year"), t.get("value"), t.get("qualitative"))
              for t in (n.attrs.get("targets") or [n.attrs.get("target") or {}])],
             n.attrs.get("nature"))
            for n in plan.root.find(Kind.INDICATOR)]


def test_cells_one_a_line_rows_by_blank_lines_group_cells_on_first_row():
    """Wrapped header cells (“十四五” / 完成值), 类别 and 一级指标 on a group's first row only,
    a blank line after each row and an empty cell left out."""
    text = ("一、发展目标\n主要指标表\n类别\n序号\n一级指标\n二级指标\n单位\n属性\n“十四五”\n完成值\n"
            "“十五五”\n目标值\n\n宜居城区\n1\n住房改造\n成套改造面积\n万平方米\n预期性\n18\n2.5\n\n"
            "2\n小区整治面积\n万平方米\n约束性\n130\n210\n\n活力城区\n3\n楼宇更新\n楼宇更新数量\n个\n预期性\n"
            "\n≥8\n\n二、重点任务\n推进城市更新。加快老旧小区改造。\n")
    plan = parse(text)
    assert indicators(plan) == [
        ("宜居城区", "成套改造面积", "万平方米", "18", [(2030, "2.5", None)], "预期性"),
        ("宜居城区", "小区整治面积", "万平方米", "130", [(2030, "210", None)], "约束性"),
        ("活力城区", "楼宇更新数量", "个", None, [(2030, "8", None)], "预期性"),
    ]
    groups = [n.attrs.get("group") for n in plan.root.find(Kind.INDICATOR)]
    assert groups == ["住房改造", "住房改造", "楼宇更新"]
    assert [c.title for c in plan.root.find(Kind.CHAPTER)] == ["发展目标", "重点任务"]


def test_two_row_header_with_years_on_their_own_row_inside_a_box():
    """专栏 holding a table: 指标值 over 现状 / 近期规划, the years on a row of their own,
    类型 as the nature column, values in words."""
    text = ("一、总体要求\n专栏1 某区近期规划核心指标表\n\n指标类别\n\n序号\n\n指标项\n\n单位\n\n类型\n\n指标值\n\n"
            "现状\n\n近期规划\n\n（2025年）\n\n（2030年）\n\n发展规模\n\n1\n\n建设用地总规模\n\n平方千米\n\n约束性\n\n"
            "40.5\n\n40.2\n\n2\n\n住宅用地面积\n\n平方千米\n\n预期性\n\n15.3\n\n动态调整\n\n3\n\n人均公园绿地面积\n\n"
            "平方米/人\n\n约束性\n\n/\n\n7.5\n\n二、空间格局\n（一）空间发展战略\n")
    plan = parse(text)
    cols = plan.root.find(Kind.COLUMN)
    assert [(c.number, c.title) for c in cols] == [("1", "某区近期规划核心指标表")]
    assert indicators(plan) == [
        ("发展规模", "建设用地总规模", "平方千米", "40.5", [(2030, "40.2", None)], "约束性"),
        ("发展规模", "住宅用地面积", "平方千米", "15.3", [(2030, None, "动态调整")], "预期性"),
        ("发展规模", "人均公园绿地面积", "平方米/人", None, [(2030, "7.5", None)], "约束性"),
    ]
    assert plan.root.find(Kind.TABLE)[0].attrs["baseline_year"] == 2025


def test_unnumbered_box_with_units_in_names_and_cumulative_values():
    text = ("一、总体要求\n专栏“十五五”时期某市住房发展主要指标\n序号\n指标\n2025年基期值\n2030年目标值\n属性\n\n"
            "1\n\n保障性租赁住房供应（万套（间））\n〔18.5〕\n〔20—22〕\n预期性\n\n2\n美丽街区数量（个）\n640\n800\n约束性\n"
            "注：〔 〕内为5年累计数。\n二、重点任务\n")
    plan = parse(text)
    cols = plan.root.find(Kind.COLUMN)
    assert [(c.number, c.title) for c in cols] == [(None, "“十五五”时期某市住房发展主要指标")]
    rows = plan.root.find(Kind.INDICATOR)
    assert [(r.title, r.attrs["unit"]) for r in rows] == [("保障性租赁住房供应", "万套（间）"), ("美丽街区数量", "个")]
    t = rows[0].attrs["target"]
    assert (t["value"], t["value_max"], t.get("cumulative"), t["year"]) == ("20", "22", True, 2030)
    assert rows[0].attrs["baseline"]["year"] == 2025


def test_appendix_list_of_projects_is_a_box_of_projects():
    text = ("一、主要任务\n（一）保护修缮\n推进风貌保护。开展历史建筑修缮。\n附件2：\n某区重点任务与项目清单\n\n序号\n\n"
            "主要领域\n\n重点任务或项目\n\n1\n\n老城厢风貌区\n\n东门街坊更新\n\n2\n\n南市大楼修缮\n\n3\n\n历史风貌    智慧管理\n\n"
            "建立信息平台。建设全区历史建筑数据库。\n")
    plan = parse(text)
    cols = plan.root.find(Kind.COLUMN)
    assert len(cols) == 1
    assert [(p.number, p.title, p.attrs.get("field")) for p in cols[0].children] == [
        ("1", "东门街坊更新", "老城厢风貌区"), ("2", "南市大楼修缮", "老城厢风貌区"),
        ("3", "建立信息平台", "历史风貌智慧管理")]
    assert not plan.root.find(Kind.INDICATOR)


def test_box_without_end_marker_ends_at_the_next_section():
    text = ("一、重点任务\n（一）优化育幼服务\n扩大托育供给。新增托位八千个。\n专栏1 育幼重点工程\n"
            "1.托育扩容工程。新建托育中心10个。\n2.儿童友好工程。建设儿童友好社区50个。\n"
            "（二）提升教育质量\n推进义务教育优质均衡。新建学校40所。\n深化职业教育改革。建设高水平职业院校3所。\n")
    plan = parse(text)
    col = plan.root.find(Kind.COLUMN)[0]
    assert [p.title for p in col.children] == ["托育扩容工程", "儿童友好工程"]
    secs = plan.root.find(Kind.SECTION)
    assert [s.title for s in secs] == ["优化育幼服务", "提升教育质量"]
    assert [k.title for k in secs[1].find(Kind.KEY_TASK)] == ["推进义务教育优质均衡", "深化职业教育改革"]


def test_pdf_wrapped_project_names_are_joined():
    text = ("第一章 重点任务\n专栏 3 健康服务工程\n1 妇幼健康提升\n工程\n建设妇幼保健机构 20 所，改善产科\n条件。\n"
            "2 基层医疗能力\n提升计划 新建乡镇卫生院 30 个。\n3 中医药传承创新工程\n建设中医馆 100 个。\n")
    col = parse(text).root.find(Kind.COLUMN)[0]
    assert [p.title for p in col.children] == ["妇幼健康提升工程", "基层医疗能力提升计划", "中医药传承创新工程"]
    assert col.children[1].text.startswith("新建乡镇卫生院")


def test_running_headers_are_dropped():
    head = "某县“十四五”公共服务规划"
    text = (f"{head}\n第一章 发展基础\n公共服务持续改善。新建学校十所。\n— 2 —\n{head}\n"
            f"第二章 主要任务\n推进托育服务。新增托位三千个。\n— 3 —\n{head}\n第三章 保障措施\n"
            f"加强组织领导。建立协调机制。\n— 4 —\n{head}\n")
    plan = parse(text)
    assert plan.root.title == head
    assert not plan.root.find(Kind.UNKNOWN)
    assert [c.title for c in plan.root.find(Kind.CHAPTER)] == ["发展基础", "主要任务", "保障措施"]
    assert any(w.code == "W203" for w in plan.warnings)


@pytest.mark.parametrize("heading,style", [
    ("第一部分 发展基础", "第X部分"), ("(一)发展基础", "(一)"), ("一、发展基础", "一、")])
def test_outline_styles_real_plans_use(heading, style):
    text = f"{heading}\n推进托育服务。新增托位三千个。\n"
    plan = parse(text)
    chapters = plan.root.find(Kind.CHAPTER)
    assert [(c.number, c.title, c.attrs["style"]) for c in chapters] == [("1", "发展基础", style)]


@pytest.mark.parametrize("sep", ["\t", " "], ids=["tab", "space"])
def test_two_target_years_in_tab_and_space_rows(sep):
    """2025年 and 2035年 columns with no baseline: two targets per indicator, each with its year."""
    rows = [["序号", "领域", "指标", "2025年", "2035年", "属性"],
            ["1", "老有所养", "护理型床位占比（%）", "58", "70", "约束性"],
            ["2", "学有所教", "高中阶段毛入学率（%）", "≥93", "稳步提高", "预期性"]]
    text = "一、主要目标\n表1 主要指标\n" + "\n".join(sep.join(r) for r in rows) + "\n二、重点任务\n"
    assert indicators(parse(text)) == [
        ("老有所养", "护理型床位占比", "%", None, [(2025, "58", None), (2035, "70", None)], "约束性"),
        ("学有所教", "高中阶段毛入学率", "%", None, [(2025, "93", None), (2035, None, "稳步提高")], "预期性"),
    ]


def test_year_in_header_cells_with_baseline():
    rows = [["领域", "指标", "单位", "基准值（2020年）", "目标值（2025年）", "目标值（2035年）", "属性"],
            ["幼有所育", "托位数", "个", "1.6", "4.8", "6", "预期性"]]
    text = "一、主要目标\n表1 主要指标\n" + "\n".join("\t".join(r) for r in rows) + "\n"
    assert indicators(parse(text)) == [
        ("幼有所育", "托位数", "个", "1.6", [(2025, "4.8", None), (2035, "6", None)], "预期性")]


def test_declared_project_count_is_checked():
    text = ("一、重点任务\n专栏1 三大惠民工程\n1.托育扩容工程。新建托育中心10个。\n2.儿童友好工程。建设社区50个。\n"
            "（二）提升教育质量\n")
    plan = parse(text)
    col = plan.root.find(Kind.COLUMN)[0]
    assert col.attrs["declared_count"] == 3 and len(col.children) == 2
    assert [w.code for w in plan.warnings if w.code == "W302"] == ["W302"]


def test_three_column_service_rows_flattened_cell_by_cell():
    """PDF text where the content and item cells' lines come in turns; the declared
    （共N项） tells them apart."""
    text = ("一、服务清单\n表2 基本公共服务项目\n服务领域 服务内容与目标 服务项目\n幼有所育\n为婴幼儿提供健康管\n"
            "优孕优生服务，孕前\n理、预防接种等服务，\n优生健康检查，儿童\n促进儿童健康成长。\n健康管理，预防接种，\n"
            "孕产妇健康服务，\n儿童营养改善（共 6 项）\n学有所教\n保障适龄儿童享有\n学前教育资助，义务\n公平受教育权利。\n"
            "教育免费，寄宿生生\n活补助，营养改善计\n划（共 4 项）\n二、保障措施\n加强组织领导。建立协调机制。\n")
    plan = parse(text)
    doms = plan.root.find(Kind.SERVICE_DOMAIN)
    assert [(d.title, d.text, [i.title for i in d.children]) for d in doms] == [
        ("幼有所育", "为婴幼儿提供健康管理、预防接种等服务，促进儿童健康成长。",
         ["优孕优生服务", "孕前优生健康检查", "儿童健康管理", "预防接种", "孕产妇健康服务", "儿童营养改善"]),
        ("学有所教", "保障适龄儿童享有公平受教育权利。",
         ["学前教育资助", "义务教育免费", "寄宿生生活补助", "营养改善计划"])]
    assert not [w for w in plan.warnings if w.code == "W320"]


def test_html_headings_without_numbers():
    """<h2>/<h3> and bold-only paragraphs are headings even when the plan does not number them."""
    page = ("<html><head><meta charset='utf-8'></head><body><h1>泉州市“十四五”公共服务规划</h1>"
            "<h2>发展基础</h2><p>公共服务持续改善。新建学校十所，新增学位两万个。</p><h2>主要任务</h2>"
            "<h3>优化育幼服务</h3><p>扩大普惠托育供给。新增托位五千个。</p><h3>提升教育质量</h3>"
            "<p>推进义务教育优质均衡。新建学校二十所。</p><h2>保障措施</h2><p><strong>加强组织领导</strong></p>"
            "<p>建立协调机制，明确责任分工。</p></body></html>")
    plan = parse_source(read_bytes(page.encode("utf-8"), path="plan.html"), semantic=False)
    assert plan.root.title == "泉州市“十四五”公共服务规划"
    assert [(c.number, c.title) for c in plan.root.find(Kind.CHAPTER)] == [
        ("1", "发展基础"), ("2", "主要任务"), ("3", "保障措施")]
    assert [(s.number, s.title) for s in plan.root.find(Kind.SECTION)] == [
        ("1", "优化育幼服务"), ("2", "提升教育质量")]
    assert [k.title for k in plan.root.find(Kind.KEY_TASK)] == [
        "公共服务持续改善", "扩大普惠托育供给", "推进义务教育优质均衡"]


def test_docx_heading_styles_without_numbers():
    """Word paragraphs in a heading style (标题 1, 标题 2) are headings even without a number."""
    docx = pytest.importorskip("docx", reason="python-docx is a dependency; absent only in a broken install")
    import io

    d = docx.Document()
    d.add_heading("泉州市“十四五”公共服务规划", 0)
    d.add_heading("发展基础", 1)
    d.add_paragraph("公共服务持续改善。新建学校十所，新增学位两万个。")
    d.add_heading("主要任务", 1)
    d.add_heading("优化育幼服务", 2)
    d.add_paragraph("扩大普惠托育供给。新增托位五千个。")
    buf = io.BytesIO()
    d.save(buf)
    plan = parse_source(read_bytes(buf.getvalue(), path="plan.docx"), semantic=False)
    assert [(c.number, c.title) for c in plan.root.find(Kind.CHAPTER)] == [("1", "发展基础"), ("2", "主要任务")]
    assert [(s.number, s.title) for s in plan.root.find(Kind.SECTION)] == [("1", "优化育幼服务")]


def test_header_on_one_line_over_cells_one_a_line():
    text = ("一、主要目标\n表1 主要指标\n序号 领域 指标 单位 2020年 2025年 属性\n1\n幼有所育\n托位数\n个\n1.3\n4.6\n"
            "预期性\n2\n入园率\n%\n87\n≥91\n约束性\n3\n学有所教\n巩固率\n%\n96\n稳步提高\n约束性\n二、重点任务\n")
    assert indicators(parse(text)) == [
        ("幼有所育", "托位数", "个", "1.3", [(2025, "4.6", None)], "预期性"),
        ("幼有所育", "入园率", "%", "87", [(2025, "91", None)], "约束性"),
        ("学有所教", "巩固率", "%", "96", [(2025, None, "稳步提高")], "约束性")]


@pytest.mark.parametrize("num", ["1.", "1、", "1. "])
def test_numbered_subheading_with_a_comma(num):
    """``1.分区规划，突出特质`` on a line of its own is a heading; the same with a 。 and a body is a task."""
    text = (f"一、主要任务\n（一）综合开展社区微更新\n{num}分区规划，突出历史街区特质\n从改善老旧小区居住环境出发，推进社区微更新。\n"
            f"2.分年实施。聚焦期内重点工作任务，分阶段实施微更新。\n")
    plan = parse(text)
    subs = plan.root.find(Kind.SUBSECTION)
    assert [(s.number, s.title) for s in subs] == [("1", "分区规划，突出历史街区特质")]
    assert "分年实施" in [k.title for k in plan.root.find(Kind.KEY_TASK)]


def test_sub_rows_and_row_numbers_that_look_like_values():
    """A 其中 sub-row without a number, a target that is a small integer just before the next
    row's number, units like 条（段）, a 完成情况 column."""
    cells = ["表2 某区绿化主要指标表", "板块", "序号", "指标名称", "属性", "单位", "“十四五”现状", "“十五五”目标",
             "绿化", "1", "新建绿地", "约束性", "万平方米", "88.2", "36", "其中 公园绿地", "51.4", "18",
             "2", "景观道路建设", "预期性", "条（段）", "40", "12", "市容", "3", "店招店牌整治", "预期性", "块",
             "2100", "1400"]
    text = "一、主要目标\n" + "\n\n".join(cells) + "\n二、重点任务\n"
    got = [(c, n, u, b, t[0][1]) for c, n, u, b, t, _ in indicators(parse(text))]
    assert got == [("绿化", "新建绿地", "万平方米", "88.2", "36"), ("绿化", "其中公园绿地", None, "51.4", "18"),
                   ("绿化", "景观道路建设", "条（段）", "40", "12"), ("市容", "店招店牌整治", "块", "2100", "1400")]


def test_a_cell_whose_text_broke_in_a_table_with_a_blank_line_after_every_cell():
    cells = ["某区主要指标", "序号", "指标名称", "单位", "属性", "“十五五”目标", "1", "地区生产总值年均增速", "%", "预期性",
             "与全市经济增速\n保持同步", "2", "细颗粒物（PM2.5）浓度", "微克/立方米", "约束性", "完成市下达目标",
             "3", "人均公园绿地面积", "平方米/人", "约束性", "≥7.9"]
    text = "一、主要目标\n" + "\n\n".join(cells) + "\n\n二、重点任务\n"
    got = [(n, u, t[0][1], t[0][2], nat) for _, n, u, _, t, nat in indicators(parse(text))]
    assert got == [("地区生产总值年均增速", "%", None, "与全市经济增速保持同步", "预期性"),
                   ("细颗粒物（PM2.5）浓度", "微克/立方米", None, "完成市下达目标", "约束性"),
                   ("人均公园绿地面积", "平方米/人", "7.9", None, "约束性")]


def test_box_projects_named_by_a_short_lead_phrase_and_a_key_task_after_them():
    text = ("一、主要任务\n（一）托育服务\n专栏2 托育服务重点项目\n（1）普惠托育扩容。新增托位7000个。\n"
            "（2）托育人才培训。培训保育人员1800人次。\n完善托育服务标准体系。制定托育机构设置标准，加强综合监管。\n"
            "（二）学前教育\n扩大学前资源。新建幼儿园25所。\n")
    plan = parse(text)
    col = plan.root.find(Kind.COLUMN)[0]
    assert [(p.number, p.title) for p in col.children] == [("1", "普惠托育扩容"), ("2", "托育人才培训")]
    assert [k.title for k in plan.root.find(Kind.KEY_TASK)] == ["完善托育服务标准体系", "扩大学前资源"]


def test_pdf_name_wrapped_after_its_row_and_numbered_group_rows():
    pdf = ("第一章 发展目标\n附表1 主要指标\n序号 指标名称 单位 2020年现状值 2025年目标值 指标属性\n"
           "1 每千人口拥有3岁以下婴幼儿 个 1.7 4.4 预期性\n托位数\n2 普惠性幼儿园覆盖率 % 83 ≥91 约束性\n"
           "第二章 重点任务\n推进托育服务。建设托育机构。\n")
    assert [(n, b, t[0][1]) for _, n, _, b, t, _ in indicators(parse(pdf))] == [
        ("每千人口拥有3岁以下婴幼儿托位数", "1.7", "4.4"), ("普惠性幼儿园覆盖率", "83", "91")]
    tabs = ("一、主要目标\n表1 主要指标\n类别\t指标\t单位\t2020年\t2025年\t属性\n一、幼有所育\t\t\t\t\t\n"
            "\t托位数\t个\t1.7\t4.4\t预期性\n二、学有所教\t\t\t\t\t\n\t毛入园率\t%\t87\t93\t预期性\n")
    assert [(c, n) for c, n, *_ in indicators(parse(tabs))] == [("幼有所育", "托位数"), ("学有所教", "毛入园率")]


@pytest.mark.parametrize("blank", ["\n", "\n\n"], ids=["cells-one-a-line", "blank-after-every-cell"])
def test_service_list_with_its_header_one_cell_a_line(blank):
    cells = ["表2 基本公共服务项目清单", "服务领域", "服务内容与目标", "服务项目", "幼有所育",
             "为儿童提供关爱服务，保障儿童健康成长。", "优孕优生服务，儿童健康服务，孤儿基本生活保障（共3项）",
             "学有所教", "为适龄儿童提供免费义务教育。", "学前教育幼儿资助，义务教育免费（共2项）"]
    text = "一、服务清单\n" + blank.join(cells) + "\n二、保障措施\n加强组织领导。建立协调机制。\n"
    doms = parse(text).root.find(Kind.SERVICE_DOMAIN)
    assert [(d.title, d.attrs["declared_count"], len(d.children)) for d in doms] == [
        ("幼有所育", 3, 3), ("学有所教", 2, 2)]


@pytest.mark.parametrize("years,expect", [
    (("2030年", "2035年"), (None, [(2030, "4.6"), (2035, "6.1")])),
    (("2025年", "2030年"), ("4.6", [(2030, "6.1")])),
], ids=["target-and-vision", "baseline-and-target"])
def test_bare_year_columns_read_against_the_plan_period(years, expect):
    """In a 十五五 plan, 2025 is the base year and 2030 / 2035 are targets."""
    text = (f"某市“十五五”养老服务规划\n一、主要目标\n表1 主要指标\n指标\t单位\t{years[0]}\t{years[1]}\t属性\n"
            "护理型床位占比\t%\t4.6\t6.1\t约束性\n")
    (_, _, _, baseline, targets, _), = indicators(parse(text))
    assert (baseline, [(y, v) for y, v, _ in targets]) == expect


def test_a_unit_with_parentheses_of_its_own_in_a_tab_row():
    text = "一、主要目标\n表1 主要指标\n指标\t单位\t2020年\t2025年\t属性\n景观道路建设\t条（段）\t40\t52\t预期性\n"
    assert [(n, u) for _, n, u, *_ in indicators(parse(text))] == [("景观道路建设", "条（段）")]
