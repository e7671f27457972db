# The two commands of the README:  make demo  and  make test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test bench eval-extract docs system-packages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## demo: install, build the cache, validate the bundled graph and answer a few questions
demo: $(STAMP)
	$(BIN)/gsekg cache build
	$(BIN)/gsekg validate
	$(BIN)/gsekg stats
	$(BIN)/gsekg query editions
	$(BIN)/gsekg query founders-by-source
	$(BIN)/gsekg describe ASLECSO
	$(BIN)/gsekg why gse:gse2023 gso:theme
	$(BIN)/gsekg path NetDragon ALECSO
	$(BIN)/gsekg network central --by betweenness --top 5
	$(BIN)/gsekg search OER --limit 3

## test: install, lint, type-check and run the test suite
test: $(STAMP) system-packages
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/mypy
	$(BIN)/pytest -q

## bench: the speed and scale benchmark (see README)
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## docs: regenerate docs/model.svg and docs/ontology/ from ontology/ (tests check they are fresh)
docs: $(STAMP) system-packages
	$(BIN)/gsekg ontology picture -o docs/model.svg
	$(BIN)/gsekg ontology docs -o docs/ontology

## system-packages: the Debian packages the tests use, installed when missing:
## Graphviz (the model picture), Chromium (the site's browser test), Virtuoso (a second SPARQL server)
system-packages:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v virtuoso-t >/dev/null 2>&1 || missing="$$missing virtuoso-opensource"; \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "Installing Debian packages:$$missing"; \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q $$missing; \
	fi

## eval-extract: leave-one-out precision and recall of `gsekg extract` (fails below the floors)
eval-extract: $(STAMP)
	$(BIN)/python tools/eval_extract.py $(EVAL_ARGS)

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
