"""Stated input limit: a plan file over the limit (default 50 MB; ``PLANKG_MAX_BYTES`` or
``plankg --max-bytes``) is refused with E104 before any of it is read."""
from __future__ import annotations

import builtins

import pytest
from click.testing import CliRunner

from plankg.cli import main
from plankg.errors import InputError
from plankg.read.text import DEFAULT_MAX_BYTES, read_source


def _sparse(path, size: int):
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def test_default_limit_refuses_before_reading(tmp_path, monkeypatch):
    big = _sparse(tmp_path / "big.txt", DEFAULT_MAX_BYTES + 1)
    real_open = builtins.open

    def no_read(file, *a, **kw):
        assert str(file) != str(big), "the file was opened"
        return real_open(file, *a, **kw)

    monkeypatch.setattr(builtins, "open", no_read)
    with pytest.raises(InputError) as e:
        read_source(big)
    assert e.value.code == "E104" and f"{DEFAULT_MAX_BYTES + 1} bytes" in str(e.value)
    assert "PLANKG_MAX_BYTES" in str(e.value)


def test_limit_from_the_environment(tmp_path, monkeypatch):
    f = tmp_path / "plan.txt"
    f.write_text("第一章 总体要求\n推进托育服务。支持建设托育机构。\n", encoding="utf-8")
    monkeypatch.setenv("PLANKG_MAX_BYTES", "20")
    with pytest.raises(InputError) as e:
        read_source(f)
    assert e.value.code == "E104" and "the limit is 20" in str(e.value)
    monkeypatch.setenv("PLANKG_MAX_BYTES", "1k")
    assert read_source(f).text.startswith("第一章")


def test_cli_option_and_bad_value(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANKG_MAX_BYTES", "50M")  # so the option's change is undone after
    f = tmp_path / "plan.txt"
    f.write_text("第一章 总体要求\n推进托育服务。支持建设托育机构。\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["--max-bytes", "10", "parse", str(f), "--no-semantic"])
    assert r.exit_code == 1 and "E104" in r.output and str(f) in r.output
    assert "Traceback" not in r.output
    bad = CliRunner().invoke(main, ["--max-bytes", "lots", "parse", str(f)])
    assert bad.exit_code == 2 and "--max-bytes" in bad.output
