# The two entry points the README opens with. Each makes its own virtual environment.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/graf: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/graf

# The main job on the built-in example: render every environment, then validate it. No Grafana needed.
run: $(BIN)/graf
	$(BIN)/graf build
	$(BIN)/graf validate

test: $(BIN)/graf
	$(BIN)/ruff check graf tests bench
	$(BIN)/pytest

bench: $(BIN)/graf
	for f in bench/[!_]*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build .pytest_cache
