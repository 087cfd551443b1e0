"""Where things live by default, importable without the store's dependencies.

>>> default_store_path().name == DEFAULT_STORE_DIR or "PLANKG_STORE" in os.environ
True
"""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_STORE_DIR = ".plankg-store"


def default_store_path() -> Path:
    """``$PLANKG_STORE`` if set, else ``./.plankg-store``."""
    env = os.environ.get("PLANKG_STORE")
    return Path(env) if env else Path.cwd() / DEFAULT_STORE_DIR
