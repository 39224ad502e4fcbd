# The two entry points the README opens with. Each makes its own virtual environment.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Errors only: the install is not what `make run` is about (pip still prints every error).
PIP := $(BIN)/pip --quiet --quiet --disable-pip-version-check

.PHONY: run test lint bench clean

$(BIN)/graf: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e '.[test]'
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
