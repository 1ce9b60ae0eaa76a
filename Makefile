# newskit: `make run` and `make test` work from a clean clone with only Python 3.10+ installed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= ../shared/data
STAMP  := $(VENV)/.installed

.PHONY: install run test lint bench eval clean

install: $(STAMP)

# compileall: bytecode written as a regular (non-editable) install writes it, so that
# start-up does not compile the sources where PYTHONDONTWRITEBYTECODE=1 is set.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,scale]'
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/newskit stats corpus/

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

bench: $(STAMP)
	$(BIN)/python -m compileall -q src
	$(BIN)/python benchmarks/run.py --data $(DATA)

eval: $(STAMP)
	$(BIN)/python benchmarks/evaluate.py --data $(DATA)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache
	find src tests benchmarks -name __pycache__ -prune -exec rm -rf {} +
