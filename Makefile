# Quick start: `make run` then `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench fuzz bytecode lint clean

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

## property-based fuzzing of the parser: 10,000 mutated inputs (tests/test_fuzz.py); a
## failing input is moved to tests/fixtures/odd/fuzz-<hash>.<ext>, where the suite keeps it
FUZZ_WORK := bench/work/fuzz
fuzz: $(STAMP)
	rm -rf $(FUZZ_WORK) && mkdir -p $(FUZZ_WORK)
	PLANKG_FUZZ_PROFILE=fuzz PLANKG_FUZZ_FOUND=$(FUZZ_WORK)/found \
	PLANKG_FUZZ_REPORT=$(FUZZ_WORK)/report.txt \
	$(BIN)/python -m pytest -p no:cacheprovider tests/test_fuzz.py \
	  -k test_mutated_inputs --hypothesis-show-statistics; rc=$$?; \
	for f in $(FUZZ_WORK)/found/found.*; do [ -e "$$f" ] || continue; \
	  case "$$f" in *.how) continue;; esac; \
	  h=$$(sha256sum "$$f" | cut -c1-12); ext=$${f##*.}; \
	  mv "$$f" tests/fixtures/odd/fuzz-$$h.$$ext; \
	  mv $(FUZZ_WORK)/found/found.how tests/fixtures/odd/fuzz-$$h.how; \
	  echo "found: tests/fixtures/odd/fuzz-$$h.$$ext ($$(cat tests/fixtures/odd/fuzz-$$h.how))"; done; \
	cat $(FUZZ_WORK)/report.txt 2>/dev/null; exit $$rc

## an editable install is not byte-compiled by pip (and PYTHONDONTWRITEBYTECODE may be
## set): compile once so every plankg start does not recompile its modules
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q parser/plankg

clean:
	rm -rf $(VENV) .plankg-store bench/work
