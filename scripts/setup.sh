#!/usr/bin/env bash
# Everything the build and the tests need beyond cargo itself, installed only when
# missing, so a second run takes seconds: the wasm32 target, wasm-bindgen-cli at exactly
# the version pinned in Cargo.toml, Debian's Chromium with a CJK font, brotli, and end2end's npm packages
# (Playwright, and binaryen's wasm-opt for release builds).
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
[ -n "$want" ] || { echo "setup: no wasm-bindgen pin in Cargo.toml" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing wasm-bindgen-cli $want (found: ${have:-none}); takes about 3 minutes"
  # Not --locked: its lockfile names a webpki-roots release the registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$want"
fi

# Chromium, a small CJK font so zh-CN pages (and their screenshots) show Chinese, and
# brotli, which precompresses the release build's assets.
if ! command -v chromium >/dev/null 2>&1 || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] \
  || ! command -v brotli >/dev/null 2>&1; then
  echo "setup: installing Debian's chromium, fonts-wqy-microhei and brotli"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei brotli
fi

stamp=end2end/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ end2end/package-lock.json -nt "$stamp" ]; then
  (cd end2end && npm ci --no-audit --no-fund)
fi
