# The service's entry points. `make run` and `make test` are the two README commands.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Processes, each serving THREADS requests at a time (gthread): a checkout's lookup is answered
# while long uploads take some of the threads (3 sync workers let 3 uploads hold every reader).
WORKERS ?= 3
THREADS ?= 4
# Seconds a worker may go without answering gunicorn's arbiter before it is replaced (its
# default is 30). A gthread worker answers while its threads work, so this does not cut a long
# request short: the largest upload UPLOAD_MAX_BYTES allows, 10 MB of one-column BINs (about
# 1.36 million), takes about 70 s on PostgreSQL on a 2-core machine and finishes. It is kept
# high so that a worker busy in C code (a large JSON answer) is not taken for a hung one.
# Slow clients uploading belong behind a buffering proxy.
TIMEOUT ?= 180
# The access log leaves out query strings: a BIN lookup carries card-number digits.
# No control socket: gunicorn would open one at the same path (~/.gunicorn/gunicorn.ctl) for
# every instance a user starts, so two services on one machine would take over each other's.
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
		--worker-class gthread --threads $(THREADS) --timeout $(TIMEOUT) --no-control-socket \
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
