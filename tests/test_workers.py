"""plankg.store.workers: the parsing pool forks its workers from a warm server where it can."""
import multiprocessing
import sys

import pytest

from plankg.store import workers


def _probe(_):
    warm = sys.modules.get("plankg.warm")
    return (warm is not None and warm.WARM, "plankg.semantic.nlp" in sys.modules)


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


def _where(_):
    import os
    return os.environ.get("PLANKG_TEST_MARK"), os.getcwd()


def test_workers_see_the_callers_environment_and_directory_of_now(tmp_path, monkeypatch):
    """A forked worker inherits the server's start-up state; it must adopt the caller's."""
    monkeypatch.delenv("PLANKG_START_METHOD", raising=False)
    with workers.pool(1) as p:  # the server (if any) is running from here on
        p.map(_where, range(1))
    monkeypatch.setenv("PLANKG_TEST_MARK", "later")
    monkeypatch.chdir(tmp_path)
    with workers.pool(2) as p:
        assert set(p.map(_where, range(2))) == {("later", str(tmp_path))}


def test_the_server_preloads_no_plankg_data():
    """Data files may change while a server lives: workers must load them themselves."""
    import subprocess
    code = ("import sys; import plankg.warm as w; "
            "from plankg.semantic import nlp, datafiles; from plankg.structure import patterns; "
            "print(w.WARM, nlp.get_nlp.cache_info().currsize, nlp.jieba_module.cache_info().currsize, "
            "datafiles.topics.cache_info().currsize, patterns.structure.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "0", "0", "0", "0"]
