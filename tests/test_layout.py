"""The package is laid out as the pipeline runs: read → structure → semantic → graph → store.

Walks every module's imports with ``ast`` (top-level and function-level alike, since a
late import is still a dependency) and fails on an import circle between modules or on
an import against the pipeline order. The order is the README's "How the code is laid
out"; change both together.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "parser" / "plankg"

# rank of each stage; a module may import modules of its own rank or lower
BASE = {"plankg", "plankg.model", "plankg.errors", "plankg.offsets", "plankg.paths"}
RANKS = {
    "read": 1,
    "structure": 2,
    "semantic": 3,
    "pipeline": 4,   # parse = read → structure → semantic; graph and store take its Plan
    "graph": 5,
    "store": 6,
    "warm": 7, "cli": 7, "fastpath": 7,
    "workbench": 7,  # compare, export, report, notebook API over the store
    "remote": 7,     # push to / query a SPARQL server (httpx)
    "diff": 7,       # meaning-level diff of two plans (pipeline or store)
    "endpoint": 7,   # plankg serve: the live SPARQL endpoint over store snapshots
}


def rank(module: str) -> int:
    if module in BASE:
        return 0
    first = module.split(".")[1]
    return RANKS[first]


def modules() -> dict[str, Path]:
    out = {}
    for f in PKG.rglob("*.py"):
        rel = f.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = f
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The plankg modules ``name`` imports (``from pkg import mod`` counts as mod)."""
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod
                       for a in node.names]
        else:
            continue
        for t in targets:
            if t.startswith("plankg"):
                while t not in known and "." in t:
                    t = t.rpartition(".")[0]
                if t in known and t != name:
                    found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def test_every_module_has_a_stage():
    unplaced = [m for m in modules() if m not in BASE and m.split(".")[1] not in RANKS]
    assert not unplaced, f"modules outside the pipeline layout: {unplaced}"


def test_no_import_against_the_pipeline_order():
    bad = [f"{m} (rank {rank(m)}) imports {d} (rank {rank(d)})"
           for m, deps in graph().items() for d in deps
           if rank(d) > rank(m) and not d.startswith(m + ".")]
    assert not bad, "\n".join(bad)


def test_no_import_circle():
    g = graph()
    # a package imports its own modules only through its __init__, which has none here
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(g.get(m, ())):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(g):
        if m not in state:
            visit(m)
    assert not cycles, "import circles:\n" + "\n".join(" → ".join(c) for c in cycles)


@pytest.mark.parametrize("package", sorted(k for k in RANKS if (PKG / k).is_dir()))
def test_each_stage_package_says_what_it_takes_and_hands_on(package):
    doc = ast.get_docstring(ast.parse((PKG / package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "→" in doc, f"{package}/__init__.py needs a docstring: what it takes → what it hands on"


def test_the_checker_sees_a_circle_and_a_backward_import(tmp_path):
    """The walker itself: a late import inside a function counts."""
    pkg = tmp_path / "plankg"
    (pkg / "structure").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "structure" / "__init__.py").write_text("")
    (pkg / "structure" / "a.py").write_text("def f():\n    from plankg.semantic import b\n")
    known = {"plankg", "plankg.structure", "plankg.structure.a", "plankg.semantic", "plankg.semantic.b"}
    deps = imports_of("plankg.structure.a", pkg / "structure" / "a.py", known)
    assert deps == {"plankg.semantic.b"}
    assert rank("plankg.semantic.b") > rank("plankg.structure.a")
