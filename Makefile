# beamline — the targets a newcomer can guess.
GO      ?= go
BIN     := bin
OUT     ?= data/output
PIPELINES := ingest employees sales advanced mongo

.PHONY: demo test webtest e2e web fuzz loadtest bench lint build gen clean help

help: ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

build: ## build beamline and the pipeline commands into bin/
	$(GO) build -o $(BIN)/ ./cmd/beamline $(addprefix ./pipelines/,$(PIPELINES))

demo: web build ## the main job: embedded MongoDB, every pipeline on the reference data, the dashboard on :5000 (Ctrl-C stops)
	$(BIN)/beamline up $(UP_FLAGS)

web: web/node_modules/.package-lock.json ## build the dashboard (npm; embedded into bin/beamline by the next build)
	cd web && npm run build

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund

test: ## run every test: Go (unit, pipelines, API, beamline, compose), the dashboard's units, and the dashboard in headless Chromium
	$(GO) test -count=1 -timeout 30m ./...
	$(MAKE) webtest e2e

webtest: web/node_modules/.package-lock.json ## the dashboard's unit tests (node --test)
	cd web && npm test

e2e: web build ## the browser test: beamline up on the reference data, the dashboard driven by playwright-core in chromium
	web/e2e/run.sh

FUZZTIME ?= 3m
FUZZ_TARGETS := transforms/csvio:FuzzParseBlock transforms/csvio:FuzzPlanCuts transforms/calendar:FuzzParse \
	transforms/calendar:FuzzDateString transforms/money:FuzzParse transforms/money:FuzzArithmetic transforms/records:FuzzParseInt \
	server:FuzzResultsQuery

fuzz: ## run every fuzz target for FUZZTIME each (default 3m); `make test` runs their seed corpora
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t#*:}; echo "== $$pkg $$fn ($(FUZZTIME))"; \
	  $(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) ./$$pkg || exit $$?; done

loadtest: build ## hold 500 req/s for 60 s on the API (embedded MongoDB in .beamline-load), then 20 s with MongoDB stopped
	$(GO) run ./cmd/loadgen --beamline $(BIN)/beamline --workdir .beamline-load

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

gen: ## generate 1M sales rows into bench/.cache/1m (ROWS=, SEED=, DIRTY= to change)
	$(GO) run ./data/gen --rows $${ROWS:-1000000} --seed $${SEED:-1} --dirty $${DIRTY:-0} --out bench/.cache/$${NAME:-1m}

bench: build ## time the pipelines against DuckDB and plain Go on 1M/10M rows (QUICK=1: 1M only); writes docs/performance.md
	cd bench && $(GO) run ./cmd/bench

clean: ## remove built commands, demo outputs and the dashboard build
	rm -rf $(BIN) data/output .beamline .beamline-load logs web/dist/assets web/dist/index.html
