"""Fuzzing that stays in the suite: mutated plans raise nothing but a PlanKGError.

Inputs are the sample corpus (``corpus/``), the real development plans in
``../shared/corpus/real/`` when present (read in place, never copied here), and every
file under ``tests/fixtures/`` whatever its type (plain text, GB18030, HTML), and a PDF
(ruled and unruled tables), a Word document and an OFD package of one plan, made by
``docmaker`` when the module loads (the binary formats are generated, never checked
in). Each example takes one input and either

* mutates its *text* (deletions, insertions of plan-like and odd code points —
  controls, combining marks, private use, noncharacters, astral characters —
  copied spans, truncation) and writes it back in one of the encodings plankg reads,
  as the file type of the source or as ``.txt``/``.html``; or
* mutates its *bytes* (flips, deletions, random insertions, copied spans,
  truncation), which is how a damaged PDF or DOCX arrives.

The property: :func:`plankg.pipeline.parse_file` returns a plan whose spans lie in its
source text, or raises a :class:`~plankg.errors.PlanKGError` with an ``E`` code; any
other exception is a bug. Every input is at most 4 MB and every parse must end within
10 s (hypothesis ``deadline``).

Profiles (``PLANKG_FUZZ_PROFILE``): ``short`` (default, in ``make test``: a few dozen
derandomised examples without the semantic layer) and ``fuzz`` (``make fuzz``: 10,000
random examples, a quarter with the semantic layer). With ``PLANKG_FUZZ_FOUND=DIR`` a
failing input is written to ``DIR`` (the last one written is hypothesis's shrunk
example; ``make fuzz`` moves it to ``tests/fixtures/odd/``), and with
``PLANKG_FUZZ_REPORT=FILE`` the count and the slowest case are written there.
Inputs found that way stay in the suite through :func:`test_found_inputs`.
"""
from __future__ import annotations

import hashlib
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is in the [test] extra")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conftest import REAL_CORPUS  # noqa: E402
from plankg.errors import PlanKGError  # noqa: E402
from plankg.pipeline import parse_file  # noqa: E402

HERE = Path(__file__).parent
REPO = HERE.parent
FIXTURES = HERE / "fixtures"
MAX_INPUT = 4 * 2**20

settings.register_profile(
    "short", max_examples=40, derandomize=True, database=None,
    deadline=timedelta(seconds=10), suppress_health_check=list(HealthCheck))
settings.register_profile(
    "fuzz", max_examples=10_000, database=None, deadline=timedelta(seconds=10),
    suppress_health_check=list(HealthCheck))
PROFILE = os.environ.get("PLANKG_FUZZ_PROFILE", "short")
SEMANTIC = PROFILE != "short"


def real_plans_dir() -> Path | None:
    """The real plans (:data:`conftest.REAL_CORPUS`), when they are there."""
    return REAL_CORPUS if REAL_CORPUS.is_dir() else None


def sources() -> list[Path]:
    out = sorted(p for p in (REPO / "corpus").iterdir()
                 if p.is_file() and p.suffix in (".txt", ".html", ".htm"))
    real = real_plans_dir()
    if real is not None:
        out += sorted(real.glob("*.txt"))
    out += sorted(p for p in FIXTURES.rglob("*") if p.is_file()
                  and not p.name.endswith((".expected.json", ".md")))
    return out + binary_sources()


def binary_sources() -> list[Path]:
    """The plan of ``docmaker`` as PDF (ruled and unruled), DOCX and OFD, written once
    into a temporary directory removed when the interpreter exits."""
    import atexit
    import shutil
    import tempfile

    import docmaker

    d = Path(tempfile.mkdtemp(prefix="plankg-fuzz-"))
    atexit.register(shutil.rmtree, d, True)
    made = {"plan.pdf": docmaker.as_pdf(), "unruled.pdf": docmaker.as_pdf(ruled=False),
            "plan.docx": docmaker.as_docx(), "plan.ofd": docmaker.as_ofd()}
    for name, data in made.items():
        (d / name).write_bytes(data)
    return [d / name for name in made]


SOURCES = sources()
TEXTUAL = {".txt", ".html", ".htm", ""}
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")
PLANLIKE = list("\n\t 　。，、；：（）()—-第章节篇一二三十1234567890.专栏表%>≥≤＞〔〕《》“”·")
ODD = ["\x00", "\x0b", "\x1a", "\u200b", "\ufeff", "\u0301", "\ue000", "\uffff", "\U0001f600",
       "\U00020000", "\u2028", "\r", "\r\n", "&amp;", "&#0;", "<table>", "<td>", "</p>",
       "<!ENTITY x SYSTEM 'file:///etc/passwd'>", "&x;", "<![CDATA[", "\x85"]
text_piece = st.one_of(st.sampled_from(PLANLIKE), st.sampled_from(ODD),
                       st.text(min_size=1, max_size=8))


def _decode(raw: bytes) -> str | None:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            pass
    return None


@st.composite
def mutated(draw) -> tuple[str, bytes, str]:
    """``(file suffix, bytes, description)`` of one mutated input."""
    src = draw(st.sampled_from(SOURCES))
    raw = src.read_bytes()
    text = _decode(raw) if src.suffix.lower() in TEXTUAL else None
    how = []
    if text is not None and draw(st.integers(0, 3)) > 0:  # text-level, 3 times in 4
        chars = text
        for _ in range(draw(st.integers(1, 12))):
            op = draw(st.sampled_from(["delete", "insert", "copy", "truncate"]))
            i = draw(st.integers(0, len(chars)))
            if op == "delete":
                j = min(len(chars), i + draw(st.integers(1, 400)))
                chars = chars[:i] + chars[j:]
            elif op == "insert":
                chars = chars[:i] + "".join(draw(st.lists(text_piece, min_size=1, max_size=6))) + chars[i:]
            elif op == "copy":
                j = draw(st.integers(0, len(chars)))
                chars = chars[:i] + chars[j:j + draw(st.integers(1, 2000))] + chars[i:]
            else:  # cut off the end; shrinks towards cutting nothing
                i = len(chars) - draw(st.integers(0, len(chars)))
                chars = chars[:i]
            how.append(f"{op}@{i}")
        enc = draw(st.sampled_from(ENCODINGS))
        data = chars.encode(enc, errors="surrogatepass" if enc.startswith("utf-8") else "replace")
        suffix = draw(st.sampled_from([src.suffix or ".txt", ".txt", ".html"]))
        how.append(enc)
    else:  # byte-level: how a damaged binary (or a damaged text file) arrives
        data = bytearray(raw)
        for _ in range(draw(st.integers(1, 12))):
            op = draw(st.sampled_from(["flip", "delete", "insert", "copy", "truncate"]))
            i = draw(st.integers(0, len(data)))
            if op == "flip" and data:
                k = min(i, len(data) - 1)
                data[k] ^= draw(st.integers(1, 255))
            elif op == "delete":
                del data[i:i + draw(st.integers(1, 400))]
            elif op == "insert":
                data[i:i] = draw(st.binary(min_size=1, max_size=16))
            elif op == "copy":
                j = draw(st.integers(0, len(data)))
                data[i:i] = data[j:j + draw(st.integers(1, 2000))]
            else:
                i = len(data) - draw(st.integers(0, len(data)))
                del data[i:]
            how.append(f"{op}@{i}")
        data = bytes(data)
        suffix = src.suffix or ".bin"
    data = data[:MAX_INPUT]
    return suffix, data, f"{src.name}: {' '.join(how)}"


_stats = {"count": 0, "slowest": 0.0, "slowest_case": "", "refused": 0, "failed": 0}


def check(path: Path, semantic: bool) -> None:
    """The property: a plan with spans inside its text, or a PlanKGError with a code."""
    try:
        plan = parse_file(path, semantic=semantic)
    except PlanKGError as e:
        assert e.code.startswith("E") and len(e.code) == 4, e
        assert "\n" not in str(e)
        _stats["refused"] += 1
        return
    n = len(plan.source_text)
    for node in plan.root.walk():
        assert 0 <= node.span[0] <= node.span[1] <= n, (node.kind, node.span, n)


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    report = os.environ.get("PLANKG_FUZZ_REPORT")
    if report:
        Path(report).write_text(
            f"profile {PROFILE}: {_stats['count']} cases passed ({_stats['refused']} refused "
            f"with a PlanKGError, the rest parsed), {_stats['failed']} failed (with hypothesis "
            f"shrinking); slowest {_stats['slowest']:.2f} s "
            f"({_stats['slowest_case']})\n", encoding="utf-8")


@settings(settings.get_profile(PROFILE))
@given(case=mutated(), semantic=st.booleans() if SEMANTIC else st.just(False))
def test_mutated_inputs_raise_only_plankg_errors(tmp_path_factory, case, semantic):
    suffix, data, how = case
    d = tmp_path_factory.mktemp("fuzz", numbered=True)
    path = d / f"fuzz{suffix}"
    path.write_bytes(data)
    t0 = time.perf_counter()
    try:
        check(path, semantic and draw_semantic(data))
    except BaseException:
        _stats["failed"] += 1
        found = os.environ.get("PLANKG_FUZZ_FOUND")
        if found:  # the last one written is the shrunk example hypothesis replays
            import shutil

            shutil.rmtree(found, ignore_errors=True)
            Path(found).mkdir(parents=True)
            (Path(found) / f"found{suffix}").write_bytes(data)
            (Path(found) / "found.how").write_text(how + "\n", encoding="utf-8")
        raise
    finally:
        for f in d.iterdir():
            f.unlink()
        d.rmdir()
    took = time.perf_counter() - t0
    _stats["count"] += 1
    if took > _stats["slowest"]:
        _stats["slowest"], _stats["slowest_case"] = took, f"{how}, {len(data)} bytes"


def draw_semantic(data: bytes) -> bool:
    """The semantic layer (spaCy, jieba) on a quarter of the inputs, chosen by content."""
    return hashlib.sha256(data).digest()[0] < 64


FOUND = sorted(p for p in (FIXTURES / "odd").glob("fuzz-*") if not p.name.endswith(".how"))


@pytest.mark.parametrize("path", FOUND, ids=[p.name for p in FOUND])
def test_found_inputs(path):
    """Inputs ``make fuzz`` once found failing: each parses or is refused with a code."""
    check(path, semantic=True)


def test_every_fixture_type_is_a_fuzz_source():
    suffixes = {p.suffix for p in FIXTURES.rglob("*") if p.is_file()
                and not p.name.endswith((".expected.json", ".md"))}
    assert suffixes <= {p.suffix for p in SOURCES}
    assert {".txt", ".html"} <= suffixes
    assert {".pdf", ".docx", ".ofd"} <= {p.suffix for p in SOURCES}  # every reader is fuzzed
