# Quick start: `make run` then `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench bytecode lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## build the sample corpus into the embedded store, print a summary and a sample query
run: $(STAMP) bytecode
	$(BIN)/plankg build
	$(BIN)/plankg query indicators --format table

## the whole test suite (unit, golden, query, CLI, doctests)
test: $(STAMP)
	$(BIN)/python -m pytest

## benchmarks against baselines measured in the same run (writes bench/results.md)
bench: $(STAMP) bytecode
	$(BIN)/python bench/run.py

## an editable install is not byte-compiled by pip (and PYTHONDONTWRITEBYTECODE may be
## set): compile once so every plankg start does not recompile its modules
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q parser/plankg

clean:
	rm -rf $(VENV) .plankg-store bench/work
