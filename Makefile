# Bürgertelefon assistant — run `make help` for the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      ?= .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
MODEL     := models/buergertelefon.tar.gz
CONFIG    ?= config.yml
HOST      ?= 127.0.0.1
RASA_PORT ?= 5005
ACTION_PORT ?= 5055
WEB_PORT  ?= 8080
CONSOLE_PORT ?= 8090
# Prometheus metrics of each process on 127.0.0.1 (bot/metrics.py; 0 = off).
RASA_METRICS_PORT ?= 9105
ACTION_METRICS_PORT ?= 9106
CONSOLE_METRICS_PORT ?= 9107
# Rasa as the browser reaches it (socket.io); its origin must be allowed in credentials.yml.
WEBCHAT_SERVER_URL ?= http://127.0.0.1:$(RASA_PORT)
WEBCHAT   := channels/webchat
TRAIN_DATA := data/nlu data/stories data/rules
# Phone channel (AudioCodes VoiceAI Connect): enabled when AUDIOCODES_TOKEN is set, by
# adding credentials.audiocodes.yml (the token stays in the environment).
CREDENTIALS := $(if $(AUDIOCODES_TOKEN),var/credentials.yml,credentials.yml)
TRAIN_INPUTS := $(wildcard data/nlu/*.yml data/stories/*.yml data/rules/*.yml) domain.yml $(CONFIG) \
	$(wildcard bot/nlu/*.py bot/nlu/*.yml)

export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export PYTHONHASHSEED ?= 0

.PHONY: help install webchat train knowledge run run-production shell lint test test-unit validate test-stories bench bench-voice bench-handoff bench-capacity bench-profile clean

help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml scripts/find-python310.sh
	@py=$$(scripts/find-python310.sh) && echo "using $$py" && \
	  { [ -x $(PY) ] || $$py -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip 'setuptools<70' wheel
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

build/spacy-de-lookups/meta.json: $(VENV)/.installed
	$(PY) -m bot build-spacy --out build/spacy-de-lookups

$(WEBCHAT)/node_modules/.package-lock.json: $(WEBCHAT)/package.json $(WEBCHAT)/package-lock.json
	cd $(WEBCHAT) && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

$(WEBCHAT)/dist/webchat.js: $(WEBCHAT)/node_modules/.package-lock.json $(WEBCHAT)/build.mjs $(wildcard $(WEBCHAT)/src/*)
	cd $(WEBCHAT) && node build.mjs

webchat: $(WEBCHAT)/dist/webchat.js ## Build the web-chat widget (npm ci: socket.io client, axe-core, rasa-webchat)

install: $(VENV)/.installed build/spacy-de-lookups/meta.json $(WEBCHAT)/dist/webchat.js ## Create .venv with pinned dependencies (incl. Playwright), the offline spaCy pipeline and the web chat

# A stamp, not var/knowledge.db itself: `python -m bot db upgrade` (or a test) can create that
# file with empty tables, newer than the YAML, and make would never load it.
var/.knowledge-loaded: $(wildcard data/knowledge/*.yml) $(VENV)/.installed $(if $(wildcard var/knowledge.db),,FORCE)
	umask 077 && mkdir -p var && $(PY) -m bot load-knowledge && touch $@

knowledge: var/.knowledge-loaded ## Validate data/knowledge/*.yml and load it into the knowledge base (SQLite default)

$(MODEL): $(TRAIN_INPUTS) | install
	$(RASA) train --config $(CONFIG) --domain domain.yml --data $(TRAIN_DATA) \
	  --out models --fixed-model-name buergertelefon

train: install $(MODEL) ## Train the model if the data, domain or config changed

var/credentials.yml: credentials.yml credentials.audiocodes.yml
	@mkdir -p var
	cat $^ > $@

run: install knowledge train $(if $(AUDIOCODES_TOKEN),var/credentials.yml) ## Start the action server (:5055), Rasa with REST + socket.io (:5005), the web-chat demo page (:8080) and the staff console (:8090)
	@umask 077 && mkdir -p var && $(PY) -m bot secrets init
	@umask 077; $(PY) -m bot db upgrade
	@umask 077; $(PY) -m bot console dev-user --host $(HOST) 2>/dev/null || echo "Staff console in production mode: create users with $(PY) -m bot console create-user"
	@echo "Rasa REST: http://$(HOST):$(RASA_PORT)/webhooks/rest/webhook  (Ctrl-C stops all)"
	@echo "Rasa HTTP API: token in var/secrets/rasa-auth-token (send it as 'Authorization: Bearer …')"
	@umask 077; $(if $(AUDIOCODES_TOKEN),echo "Phone (AudioCodes Bot API): http://$(HOST):$(RASA_PORT)/webhooks/audiocodes/webhook" && $(PY) -m bot callbacks purge,echo "Phone channel off (set AUDIOCODES_TOKEN to enable it)")
	@echo "Web chat demo page: http://$(HOST):$(WEB_PORT)/"
	@echo "Staff console: http://$(HOST):$(CONSOLE_PORT)/"
	@echo "Metrics: rasa http://127.0.0.1:$(RASA_METRICS_PORT)/metrics  actions http://127.0.0.1:$(ACTION_METRICS_PORT)/metrics  console http://127.0.0.1:$(CONSOLE_METRICS_PORT)/metrics"
	@umask 077; trap 'kill 0' EXIT INT TERM; \
	  METRICS_PORT=$(ACTION_METRICS_PORT) $(PY) -m bot.server.action_server --port $(ACTION_PORT) & \
	  METRICS_PORT=$(RASA_METRICS_PORT) $(PY) -m bot.server.rasa_server --model $(MODEL) --endpoints endpoints.yml --credentials $(CREDENTIALS) \
	    -i $(HOST) --port $(RASA_PORT) & \
	  $(PY) -m bot.web --host $(HOST) --port $(WEB_PORT) --chat-server $(WEBCHAT_SERVER_URL) & \
	  METRICS_PORT=$(CONSOLE_METRICS_PORT) $(PY) -m bot.console --host $(HOST) --port $(CONSOLE_PORT) --rasa-url http://127.0.0.1:$(RASA_PORT) & \
	  wait

run-production: install knowledge train ## The whole system with the production stores: db upgrade, actions, 2 Rasa replicas (PostgreSQL, Redis), web, console, nginx on https://localhost:8443
	@umask 077 && mkdir -p var && $(PY) -m bot secrets init
	@umask 077; $(PY) scripts/run_production.py $(if $(REST),--rest)

shell: install knowledge train ## Chat with the assistant in the terminal
	@umask 077 && mkdir -p var && $(PY) -m bot secrets init
	@umask 077; trap 'kill 0' EXIT INT TERM; \
	  $(PY) -m bot.server.action_server --port $(ACTION_PORT) >var/actions.log 2>&1 & \
	  $(PY) -m bot.server.rasa_server shell --model $(MODEL) --endpoints endpoints.yml

validate: install ## Check training data and domain (rasa data validate)
	$(RASA) data validate --config $(CONFIG) --domain domain.yml --data $(TRAIN_DATA) --fail-on-warnings

test-stories: train ## End-to-end test stories (rasa test, fails on any prediction error)
	$(RASA) test core --model $(MODEL) --stories tests/stories --out results/stories \
	  --fail-on-prediction-errors --no-plot

test-unit: install knowledge ## pytest: actions, repository, NLU components, servers over REST
	$(PY) -m pytest

lint: $(VENV)/.installed ## ruff check (pyproject.toml) and mypy on bot/, actions/, channels/, bench/ (seconds)
	$(PY) -m ruff check
	$(PY) -m mypy

test: install lint knowledge train validate test-stories ## Everything: lint, validate, test stories, pytest (incl. NLU held-out report, e2e)
	$(PY) -m pytest

bench: install knowledge train ## Benchmarks (NLU accuracy, REST latency vs. rasa init, knowledge coverage, fuzzing ~2 min, node capacity ~10 min)
	$(PY) bench/rest_bench.py --with-server
	$(PY) bench/knowledge_coverage.py
	$(PY) bench/fuzz.py
	$(PY) bench/capacity.py

bench-voice: install knowledge train ## Phone load test: largest N calls with p95 < 300 ms, then 2N (~5 min)
	$(PY) bench/voice_load.py --with-server --search

bench-capacity: install knowledge train ## One node, 1 then 2 Rasa replicas behind nginx: REST, phone calls, 2N with admission control (~10 min; QUICK=1 < 3 min)
	$(PY) bench/capacity.py $(if $(QUICK),--quick)

bench-profile: install knowledge train ## Where the milliseconds of a turn go, stage by stage (SQLite and production stores, ~1 min)
	$(PY) bench/turn_profile.py
	$(PY) bench/turn_profile.py --production

bench-handoff: install train ## Handoff latency: 20 web-chat citizens, live queue, take-over, messages, hand back (~1 min)
	$(PY) bench/handoff_latency.py

clean: ## Remove models, results and local databases (keeps .venv)
	rm -rf models results var tests/output build $(WEBCHAT)/dist

FORCE:
