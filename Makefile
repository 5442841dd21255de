# imscope — `make run` starts the dashboard on the embedded engine;
# `make test` sets up and runs every test. Both work on a fresh machine.

GO       ?= go
BIN      := bin/imscope
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
DATA     ?= ./data
LISTEN   ?= :8080
# Debian packages the tests use: a ClickHouse server too old to serve (the
# server engine must refuse it by name), Prosody with its community modules
# (the openmetrics preset is scraped from a live Prosody), ejabberd with the
# OAuth library it only suggests (the ejabberd collector is tested against a
# live ejabberd, by token too), wrk for load
# benchmarks, Chromium for the browser tests and report PDFs, and poppler's
# pdfinfo/pdftotext to check those PDFs, and Noto CJK so Chinese pages and
# PDFs render in Chromium.
TEST_APT := clickhouse-server prosody prosody-modules ejabberd erlang-p1-oauth2 wrk chromium poppler-utils fonts-noto-cjk

.PHONY: run test deps build image bench fuzz lint clean

run: build
	$(BIN) serve --demo --data $(DATA) --listen $(LISTEN)

test: deps
	scripts/apt.sh $(TEST_APT)
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

deps:
	scripts/deps.sh

# deps first: the dashboard embeds ECharts, which make deps puts beside it.
build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/imscope

# The container image (cmd/imscope/Dockerfile; docs/deploy.md): it fetches
# ECharts itself, so this needs Docker, not make deps.
image:
	docker build -f cmd/imscope/Dockerfile --build-arg VERSION=$(VERSION) -t imscope:$(VERSION) .

# Benchmarks: figures go into BENCHMARKS.md (see there for each command).
bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./...

# Short fuzzing of every parser; FUZZTIME=5m for a longer run.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseType -fuzztime $(FUZZTIME) ./queries/rowbinary
	$(GO) test -run '^$$' -fuzz FuzzDecode -fuzztime $(FUZZTIME) ./queries/rowbinary
	$(GO) test -run '^$$' -fuzz FuzzSplitStatements -fuzztime $(FUZZTIME) ./queries
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) -fuzzminimizetime 1x ./collector/openmetrics/exposition
	$(GO) test -run '^$$' -fuzz FuzzMapExposition -fuzztime $(FUZZTIME) ./collector/openmetrics
	$(GO) test -run '^$$' -fuzz FuzzReadCSV -fuzztime $(FUZZTIME) ./collector/csvimport
	$(GO) test -run '^$$' -fuzz FuzzMapJSON -fuzztime $(FUZZTIME) ./collector/jsonapi
	$(GO) test -run '^$$' -fuzz FuzzDecodeCheckpoints -fuzztime $(FUZZTIME) ./collector/checkpoints
	$(GO) test -run '^$$' -fuzz FuzzQuery -fuzztime $(FUZZTIME) ./dashboard/api
	$(GO) test -run '^$$' -fuzz FuzzFoldLists -fuzztime $(FUZZTIME) ./dashboard/pages
	$(GO) test -run '^$$' -fuzz FuzzParseMatcher -fuzztime $(FUZZTIME) ./dashboard/alerting
	$(GO) test -run '^$$' -fuzz FuzzParsePeriod -fuzztime $(FUZZTIME) ./dashboard/report
	$(GO) test -run '^$$' -fuzz FuzzParseSchedule -fuzztime $(FUZZTIME) ./collector/schedule

lint:
	gofmt -l . | (! grep .)
	$(GO) vet ./...

clean:
	rm -rf bin
