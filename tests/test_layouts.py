"""Layout variants seen in real plans, each as a small inline plan (invented figures)."""
from plankg.model import Kind
from plankg.pipeline import parse_file


def parse_text(tmp_path, text, name="plan.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return parse_file(p, semantic=False)


def test_index_and_growth_columns(tmp_path):
    plan = parse_text(tmp_path, "\n".join([
        "江西省“十四五”公共服务规划", "第一章 发展目标", "表1 主要指标",
        "序号 指标 单位 2020年基期值 2025年目标值 年均增长 属性",
        "1 每千人口拥有3岁以下婴幼儿托位数 个 1.3 4.5 [28.2%] 预期性",
        "2 九年义务教育巩固率 % 96.2 >97 — 约束性",
        "3 人均预期寿命 岁 77.6 78.5左右 — 预期性",
        "第二章 重点任务", "推进托育服务发展。支持社会力量发展普惠托育服务。", ""]))
    rows = plan.root.find(Kind.INDICATOR)
    assert [r.title for r in rows] == ["每千人口拥有3岁以下婴幼儿托位数", "九年义务教育巩固率", "人均预期寿命"]
    assert [r.attrs["unit"] for r in rows] == ["个", "%", "岁"]
    assert rows[1].attrs["target"]["comparator"] == ">" and rows[1].attrs["target"]["value"] == "97"
    assert rows[2].attrs["target"]["approximate"] is True
    assert rows[0].attrs["baseline"]["year"] == 2020 and rows[0].attrs["target"]["year"] == 2025


def test_table_of_contents_is_skipped(tmp_path):
    plan = parse_text(tmp_path, "\n".join([
        "山西省“十四五”公共服务规划", "目 录", "第一章 发展基础 ………… 1", "第二章 重点任务 ………… 5",
        "第一章 发展基础", "推进托育服务发展。支持发展普惠托育服务。", "第二章 重点任务",
        "第一节 幼有所育", "推进托育服务。支持建设。", ""]))
    assert [c.title for c in plan.root.find(Kind.CHAPTER)] == ["发展基础", "重点任务"]
    assert any(w.code == "W202" for w in plan.warnings)


def test_dash_bullets_and_colon_projects(tmp_path):
    plan = parse_text(tmp_path, "\n".join([
        "第一章 重点任务", "第一节 幼有所育",
        "——推进托育服务发展。支持社会力量发展普惠托育服务。",
        "——加强妇幼健康服务。健全妇幼健康服务体系。",
        "专栏1 托育工程",
        "01 托育服务体系建设工程：新建托育机构200个，每个县至少1个示范性托育中心。",
        "02 妇幼保健提升工程：改造妇幼保健院20所。",
        "第二节 学有所教", "推进义务教育均衡发展。加快城镇学校建设。", ""]))
    tasks = plan.root.find(Kind.KEY_TASK)
    assert [t.title for t in tasks] == ["推进托育服务发展", "加强妇幼健康服务", "推进义务教育均衡发展"]
    assert tasks[0].attrs["bullet"] == "——"
    projects = plan.root.find(Kind.PROJECT)
    assert [(p.number, p.title) for p in projects] == [("1", "托育服务体系建设工程"), ("2", "妇幼保健提升工程")]
    assert projects[1].text == "改造妇幼保健院20所。"


def test_chapter_numbers_with_sections_under_yi(tmp_path):
    """第X章 with 一、 below it (no 节): 一、 is the section level."""
    plan = parse_text(tmp_path, "\n".join([
        "第三章 推进公共服务均衡发展", "一、提升托育服务", "推进托育服务。支持建设。",
        "二、发展教育", "推进义务教育。建设学校。", ""]))
    secs = plan.root.find(Kind.SECTION)
    assert [(s.number, s.title) for s in secs] == [("1", "提升托育服务"), ("2", "发展教育")]
    assert plan.root.find(Kind.CHAPTER)[0].number == "3"


def test_short_nature_words_and_no_baseline_column(tmp_path):
    plan = parse_text(tmp_path, "\n".join([
        "第一章 发展目标", "表1 养老服务主要指标", "序号 指标名称 2025年目标值 属性",
        "1 养老机构护理型床位占比(%) ≥60 约束", "2 每千名老年人拥有养老床位数(张) 35 预期",
        "第二章 重点任务", "推进养老服务。建设养老机构。", ""]))
    rows = plan.root.find(Kind.INDICATOR)
    assert [(r.title, r.attrs["unit"], r.attrs["nature"]) for r in rows] == [
        ("养老机构护理型床位占比", "%", "约束性"), ("每千名老年人拥有养老床位数", "张", "预期性")]
    assert rows[0].attrs["baseline"] is None and rows[0].attrs["target"]["value"] == "60"


def test_service_list_with_one_item_per_row(tmp_path):
    """The national list's layout: 一、幼有所育 group rows, then one numbered item a row."""
    plan = parse_text(tmp_path, "\n".join([
        "第一章 基本公共服务清单", "表2 基本公共服务项目清单",
        "序号 服务项目 服务对象 服务标准 支出责任 牵头负责单位", "一、幼有所育",
        "1 农村免费孕前优生健康检查 农村计划怀孕夫妇 免费检查 省级和市县共同 省卫生健康委",
        "2 预防接种 0—6岁儿童 免费接种 市县 省卫生健康委", "二、学有所教",
        "3 学前教育幼儿资助 在园幼儿 减免保育费 省级和市县共同 省教育厅",
        "第二章 实施保障", "加强组织领导。各地要落实责任。", ""]))
    doms = plan.root.find(Kind.SERVICE_DOMAIN)
    assert [(d.title, [i.title for i in d.children]) for d in doms] == [
        ("幼有所育", ["农村免费孕前优生健康检查", "预防接种"]), ("学有所教", ["学前教育幼儿资助"])]
    assert [c.title for c in plan.root.find(Kind.CHAPTER)] == ["基本公共服务清单", "实施保障"]


def test_long_title_line_is_the_title(tmp_path):
    plan = parse_text(tmp_path, "\n".join([
        "新疆维吾尔自治区“十四五”基本公共服务规划", "",
        "依据《新疆维吾尔自治区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》，编制本规划。",
        "第一章 总体要求", "推进托育服务。支持建设。", ""]))
    assert plan.meta["title"] == "新疆维吾尔自治区“十四五”基本公共服务规划"
    assert plan.meta["region"] == "新疆维吾尔自治区" and not plan.root.find(Kind.UNKNOWN)


def test_cumulative_targets_in_brackets(tmp_path):
    """``[5]`` / ``（3000）`` / ``【20】``: a target summed over the period, still a number."""
    plan = parse_text(tmp_path, "\n".join([
        "第一章 发展目标", "序号 指标 单位 2020年 2025年 属性",
        "1 新增中小学学位 万个 — [5] 预期性",
        "2 新增社区养老服务床位 张 — （3000） 预期性",
        "3 新增公办托位 个 【1200】 【2000】 预期性",
        "4 学前教育毛入园率 % 89.5 ≥95 预期性",
        "第二章 重点任务", "推进托育服务。支持建设。", ""]))
    rows = plan.root.find(Kind.INDICATOR)
    assert [(r.title, r.attrs["target"]["value"], r.attrs["target"]["comparator"]) for r in rows] == [
        ("新增中小学学位", "5", ""), ("新增社区养老服务床位", "3000", ""), ("新增公办托位", "2000", ""),
        ("学前教育毛入园率", "95", "≥")]
    assert rows[0].attrs["target"]["cumulative"] is True and rows[0].attrs["baseline"]["value"] is None
    assert rows[2].attrs["baseline"]["value"] == "1200"
    assert "cumulative" not in rows[3].attrs["target"]


def test_column_ends_at_a_numbered_heading_of_another_style(tmp_path):
    """Projects numbered （1）（2）; the next line ``3.特殊教育`` is the body's heading."""
    plan = parse_text(tmp_path, "\n".join([
        "一、主要任务", "（一）学有所教", "1.学前教育",
        "（1）扩大学位供给。新建公办幼儿园60所。",
        "专栏2 教育扩容工程",
        "（1）中小学建设工程：新建中小学45所。",
        "（2）乡村教师支持计划：每年补充乡村教师600名。",
        "3.特殊教育",
        "（1）提升特殊教育保障水平。每个县办好1所特殊教育学校。", ""]))
    (col,) = plan.root.find(Kind.COLUMN)
    assert [p.title for p in col.children] == ["中小学建设工程", "乡村教师支持计划"]
    assert [t.title for t in plan.root.find(Kind.KEY_TASK)] == ["扩大学位供给", "提升特殊教育保障水平"]


def test_project_numbering_style_is_kept_inside_a_column(tmp_path):
    """``1.…`` inside a project numbered （1） belongs to its description."""
    plan = parse_text(tmp_path, "\n".join([
        "一、主要任务", "专栏1 托育工程",
        "（1）托育机构建设工程：新建托育机构200个，重点推进：",
        "1.社区托育点建设",
        "（2）托育人才培训计划：每年培训保育人员2000人次。", "二、保障措施", "加强组织领导。落实责任。", ""]))
    (col,) = plan.root.find(Kind.COLUMN)
    assert [(p.number, p.title) for p in col.children] == [("1", "托育机构建设工程"), ("2", "托育人才培训计划")]
    assert "社区托育点建设" in col.children[0].text


def test_full_width_punctuation_counts_as_wide():
    """，（）： are as wide as a Chinese character; measured half, a full PDF line of
    text with them looked short and the page margin was set too low."""
    from plankg.structure.lines import line_width
    assert line_width("推进，托育（服务）：") == 10.0
    assert line_width("推进,托育(服务):") == 8.0


def test_short_lead_after_a_full_line_opens_the_next_key_task(tmp_path):
    """PDF text, short paragraphs: most long lines are indented first lines, so the
    margin is measured low; a paragraph ending with 。 past it is followed by one
    opening with a lead phrase (the indentation that told them apart is gone)."""
    plan = parse_text(tmp_path, "\n".join([
        "第一章 总体要求", "第一节 基本原则",
        "　　坚持尽力而为、量力而行。立足省情和财力，科学合理确定保障",
        "范围和标准，既不脱离实际作出过高承诺，也不降低应尽的保障责任。",
        "　　坚持统筹协调、补齐短板。推动公共资源向基层、农村和困难群",
        "体倾斜，着力缩小城乡区域服务差距。",
        "　　坚持改革创新、提质增效。创新公共服务提供方式，推动数字技",
        "术与公共服务深度融合。",
        "　　坚持政府主导、社会参与。强化政府保基本兜底线职责，引导社",
        "会力量参与普惠性服务供给。",
        "　　坚持城乡统筹、区域协调。推动城乡公共服务标准统一、制度并",
        "轨，促进区域协调发展。",
        "　　坚持共建共享、人人尽责。发挥群众主体作用，形成共建共治共",
        "享的良好局面。", ""]))
    assert [t.title for t in plan.root.find(Kind.KEY_TASK)] == [
        "坚持尽力而为、量力而行", "坚持统筹协调、补齐短板", "坚持改革创新、提质增效",
        "坚持政府主导、社会参与", "坚持城乡统筹、区域协调", "坚持共建共享、人人尽责"]


def test_responsibility_note_wrapped_after_its_label(tmp_path):
    """``（责任单位：`` ends a PDF line; the departments are on the next one."""
    plan = parse_text(tmp_path, "\n".join([
        "第一章 重点任务", "第一节 病有所医",
        "　　健全基层医疗卫生服务网络。推进紧密型县域医共体建设，实施",
        "村卫生室标准化改造，提升乡镇卫生院常见病诊治能力。（责任单位：",
        "省卫生健康委、省医保局）",
        "　　完善居家社区机构相协调的养老服务体系。发展街道区域养老服务",
        "中心，推进特困人员供养服务设施转型升级。（省民政厅负责）", ""]))
    tasks = plan.root.find(Kind.KEY_TASK)
    assert [t.title for t in tasks] == ["健全基层医疗卫生服务网络", "完善居家社区机构相协调的养老服务体系"]
    assert tasks[0].text.endswith("（责任单位：省卫生健康委、省医保局）")
    assert not plan.root.find(Kind.UNKNOWN)


def test_header_with_base_and_target_words_only(tmp_path):
    """``基期值 目标值`` without years are two columns (years from the plan period),
    and a rate unit such as ``1/10万`` is a unit cell."""
    plan = parse_text(tmp_path, "\n".join([
        "江西省“十四五”基本公共服务规划", "规划期为2021—2025年。", "第一章 主要目标",
        "表1 主要指标", "领域 指标名称 单位 基期值 目标值 属性",
        "幼有所育 每千人口拥有 3 岁以下婴幼儿托位数 个 1.2 4.5 预期性",
        "孕产妇死亡率 1/10万 9.8 <10 约束性",
        "第二章 重点任务", "推进托育服务。支持建设。", ""]))
    rows = plan.root.find(Kind.INDICATOR)
    assert [(r.title, r.attrs["unit"], r.attrs["baseline"]["value"], r.attrs["target"]["value"],
             r.attrs["category"]) for r in rows] == [
        ("每千人口拥有3岁以下婴幼儿托位数", "个", "1.2", "4.5", "幼有所育"),
        ("孕产妇死亡率", "1/10万", "9.8", "10", "幼有所育")]
    assert rows[1].attrs["target"]["comparator"] == "<"
    assert (rows[0].attrs["baseline"]["year"], rows[0].attrs["target"]["year"]) == (2020, 2025)


def test_national_service_list_with_cells_one_or_several_a_line(tmp_path):
    """序号 服务项目 服务对象 服务内容 服务标准 支出责任 牵头负责单位, flattened from PDF:
    a row number alone or with the item name, the other cells on the lines after it."""
    plan = parse_text(tmp_path, "\n".join([
        "第一章 基本公共服务标准", "表2 基本公共服务标准（摘录）",
        "序号 服务项目 服务对象 服务内容 服务标准 支出责任 牵头负责单位", "一、幼有所育",
        "1", "优孕优生服务", "农村计划怀孕", "夫妇", "提供孕前优生健康检查。",
        "每对夫妇每孩次享受1次", "免费检查。", "中央与地方共同财政事", "权", "省卫生健康委",
        "2", "预防接种", "0—6岁儿童", "接种国家免疫规划疫苗。", "按国家规定执行。", "市县", "省卫生健康委",
        "二、学有所教",
        "3 学前教育幼儿资助 家庭经济困难儿童、孤儿", "和残疾儿童", "减免保育教育费。",
        "中央与地方共同财政事权 省教育厅",
        "第二章 实施保障", "加强组织领导。各地要落实责任。", ""]))
    doms = plan.root.find(Kind.SERVICE_DOMAIN)
    assert [(d.title, [i.title for i in d.children]) for d in doms] == [
        ("幼有所育", ["优孕优生服务", "预防接种"]), ("学有所教", ["学前教育幼儿资助"])]
    assert not plan.root.find(Kind.UNKNOWN)
    assert [t.title for t in plan.root.find(Kind.KEY_TASK)] == ["加强组织领导"]


def test_html_indicator_table_with_a_two_row_header(tmp_path):
    """指标值 spans the 2020年 and 2025年 columns of the second header row."""
    plan = parse_text(tmp_path, "<html><body><h2>第一章 发展目标</h2><p>表1　主要指标</p><table>"
        "<tr><td rowspan='2'>领域</td><td rowspan='2'>指标</td><td rowspan='2'>单位</td>"
        "<td colspan='2'>指标值</td><td rowspan='2'>属性</td></tr>"
        "<tr><td>2020年</td><td>2025年</td></tr>"
        "<tr><td>学有所教</td><td>九年义务教育巩固率</td><td>%</td><td>97.2</td><td>&ge;98</td><td>约束性</td></tr>"
        "<tr><td>住有所居</td><td>城镇困难家庭公租房保障</td><td></td><td>&mdash;</td><td>应保尽保</td>"
        "<td>约束性</td></tr></table>"
        "<h2>第二章 重点任务</h2><p>推进义务教育优质均衡发展。深化集团化办学。</p></body></html>",
        name="plan.html")
    rows = plan.root.find(Kind.INDICATOR)
    assert [(r.attrs["category"], r.title, r.attrs["unit"], (r.attrs["baseline"] or {}).get("value"),
             r.attrs["target"]["value"], r.attrs["target"]["qualitative"], r.attrs["nature"]) for r in rows] == [
        ("学有所教", "九年义务教育巩固率", "%", "97.2", "98", None, "约束性"),
        ("住有所居", "城镇困难家庭公租房保障", None, None, None, "应保尽保", "约束性")]
    assert (rows[0].attrs["baseline"]["year"], rows[0].attrs["target"]["year"]) == (2020, 2025)
    assert not plan.root.find(Kind.UNKNOWN)


def test_stacked_header_joins_a_year_and_its_word():
    from plankg.structure.lines import split_lines
    from plankg.structure.tables import _stacked_header
    from plankg.structure.patterns import structure
    lines = split_lines("指标\t2020年\t2025年\t属性\n指标\t基期值\t目标值\t属性\n托位数\t1\t2\t预期性\n")
    assert _stacked_header(lines, 0, structure()) == (["指标", "2020年基期值", "2025年目标值", "属性"], 2)
    assert _stacked_header(lines, 1, structure()) is None  # one header row: the usual reading


def test_column_table_with_the_number_in_the_name_cell(tmp_path):
    """A 专栏 as a two-column <table>: ``1.社区医院建设工程⇥建成社区医院25家…``."""
    plan = parse_text(tmp_path, "\n".join([
        "第一章 重点任务", "专栏2　健康养老工程",
        "1.社区医院建设工程\t建成社区医院25家，改造提升村卫生室300个。",
        "2.养老服务设施补短板工程\t新建街道综合养老服务中心30个。",
        "第二章 保障措施", "强化组织领导。确保各项任务落到实处。", ""]))
    (col,) = plan.root.find(Kind.COLUMN)
    assert [(p.number, p.title, p.text) for p in col.children] == [
        ("1", "社区医院建设工程", "建成社区医院25家，改造提升村卫生室300个。"),
        ("2", "养老服务设施补短板工程", "新建街道综合养老服务中心30个。")]


def test_title_line_over_a_table_without_caption(tmp_path):
    """A web page gives the table's title on the line above its header, without 表N."""
    plan = parse_text(tmp_path, "\n".join([
        "一、发展目标", "到2025年，基本公共服务均等化水平明显提高。",
        "洛阳市“十四五”公共服务主要指标", "序号 指标 单位 2020年 2025年 属性",
        "1 学前教育毛入园率 % 89.5 ≥95 预期性", "二、主要任务", "推进托育服务。支持建设。", ""]))
    (table,) = plan.root.find(Kind.TABLE)
    assert table.title == "洛阳市“十四五”公共服务主要指标" and len(table.children) == 1
    assert not plan.root.find(Kind.UNKNOWN)
    assert plan.source_text[table.span[0]:].startswith("洛阳市“十四五”公共服务主要指标")


def test_circled_numbers_as_the_level_below_1(tmp_path):
    """① … ⑳ number the level below （1） and the projects of some 专栏 (invented figures)."""
    plan = parse_text(tmp_path, "\n".join([
        "第一章 重点任务", "第一节 幼有所育", "（一）加强托育服务", "1.托育机构建设",
        "（1）社区托育",
        "①普惠托育点", "加快建设普惠托育点。到2025年，新增托位1300个。",
        "②家庭托育", "规范发展家庭托育点。",
        "③推进托育人才培养。支持院校开设托育相关专业。",
        "专栏1 托育服务重点工程",
        "①普惠托育扩容工程：新增普惠托位2600个。",
        "②托育人才培养工程：培训托育从业人员4000人次。",
        "第二节 学有所教", "推进学前教育普及。新增幼儿园学位5万个。", ""]))
    subs = [(s.number, s.title, s.attrs["style"]) for s in plan.root.find(Kind.SUBSECTION)]
    assert ("1", "普惠托育点", "①") in subs and ("2", "家庭托育", "①") in subs
    circled = [s for s in plan.root.find(Kind.SUBSECTION) if s.attrs["style"] == "①"]
    assert [k.title for k in circled[0].find(Kind.KEY_TASK)] == ["加快建设普惠托育点"]
    assert "推进托育人才培养" in [k.title for k in plan.root.find(Kind.KEY_TASK)]
    projects = plan.root.find(Kind.PROJECT)
    assert [(p.number, p.title) for p in projects] == [("1", "普惠托育扩容工程"), ("2", "托育人才培养工程")]
    assert [s.title for s in plan.root.find(Kind.SECTION)] == ["幼有所育", "学有所教"]


def test_circled_numbers_in_the_first_cell_of_a_project_row(tmp_path):
    """"①⇥name⇥description" rows in a 专栏 (int('①') used to raise: '①'.isdigit())."""
    plan = parse_text(tmp_path, "\n".join([
        "第一章 重点任务", "第一节 老有所养", "推进养老服务发展。支持发展普惠养老。",
        "专栏2 养老服务重点工程",
        "①\t社区养老服务设施建设工程\t新建社区养老服务中心120个。",
        "②\t特困人员供养服务设施改造工程\t改造提升供养服务设施85所。",
        "第二节 住有所居", "推进保障性住房建设。新增保障性租赁住房3万套。", ""]))
    assert [(p.number, p.title) for p in plan.root.find(Kind.PROJECT)] == [
        ("1", "社区养老服务设施建设工程"), ("2", "特困人员供养服务设施改造工程")]


def test_row_number_on_the_first_line_of_a_wrapped_name(tmp_path):
    """PDF text: "6  每千人口执业（助理）医" ⏎ "师数  人  3.1 …" — the number is the row's
    index, not part of the name (invented figures)."""
    plan = parse_text(tmp_path, "\n".join([
        "嘉兴市“十四五”社会事业发展规划", "一、主要目标", "表1  主要指标",
        "序号  指标名称  单位  2020年  2025年  属性",
        "1  学前教育毛入园率  %  97.5  ≥98  预期性",
        "2  每千人口执业（助理）医", "师数  人  3.1  3.6  预期性",
        "3  养老机构护理型床位占比  %  48  ≥58  约束性",
        "二、主要任务", "发展普惠托育服务。新增托位2500个。", ""]))
    rows = plan.root.find(Kind.INDICATOR)
    assert [r.title for r in rows] == ["学前教育毛入园率", "每千人口执业（助理）医师数", "养老机构护理型床位占比"]
    assert rows[1].attrs["baseline"]["value"] == "3.1" and rows[1].attrs["target"]["value"] == "3.6"


def test_period_is_not_the_one_the_opening_paragraph_reviews(tmp_path):
    """A plan whose title was lost (a PDF cover without text) opens by reviewing
    “十三五”: its period is the one its text names most, so 2020年 / 2025年 are a baseline
    and a target, not two targets (invented figures)."""
    plan = parse_text(tmp_path, "\n".join([
        "第一章 发展基础", "“十三五”时期，全市公共服务水平显著提升。",
        "第二章 发展目标", "到2025年，“十四五”时期公共服务体系更加健全。",
        "表1 “十四五”公共服务主要指标",
        "领域\t指标\t单位\t2020年\t2025年\t属性",
        "幼有所育\t每千人口拥有3岁以下婴幼儿托位数\t个\t1.6\t4.3\t预期性",
        "老有所养\t养老机构护理型床位占比\t%\t49\t≥57\t约束性",
        "第三章 重点任务", "发展普惠托育服务。新增托位3500个。", ""]))
    assert (plan.meta["period_start"], plan.meta["period_end"]) == (2021, 2025)
    rows = plan.root.find(Kind.INDICATOR)
    assert [(r.attrs["baseline"]["value"], r.attrs["baseline"]["year"]) for r in rows] == [("1.6", 2020), ("49", 2020)]
    assert [(r.attrs["target"]["value"], r.attrs["target"]["year"]) for r in rows] == [("4.3", 2025), ("57", 2025)]


def test_tab_rows_with_a_wrapped_name_cell_and_a_group_line(tmp_path):
    """Tab rows (a copied web table): a line without cells before a row is the start of
    its wrapped name when only the two together end like an indicator (…面 ⏎ 积), and a
    group label otherwise (invented figures)."""
    plan = parse_text(tmp_path, "\n".join([
        "义乌市“十五五”社区服务规划", "第一章 发展目标", "表1 主要指标",
        "指标名称\t2025年（基期）\t2030年\t2035年\t指标性质",
        "设施建设",
        "城市社区综合服务设施覆盖率（%）\t98\t100\t100\t约束性",
        "每百户居民拥有社区服务设施面", "积（平方米）\t26\t31\t34\t预期性",
        "健康服务",
        "人均预期寿命（岁）\t81.1\t81.9\t82.5\t预期性",
        "第二章 主要任务", "推进社区综合服务设施建设。新建设施150个。", ""]))
    rows = plan.root.find(Kind.INDICATOR)
    assert [r.title for r in rows] == ["城市社区综合服务设施覆盖率", "每百户居民拥有社区服务设施面积", "人均预期寿命"]
    assert [r.attrs["category"] for r in rows] == ["设施建设", "设施建设", "健康服务"]
    assert [t["value"] for t in rows[1].attrs["targets"]] == ["31", "34"]
