"""The query result cache: served while the store is unchanged, never after a write."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import sample_plan

from plankg import cache
from plankg.cli import main
from plankg.queries import execute, resolve
from plankg.store import Store

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
