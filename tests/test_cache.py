"""The query result cache: served while the store is unchanged, never after a write."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import sample_plan

from plankg.store import cache
from plankg.cli import main
from plankg.store.queries import execute, resolve
from plankg.store.embedded import Store

CHAPTERS = resolve("chapters")[1]


@pytest.fixture
def store_dir(tmp_path) -> Path:
    d = tmp_path / "store"
    with Store(d) as st:
        st.load_plans([sample_plan("p1", "四川省", "510000")], ontology=True)
    return d


def _entries(d: Path) -> list[Path]:
    return sorted(p for p in (d / cache.CACHE_DIRNAME).rglob("*") if p.is_file())


def test_second_run_is_served_from_the_cache(store_dir):
    first = execute(CHAPTERS, "csv", store_dir)
    (entry,) = _entries(store_dir)
    assert entry.read_text(encoding="utf-8") == first
    # prove the second answer comes from the file: doctor it
    entry.write_text("doctored\n", encoding="utf-8")
    assert execute(CHAPTERS, "csv", store_dir) == "doctored\n"
    assert execute(CHAPTERS, "csv", store_dir, use_cache=False) == first


def test_formats_are_cached_apart(store_dir):
    csv_text = execute(CHAPTERS, "csv", store_dir)
    json_text = execute(CHAPTERS, "json", store_dir)
    assert csv_text != json_text and len(_entries(store_dir)) == 2


def test_a_write_makes_every_cached_result_stale(store_dir):
    before = execute(CHAPTERS, "csv", store_dir)
    old_state = cache.fingerprint(store_dir)
    with Store(store_dir) as st:
        st.load_plans([sample_plan("p2", "甘肃省", "620000")])
    assert cache.fingerprint(store_dir) != old_state
    after = execute(CHAPTERS, "csv", store_dir)
    assert "甘肃省" in after and "甘肃省" not in before
    # the older state's directory went when the new result was saved
    states = [p.name for p in (store_dir / cache.CACHE_DIRNAME).iterdir()]
    assert states == [cache.fingerprint(store_dir)]


def test_a_read_only_open_leaves_the_fingerprint_alone(store_dir):
    state = cache.fingerprint(store_dir)
    with Store(store_dir, read_only=True) as st:
        list(st.query("SELECT * { GRAPH ?g { ?s ?p ?o } } LIMIT 3"))
    assert cache.fingerprint(store_dir) == state


def test_large_results_are_not_kept(store_dir, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", 10)
    execute(CHAPTERS, "csv", store_dir)
    assert _entries(store_dir) == []


def test_no_store_no_cache(tmp_path):
    assert cache.fingerprint(tmp_path / "nothing") is None
    assert cache.save(tmp_path / "nothing", None, "SELECT 1", "csv", "x") is False


def test_cli_no_cache_flag_and_load_invalidation(store_dir, tmp_path):
    runner = CliRunner()
    args = ["query", "chapters", "--store", str(store_dir), "--format", "csv"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    (entry,) = _entries(store_dir)
    entry.write_text("doctored\n", encoding="utf-8")
    assert runner.invoke(main, args).output == "doctored\n"
    assert runner.invoke(main, args + ["--no-cache"]).output == first.output
    # plankg load writes the store: the doctored entry is never served again
    plan_file = tmp_path / "plan.txt"
    plan_file.write_text("第一章 总体要求\n推进托育服务。支持建设托育机构。\n", encoding="utf-8")
    loaded = runner.invoke(main, ["load", str(plan_file), "--store", str(store_dir)])
    assert loaded.exit_code == 0, loaded.output
    again = runner.invoke(main, args).output
    assert again != "doctored\n" and "总体要求" in again


def _entry_point(args: list[str], store_dir: Path, **env: str):
    """Run the installed entry point (plankg.fastpath:main) in a fresh interpreter."""
    import os
    import subprocess
    import sys

    code = ("import sys; from plankg.fastpath import main; sys.argv = ['plankg'] + "
            f"{args!r}; rc = main(); "
            "print('\\n@@', sorted(m for m in ('click', 'pyoxigraph', 'spacy', 'jieba') "
            "if m in sys.modules), file=sys.stderr); sys.exit(rc)")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, **env), timeout=120)


def test_entry_point_answers_a_cached_query_without_click(store_dir):
    evaluated = execute(CHAPTERS, "csv", store_dir)  # fills the cache
    for args in (["query", "chapters", "--store", str(store_dir), "--format", "csv"],
                 ["query", "chapters", f"--store={store_dir}", "--format=csv"]):
        out = _entry_point(args, store_dir)
        assert out.returncode == 0, out.stderr
        assert out.stdout == evaluated
        assert "@@ []" in out.stderr  # neither click nor the store library was imported


def test_entry_point_hands_anything_else_to_the_cli(store_dir):
    csv_text = execute(CHAPTERS, "csv", store_dir)
    # a miss (json was never asked): the CLI evaluates, and its answer is the same
    out = _entry_point(["query", "chapters", "--store", str(store_dir), "--format", "json"],
                       store_dir)
    assert out.returncode == 0 and out.stdout == execute(CHAPTERS, "json", store_dir)
    # an option the fast path does not know: the CLI runs it (evaluates, same rows)
    out = _entry_point(["query", "chapters", "--store", str(store_dir), "--format", "csv",
                        "--no-cache"], store_dir)
    assert out.returncode == 0 and out.stdout == csv_text
    # an unknown query: the CLI's one-line error and exit status
    out = _entry_point(["query", "no_such_query", "--store", str(store_dir)], store_dir)
    assert out.returncode == 1 and "E400" in out.stderr and "Traceback" not in out.stderr


def test_entry_point_uses_plankg_store_like_the_cli(store_dir):
    evaluated = execute(CHAPTERS, "table", store_dir)
    out = _entry_point(["query", "chapters"], store_dir, PLANKG_STORE=str(store_dir))
    assert out.returncode == 0 and out.stdout == evaluated
    assert "@@ []" in out.stderr
