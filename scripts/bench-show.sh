#!/usr/bin/env bash
# Benchmark `crashscope show` against the peer `minidump-stackwalk` (same library
# underneath) on every corpus dump that has symbols: whole-process wall time, median of
# repeated runs, both measured side by side in one hyperfine run.
#
# Needs hyperfine (Debian package) and minidump-stackwalk 0.27.0; the peer is installed
# into target/peer on first use. Usage: scripts/bench-show.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
corpus=../shared/corpus
peer=target/peer/bin/minidump-stackwalk
if [ ! -x "$peer" ]; then
  cargo install --quiet minidump-stackwalk --version 0.27.0 --locked --root target/peer
fi
cargo build --release --quiet
bin=target/release/crashscope
out=target/bench-show
mkdir -p "$out"
dumps=("$corpus"/dumps/test.dmp "$corpus"/dumps/pipeline-inlines-macos-segv.dmp
       "$corpus"/dumps/mac-electron-browser.dmp "$corpus"/dumps/linux-mini.dmp
       "$corpus"/crashpad-db-2/pending/*.dmp testdata/dumps/linux-crashy-segv.dmp)
printf '%-48s %12s %12s %8s\n' dump "peer (ms)" "show (ms)" ratio
for dump in "${dumps[@]}"; do
  syms="$corpus/symbols"
  case "$dump" in testdata/*) syms=testdata/symbols ;; esac
  name=$(basename "$dump" .dmp)
  hyperfine --style none --warmup 3 --runs "$runs" -N \
    --export-json "$out/$name.json" \
    "$peer $dump $syms" \
    "$bin show $dump --symbols-path $syms --threads all --color never" >/dev/null
  python3 - "$out/$name.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
peer, ours = r[0]["median"] * 1000, r[1]["median"] * 1000
print(f"{sys.argv[2][:48]:<48} {peer:12.2f} {ours:12.2f} {ours/peer:8.2f}")
PY
done
