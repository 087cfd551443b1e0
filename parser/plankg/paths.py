"""Where things live by default, importable without the store's dependencies.

The repository's ``ontology/``, ``queries/`` and ``corpus/`` directories (each overridable
by an environment variable), the package's ``data/`` and the default store.

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


REPO = Path(__file__).resolve().parents[2]
DATA_DIR = Path(__file__).resolve().parent / "data"


def ontology_dir() -> Path:
    """``$PLANKG_ONTOLOGY`` if set, else the repository's ``ontology/`` directory."""
    env = os.environ.get("PLANKG_ONTOLOGY")
    return Path(env) if env else REPO / "ontology"


def queries_dir() -> Path:
    """``$PLANKG_QUERIES`` if set, else the repository's ``queries/`` directory."""
    env = os.environ.get("PLANKG_QUERIES")
    return Path(env) if env else REPO / "queries"


def corpus_dir() -> Path:
    """``$PLANKG_CORPUS`` if set, else the repository's ``corpus/`` directory."""
    env = os.environ.get("PLANKG_CORPUS")
    return Path(env) if env else REPO / "corpus"
