# The project's commands. `make serve` and `make test` bootstrap everything they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CLI := $(PY) -m clinic_directory
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PORT ?= 8000
N ?= 10000

.PHONY: serve html publish validate test test-fast golden lint bench screenshots messages translations translations-check messages-init clean install install-python

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

# Collect every string a visitor reads into the message catalogue's template
# (POT=<file> writes it elsewhere, as the test that it is current does).
POT ?= plugins/clinic_directory/locale/messages.pot
messages: install-python
	$(VENV)/bin/pybabel extract --mapping-file babel.cfg --add-location file --sort-output \
		--omit-header --keywords "N_ translate:2 translate_plural:2,3 t tn:1,2" \
		--add-comments TRANSLATORS: --ignore-dirs ".* ._ node_modules output* cache" \
		--output-file $(POT) .

# Bring every translation up to date with the catalogue's template (new messages
# untranslated, changed ones marked fuzzy), after `make messages`.
LOCALES := plugins/clinic_directory/locale
translations: messages
	$(VENV)/bin/pybabel update --input-file $(POT) --output-dir $(LOCALES) \
		--no-wrap --ignore-obsolete --ignore-pot-creation-date

# Count what each translation leaves untranslated or fuzzy (warnings), and fail on a
# translation whose placeholders differ from its message's (it would break a page).
translations-check: install-python
	$(PY) -m clinic_directory translations

# Start a new language: make messages-init LANG=fr, then add it to CLINIC_LANGUAGES.
messages-init: messages
	$(VENV)/bin/pybabel init --input-file $(POT) --output-dir $(LOCALES) --locale $(LANG) \
		--no-wrap

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
