# NovaCron build, test and localnet targets. `make test` is what CI runs.
SHELL := /bin/bash
BUILD_DIR ?= build
BINARY := $(BUILD_DIR)/novacrond
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X github.com/cosmos/cosmos-sdk/version.Name=novacron \
	-X github.com/cosmos/cosmos-sdk/version.AppName=novacrond \
	-X github.com/cosmos/cosmos-sdk/version.Version=$(VERSION) \
	-X github.com/cosmos/cosmos-sdk/version.Commit=$(COMMIT)

.PHONY: deps all build install test test-unit test-race proto-gen proto-check test-determinism test-kubo e2e \
	crosscheck-quantum \
	localnet localnet-stop localnet-status bench bench-tps fuzz lint clean test-faults

all: build

## deps: Debian packages (protoc, jq, curl, iproute2, qemu-user-static) when missing.
deps:
	@./scripts/install-deps.sh

## build: build/novacrond (what users run: version and the off-chain tools in-process) and
## build/novacrond-node next to it (the node and every other command; novacrond execs it).
build:
	go build -ldflags '$(LDFLAGS)' -o $(BUILD_DIR)/novacrond-node ./cmd/novacrond/novacrond-node
	go build -ldflags '$(LDFLAGS)' -o $(BINARY) ./cmd/novacrond

install:
	go install -ldflags '$(LDFLAGS)' ./cmd/novacrond ./cmd/novacrond/novacrond-node

## test: everything CI runs: unit/integration tests, proto-check, determinism, e2e on the localnet.
test: deps proto-check test-unit test-determinism test-kubo e2e

## test-unit: all Go tests except the localnet e2e (pure engines run in seconds, no SDK).
test-unit:
	go test -count=1 ./...

proto-gen:
	./scripts/protocgen.sh

## proto-check: regenerate and fail if the committed generated code differs.
proto-check: proto-gen
	@if [ -n "$$(git status --porcelain -- '*.pb.go' '*.pb.gw.go' proto)" ]; then \
		echo "proto-check: generated code is stale; run 'make proto-gen' and commit:"; \
		git status --porcelain -- '*.pb.go' '*.pb.gw.go' proto; git diff --stat -- '*.pb.go' '*.pb.gw.go'; exit 1; \
	fi
	@echo "proto-check: generated code is up to date"

test-determinism:
	./scripts/test-determinism.sh

## crosscheck-quantum: quantum engine vs npm quantum-circuit 0.9.250 on QASMBench small circuits
## (needs node/npm; CROSSCHECK_ARGS=--update rewrites the committed reference, --bench times QFT-20).
crosscheck-quantum:
	./scripts/crosscheck-quantum/run.sh $(CROSSCHECK_ARGS)

## test-kubo: interop with real kubo v0.43.1 (built once from the module proxy, cached).
test-kubo:
	bin=$$(./scripts/build-kubo.sh) && KUBO_BIN=$$bin go test -count=1 -run Kubo -v ./app/artifacts/... ./cidcalc/... 2>&1 \
		| grep -E '^(=== RUN|--- |PASS|FAIL|ok|panic|\s+\S+_test.go)'; exit $${PIPESTATUS[0]}

e2e: build
	NOVACROND=$(abspath $(BINARY)) go test -count=1 -tags e2e -timeout 20m -v ./tests/e2e/

## test-faults: the fault drill (not in CI; run nightly and before releases, ~4 min): bank-send
## load from scripts/benchtps while one validator is paused, one killed and restarted, then two of
## four killed and restarted; asserts heights, app hashes and no lost tx.
test-faults: build
	NOVACROND=$(abspath $(BINARY)) go test -count=1 -tags e2e,faults -timeout 15m -v -run TestFaults ./tests/e2e/

localnet: deps build
	./scripts/localnet.sh start

localnet-stop:
	./scripts/localnet.sh stop

localnet-status:
	./scripts/localnet.sh status

## bench: engine benchmarks (numbers are recorded in the module READMEs).
bench:
	go test -run XXX -bench . -benchmem ./x/quantumjob/engine/... ./x/orbit/engine/...

bench-tps: build
	go run ./scripts/benchtps $(BENCH_ARGS)

## lint: go vet on every package, then staticcheck (honnef.co/go/tools v0.8.2 via go run).
lint:
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

## test-race: the race detector over the pure engines and libraries (the SDK-backed packages
## are covered by test-unit; their stores are single-threaded).
test-race:
	go test -count=1 -race ./x/quantumjob/engine/... ./x/orbit/engine/... ./x/internal/... ./cidcalc/... ./scripts/benchtps/

## fuzz: a short run of every fuzz target (seed corpora live in testdata/fuzz; FuzzRun is
## also seeded with the adversarial corpus and fails on work above its budget).
fuzz:
	go test -run XXX -fuzz FuzzParseTLE -fuzztime 20s ./x/orbit/engine/tle/
	go test -run XXX -fuzz FuzzParse -fuzztime 20s ./x/quantumjob/engine/qasm/
	go test -run XXX -fuzz FuzzRun -fuzztime 30s ./x/quantumjob/engine/

clean:
	rm -rf $(BUILD_DIR)
