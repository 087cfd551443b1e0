"""Deterministic benchmark corpus: the repository's plans with other regions and numbers.

Sources are ``corpus/*.txt`` and ``tests/fixtures/*.txt|*.html`` (the ``odd/`` inputs are
not plans). Plan ``i`` (0-based) is made from source ``i % len(sources)``:

* the source's region (found by ``parse_file(..., semantic=False)``, e.g. 四川省 / 四川)
  is replaced everywhere by another provincial-level region from
  ``parser/plankg/data/regions.tsv`` (full name for full name, short name for short
  name); each source cycles through its own seeded shuffle of the other regions;
* every ASCII decimal number (``1000``, ``90.93``, the PDF form ``90． 93``) is
  multiplied by one seeded factor per plan (0.55–0.9 or 1.1–1.75) and written back with
  as many decimals as it had; a number ≤ 100 stays ≤ 100 (divided instead). Left alone, so that the structure
  and the indicator names stay as the source has them: years (1949–2099), numbers
  after 专栏 / 表 / 第 / 附件 / 图 / 共 (共4项), numbers touching ``-`` (专栏3-1, dates), list markers
  ``（1）``, a number opening a line before a CJK character or ``.``/``、``
  (project numbers), page numbers ``—7—``, an HTML cell holding just a number before a CJK cell (序号),
  ages (``3岁``), and anything inside HTML tags, entities, scripts and styles;
* the file keeps its source's encoding (GB18030 stays GB18030) and line endings; its
  name is ``{i:04d}-{region code}-{source stem}{suffix}``, so plan ids are unique.

``manifest.json`` next to the plans records source, region and factor per file and a
key (generator version, seed, count, source hashes) for caching.

>>> vary_numbers("2020 年达到 95． 9% ,建设 1000 所,专栏 3-1", 2.0)
'2020 年达到 48． 0% ,建设 2000 所,专栏 3-1'
"""
from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from pathlib import Path

VERSION = 1
REPO = Path(__file__).resolve().parents[1]
REGIONS_TSV = REPO / "parser" / "plankg" / "data" / "regions.tsv"

# Used when regions.tsv is missing (the first column is the GB/T 2260 code).
_FALLBACK_REGIONS = [
    ("110000", "北京市", "北京"), ("120000", "天津市", "天津"), ("130000", "河北省", "河北"),
    ("140000", "山西省", "山西"), ("150000", "内蒙古自治区", "内蒙古"),
    ("210000", "辽宁省", "辽宁"), ("220000", "吉林省", "吉林"), ("230000", "黑龙江省", "黑龙江"),
    ("310000", "上海市", "上海"), ("320000", "江苏省", "江苏"), ("330000", "浙江省", "浙江"),
    ("340000", "安徽省", "安徽"), ("350000", "福建省", "福建"), ("360000", "江西省", "江西"),
    ("370000", "山东省", "山东"), ("410000", "河南省", "河南"), ("420000", "湖北省", "湖北"),
    ("430000", "湖南省", "湖南"), ("440000", "广东省", "广东"),
    ("450000", "广西壮族自治区", "广西"), ("460000", "海南省", "海南"),
    ("500000", "重庆市", "重庆"), ("510000", "四川省", "四川"), ("520000", "贵州省", "贵州"),
    ("530000", "云南省", "云南"), ("540000", "西藏自治区", "西藏"), ("610000", "陕西省", "陕西"),
    ("620000", "甘肃省", "甘肃"), ("630000", "青海省", "青海"),
    ("640000", "宁夏回族自治区", "宁夏"), ("650000", "新疆维吾尔自治区", "新疆"),
]
PLAN_SUFFIXES = (".txt", ".html", ".htm")


def provinces() -> list[tuple[str, str, str]]:
    """``(code, name, short_name)`` of the provincial-level regions."""
    if not REGIONS_TSV.is_file():
        return list(_FALLBACK_REGIONS)
    out = []
    for line in REGIONS_TSV.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("code\t"):
            continue
        cols = line.split("\t")
        if len(cols) >= 4 and cols[3].strip() == "province":
            out.append((cols[0].strip(), cols[1].strip(), cols[2].strip()))
    return out or list(_FALLBACK_REGIONS)


def source_files(repo: Path = REPO) -> list[Path]:
    files = sorted(p for p in (repo / "corpus").glob("*") if p.suffix.lower() in PLAN_SUFFIXES)
    fx = repo / "tests" / "fixtures"
    files += sorted(p for p in fx.glob("*") if p.is_file() and p.suffix.lower() in (".txt", ".html"))
    return files


def decode(data: bytes) -> tuple[str, str]:
    """``(text, encoding)``: UTF-8 (with or without BOM) else GB18030; newlines kept."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding)


# --- numbers ---------------------------------------------------------------------------

_NUM = re.compile(r"(?<![\d.．])(\d+)(?:(\.|．[ \u3000]?)(\d+))?(?![\d])")
_NUM_PLAIN = re.compile(r"(?P<tag>(?!))|" + _NUM.pattern)
_BEFORE_KEEP = re.compile(r"(?:专栏|表|第|附件|图|共|[-#&])[ \u3000]*$|[（(][ \u3000]*$")
_AFTER_KEEP = re.compile(r"^(?:[ \u3000]*[）)]|-|[ \u3000]*岁)")
_LINE_START = re.compile(r"(?:^|\n|>)[ \t\u3000]*$")
_AFTER_LIST = re.compile(r"^[ \t\u3000]*(?:[.．、]|[\u4e00-\u9fff])")
_HTML_SERIAL = re.compile(r"^</t[dh]>\s*<t[dh][^>]*>\s*[\u4e00-\u9fff]")
_TAGS = r"<(?:script|style)\b.*?</(?:script|style)\s*>|<[^>]*>|&#?\w+;"
_NUM_OR_TAG = re.compile(f"(?P<tag>{_TAGS})|" + _NUM.pattern, re.S | re.I)


def _fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def vary_numbers(text: str, factor: float, html: bool = False) -> str:
    """Multiply the ASCII decimals of ``text`` by ``factor`` (see the module doc for
    what is left alone); with ``html``, tags and entities are never touched."""

    def repl(m: re.Match) -> str:
        if html and m.group("tag"):
            return m.group(0)
        whole, sep, frac = m.group(2), m.group(3), m.group(4)
        before = text[max(0, m.start() - 12):m.start()]
        after = text[m.end():m.end() + 40]
        if _BEFORE_KEEP.search(before) or _AFTER_KEEP.match(after):
            return m.group(0)
        if before.endswith("—") and after.startswith("—"):
            return m.group(0)  # a page number —7—
        if not sep and len(whole) == 4 and 1949 <= int(whole) <= 2099:
            return m.group(0)  # a year
        if not sep and _LINE_START.search(before) and _AFTER_LIST.match(after):
            return m.group(0)  # "1 出生缺陷防治工程", "2.义务教育学校扩容行动"
        if not sep and html and before.endswith(">") and _HTML_SERIAL.match(after):
            return m.group(0)  # 序号 cell
        decimals = len(frac) if frac else 0
        old = float(f"{whole}.{frac}" if frac else whole)
        new = old * factor
        if old <= 100 < new:
            new = old / factor  # shares and rates stay at most 100
        if decimals == 0:
            new = max(round(new), 1 if old >= 1 else 0)
        s = _fmt(new, decimals)
        if frac:
            w, f = s.split(".")
            return f"{w}{sep}{f}"
        return s

    rx = _NUM_OR_TAG if html else _NUM_PLAIN
    return rx.sub(repl, text)


def vary_document(text: str, factor: float, html: bool) -> str:
    return vary_numbers(text, factor, html)


# --- regions ---------------------------------------------------------------------------

def short_name(name: str, table: list[tuple[str, str, str]]) -> str:
    for _code, full, short in table:
        if full == name:
            return short
    for suffix in ("特别行政区", "自治区", "自治州", "省", "市", "州", "地区", "盟", "县", "区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def source_region(path: Path) -> str | None:
    """The region the parser finds in ``path`` (structure parse only)."""
    from plankg.pipeline import parse_file

    return parse_file(path, semantic=False).meta.get("region")


def swap_region(text: str, old_full: str, old_short: str, new_full: str, new_short: str) -> str:
    text = text.replace(old_full, "\x00F\x00")
    if old_short and old_short != old_full:
        text = text.replace(old_short, "\x00S\x00")
    return text.replace("\x00F\x00", new_full).replace("\x00S\x00", new_short)


# --- the corpus ------------------------------------------------------------------------

def corpus_key(n: int, seed: int, sources: list[Path]) -> dict:
    h = hashlib.sha256()
    for s in sources:
        h.update(s.name.encode("utf-8"))
        h.update(hashlib.sha256(s.read_bytes()).digest())
        h.update(REGIONS_TSV.read_bytes() if REGIONS_TSV.is_file() else b"")
    return {"version": VERSION, "seed": seed, "plans": n, "sources": h.hexdigest()}


def make_corpus(out: Path, n: int, *, seed: int = 20210, sources: list[Path] | None = None,
                rebuild: bool = False) -> list[Path]:
    """Write ``n`` plans to ``out`` (reused when its manifest has the same key)."""
    sources = list(sources) if sources is not None else source_files()
    if not sources:
        raise SystemExit("no source plans in corpus/ or tests/fixtures/")
    key = corpus_key(n, seed, sources)
    manifest = out / "manifest.json"
    if not rebuild and manifest.is_file():
        try:
            old = json.loads(manifest.read_text(encoding="utf-8"))
            files = [out / f["file"] for f in old.get("files", [])]
            if old.get("key") == key and len(files) == n and all(f.is_file() for f in files):
                return files
        except (OSError, ValueError, KeyError, TypeError):
            pass
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    table = provinces()
    rng = random.Random(seed)
    info = []
    for s in sources:
        text, enc = decode(s.read_bytes())
        region = source_region(s) or ""
        full = region
        short = short_name(region, table) if region else ""
        targets = [r for r in table if r[1] != full]
        rng.shuffle(targets)
        info.append((s, text, enc, full, short, targets))
    written, records = [], []
    for i in range(n):
        s, text, enc, full, short, targets = info[i % len(info)]
        code, new_full, new_short = targets[(i // len(info)) % len(targets)]
        factor = rng.uniform(0.55, 0.9) if rng.random() < 0.5 else rng.uniform(1.1, 1.75)
        body = swap_region(text, full, short, new_full, new_short) if full else text
        body = vary_document(body, factor, s.suffix.lower() in (".html", ".htm"))
        name = f"{i:04d}-{code}-{s.stem}{s.suffix.lower()}"
        (out / name).write_bytes(encode(body, enc))
        written.append(out / name)
        records.append({"file": name, "source": s.name, "source_region": full,
                        "region": new_full, "code": code, "encoding": enc,
                        "factor": round(factor, 6)})
    manifest.write_text(json.dumps({"key": key, "files": records}, ensure_ascii=False, indent=1)
                        + "\n", encoding="utf-8")
    return written


def read_text(path: Path) -> str:
    """The decoded text of a corpus file (what "characters" counts)."""
    return decode(path.read_bytes())[0]
