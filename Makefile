# beamline — the targets a newcomer can guess.
GO      ?= go
BIN     := bin
OUT     ?= data/output
PIPELINES := ingest employees sales advanced mongo

.PHONY: demo test bench lint build gen clean help

help: ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

build: ## build the pipeline commands into bin/
	$(GO) build -o $(BIN)/ $(addprefix ./pipelines/,$(PIPELINES))

demo: build ## run the three analyses on the reference data (data/input → data/output)
	@for p in employees sales advanced; do echo "== $$p"; $(BIN)/$$p --input data/input --output $(OUT) || exit $$?; done
	@echo; echo "Results: $(OUT)/pig (employees, sales) and $(OUT)/spark (advanced); rejects in $(OUT)/rejects."

test: ## run every test
	$(GO) test -count=1 ./...

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

gen: ## generate 1M sales rows into bench/.cache/1m (ROWS=, SEED=, DIRTY= to change)
	$(GO) run ./data/gen --rows $${ROWS:-1000000} --seed $${SEED:-1} --dirty $${DIRTY:-0} --out bench/.cache/$${NAME:-1m}

bench: build ## time the pipelines against DuckDB and plain Go on 1M/10M rows (QUICK=1: 1M only); writes docs/performance.md
	cd bench && $(GO) run ./cmd/bench

clean: ## remove built commands and demo outputs
	rm -rf $(BIN) data/output .beamline
