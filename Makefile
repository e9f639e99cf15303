# One place for the commands README.md gives. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format bench clean

# torch first, pinned to the local CPU wheel: installed after sentence-transformers
# it would be resolved from the index and pull gigabytes of CUDA packages.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/explorer serve

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check explorer tests bench streamlit_app.py
	$(BIN)/ruff format --check explorer tests bench streamlit_app.py

format: install
	$(BIN)/ruff format explorer tests bench streamlit_app.py
	$(BIN)/ruff check --fix explorer tests bench streamlit_app.py

clean:
	rm -rf $(VENV) embeddings/manifest.json embeddings/gen-* .pytest_cache
