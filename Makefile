# The service's entry points. `make run` and `make test` are the two README commands.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
# The access log leaves out query strings: a BIN lookup carries card-number digits.
ACCESS_LOG_FORMAT := %(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms

.PHONY: run serve test lint bench-upload bench-lookup clean

## Set up everything on a fresh machine (venv, install, migrate, demo data, admin) and serve.
run: $(VENV)/.runtime .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_demo_data
	$(PY) manage.py ensure_admin --url http://$(HOST):$(PORT)
	@echo "Serving on http://$(HOST):$(PORT)/ (admin at /admin/, API at /api/v1/, docs at /api/docs/)"
	$(VENV)/bin/gunicorn omnitron.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --access-logformat '$(ACCESS_LOG_FORMAT)'

## Run the whole test suite (on SQLite, or on the database DATABASE_URL names).
test: $(VENV)/.dev
	$(VENV)/bin/pytest -n auto

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench-upload: $(VENV)/.dev
	$(PY) bench/bin_upload.py

bench-lookup: $(VENV)/.dev
	$(PY) bench/bin_lookup.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

.env: | $(VENV)/.runtime
	$(PY) scripts/write_env.py .env

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
