#!/usr/bin/env bash
# Benchmark `crashscope show` against the peer `minidump-stackwalk` (same library
# underneath) on every corpus dump that has symbols, and the crasher fixture:
# whole-process wall time. The machine is shared and noisy, so the two commands are
# measured side by side in ROUNDS short hyperfine rounds (alternating which goes first);
# the ratio reported is the median over rounds of the ratio of medians.
#
# ONLY=text limits the run to the dumps whose path holds it. What is measured: see below.
#
# Needs hyperfine (Debian package) and minidump-stackwalk 0.27.0; the peer is installed
# into target/peer on first use. Usage: bench/bench-show.sh [RUNS_PER_ROUND] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
rounds=${2:-11}
corpus=../shared/corpus
peer=target/peer/bin/minidump-stackwalk
if [ ! -x "$peer" ]; then
  cargo install --quiet minidump-stackwalk --version 0.27.0 --locked --root target/peer
fi
# crashscope is the release binary as the README installs it (`cargo build --release`);
# BIN=path/to/crashscope measures any other build (a before/after comparison).
out=target/bench-show
mkdir -p "$out"
if [ -n "${BIN:-}" ]; then
  built=$BIN
else
  cargo build --release --locked --quiet
  built=target/release/crashscope
fi
# Both tools are measured as installed: the peer as `cargo install` copied it, crashscope
# copied the same way. The linker writes its output through a memory map, and a binary
# run from those page-cache pages starts measurably slower (linux_raise: 3.2 ms against
# 2.8 ms from a copy of the same file, side by side; the peer from such a file, 2.0 ms
# against 2.1 ms), which is the linker's doing, not the program's.
cp "$built" "$out/crashscope"
bin=$out/crashscope
dumps=("$corpus"/dumps/test.dmp "$corpus"/dumps/pipeline-inlines-macos-segv.dmp
       "$corpus"/dumps/mac-electron-browser.dmp "$corpus"/dumps/linux-mini.dmp
       "$corpus"/crashpad-db-2/pending/*.dmp testdata/dumps/linux-crashy-segv.dmp
       "$corpus"/real/*.dmp)
printf '%-40s %10s %10s %7s\n' dump "peer (ms)" "show (ms)" ratio
for dump in "${dumps[@]}"; do
  # ONLY=text measures only the dumps whose path holds it.
  [[ "$dump" == *"${ONLY:-}"* ]] || continue
  syms="$corpus/symbols"
  case "$dump" in testdata/*) syms=testdata/symbols ;; esac
  name=$(basename "$dump" .dmp)
  peer_cmd="$peer $dump $syms"
  show_cmd="$bin show $dump --symbols-path $syms --threads all --color never"
  for r in $(seq "$rounds"); do
    if [ $((r % 2)) -eq 0 ]; then first=$show_cmd; second=$peer_cmd; else first=$peer_cmd; second=$show_cmd; fi
    hyperfine --style none --warmup 3 --runs "$runs" -N --export-json "$out/$name.$r.json" \
      "$first" "$second" >/dev/null 2>&1
  done
  python3 - "$name" "$out" "$rounds" "$peer" <<'PY'
import json, statistics, sys
name, out, rounds, peer = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ratios, ps, ss = [], [], []
for r in range(1, rounds + 1):
    res = json.load(open(f"{out}/{name}.{r}.json"))["results"]
    p = next(x for x in res if x["command"].startswith(peer))["median"]
    s = next(x for x in res if not x["command"].startswith(peer))["median"]
    ratios.append(s / p); ps.append(p * 1000); ss.append(s * 1000)
print(f"{name[:40]:<40} {statistics.median(ps):10.2f} {statistics.median(ss):10.2f} {statistics.median(ratios):7.2f}")
PY
done
