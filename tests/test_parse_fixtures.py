"""The parser against hand-written expectations (``tests/fixtures/*.expected.json``).

The expectation files were written from the fixture texts by hand, independently of
the parser, so they are an oracle; the sample's figures are the ones the user states
for their own document.
"""
import json
import re
from pathlib import Path

import pytest

from plankg.model import Kind
from plankg.pipeline import parse_file

FIX = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PLANS = sorted(p for p in FIX.glob("*.*") if p.suffix in (".txt", ".html")) + \
    sorted(p for p in (FIX / "odd").glob("*.txt") if (p.with_suffix(".expected.json")).exists())


@pytest.fixture(scope="module", params=PLANS, ids=lambda p: p.stem)
def case(request):
    path = request.param
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    return parse_file(path, semantic=False), expected


def facts(plan):
    r = plan.root
    secs = [{"chapter": int(c.number), "no": int(s.number), "title": s.title}
            for c in r.find(Kind.CHAPTER) for s in c.find(Kind.SECTION)]

    def obs(o, key="value"):
        return None if o is None else o.get(key)

    def indicator(n):
        d = {"domain": n.attrs["category"], "name": n.title, "unit": n.attrs["unit"] or "",
             "baseline": obs(n.attrs["baseline"]), "target": obs(n.attrs["target"]),
             "comparator": (n.attrs["target"] or {}).get("comparator", ""),
             "qualitative": obs(n.attrs["target"], "qualitative"), "nature": n.attrs["nature"]}
        if len(n.attrs.get("targets") or []) > 1:
            # targets for several years: [year, value, comparator, qualitative] each
            d["targets"] = [[t["year"], t["value"], t["comparator"], t["qualitative"]]
                            for t in n.attrs["targets"]]
        return d

    return {
        "region": plan.meta["region"], "level": plan.meta["level"],
        "period": [plan.meta["period_start"], plan.meta["period_end"]],
        "chapters": [{"no": int(n.number), "title": n.title} for n in r.find(Kind.CHAPTER)],
        "sections": secs,
        "key_tasks": [n.title for n in r.find(Kind.KEY_TASK)],
        "columns": [{"no": c.number, "title": c.title,
                     "projects": [{"no": int(p.number), "name": p.title} for p in c.children]}
                    for c in r.find(Kind.COLUMN)],
        "indicators": [indicator(n) for n in r.find(Kind.INDICATOR)],
        "service_domains": [{"domain": d.title, "declared": d.attrs.get("declared_count"),
                             "items": [i.title for i in d.children]} for d in r.find(Kind.SERVICE_DOMAIN)],
    }


FIELDS = ["region", "level", "period", "chapters", "sections", "key_tasks", "columns",
          "indicators", "service_domains"]


@pytest.mark.parametrize("field", FIELDS)
def test_fixture_matches_expectation(case, field):
    plan, expected = case
    if field not in expected:
        pytest.skip(f"the expectation file states no {field}")
    want = expected[field]
    if field == "columns":
        want = [{**c, "projects": [{"no": p["no"], "name": p["name"]} for p in c["projects"]]} for c in want]
    if field == "indicators":
        # the category column is named `domain` in the expectation files
        for w in want:
            w.setdefault("domain", None)
    assert facts(plan)[field] == want


@pytest.fixture(scope="module", params=[p for p in PLANS if p.parent == FIX], ids=lambda p: p.stem)
def enriched(request):
    path = request.param
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    return parse_file(path), expected


def _dash(s: str) -> str:
    return re.sub(r"[—–\-~～至]+", "—", s)


def test_fixture_quantities(enriched):
    """Each project's quantities as ``[value, unit]``; a range as ``min—max``."""
    plan, expected = enriched
    got = [[[q["value"] + ("—" + q["value_max"] if q.get("value_max") else ""), q["unit"]]
            for q in p.attrs.get("quantities", [])]
           for c in plan.root.find(Kind.COLUMN) for p in c.children]
    want = [[[_dash(v), u] for v, u in p["quantities"]]
            for c in expected["columns"] for p in c["projects"] if "quantities" in p]
    if len(want) != len(got):
        pytest.skip("the expectation file gives no quantities")
    assert got == want


def test_fixture_responsibilities(enriched):
    plan, expected = enriched
    if "responsibilities" not in expected:
        pytest.skip("the expectation file states no responsibilities")
    got = [{"task": n.title, "department": d["canonical"], "role": d["role"]}
           for n in plan.root.walk() if n.kind in (Kind.KEY_TASK, Kind.PROJECT)
           for d in n.attrs.get("departments", [])]
    assert got == expected["responsibilities"]


def test_sample_counts():
    """The counts the user gives for the Sichuan plan (issue #2)."""
    plan = parse_file(CORPUS / "sichuan-2021-public-services.txt", semantic=False)
    r = plan.root
    assert len(r.find(Kind.CHAPTER)) == 6
    assert len(r.find(Kind.SECTION)) == 26
    assert len(r.find(Kind.KEY_TASK)) == 71
    principles = [s for s in r.find(Kind.SECTION) if s.title == "基本原则"][0]
    assert len(principles.find(Kind.KEY_TASK)) == 4
    cols = r.find(Kind.COLUMN)
    assert len(cols) == 9 and sum(len(c.children) for c in cols) == 34
    assert len(r.find(Kind.INDICATOR)) == 24
    doms = r.find(Kind.SERVICE_DOMAIN)
    assert len(doms) == 9 and sum(len(d.children) for d in doms) == 83
    assert all(d.attrs["declared_count"] == len(d.children) for d in doms)
    assert plan.meta["region"] == "四川省" and plan.meta["period_start"] == 2021
    assert not [w for w in plan.warnings if w.code.startswith("W3")]


def test_sample_indicator_values():
    plan = parse_file(CORPUS / "sichuan-2021-public-services.txt", semantic=False)
    rows = {n.title: n.attrs for n in plan.root.find(Kind.INDICATOR)}
    assert rows["学前教育毛入园率"]["baseline"]["value"] == "90.93"
    assert rows["学前教育毛入园率"]["baseline"]["year"] == 2020
    assert rows["学前教育毛入园率"]["target"]["year"] == 2025
    orphan = rows["孤儿和事实无人抚养儿童保障覆盖率"]
    assert orphan["baseline"]["value"] is None and orphan["target"]["qualitative"] == "应保尽保"
    veteran = rows["退役军人适应性培训参训率"]
    assert veteran["target"]["value"] == "90" and veteran["target"]["comparator"] == ">"
    assert rows["人均体育场地面积"]["target"]["value"] == "2.0"
    assert rows["参加各类补贴性职业技能培训人数"]["unit"] == "万人次"
    assert rows["城镇户籍低保、低收入家庭申请公租房的保障率"]["category"] == "住有所居"
    assert rows["转业军官和政府安排退役士兵安置率"]["category"] == "优军服务保障"
