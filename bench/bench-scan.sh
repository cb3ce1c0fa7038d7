#!/usr/bin/env bash
# Memory-scanning throughput (issue: 500 MiB/s on one core, both encodings), compared in
# the same run with `rg -a -c` over the same bytes with an equivalent pattern set
# (ASCII only: rg has no UTF-16LE-at-both-alignments mode, so it does less work).
# Needs ripgrep (Debian package). Usage: bench/bench-scan.sh [MIB]
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-256}
buf=target/scan-bench.bin
cargo build --release --quiet --example scan_bench
taskset -c 0 target/release/examples/scan_bench "$buf" "$mib"
patterns=(
  -e '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}'
  -e '\b[3-6]\d{3}([ -]?\d){9,15}\b'
  -e '\b\d{1,3}(\.\d{1,3}){3}\b'
  -e 'gh[pousr]_[A-Za-z0-9]{36}'
  -e '(/home/|/Users/)[^/\\ ]+'
  -e '-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----'
  -e 'AKIA[0-9A-Z]{16}'
  -e '\b\d{3}-\d{2}-\d{4}\b'
)
# Unicode-aware classes, as rg uses by default (rg's --no-unicode is the fair ASCII twin).
for mode in "" "--no-unicode"; do
  start=$(date +%s.%N)
  taskset -c 0 rg -a -c -j1 $mode "${patterns[@]}" "$buf" >/dev/null || true
  end=$(date +%s.%N)
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'rg -a -c {sys.argv[3] or \"(unicode)\"}: {s:.3f} s, {int(sys.argv[4])/s:.0f} MiB/s')" "$start" "$end" "$mode" "$mib"
done
