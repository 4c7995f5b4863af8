# Atelier's commands. `make run` serves the app; `make test` runs every test.
# Both start with `setup`, which installs what is missing and is quick once done.
# The build is plain cargo + wasm-bindgen (+ wasm-opt in release), the same steps
# cargo-leptos takes; `cargo leptos watch` works too for whoever has it.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

# release (optimised, wasm-opt) or debug (faster to build while developing).
PROFILE ?= release
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
# Apart from cargo-leptos' target/site, so neither build serves the other's files.
SITE := $(TARGET_DIR)/make-site/$(PROFILE)
NPX_BIN := end2end/node_modules/.bin

ifeq ($(PROFILE),release)
  WASM_FLAGS := --profile wasm-release
  WASM := $(TARGET_DIR)/wasm32-unknown-unknown/wasm-release/frontend.wasm
  SERVER_FLAGS := --release
  SERVER_BIN := $(TARGET_DIR)/release/server
else
  WASM_FLAGS :=
  WASM := $(TARGET_DIR)/wasm32-unknown-unknown/debug/frontend.wasm
  SERVER_FLAGS :=
  SERVER_BIN := $(TARGET_DIR)/debug/server
endif

export ATELIER_SITE_ROOT := $(SITE)

.PHONY: setup build run test test-rust bench-build check-layers e2e bench bench-panel fmt clean-site

setup:
	@scripts/setup.sh

## build: the WASM bundle, the site folder and the server binary.
build: setup
	cargo build -p frontend --lib --target wasm32-unknown-unknown $(WASM_FLAGS)
	@$(MAKE) --no-print-directory $(SITE)/hash.txt
	cargo build -p server $(SERVER_FLAGS)

# The site folder (scripts/site.sh): pkg/atelier.<hash>.{js,wasm,css}, the same steps
# cargo-leptos takes (wasm-bindgen, wasm-opt and brotli/gzip in release, hashed names),
# and hash.txt naming them for the server.
$(SITE)/hash.txt: $(WASM) style/main.css scripts/site.sh
	scripts/site.sh $(WASM) $(SITE) $(PROFILE)

## run: serve http://127.0.0.1:3000 with SQLite under ./data (settings: Leptos.toml).
run: build
	$(SERVER_BIN)

## test: the import rules, unit and integration tests (SQLite and PostgreSQL), every bench
## built (so none rots unseen), then Playwright.
test: test-rust bench-build e2e

bench-build: setup
	cargo build -p server --benches

test-rust: setup check-layers
	cargo test --workspace --exclude frontend

## check-layers: each room imports only what is below it (ARCHITECTURE.md, by grep).
check-layers:
	@scripts/check-layers.sh

## e2e: Playwright in Debian's Chromium against the built server on a fresh database.
e2e: build
	rm -rf $(TARGET_DIR)/e2e && mkdir -p $(TARGET_DIR)/e2e
	cd end2end && SERVER_BIN="$(abspath $(SERVER_BIN))" E2E_DIR="$(abspath $(TARGET_DIR)/e2e)" \
	    SITE_ROOT="$(abspath $(SITE))" $(abspath $(NPX_BIN))/playwright test

## bench: submit throughput and latency over HTTP against raw SQLite inserts; engine
## throughput (claim → complete) against raw INSERT+UPDATE pairs; enqueue-to-start latency;
## the embedded generator; 100,000 tasks read and searched; the panel in Chromium with
## 10,000 tasks against 100, and a visit over a throttled link. Every figure also goes to
## bench/results.json.
bench: build
	rm -f bench/results.json
	cargo bench -p server --bench submit
	cargo bench -p server --bench engine
	cargo bench -p server --bench embedded
	cargo bench -p server --bench large
	cargo bench -p server --bench events
	cargo bench -p server --bench people
	@$(MAKE) --no-print-directory bench-panel

## bench-panel: the browser part of `bench` alone.
bench-panel: build
	rm -rf $(TARGET_DIR)/bench-e2e && mkdir -p $(TARGET_DIR)/bench-e2e
	cd end2end && SERVER_BIN="$(abspath $(SERVER_BIN))" E2E_DIR="$(abspath $(TARGET_DIR)/bench-e2e)" \
	    SITE_ROOT="$(abspath $(SITE))" $(abspath $(NPX_BIN))/playwright test -c playwright.bench.config.ts

fmt:
	cargo fmt --all
