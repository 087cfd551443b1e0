#!/usr/bin/env python3
"""plankg benchmarks (issue #5): medians, each as a ratio to a baseline measured in the same run.

    python bench/run.py            # full: 5 runs, 1,000-plan store rebuilt, ~50 MB file
    python bench/run.py --quick    # 1-2 runs, 200 plans, no big file, cached 1,000-plan store only

Writes ``bench/results.md`` (the previous one moves to ``bench/results.prev.md`` and is
shown in a "previous" column). Scratch data lives in ``bench/work/`` (not in git).
See bench/README.md for what each line measures.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
RESULTS = BENCH / "results.md"
PREVIOUS = BENCH / "results.prev.md"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import gencorpus  # noqa: E402
from measure import Child, median, run_child  # noqa: E402
from report import Row, line, read_previous, table  # noqa: E402

MB = 1024 * 1024
SLOW_BUILD_S = 30.0     # a build slower than this gets 3 runs (--jobs 2: 2)
SLOW_LOAD_S = 10.0      # a store load slower than this gets 3 runs
QUERY_FAST_S = 0.25     # a query whose warm-up is slower gets the runs that fit in ...
QUERY_BUDGET_S = 4.0    # ... this many seconds (at least 1)
# the simple heading regex of the structure-parse baseline
HEADING_RX = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[篇章节]|[一二三四五六七八九十]+、|"
    r"[（(][一二三四五六七八九十]+[）)]|专栏\s*\d|表\s*\d)")
# the floor for query latency: one indexed lookup per plan graph
FLOOR_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?plan { ?plan a pk:Plan } }"
CONTRACT_QUERIES = ("chapters", "sections", "measures", "columns", "projects",
                    "project_quantities", "indicators", "service_items", "aligned_indicators",
                    "responsibilities")


def _spin(n: int) -> float:
    """A fixed pure-Python CPU load (top level, so a worker process can run it)."""
    t0 = time.perf_counter()
    x = 0
    for i in range(n):
        x += i
    return time.perf_counter() - t0


def two_core_scaling(n: int = 8_000_000, runs: int = 3) -> tuple[float, float]:
    """(median speed-up of the same CPU load run twice in two processes at once over
    twice in one, median single-load seconds): what this machine can give --jobs 2."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    ups, singles = [], []
    with ctx.Pool(2) as pool:
        pool.map(_spin, [1000, 1000])  # workers started
        for _ in range(runs):
            one = _spin(n)
            t0 = time.perf_counter()
            pool.map(_spin, [n, n], chunksize=1)
            two = time.perf_counter() - t0
            ups.append(2 * one / two)
            singles.append(one)
    return median(ups), median(singles)


def code_key() -> str:
    """A hash of what a build and its measurement depend on: parser/plankg (code and
    data), ontology/ and bench/measure.py (how time and memory are taken)."""
    import hashlib

    h = hashlib.sha256()
    roots = [REPO / "parser" / "plankg", REPO / "ontology", REPO / "bench" / "measure.py"]
    for root in roots:
        for f in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc":
                h.update(str(f.relative_to(REPO)).encode("utf-8"))
                h.update(f.read_bytes())
    return h.hexdigest()


def run_retry(argv: list[str], **kw) -> Child:
    """run_child, once more if the child died of a signal this script did not send."""
    c = run_child(argv, **kw)
    if c.rc < 0 and not c.timed_out:
        say(f"  ({Path(argv[0]).name} {argv[1] if len(argv) > 1 else ''} died of signal "
            f"{-c.rc}, not ours; running it again)")
        c = run_child(argv, **kw)
    return c


def say(msg: str) -> None:
    print(msg, flush=True)


def goal_status(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.a = args
        self.rows: list[Row] = []
        self.runs = args.runs or (2 if args.quick else 5)
        self.cold_runs = max(7, args.cold_runs or (7 if args.quick else 11))
        self.query_runs = max(5, args.query_runs or (5 if args.quick else 7))
        # runs for measurements far off their goal (see SLOW_*), fewer in --quick
        self.slow_runs = 1 if args.quick else 3
        self.query_budget = QUERY_BUDGET_S / 2 if args.quick else QUERY_BUDGET_S
        bindir = Path(sys.executable).parent
        exe = bindir / "plankg"
        self.plankg = str(exe) if exe.is_file() else (shutil.which("plankg") or "plankg")
        self.python = sys.executable
        self.info: dict[str, str] = {}
        self.t_start = time.perf_counter()

    # --- bookkeeping --------------------------------------------------------------------

    def add(self, r: Row) -> Row:
        self.rows.append(r)
        say(line(r))
        return r

    def error(self, label: str, e: BaseException | str) -> None:
        msg = e if isinstance(e, str) else f"{type(e).__name__}: {e}"
        msg = " ".join(str(msg).split())[:200]
        self.add(Row(label, None, "", status="ERROR", note=f"({msg})"))
        if isinstance(e, BaseException) and os.environ.get("BENCH_DEBUG"):
            traceback.print_exc()

    def wanted(self, section: str) -> bool:
        return not self.a.only or section in self.a.only

    def env(self, corpus: Path) -> dict:
        env = dict(os.environ)
        env["PLANKG_CORPUS"] = str(corpus)
        env.pop("PLANKG_STORE", None)
        env.setdefault("PYTHONHASHSEED", "0")
        return env

    # --- corpus -------------------------------------------------------------------------

    def corpus(self, n: int, name: str, *, allow_build: bool = True) -> list[Path] | None:
        out = WORK / name
        if not allow_build:
            key = gencorpus.corpus_key(n, self.a.seed, gencorpus.source_files())
            try:
                man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            if man.get("key") != key:
                return None
        t0 = time.perf_counter()
        files = gencorpus.make_corpus(out, n, seed=self.a.seed, rebuild=self.a.rebuild)
        chars = sum(len(gencorpus.read_text(f)) for f in files)
        nbytes = sum(f.stat().st_size for f in files)
        say(f"corpus {name}: {len(files)} plans, {chars:,} chars, {nbytes / MB:.1f} MB "
            f"({time.perf_counter() - t0:.1f} s)")
        self.info[f"corpus_{n}"] = f"{len(files)} plans, {chars:,} characters, {nbytes / MB:.1f} MB"
        return files

    # --- 1. build vs jieba --------------------------------------------------------------

    def build_runs(self, corpus: Path, store: Path, runs: int, jobs: int, tag: str, *,
                   slow_runs: int | None = None, timeout: float | None = None):
        """``runs`` builds into a fresh ``store``; ``slow_runs`` when the first takes > 30 s."""
        results = []
        i = 0
        while i < runs:
            if store.exists():
                shutil.rmtree(store)
            argv = [self.plankg, "build", "--store", str(store)]
            if jobs:  # 0: the default (one worker per core)
                argv += ["--jobs", str(jobs)]
            c = run_retry(argv, env=self.env(corpus), cwd=REPO, log=WORK / f"log-build-{tag}.txt",
                          timeout=timeout)
            if c.timed_out:
                raise RuntimeError(f"plankg build killed after {timeout:.0f} s "
                                   f"(peak {c.maxrss_mb:,.0f} MB)")
            if c.rc != 0:
                raise RuntimeError(f"plankg build exited {c.rc}: {c.tail(2)}")
            results.append(c)
            if i == 0 and slow_runs is not None and c.wall > SLOW_BUILD_S:
                runs = min(runs, slow_runs)
            i += 1
        return results

    def section_build(self, files: list[Path]) -> None:
        corpus = files[0].parent
        texts = [gencorpus.read_text(f) for f in files]
        chars = sum(map(len, texts))
        self.chars200 = chars
        big = "".join(texts)
        # baseline: jieba.lcut over the same text, dictionary loaded first
        try:
            import logging

            import jieba
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            jt = []
            for _ in range(self.runs):
                t0 = time.perf_counter()
                jieba.lcut(big)
                jt.append(time.perf_counter() - t0)
            self.jieba_rate = chars / median(jt)
        except Exception as e:  # noqa: BLE001
            self.jieba_rate = None
            say(f"jieba baseline failed: {e}")
        del big
        store = WORK / "store-200"
        self.build1 = None
        try:
            res = self.build_runs(corpus, store, self.runs, 0, "200",
                                  slow_runs=min(self.slow_runs, self.runs))
            self.build_default = median([c.wall for c in res])
            rate = chars / self.build_default
            ratio = rate / self.jieba_rate if self.jieba_rate else None
            self.add(Row(f"plankg build, {len(files)} plans (end to end)", rate, "kchar/s",
                         self.jieba_rate, "jieba.lcut", ratio=ratio, goal="≥ 1× (stretch 2×)",
                         status=goal_status(None if ratio is None else ratio >= 1)
                         + (" (stretch ✓)" if ratio and ratio >= 2 else ""), runs=len(res),
                         note=f"({self.build_default:.2f} s; default --jobs, nproc {os.cpu_count()})"))
            self.mem200 = median([c.maxrss_mb for c in res])
            self.add(Row(f"peak memory, plankg build {len(files)} plans", self.mem200, "MB",
                         self.corpus_mb(files), "input size", "MB",
                         ratio=self.mem200 / self.corpus_mb(files), runs=len(res),
                         note=f"(all processes of the build together, PSS; the main process alone "
                              f"{median([c.main_mb for c in res]):,.0f} MB)"))
        except Exception as e:  # noqa: BLE001
            self.error(f"plankg build, {len(files)} plans (end to end)", e)
        # --jobs 2 over --jobs 1, next to what the machine itself gives two processes
        label = "plankg build --jobs 2 speed-up over --jobs 1"
        try:
            up, single = two_core_scaling(runs=self.runs)
            self.add(Row("machine: the same pure-Python load in 2 processes at once, speed-up",
                         up, "×", status="info", runs=self.runs,
                         note=f"(one load {single:.2f} s; 2.00× = two full cores)"))
        except Exception as e:  # noqa: BLE001
            self.error("machine: two-process scaling", e)
        if self.supports_jobs():
            try:
                res1 = self.build_runs(corpus, WORK / "store-200-j1", self.runs, 1, "200-j1",
                                       slow_runs=min(self.slow_runs, self.runs))
                self.build1 = median([c.wall for c in res1])
            except Exception as e:  # noqa: BLE001
                self.error("plankg build --jobs 1", e)
            finally:
                shutil.rmtree(WORK / "store-200-j1", ignore_errors=True)
        if not self.supports_jobs():
            self.add(Row(label, None, "", goal="≥ 1.6×", status="n/a",
                         note="(build has no --jobs)"))
        elif self.build1 is None:
            self.add(Row(label, None, "", goal="≥ 1.6×", status="n/a",
                         note="(no --jobs 1 time)"))
        elif self.a.quick and self.build1 > SLOW_BUILD_S:
            self.add(Row(label, None, "", goal="≥ 1.6×", status="skipped",
                         note=f"(--quick and a {self.build1:.0f} s build)"))
        else:
            try:
                jruns = self.runs if not self.a.quick else 1
                res = self.build_runs(corpus, WORK / "store-200-j2", jruns, 2, "200-j2",
                                      slow_runs=min(2, jruns))
                t2 = median([c.wall for c in res])
                sp = self.build1 / t2
                self.add(Row(label, t2, "s", self.build1, "--jobs 1", ratio=sp,
                             status="info", runs=len(res),  # goal retired by issue #12
                             note=f"(nproc {os.cpu_count()})"))
            except Exception as e:  # noqa: BLE001
                self.error(label, e)
            finally:
                shutil.rmtree(WORK / "store-200-j2", ignore_errors=True)

    def supports_jobs(self) -> bool:
        try:
            out = subprocess.run([self.plankg, "build", "--help"], capture_output=True,
                                 text=True, encoding="utf-8", timeout=60, cwd=REPO).stdout
        except (OSError, subprocess.SubprocessError):
            return False
        return "--jobs" in out

    @staticmethod
    def corpus_mb(files: list[Path]) -> float:
        return sum(f.stat().st_size for f in files) / MB

    # --- 2. structure parse vs regex pass -----------------------------------------------

    def section_structure(self, files: list[Path]) -> None:
        label = f"structure parse (parse_file semantic=False), {len(files)} plans"
        try:
            from plankg.pipeline import parse_file
        except Exception as e:  # noqa: BLE001
            self.error(label, e)
            return
        import gc

        chars = sum(len(gencorpus.read_text(f)) for f in files)

        def regex_pass() -> int:
            hits = 0
            for f in files:
                text = gencorpus.decode(f.read_bytes())[0]
                for ln in text.splitlines():
                    if HEADING_RX.match(ln):
                        hits += 1
            return hits

        # the regex pass is short: repeat it within a run so each timing lasts >= 0.3 s
        t0 = time.perf_counter()
        regex_pass()
        reps = max(1, int(0.3 / max(time.perf_counter() - t0, 1e-6)) + 1)
        rx_times, parse_times = [], []
        for _ in range(self.runs):
            gc.collect()
            t0 = time.perf_counter()
            for _ in range(reps):
                regex_pass()
            rx_times.append((time.perf_counter() - t0) / reps)
            gc.collect()
            t0 = time.perf_counter()
            for f in files:
                parse_file(f, semantic=False)
            parse_times.append(time.perf_counter() - t0)
        rate = chars / median(parse_times)
        base = chars / median(rx_times)
        ratio = rate / base
        self.add(Row(label, rate, "kchar/s", base, "regex line pass", ratio=ratio,
                     status="info", runs=self.runs))  # goal retired by issue #12

    # --- 2b. PDF reading vs poppler's pdftotext -------------------------------------------

    def section_pdf(self, min_pages: int = 120) -> None:
        """Read a long PDF (``read_source``: text in reading order, furniture dropped, ruled
        tables as cells) against poppler's ``pdftotext`` on the same file, pages/s.

        Two files of 100+ pages, both cached in bench/work: the test plan of
        tests/docmaker.py repeated by reportlab (its CID font STSong-Light is not
        embedded, so PDFium substitutes a font on every page), and — where LibreOffice is
        installed — fixtures/c_hangzhou.html repeated and printed by LibreOffice with
        embedded fonts, as published plans are."""
        pdftotext = shutil.which("pdftotext")
        try:
            sys.path.insert(0, str(REPO / "tests"))
            import docmaker
            import pypdfium2 as pdfium
            from plankg.read.text import read_source
        except Exception as e:  # noqa: BLE001
            self.error("PDF read (read_source)", e)
            return

        def reportlab_pdf() -> Path:
            pdf = WORK / f"long-reportlab-{min_pages}.pdf"
            if not pdf.is_file() or self.a.rebuild:
                pdf.write_bytes(docmaker.long_pdf(min_pages))
            return pdf

        def libreoffice_pdf() -> Path | None:
            soffice = shutil.which("soffice")
            if soffice is None:
                return None
            pdf = WORK / f"long-libreoffice-{min_pages}.pdf"
            if pdf.is_file() and not self.a.rebuild:
                return pdf
            src = (REPO / "tests" / "fixtures" / "c_hangzhou.html").read_text(encoding="utf-8")
            i = src.index(">", src.index("<body")) + 1
            j = src.index("</body>")
            html = WORK / pdf.with_suffix(".html").name
            html.write_text(src[:j] + src[i:j] * (min_pages // 3 + 2) + src[j:], encoding="utf-8")
            subprocess.run([soffice, f"-env:UserInstallation=file://{WORK}/soffice-profile",
                            "--headless", "--convert-to", "pdf:writer_web_pdf_Export",
                            "--outdir", str(WORK), str(html)],
                           check=True, capture_output=True, timeout=600)
            return pdf

        for what, make in (("reportlab, font not embedded", reportlab_pdf),
                           ("LibreOffice, fonts embedded", libreoffice_pdf)):
            label = f"PDF read (read_source), {what}"
            if pdftotext is None:
                self.add(Row(label, None, "pages/s", goal="≥ 0.5×", status="skipped",
                             note="(pdftotext not installed: apt-get install poppler-utils)"))
                continue
            try:
                pdf = make()
            except Exception as e:  # noqa: BLE001
                self.error(label, e)
                continue
            if pdf is None:
                self.add(Row(label, None, "pages/s", goal="≥ 0.5×", status="skipped",
                             note="(LibreOffice not installed)"))
                continue
            doc = pdfium.PdfDocument(str(pdf))
            pages = len(doc)
            doc.close()
            label = f"PDF read (read_source), {pages} pages, {what}"
            ours, theirs = [], []
            read_source(pdf)          # warm: the reader modules imported once
            for _ in range(self.runs):
                t0 = time.perf_counter()
                read_source(pdf)
                ours.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                subprocess.run([pdftotext, "-q", "-enc", "UTF-8", str(pdf), os.devnull], check=True)
                theirs.append(time.perf_counter() - t0)
            rate, base = pages / median(ours), pages / median(theirs)
            self.add(Row(label, rate, "pages/s", base, "pdftotext (poppler)", "pages/s",
                         ratio=rate / base, goal="≥ 0.5×", status=goal_status(rate / base >= 0.5),
                         runs=self.runs))

    # --- 3. triples/s: load_plans vs bulk_extend -----------------------------------------

    def section_load(self, files: list[Path]) -> None:
        k = self.a.load_plans if self.a.load_plans > 0 else len(files)
        label = f"store load (Store.load_plans, on disk), {min(k, len(files))} plans"
        try:
            import pyoxigraph

            from plankg.graph.rdf import plan_nquads, plan_quads
            from plankg.pipeline import parse_file
            from plankg.store.embedded import Store
        except Exception as e:  # noqa: BLE001
            self.error(label, e)
            return
        try:
            chars = sum(len(gencorpus.read_text(f)) for f in files)
            t0 = time.perf_counter()
            plans = [parse_file(f) for f in files]
            t_parse = time.perf_counter() - t0
            self.add(Row(f"full parse in-process (parse_file), {len(files)} plans",
                         chars / t_parse, "kchar/s", status="info", runs=1,
                         note=f"({t_parse:.2f} s, incl. jieba dictionary load)"))
            gq = []
            texts: list = []
            for _ in range(self.runs):
                t0 = time.perf_counter()
                texts = [plan_nquads(p) for p in plans]
                gq.append(time.perf_counter() - t0)
            n = sum(t.count(b"\n") for t in texts)
            self.add(Row(f"graph building alone (plan_nquads, N-Quads text), {len(files)} plans",
                         n / median(gq), "ktriples/s", status="info", runs=self.runs,
                         note=f"({n:,} quads)"))
            qpc = n / chars
            self.add(Row(f"graph size: quads per source character, {len(files)} plans", qpc,
                         "quads/char", goal="≤ 0.20", status=goal_status(qpc <= 0.20), runs=1,
                         note=f"({n:,} quads for {chars:,} characters)"))
            plans = plans[:k]
            quads = [q for p in plans for q in plan_quads(p)]
            blob = b"".join(texts[:k])
            n = len(quads)
            lt, bt, wt = [], [], []
            written = 0
            i = 0

            def into_fresh_store(tag: str, write) -> float:
                d = WORK / f"{tag}-{i}"
                shutil.rmtree(d, ignore_errors=True)
                t0 = time.perf_counter()
                write(d)
                took = time.perf_counter() - t0
                shutil.rmtree(d, ignore_errors=True)
                return took

            def plankg_load(d: Path) -> None:
                nonlocal written
                with Store(d) as st:
                    written = st.load_plans(plans)

            def bulk_extend(d: Path) -> None:
                s = pyoxigraph.Store(str(d))
                s.bulk_extend(quads)
                s.flush()

            def build_write(d: Path) -> None:  # what plankg build does with the text
                s = pyoxigraph.Store(str(d))
                s.bulk_load(blob, format=pyoxigraph.RdfFormat.N_QUADS, lenient=True)
                s.flush()

            runs = self.runs
            while i < runs:
                lt.append(into_fresh_store("load", plankg_load))
                bt.append(into_fresh_store("bulk", bulk_extend))
                wt.append(into_fresh_store("build-write", build_write))
                if i == 0 and lt[0] > SLOW_LOAD_S:
                    runs = min(runs, self.slow_runs)
                i += 1
            base = n / median(bt)
            rate = n / median(wt)
            self.add(Row(f"store write of plankg build (bulk_load of plan N-Quads, lenient, on disk), "
                         f"{min(k, len(files))} plans", rate, "ktriples/s", base,
                         "pyoxigraph bulk_extend", ratio=rate / base, status="info", runs=len(wt),
                         note=f"({n:,} quads, {median(wt):.2f} s; one loader thread)"))
            rate = written / median(lt)
            self.add(Row(label, rate, "ktriples/s", base, "pyoxigraph bulk_extend",
                         ratio=rate / base, status="info", runs=len(lt),
                         note=f"({written:,} quads, {median(lt):.2f} s incl. plan_nquads; "
                              f"one transaction per plan: plankg load)"))
        except Exception as e:  # noqa: BLE001
            self.error(label, e)

    # --- 3b. issue #12: plankg load end to end, one plan, incremental build ----------------

    def jieba_baseline(self, text: str) -> float:
        """jieba.lcut characters/s over ``text``, dictionary loaded first."""
        import logging

        import jieba
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        jt = []
        for _ in range(self.runs):
            t0 = time.perf_counter()
            jieba.lcut(text)
            jt.append(time.perf_counter() - t0)
        return len(text) / median(jt)

    def section_load_cli(self, files: list[Path]) -> None:
        """``plankg load`` from the shell: 40 plans (chars/s against jieba) and one plan
        (wall clock), each into a fresh store."""
        label40 = "plankg load, 40 plans (end to end, one transaction per plan)"
        label1 = "plankg load, 1 plan (wall clock from the shell)"
        try:
            some = files[:40]
            text = "".join(gencorpus.read_text(f) for f in some)
            base = self.jieba_baseline(text)
            walls = []
            for i in range(self.runs):
                d = WORK / "store-load40"
                shutil.rmtree(d, ignore_errors=True)
                c = run_retry([self.plankg, "load", *map(str, some), "--store", str(d)],
                              cwd=REPO, log=WORK / "log-load40.txt")
                if c.rc != 0:
                    raise RuntimeError(f"plankg load exited {c.rc}: {c.tail(2)}")
                walls.append(c.wall)
            shutil.rmtree(WORK / "store-load40", ignore_errors=True)
            rate = len(text) / median(walls)
            self.add(Row(label40, rate, "kchar/s", base, "jieba.lcut", ratio=rate / base,
                         goal="≥ 0.5×", status=goal_status(rate / base >= 0.5), runs=len(walls),
                         note=f"({median(walls):.2f} s for {len(text):,} characters)"))
        except Exception as e:  # noqa: BLE001
            self.error(label40, e)
        try:
            walls = []
            for i in range(max(self.runs, 3)):
                d = WORK / "store-load1"
                shutil.rmtree(d, ignore_errors=True)
                c = run_retry([self.plankg, "load", str(files[i % len(files)]), "--store", str(d)],
                              cwd=REPO, log=WORK / "log-load1.txt")
                if c.rc != 0:
                    raise RuntimeError(f"plankg load exited {c.rc}: {c.tail(2)}")
                walls.append(c.wall)
            shutil.rmtree(WORK / "store-load1", ignore_errors=True)
            m = median(walls)
            self.add(Row(label1, m, "s", goal="≤ 1.0 s", status=goal_status(m <= 1.0),
                         runs=len(walls), note="(fresh store each run; includes jieba's "
                                               "dictionary load the links need)"))
        except Exception as e:  # noqa: BLE001
            self.error(label1, e)

    def section_incremental(self, store_big: Path) -> None:
        """``plankg build`` after one plan of the big corpus changed (and after none), on a
        copy of the big store and corpus; a first build brings the copy up to date."""
        label = f"plankg build after 1 of {self.a.plans} plans changed (incremental)"
        corpus = WORK / "corpus-inc"
        store = WORK / "store-inc"
        try:
            shutil.rmtree(corpus, ignore_errors=True)
            shutil.rmtree(store, ignore_errors=True)
            shutil.copytree(WORK / f"corpus-{self.a.plans}", corpus)
            shutil.copytree(store_big, store)
            env = self.env(corpus)
            argv = [self.plankg, "build", "--store", str(store)]
            c = run_retry(argv, env=env, cwd=REPO, log=WORK / "log-build-inc.txt",
                          timeout=self.a.build_timeout)
            if c.rc != 0:
                raise RuntimeError(f"plankg build exited {c.rc}: {c.tail(2)}")
            plan = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")[0]
            changed, same = [], []
            for i in range(max(self.runs, 3)):
                with plan.open("a", encoding=gencorpus.decode(plan.read_bytes())[1].replace("-sig", "")) as f:
                    f.write(f"\n附：第{i + 1}次修改。\n")
                c = run_retry(argv, env=env, cwd=REPO, log=WORK / "log-build-inc.txt")
                if c.rc != 0:
                    raise RuntimeError(f"plankg build exited {c.rc}: {c.tail(2)}")
                changed.append(c.wall)
                c = run_retry(argv, env=env, cwd=REPO, log=WORK / "log-build-inc.txt")
                same.append(c.wall)
            m = median(changed)
            self.add(Row(label, m, "s", goal="≤ 3 s", status=goal_status(m <= 3.0),
                         runs=len(changed), note="(re-parses only the edited file)"))
            self.add(Row(f"plankg build, nothing changed, {self.a.plans} plans", median(same),
                         "s", status="info", runs=len(same),
                         note="(hashes every file, parses none)"))
        except Exception as e:  # noqa: BLE001
            self.error(label, e)
        finally:
            shutil.rmtree(corpus, ignore_errors=True)
            shutil.rmtree(store, ignore_errors=True)

    # --- 4. cold start -------------------------------------------------------------------

    def section_cold(self, store: Path) -> None:
        cmds = {"python -c pass": [self.python, "-c", "pass"],
                "plankg --help": [self.plankg, "--help"],
                "plankg query chapters": [self.plankg, "query", "chapters", "--store", str(store)],
                "plankg query chapters --no-cache": [self.plankg, "query", "chapters", "--store",
                                                     str(store), "--no-cache"]}
        if not (store / "CURRENT").is_file():
            cmds.pop("plankg query chapters")
            cmds.pop("plankg query chapters --no-cache")
            self.add(Row("cold start: plankg query chapters", None, "ms", status="n/a",
                         note="(no 200-plan store)"))
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for i in range(self.cold_runs + 1):  # the first round warms the page cache
            for k, argv in cmds.items():
                c = run_child(argv, cwd=REPO)
                if c.rc != 0:
                    self.error(f"cold start: {k}", f"exit {c.rc}")
                    return
                if i:
                    times[k].append(c.wall)
        base = median(times["python -c pass"])
        self.add(Row("cold start: python -c pass", base, "ms", status="info",
                     runs=self.cold_runs))
        for k in cmds:
            if k == "python -c pass":
                continue
            v = median(times[k])
            note = {"plankg query chapters": "(result cache: the warm-up round filled it)",
                    "plankg query chapters --no-cache": "(evaluated by Oxigraph every run)"}
            evaluated = k.endswith("--no-cache")
            self.add(Row(f"cold start: {k}", v, "ms", base, "python -c pass", ratio=v / base,
                         goal="" if evaluated else "≤ 150 ms",
                         status="info" if evaluated else goal_status(v <= 0.150),
                         runs=self.cold_runs, note=note.get(k, "")))

    # --- 5. query latency ---------------------------------------------------------------

    def query_files(self) -> list[Path]:
        return sorted((REPO / "queries").glob("*.rq"))

    def served(self, store_dir: Path) -> dict[str, tuple[float, int, int, bool]]:
        """Contract query → (median seconds, rows, runs, False) through
        ``plankg.store.queries.execute`` (what ``plankg query NAME --format csv`` runs): the
        warm-up evaluates and fills the store's result cache, the runs are served."""
        from plankg.store import cache
        from plankg.store.queries import execute

        cache.clear(store_dir)
        out = {}
        for name, sparql in self.query_texts:
            if name not in CONTRACT_QUERIES:
                continue
            text = execute(sparql, "csv", store_dir)
            ts = []
            for _ in range(self.query_runs):
                t0 = time.perf_counter()
                again = execute(sparql, "csv", store_dir)
                ts.append(time.perf_counter() - t0)
                if again != text:
                    raise RuntimeError(f"{name}: cached result differs from the evaluated one")
            out[name] = (median(ts), text.count("\n") - 1, len(ts), False)
        return out

    def latencies(self, store_dir: Path) -> dict[str, tuple[float, int, int, bool]]:
        """name → (median seconds, rows, runs, cold), evaluated by Oxigraph in-process on
        a read-only store (no result cache).

        ``cold``: the warm-up took over QUERY_BUDGET_S, so it is the only run."""
        from plankg.store.embedded import Store

        out = {}
        st = Store(store_dir, read_only=True)
        try:
            for name, sparql in self.query_texts:
                def once() -> tuple[float, int]:
                    t0 = time.perf_counter()
                    rows = 0
                    for sol in st.query(sparql):
                        tuple(sol)
                        rows += 1
                    return time.perf_counter() - t0, rows
                warm, rows = once()
                runs = self.query_runs
                if warm > self.query_budget:  # hundreds of times off the goal: one run is enough
                    out[name] = (warm, rows, 1, True)
                    continue
                if warm > QUERY_FAST_S:  # far off the goal: the runs that fit in the budget
                    runs = max(1, min(runs, int(self.query_budget / warm)))
                ts = [once()[0] for _ in range(runs)]
                out[name] = (median(ts), rows, runs, False)
        finally:
            st.close()
            del st
        return out

    def section_queries(self, store200: Path, store1000: Path | None, n_big: int) -> None:
        # one snapshot of the query texts for both stores (queries/ may change meanwhile)
        self.query_texts = [("(floor) COUNT plans", FLOOR_QUERY)]
        self.query_texts += [(f.stem, f.read_text(encoding="utf-8")) for f in self.query_files()]
        try:
            lat200 = self.latencies(store200) if (store200 / "CURRENT").is_file() else {}
        except Exception as e:  # noqa: BLE001
            self.error("query latency @200", e)
            lat200 = {}
        try:
            lat1000 = self.latencies(store1000) if store1000 else {}
        except Exception as e:  # noqa: BLE001
            self.error(f"query latency @{n_big}", e)
            lat1000 = {}
        try:
            served1000 = self.served(store1000) if store1000 else {}
        except Exception as e:  # noqa: BLE001
            self.error(f"query served @{n_big}", e)
            served1000 = {}
        floor = lat200.get("(floor) COUNT plans", (None, 0, 0))[0]
        names = [name for name, _ in self.query_texts[1:]]
        for name in ["(floor) COUNT plans"] + names:
            extra = "" if name in CONTRACT_QUERIES or name.startswith("(") else " (research)"
            if name in lat200:
                v, rows, runs, cold = lat200[name]
                is_floor = name.startswith("(")
                self.add(Row(f"query {name}{extra} @200", v, "ms",
                             None if is_floor else floor, "" if is_floor else "floor",
                             ratio=None if is_floor or not floor else v / floor,
                             status="info", runs=runs,
                             note=f"({rows:,} rows{'; one run, no warm-up' if cold else ''})"))
        for name in ["(floor) COUNT plans"] + names:
            extra = "" if name in CONTRACT_QUERIES or name.startswith("(") else " (research)"
            if name in lat1000:
                v, rows, runs, cold = lat1000[name]
                b = lat200.get(name, (None,))[0]
                is_floor = name.startswith("(")
                contract = name in CONTRACT_QUERIES
                self.add(Row(f"query {name}{extra} @{n_big}, evaluated", v, "ms", b, "@200",
                             ratio=v / b if b else None, goal="≤ 1 s" if contract else "",
                             status=goal_status(v <= 1.0) if contract else "info", runs=runs,
                             note=f"({rows:,} rows{'; one run, no warm-up' if cold else ''})"))
        contract_lat = [lat1000[n][0] for n in CONTRACT_QUERIES if n in lat1000]
        if contract_lat:
            m = median(contract_lat)
            self.add(Row(f"contract queries @{n_big}, evaluated: median of the {len(contract_lat)}",
                         m, "ms", goal="≤ 300 ms", status=goal_status(m <= 0.3),
                         runs=len(contract_lat),
                         note=f"(slowest {max(contract_lat) * 1e3:,.0f} ms)"))
        for name in names:
            if name in served1000:
                v, rows, runs, _ = served1000[name]
                b = lat1000.get(name, (None,))[0]
                self.add(Row(f"query {name} @{n_big}, plankg query (result cache)", v, "ms", b,
                             "evaluated", ratio=v / b if b else None, goal="≤ 20 ms",
                             status=goal_status(v <= 0.020), runs=runs,
                             note=f"({rows:,} rows as CSV; warm-up evaluated and cached it)"))
        if not lat1000:
            self.add(Row(f"query latency @{n_big}", None, "ms", goal="≤ 20 ms", status="skipped",
                         note="(no cached 1,000-plan store; run full mode once)"
                         if self.a.quick else "(no store)"))

    # --- 6. the big corpus and the big file ----------------------------------------------

    def section_big_corpus(self, n: int) -> Path | None:
        """The n-plan store for query latency, and its build's time and peak memory.

        The build is cached: it is redone (full mode only) when the corpus, the code that
        writes the store (parser/plankg, ontology/) or --rebuild say so; otherwise the
        numbers of the cached build are shown again, marked as such.
        """
        store = WORK / f"store-{n}"
        stamp_path = WORK / f"store-{n}.json"
        label = f"peak memory, plankg build {n} plans"
        build_label = f"plankg build, {n} plans (end to end)"
        files = self.corpus(n, f"corpus-{n}", allow_build=not self.a.quick)
        if files is None:
            self.add(Row(label, None, "MB", goal="≤ 1 GB", status="skipped",
                         note="(--quick and no cached corpus)"))
            return None
        key = json.loads((files[0].parent / "manifest.json").read_text(encoding="utf-8"))["key"]
        code = code_key()
        try:
            stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stamp = {}
        have = (store / "CURRENT").is_file() and stamp.get("key") == key
        fresh = have and stamp.get("code") == code and not self.a.rebuild
        chars = sum(len(gencorpus.read_text(f)) for f in files)
        in_mb = self.corpus_mb(files)
        if not fresh and not self.a.quick:
            try:
                shutil.rmtree(store, ignore_errors=True)
                stamp_path.unlink(missing_ok=True)
                # default --jobs, as users run it: the memory goal is about that build
                c = self.build_runs(files[0].parent, store, 1, 0, str(n),
                                    timeout=self.a.build_timeout)[0]
                stamp = {"key": key, "code": code, "wall": c.wall, "maxrss_mb": c.maxrss_mb,
                         "built": _dt.datetime.now().isoformat(timespec="seconds"),
                         "commit": self.info.get("commit", "")}
                stamp_path.write_text(json.dumps(stamp) + "\n", encoding="utf-8")
                have = fresh = True
                note = ""
            except Exception as e:  # noqa: BLE001
                self.error(label, e)
                return None
        elif fresh:
            note = f" cached build of {stamp.get('built', '?')}, same code"
        elif have:  # --quick with a store built by other code
            self.add(Row(label, None, "MB", goal="≤ 1 GB", status="skipped",
                         note=f"(--quick; cached store of {stamp.get('built', '?')} is from "
                              "older code, latencies below use it)"))
            return store
        else:
            self.add(Row(label, None, "MB", goal="≤ 1 GB", status="skipped",
                         note="(--quick and no cached store)"))
            return None
        wall, rss = stamp["wall"], stamp["maxrss_mb"]
        jr = getattr(self, "jieba_rate", None)
        self.add(Row(build_label, chars / wall, "kchar/s", jr, "jieba.lcut",
                     ratio=(chars / wall) / jr if jr else None, status="info", runs=1,
                     note=f"({wall:.1f} s{';' + note if note else ''})"))
        self.add(Row(label, rss, "MB", in_mb, "input size", "MB", ratio=rss / in_mb,
                     goal="≤ 1 GB", status=goal_status(rss <= 1024), runs=1,
                     note="(all processes of the build together, PSS"
                          + (f";{note})" if note else ")")))
        return store

    def section_big_file(self) -> None:
        src = REPO / "corpus" / "sichuan-2021-public-services.txt"
        if not src.is_file():
            src = gencorpus.source_files()[0]
        target = self.a.big_mb * MB
        path = WORK / f"big-{self.a.big_mb}mb{src.suffix}"
        data = src.read_bytes()
        reps = max(1, -(-target // (len(data) + 1)))
        if not path.is_file() or path.stat().st_size != reps * (len(data) + 1) - 1:
            path.write_bytes(b"\n".join([data] * reps))
        size = path.stat().st_size / MB
        for semantic in (True, False):
            label = f"plankg parse of a {size:.0f} MB file" + ("" if semantic else " --no-semantic")
            # the file is a little over the default input limit (50 MB): raise it
            argv = [self.plankg, "--max-bytes", str(2 * target), "parse", str(path), "-o",
                    os.devnull]
            if not semantic:
                argv.insert(4, "--no-semantic")
            c = run_retry(argv, cwd=REPO, log=WORK / "log-big.txt", timeout=self.a.big_timeout)
            if c.timed_out:
                self.add(Row(f"peak memory, {label}", c.maxrss_mb, "MB", size, "input size", "MB",
                             ratio=c.maxrss_mb / size, status="info", runs=1,
                             note=f"(killed after {self.a.big_timeout:.0f} s, unfinished)"))
            elif c.rc != 0:
                self.error(f"peak memory, {label}", f"exit {c.rc}: {c.tail(1)}")
            else:
                self.add(Row(f"peak memory, {label}", c.maxrss_mb, "MB", size, "input size", "MB",
                             ratio=c.maxrss_mb / size, status="info", runs=1,
                             note=f"({c.wall:.1f} s)"))

    # --- the run -------------------------------------------------------------------------

    def machine(self) -> None:
        def git(*a: str) -> str:
            try:
                return subprocess.run(["git", *a], capture_output=True, text=True, cwd=REPO,
                                      timeout=30).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                return ""
        commit = git("rev-parse", "--short", "HEAD")
        if git("status", "--porcelain", "--untracked-files=no", "--", "parser", "queries"):
            commit += " + uncommitted parser/queries changes"
        elif git("status", "--porcelain", "--", "parser", "queries"):
            commit += " + untracked parser files"
        self.info["commit"] = commit
        cpu = ""
        try:
            for ln in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
                if ln.startswith("model name"):
                    cpu = ln.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        mem = ""
        try:
            for ln in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
                if ln.startswith("MemTotal"):
                    mem = f"{int(ln.split()[1]) / 1024 / 1024:.1f} GiB"
        except OSError:
            pass
        try:
            nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
        except OSError:
            nproc = str(os.cpu_count())
        vers = []
        for mod in ("pyoxigraph", "jieba", "spacy"):
            try:
                from importlib.metadata import version
                vers.append(f"{mod} {version(mod)}")
            except Exception:  # noqa: BLE001
                pass
        self.info.update(nproc=nproc, cpu=cpu, mem=mem, python=platform.python_version(),
                         platform=platform.platform(), versions=", ".join(vers))

    def run(self) -> int:
        WORK.mkdir(parents=True, exist_ok=True)
        self.machine()
        mode = "quick" if self.a.quick else "full"
        say(f"plankg bench ({mode}): {self.runs} runs, commit {self.info['commit']}, "
            f"nproc {self.info['nproc']}, Python {self.info['python']}")
        files = self.corpus(self.a.base_plans, "corpus")
        store200 = WORK / "store-200"
        if self.wanted("build"):
            self.section_build(files)
        if self.wanted("structure"):
            self.section_structure(files)
        if self.wanted("load"):
            self.section_load(files)
        if self.wanted("cold"):
            self.section_cold(store200)
        if self.wanted("lean"):
            self.section_load_cli(files)
        store_big = None
        if self.wanted("big") or self.wanted("queries") or self.wanted("lean"):
            store_big = self.section_big_corpus(self.a.plans)
        if self.wanted("lean") and store_big is not None:
            self.section_incremental(store_big)
        if self.wanted("queries"):
            self.section_queries(store200, store_big, self.a.plans)
        if self.wanted("pdf"):
            self.section_pdf()
        if self.wanted("bigfile") and self.a.big and not self.a.quick:
            self.section_big_file()
        elif self.wanted("bigfile"):
            self.add(Row(f"peak memory, plankg parse of a {self.a.big_mb} MB file", None, "MB",
                         status="skipped", note="(--quick / --no-big)"))
        elapsed = time.perf_counter() - self.t_start
        start_commit = self.info["commit"]
        self.machine()
        if self.info["commit"] != start_commit:
            self.info["commit"] = (f"{start_commit} at the start, {self.info['commit']} at the "
                                   "end (the code changed during the run)")
        self.write(mode, elapsed)
        fails = [r.label for r in self.rows if r.status.startswith("FAIL")]
        say(f"done in {elapsed / 60:.1f} min; {len(fails)} goal(s) failed")
        return 0

    def write(self, mode: str, elapsed: float) -> None:
        partial = bool(self.a.only)
        out = WORK / "results-partial.md" if partial else RESULTS
        prev_path = out if out.is_file() else None
        prev = read_previous(prev_path) if prev_path else {}
        if not partial and RESULTS.is_file():
            shutil.move(RESULTS, PREVIOUS)
        i = self.info
        fails = [r for r in self.rows if r.status.startswith("FAIL")]
        errors = [r for r in self.rows if r.status == "ERROR"]
        head = [
            "# plankg benchmark results",
            "",
            f"- date: {_dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
            f"- mode: {mode} ({self.runs} runs per median, fewer for measurements far off "
            f"their goal: see the runs column; cold start {self.cold_runs} runs after a "
            f"warm-up round; queries up to {self.query_runs} runs after one warm-up), "
            f"took {elapsed / 60:.1f} min",
            f"- git commit: {i.get('commit', '?')}",
            f"- machine: nproc {i.get('nproc')}, {i.get('cpu') or '?'}, {i.get('mem') or '?'} RAM, "
            f"{i.get('platform')}",
            f"- python {i.get('python')}; {i.get('versions')}",
        ]
        for k in sorted(i):
            if k.startswith("corpus_"):
                head.append(f"- corpus of {k[7:]}: {i[k]} (seed {self.a.seed})")
        head += ["", "Medians; ratio = median ÷ baseline measured in the same run "
                 "(for latencies and memory lower is better). "
                 "See bench/README.md for what each line measures.", ""]
        body = table(self.rows, prev if prev else None)
        tail = ["", f"Goals failed ({len(fails)}): "
                + (", ".join(r.label for r in fails) if fails else "none")]
        if errors:
            tail.append(f"Errors ({len(errors)}): " + ", ".join(f"{r.label} {r.note}" for r in errors))
        out.write_text("\n".join(head) + "\n" + body + "\n".join(tail) + "\n", encoding="utf-8")
        say(f"wrote {out.relative_to(REPO)}" + ("" if partial or not PREVIOUS.is_file()
                                                   else f" (previous: {PREVIOUS.relative_to(REPO)})"))
        say("")
        say(body)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="bench/run.py",
        description="plankg benchmarks against baselines measured in the same run "
                    "(writes bench/results.md).")
    ap.add_argument("--quick", action="store_true",
                    help="1-2 runs, 200 plans, no big file, the 1,000-plan store only if cached")
    ap.add_argument("--runs", type=int, help="runs per median (default 5; 2 with --quick)")
    ap.add_argument("--cold-runs", type=int, help="cold-start runs (>= 7)")
    ap.add_argument("--query-runs", type=int, help="runs per query after a warm-up (>= 5)")
    ap.add_argument("--plans", type=int, default=1000,
                    help="plans in the large corpus for query latency and memory (default 1000)")
    ap.add_argument("--base-plans", type=int, default=200,
                    help="plans in the main corpus (default 200)")
    ap.add_argument("--rebuild", action="store_true", help="regenerate the cached corpora")
    ap.add_argument("--seed", type=int, default=20210, help="corpus seed (default 20210)")
    big = ap.add_mutually_exclusive_group()
    big.add_argument("--big", dest="big", action="store_true", default=True,
                     help="parse a ~50 MB plan file (default in full mode)")
    big.add_argument("--no-big", dest="big", action="store_false", help="skip the big file")
    ap.add_argument("--big-mb", type=int, default=50, help="size of the big file (default 50)")
    ap.add_argument("--big-timeout", type=float, default=120.0,
                    help="kill the big-file parse after this many seconds (default 120)")
    ap.add_argument("--build-timeout", type=float, default=1800.0,
                    help="kill the large-corpus build after this many seconds (default 1800)")
    ap.add_argument("--load-plans", type=int, default=50,
                    help="plans for the store-load rate (default 50; 0 = all)")
    ap.add_argument("--only", type=lambda s: set(s.split(",")),
                    help="comma-separated sections: build,structure,load,cold,lean,big,queries,pdf,bigfile "
                         "(results go to bench/work/results-partial.md)")
    a = ap.parse_args(argv)
    if a.base_plans < 1 or a.plans < 1:
        ap.error("--plans and --base-plans must be positive")
    return a


def main(argv: list[str] | None = None) -> int:
    return Bench(parse_args(argv)).run()


if __name__ == "__main__":
    sys.exit(main())
