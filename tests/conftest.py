"""Shared fixtures: hand-made plans (independent of the parser) and loaded stores.

``sample_plan()`` builds a small :class:`~plankg.model.Plan` whose spans point into its
own source text, covering every kind the graph stage handles: chapter, section, key
task with departments, column + project with quantities and a link, an indicator
table and a service-list table.

``corpus_store`` loads the real corpus through ``plankg.pipeline.parse_file`` when the
parser is importable; ``sample_store`` always loads the two hand-made plans.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from plankg.model import Kind, Node, Plan
from plankg.store.embedded import Store, ontology_dir

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("PLANKG_CORPUS", REPO / "corpus"))


def real_corpus() -> Path:
    """The real plans: ``$PLANKG_REAL_CORPUS``, else ``../shared/corpus/real`` beside the
    repository, else beside its parent (a worktree inside the main checkout). The path
    returned may not exist: the tests that need it skip, naming it."""
    env = os.environ.get("PLANKG_REAL_CORPUS")
    if env:
        return Path(env)
    near = REPO.parent / "shared" / "corpus" / "real"
    far = REPO.parent.parent / "shared" / "corpus" / "real"
    return far if not near.is_dir() and far.is_dir() else near


REAL_CORPUS = real_corpus()
HAVE_PIPELINE = importlib.util.find_spec("plankg.pipeline") is not None


class _Text:
    """Accumulates a source text and hands out spans of the lines appended."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def line(self, s: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(s + "\n")
        self.pos += len(s) + 1
        return (start, start + len(s))

    def find(self, span: tuple[int, int], needle: str) -> tuple[int, int]:
        text = "".join(self.parts)
        i = text.index(needle, span[0], span[1])
        return (i, i + len(needle))

    @property
    def text(self) -> str:
        return "".join(self.parts)


def obs(value, year, raw=None, comparator="", qualitative=None):
    return {"value": value, "value_max": None, "year": year, "comparator": comparator,
            "approximate": False, "qualitative": qualitative,
            "raw": raw if raw is not None else (qualitative or value or "—")}


def sample_plan(plan_id: str = "sample-sichuan", region: str = "四川省",
                code: str | None = "510000", column_no: str = "1",
                envelope: dict | None = None) -> Plan:
    """A small plan with one of everything, spans exact in its source text.

    ``envelope``: metadata its notice would give (issuer, doc_number, issued, signed,
    notice_title), added to ``meta`` as the pipeline adds it.
    """
    t = _Text()
    title = t.line(f"{region}“十四五”公共服务规划")
    pre = t.line("为推动公共服务高质量发展,编制本规划。")
    ch_span = t.line("第四章　推进公共服务优质均衡发展")
    sec_span = t.line("第一节　提升优生优育服务水平")
    task_line = t.line("扩容婴幼儿照护服务。深入开展城企联动普惠托育专项行动。"
                       "(省卫生健康委牵头,省发展改革委、省教育厅按职责分工负责)")
    para_line = t.line("加强对婴幼儿照护服务的宣传、指导、监督和管理。")
    col_span = t.line(f"专栏{column_no}　幼有善育工程")
    proj_title = t.line("1 托育服务扩容工程")
    proj_text = t.line("建设 1000 所公办幼儿园,每个县(市、区)建成至少 1 所示范性托育机构。")
    unk = t.line("■■■")
    tab1 = t.line("表1　主要发展指标")
    r1 = t.line("幼有所育 每千人口3岁以下婴幼儿托位数(个) 1.5 4.5 预期性")
    r2 = t.line("学有所教 学前教育毛入园率(%) 90.93 92.09 预期性")
    r3 = t.line("住有所居 农村低收入群体住房安全保障率 — 应保尽保 约束性")
    r4 = t.line("文体服务保障 人均体育场地面积(平方米) 1.6 >2.0 预期性")
    tab2 = t.line("表2　基本公共服务项目清单")
    sd = t.line("幼有所育 为儿童提供关爱服务。 预防接种,儿童健康管理。(共 2 项)")
    ch2 = t.line("第五章　加强公共服务供给创新")
    sec2 = t.line("一、深化改革")
    task2 = t.line("深化事业单位改革。推进政事分开。")
    text = t.text

    def q(span, needle, value, unit, scope=None):
        return {"value": value, "value_max": None, "unit": unit, "comparator": "",
                "approximate": False, "scope": scope, "text": needle,
                "span": list(t.find(span, needle))}

    def dep(span, name, role):
        return {"name": name, "canonical": name, "role": role, "span": list(t.find(span, name))}

    task = Node(Kind.KEY_TASK, title="扩容婴幼儿照护服务",
                text="深入开展城企联动普惠托育专项行动", span=task_line,
                attrs={"domain": "幼有所育", "quantities": [],
                       "departments": [dep(task_line, "省卫生健康委", "lead"),
                                       dep(task_line, "省发展改革委", "support"),
                                       dep(task_line, "省教育厅", "support")]})
    para = Node(Kind.PARAGRAPH, text="加强对婴幼儿照护服务的宣传、指导、监督和管理。",
                span=para_line)
    project = Node(Kind.PROJECT, number="1", title="托育服务扩容工程",
                   text="建设 1000 所公办幼儿园,每个县(市、区)建成至少 1 所示范性托育机构",
                   span=(proj_title[0], proj_text[1]),
                   attrs={"domain": "幼有所育",
                          "quantities": [q(proj_text, "1000 所", "1000", "所"),
                                         q(proj_text, "1 所", "1", "所", "每个县(市、区)")],
                          "departments": [],
                          "links": [{"target": "indicator:table/1/indicator/1", "score": 0.42,
                                     "evidence": ["托育"]}]})
    column = Node(Kind.COLUMN, number=column_no, title="幼有善育工程",
                  span=(col_span[0], proj_text[1]), children=[project],
                  attrs={"domain": "幼有所育"})
    section = Node(Kind.SECTION, number="1", title="提升优生优育服务水平",
                   span=(sec_span[0], proj_text[1]), children=[task, para, column],
                   attrs={"style": "第X节", "level": 2, "domain": "幼有所育",
                          "domain_evidence": ["优生优育"]})

    def ind(span, cat, name, unit, base, target, nature):
        return Node(Kind.INDICATOR, title=name, span=span,
                    attrs={"category": cat, "unit": unit, "baseline": base, "target": target,
                           "nature": nature})

    indicators = [
        ind(r1, "幼有所育", "每千人口3岁以下婴幼儿托位数", "个",
            obs("1.5", 2020), obs("4.5", 2025), "预期性"),
        ind(r2, "学有所教", "学前教育毛入园率", "%",
            obs("90.93", 2020), obs("92.09", 2025), "预期性"),
        ind(r3, "住有所居", "农村低收入群体住房安全保障率", None,
            None, obs(None, 2025, qualitative="应保尽保"), "约束性"),
        ind(r4, "文体服务保障", "人均体育场地面积", "平方米",
            obs("1.6", 2020), obs("2.0", 2025, raw=">2.0", comparator=">"), "预期性"),
    ]
    table1 = Node(Kind.TABLE, number="1", title="主要发展指标", span=(tab1[0], r4[1]),
                  children=indicators,
                  attrs={"table_type": "indicators", "baseline_year": 2020,
                         "target_year": 2025})
    items = [Node(Kind.SERVICE_ITEM, title=name, span=t.find(sd, name))
             for name in ("预防接种", "儿童健康管理")]
    sdom = Node(Kind.SERVICE_DOMAIN, title="幼有所育", text="为儿童提供关爱服务",
                span=sd, children=items, attrs={"declared_count": 2})
    table2 = Node(Kind.TABLE, number="2", title="基本公共服务项目清单",
                  span=(tab2[0], sd[1]), children=[sdom], attrs={"table_type": "services"})
    chapter = Node(Kind.CHAPTER, number="4", title="推进公共服务优质均衡发展",
                   span=(ch_span[0], sd[1]),
                   children=[section, Node(Kind.UNKNOWN, text="■■■", span=unk),
                             table1, table2],
                   attrs={"style": "第X章", "level": 1})
    task_b = Node(Kind.KEY_TASK, title="深化事业单位改革", text="推进政事分开", span=task2)
    chapter5 = Node(Kind.CHAPTER, number="5", title="加强公共服务供给创新",
                    span=(ch2[0], task2[1]),
                    children=[Node(Kind.SECTION, number="1", title="深化改革",
                                   span=(sec2[0], task2[1]), children=[task_b])])
    root = Node(Kind.DOCUMENT, title=f"{region}“十四五”公共服务规划", span=(0, len(text)),
                children=[Node(Kind.PREAMBLE, text="为推动公共服务高质量发展,编制本规划。",
                               span=pre), chapter, chapter5])
    meta = {"title": text[title[0]:title[1]], "region": region, "region_code": code,
            "level": "province", "period_start": 2021, "period_end": 2025,
            "cited": ["“十四五”公共服务规划"]}
    meta.update(envelope or {})
    return Plan(plan_id, f"/somewhere/{plan_id}.txt", text, "text", "utf-8", "0" * 64,
                meta, root)


def sample_plans() -> list[Plan]:
    """Two regions; the second numbers its column 3-1 and has no division code."""
    return [sample_plan(),
            sample_plan("sample-guizhou", "贵州省", None, column_no="3-1",
                        envelope={"issuer": "贵州省人民政府办公厅", "doc_number": "黔府办发〔2021〕9号",
                                  "issued": "2021-06-30", "signed": "2021-06-28",
                                  "notice_title": "贵州省人民政府办公厅关于印发《贵州省“十四五”公共服务规划》的通知"})]


# A stand-in for ontology/domains.ttl until the ontology lands: just the labels the
# queries read.
_DOMAINS_FALLBACK = "\n".join(
    f'<https://w3id.org/plankg/domain/{slug}> '
    f'<http://www.w3.org/2004/02/skos/core#prefLabel> "{label}"@zh .'
    for label, slug in [("幼有所育", "youyousuoyu"), ("学有所教", "xueyousuojiao"),
                        ("劳有所得", "laoyousuode"), ("病有所医", "bingyousuoyi"),
                        ("老有所养", "laoyousuoyang"), ("住有所居", "zhuyousuoju"),
                        ("弱有所扶", "ruoyousuofu"), ("优军服务保障", "youjunfuwubaozhang"),
                        ("文体服务保障", "wentifuwubaozhang")])


def load_domains(store: Store) -> None:
    """Load the ontology, or the domain labels alone while domains.ttl is missing."""
    if (ontology_dir() / "domains.ttl").is_file():
        store.load_ontology()
    else:
        store.raw.update("INSERT DATA { GRAPH <https://w3id.org/plankg/ontology> { "
                         + _DOMAINS_FALLBACK + " } }")


@pytest.fixture
def plan() -> Plan:
    return sample_plan()


@pytest.fixture
def store(tmp_path) -> Store:
    """A fresh on-disk store in tmp_path, closed after the test."""
    s = Store(tmp_path / "store")
    yield s
    s.close()


@pytest.fixture
def mem_store() -> Store:
    return Store.in_memory()


@pytest.fixture(scope="session")
def sample_store() -> Store:
    s = Store.in_memory()
    s.load_plans(sample_plans())
    load_domains(s)
    return s


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*") if p.suffix.lower() in (".txt", ".html", ".htm"))


@pytest.fixture(scope="session")
def corpus_store() -> Store:
    """The corpus parsed by the real parser (skipped until plankg.pipeline exists)."""
    if not HAVE_PIPELINE:
        pytest.skip("plankg.pipeline has not landed yet; the sample store covers the queries")
    from plankg.pipeline import parse_file

    s = Store.in_memory()
    s.load_plans([parse_file(p) for p in corpus_files()])
    load_domains(s)
    return s
