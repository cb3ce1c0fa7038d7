#!/usr/bin/env bash
# The consent page (issue 30): size of `show --format html` for the Linux store fixture and
# the dense dump (61,230 records of other people, as bench-dense.sh makes it), and the
# time headless Chromium takes to load and lay out each page, next to an empty page (what
# starting the browser costs), side by side with hyperfine.
# Needs hyperfine and chromium (Debian packages). Usage: bench/bench-html.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release --locked --quiet
bin=target/release/crashscope
out=target/bench-html
mkdir -p "$out"
python3 bench/support/make_dense.py "$out/dense.dmp"
"$bin" show testdata/databases/linux --format html -o "$out/store.html" 2>/dev/null
"$bin" show "$out/dense.dmp" --format html -o "$out/dense.html"
printf '<!DOCTYPE html><title>empty</title>' > "$out/empty.html"
for page in store dense; do
  printf '%-6s %8d bytes\n' "$page" "$(wc -c < "$out/$page.html")"
done
chrome="chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir=$out/profile --dump-dom"
hyperfine --warmup 2 --runs "$runs" --export-markdown "$out/load.md" \
  -n empty "$chrome file://$PWD/$out/empty.html" \
  -n store "$chrome file://$PWD/$out/store.html" \
  -n dense "$chrome file://$PWD/$out/dense.html"
