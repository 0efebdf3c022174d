# The project's commands. `make serve` and `make test` bootstrap everything they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CLI := $(PY) -m clinic_directory
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PORT ?= 8000
N ?= 10000

.PHONY: serve html publish validate test test-fast golden lint bench screenshots clean install install-python

# Build the sample site, serve it on http://localhost:$(PORT) and rebuild on changes.
serve: install
	$(CLI) serve --port $(PORT)

# Build once into output/, as `pelican` does (exits non-zero, leaving output/ untouched,
# on any invalid record).
html: install
	$(CLI) build -s pelicanconf.py

# The public build: real clinics only, absolute URLs (set SITEURL, sub-path allowed).
publish: install
	$(CLI) build -s publishconf.py

# Checking records needs only the Python side, not the site's front-end packages.
validate: install-python
	$(CLI) validate --cache cache/clinic-directory

# The whole test suite, browser tests included.
test: install
	$(PY) -m pytest; status=$$?; if [ $$status -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$status

# Everything but the browser tests.
test-fast: install
	$(PY) -m pytest -m "not browser"; status=$$?; if [ $$status -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$status

# Approve a change to the fixture site's output (then review `git diff tests/golden`).
golden: install
	PYTHONPATH=tests $(PY) tests/test_golden.py

lint: install
	$(VENV)/bin/ruff check plugins tests bench scripts pelicanconf.py publishconf.py
	$(VENV)/bin/ruff format --check plugins tests bench scripts pelicanconf.py publishconf.py

bench: install
	$(PY) bench/bench.py --n $(N)

# Phone and desktop screenshots of every page type and the finder's tasks, into screenshots/.
screenshots: install
	$(PY) scripts/screenshots.py --out screenshots

install: $(STAMP) $(NODE_STAMP)

install-python: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf output output.building output.previous cache/clinic-directory
