# DCR Portal. `make run` serves the portal with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test test-fast e2e install browser messages stop bench lint clean help prod-check access-report check-security screenshots a11y

help:
	@echo "make run     - start the portal with demo data on http://127.0.0.1:8000"
	@echo "make test    - run the whole test suite"
	@echo "make stop    - stop the embedded PostgreSQL and Redis"
	@echo "make bench   - run the benchmarks under bench/"
	@echo "make lint    - bandit and pip-audit"
	@echo "make access-report   - every URL x every role, as a table"
	@echo "make check-security  - access matrix, fault and bad-input tests, scanners, summary"
	@echo "make a11y            - the accessibility sweep, every page as every role that may open it"
	@echo "make screenshots     - every page of the access matrix at 390 px and 1280 px, in screenshots/sweep/"

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	@# The project folder on the venv's path (as an editable install would): pytest loads the
	@# test setup plugin (tests/services_plugin.py) before it reads any conftest.
	$(PY) -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "dcr_portal_project.pth").write_text(str(pathlib.Path.cwd()) + "\n")'
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium; install it where it is missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ; } || \
	  echo "Chromium is not installed and could not be; the browser tests will be skipped."

# Translations (.po) are compiled to .mo here; msgfmt comes from GNU gettext.
messages: $(STAMP)
	@command -v msgfmt >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null) ; } || \
	  echo "msgfmt (GNU gettext) is missing: pages will show in English only."
	@if [ -d locale ] && command -v msgfmt >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi

run: $(STAMP) messages
	$(PY) -m devtools.run

# The suite runs on every core (pytest-xdist); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
test: $(STAMP) browser messages
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not a11y" $(PYTEST_ARGS)

test-fast: $(STAMP) messages
	$(VENV)/bin/pytest -m "not e2e and not integration" $(PYTEST_ARGS)

e2e: $(STAMP) browser messages
	$(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

# The accessibility sweep, every page as every role that opens it: about 8 minutes on two cores, so
# it runs beside the suite (make test leaves it out; CI runs both).
a11y: $(STAMP) browser messages
	DCR_SWEEP_EVERY_ROLE=1 $(VENV)/bin/pytest tests/e2e/test_axe_sweep.py -m a11y -n $(PYTEST_WORKERS) -q $(PYTEST_ARGS)

# The accessibility sweep (tests/e2e/test_axe_sweep.py), saving every page it opens, for every role
# that opens it, at 390 px and 1280 px into screenshots/sweep/ (git-ignored; synthetic data only).
screenshots: $(STAMP) browser messages
	rm -rf screenshots/sweep
	DCR_SWEEP_EVERY_ROLE=1 DCR_SWEEP_SCREENSHOTS=$(CURDIR)/screenshots/sweep $(VENV)/bin/pytest tests/e2e/test_axe_sweep.py -n 2 -q $(PYTEST_ARGS)

stop: $(STAMP)
	$(PY) -m devtools.embedded stop

clean:
	rm -rf $(VENV) staticfiles

# Production settings with throwaway secrets: check --deploy, migrate --check, gunicorn answers /readyz.
prod-check: $(STAMP)
	$(PY) -m devtools.prod_check

# Security scanners: bandit over our code (pyproject.toml), pip-audit over the pins.
lint: $(STAMP)
	$(PY) -m tests.security.scan

# Every URL x every role, printed as a table (tests/security/expected.py declares the answers).
access-report: $(STAMP)
	-$(VENV)/bin/pytest tests/security/test_access_matrix.py -q -p no:warnings
	$(PY) -m tests.security.report

# The access matrix, the fault / concurrency / bad-input tests and the scanners, then a summary.
check-security: $(STAMP)
	$(PY) -m tests.security.check

# Every hot path on gunicorn with the production settings, as ratios to a floor page; seeds
# production-scale data first. Point DATABASE_URL at a database of its own (README: "Reading the benchmark").
bench: $(STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)
