# Sportello: `make run` to try it, `make test` to check it.
VENV    ?= .venv
PYTHON  ?= python3
BIN      = $(VENV)/bin
HOST    ?= 127.0.0.1
PORT    ?= 5000
# The local SMTP sink of `make run`: what users would receive lands in instance/mail-sink/.
MAIL_SINK_PORT ?= 8025
export FLASK_APP = app

CATALOGS = app/translations $(wildcard app/*/translations) $(wildcard plugins/*/translations) \
           $(wildcard docs/examples/*/translations)

.PHONY: run install install-dev catalogs migrate demo test lint bench extract-messages clean system-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(MAKE) --no-print-directory catalogs

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev,pdf,postgres]"
	$(MAKE) --no-print-directory catalogs

catalogs:
	@for dir in $(CATALOGS); do $(BIN)/pybabel -q compile -d $$dir || exit 1; done

migrate:
	$(BIN)/flask db upgrade

demo:
	$(BIN)/flask sportello demo

run: install migrate demo
	@echo "E-mails go to a local sink: one line each below, saved in instance/mail-sink/*.eml"
	@$(BIN)/flask sportello mail-sink --port $(MAIL_SINK_PORT) & sink=$$!; \
	trap 'kill $$sink 2>/dev/null' EXIT INT TERM; \
	MAIL_SERVER=127.0.0.1 MAIL_PORT=$(MAIL_SINK_PORT) SPORTELLO_MAIL_BACKGROUND_SENDER=true \
	SPORTELLO_MAIL_SEND_INTERVAL=2 SPORTELLO_BASE_URL=http://$(HOST):$(PORT) \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# Browser tests drive Debian's Chromium through Playwright (never `playwright install`);
# WeasyPrint embeds subsets of fonts in PDFs with HarfBuzz's subsetter.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

system-packages:
	@missing=""; \
	test -x $(CHROMIUM) || missing="chromium"; \
	/sbin/ldconfig -p | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	test -z "$$missing" || { \
	  echo "Installing Debian's$$missing for the browser and PDF tests"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; }

test: install-dev system-packages
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .

bench: install-dev
	$(BIN)/python -m bench

# Refresh the catalog template and merge it into app/translations (maintainers).
extract-messages:
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -o app/translations/messages.pot app
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
