#!/usr/bin/env bash
# Builds the site folder from the compiled WASM: pkg/atelier.<hash>.{js,wasm,css}, named by
# the SHA-256 of their bytes so that a browser may keep each for good, and `hash.txt`,
# which tells the server (Leptos' HydrationScripts and HashedStylesheet) those names. A
# release build also writes each file precompressed beside it (`.br`, brotli -q 11; `.gz`,
# gzip -9) for the server to send as the browser accepts. The folder is staged and swapped
# in, hash.txt last: a running server never names a file that is not there yet.
#
# Usage: scripts/site.sh WASM SITE PROFILE
set -euo pipefail
cd "$(dirname "$0")/.."
wasm=$1 site=$2 profile=$3

mkdir -p "$site"
stage=$(mktemp -d "$site/.stage.XXXXXX") # on the same filesystem: the swap is a rename
trap 'rm -rf "$stage"' EXIT
pkg=$stage/pkg
wasm-bindgen --target web --no-typescript --omit-default-module-path --out-dir "$pkg" --out-name atelier "$wasm"
mv "$pkg/atelier_bg.wasm" "$pkg/atelier.wasm"
if [ "$profile" = release ]; then
  end2end/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$pkg/atelier.wasm" -o "$pkg/atelier.wasm"
fi
cp style/main.css "$pkg/atelier.css"

for ext in js wasm css; do
  hash=$(sha256sum "$pkg/atelier.$ext" | cut -c1-16)
  file=$pkg/atelier.$hash.$ext
  mv "$pkg/atelier.$ext" "$file"
  if [ "$profile" = release ]; then
    gzip -9 -n -k -f "$file"
    brotli -q 11 -k -f "$file"
  fi
  echo "$ext: $hash" >> "$stage/hash.txt"
done

rm -rf "$site/pkg.old"
if [ -d "$site/pkg" ]; then mv "$site/pkg" "$site/pkg.old"; fi
mv "$pkg" "$site/pkg"
mv "$stage/hash.txt" "$site/hash.txt"
rm -rf "$site/pkg.old"
