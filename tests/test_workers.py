"""plankg.workers: the parsing pool forks its workers from a warm server where it can."""
import multiprocessing
import sys

import pytest

from plankg import workers


def _probe(_):
    warm = sys.modules.get("plankg.warm")
    return (warm is not None and warm.WARM, "plankg.nlp" in sys.modules)


def test_the_start_method_can_be_chosen_and_falls_back(monkeypatch):
    monkeypatch.setenv("PLANKG_START_METHOD", "spawn")
    assert workers.start_method() == "spawn"
    monkeypatch.setenv("PLANKG_START_METHOD", "no-such-method")
    expected = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    assert workers.start_method() == expected


@pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(),
                    reason="this platform has no forkserver start method (Windows)")
def test_forked_workers_start_with_the_pipeline_loaded(monkeypatch):
    monkeypatch.delenv("PLANKG_START_METHOD", raising=False)
    with workers.pool(2) as p:
        assert p.map(_probe, range(2)) == [(True, True), (True, True)]


def test_spawned_workers_load_nothing_in_advance(monkeypatch):
    monkeypatch.setenv("PLANKG_START_METHOD", "spawn")
    with workers.pool(1) as p:
        assert p.map(_probe, range(1)) == [(False, False)]


def test_warming_parses_the_built_in_text():
    from plankg import warm

    assert warm.warm() is True
