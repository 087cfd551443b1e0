"""Odd input never crashes: a parse with warnings, or a one-line error naming the file."""
import random
from pathlib import Path

import pytest

from plankg.errors import InputError, PlanKGError
from plankg.model import Kind
from plankg.pipeline import parse_file

HERE = Path(__file__).parent
ODD = HERE / "fixtures" / "odd"


@pytest.mark.parametrize("name, code", [("empty.txt", "E103"), ("binary.bin", "E101")])
def test_refused_files_get_one_line_errors(name, code):
    with pytest.raises(InputError) as e:
        parse_file(ODD / name)
    msg = str(e.value)
    assert e.value.code == code and name in msg and "\n" not in msg


def test_missing_file():
    with pytest.raises(InputError) as e:
        parse_file(HERE / "no-such-plan.txt")
    assert e.value.code == "E100" and "no-such-plan.txt" in str(e.value)


def test_no_headings_keeps_paragraphs_with_a_warning():
    plan = parse_file(ODD / "no_headings.txt", semantic=False)
    assert plan.root.find(Kind.KEY_TASK) and not plan.root.find(Kind.CHAPTER)
    assert any(w.code == "W200" for w in plan.warnings)


def test_heading_without_body():
    plan = parse_file(ODD / "heading_no_body.txt", semantic=False)
    chapters = plan.root.find(Kind.CHAPTER)
    assert chapters and any(not c.children for c in chapters)


def test_unknown_lines_become_unknown_nodes(tmp_path):
    p = tmp_path / "odd.txt"
    p.write_text("第一章 总体要求\n推进托育服务。支持建设托育机构。\n★★★\n第二章 保障\n", encoding="utf-8")
    plan = parse_file(p, semantic=False)
    unknown = plan.root.find(Kind.UNKNOWN)
    assert [u.text for u in unknown] == ["★★★"]
    assert any(w.code == "W201" for w in plan.warnings)


def _mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 60)):
        op = rng.random()
        i = rng.randrange(len(chars) + 1)
        if op < 0.3 and chars:
            del chars[min(i, len(chars) - 1)]
        elif op < 0.6:
            chars.insert(i, rng.choice("\n\t 。，、（）()—第章节一二1.专栏表%>—"))
        else:
            j = rng.randrange(len(chars) + 1)
            chars[i:i] = chars[j:j + rng.randint(1, 40)]
    return "".join(chars)


@pytest.mark.parametrize("seed", range(40))
def test_fuzzed_plans_never_crash(tmp_path, seed):
    """Seeded mutations of the fixtures: each parses, or fails with a PlanKGError."""
    rng = random.Random(seed)
    sources = sorted((HERE / "fixtures").glob("*.txt")) + sorted((HERE.parent / "corpus").glob("*.txt"))
    src = rng.choice(sources)
    raw = src.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    p = tmp_path / f"fuzz{seed}.txt"
    p.write_text(_mutate(text, rng), encoding="utf-8")
    try:
        plan = parse_file(p, semantic=False)
    except PlanKGError:
        return
    for node in plan.root.walk():
        assert 0 <= node.span[0] <= node.span[1] <= len(plan.source_text)


def test_large_file_parses(tmp_path):
    """A 4 MB plan (the sample repeated) parses; the 50 MB case is in bench/."""
    sample = (HERE.parent / "corpus" / "sichuan-2021-public-services.txt").read_text(encoding="utf-8")
    p = tmp_path / "big.txt"
    p.write_text(sample * 60, encoding="utf-8")
    plan = parse_file(p, semantic=False)
    assert len(plan.root.find(Kind.INDICATOR)) == 24 * 60
