#!/usr/bin/env bash
# Before/after: run two builds of crashscope on the same arguments in alternating pairs
# (the machine is shared and its speed drifts, so each pair is measured side by side)
# and report each build's median wall time and the median of the pair ratios.
# Usage: bench/bench-compare.sh OLD_BIN NEW_BIN PAIRS ARGS...
#   e.g. bench/bench-compare.sh /tmp/old target/release/crashscope 15 \
#          audit target/bench-audit/big.dmp --no-config --format json -o /tmp/r.json
set -euo pipefail
old=$1 new=$2 pairs=$3
shift 3
python3 - "$old" "$new" "$pairs" "$@" <<'PY'
import statistics, subprocess, sys, time
old, new, pairs, args = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
def once(binary):
    t = time.perf_counter()
    subprocess.run([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t
once(old); once(new)  # warm the page cache
olds, news, ratios = [], [], []
for i in range(pairs):
    if i % 2:
        n = once(new); o = once(old)
    else:
        o = once(old); n = once(new)
    olds.append(o); news.append(n); ratios.append(n / o)
print(f"old median {statistics.median(olds)*1000:9.2f} ms   new median {statistics.median(news)*1000:9.2f} ms   "
      f"new/old median of pair ratios {statistics.median(ratios):.3f}  ({pairs} pairs: {' '.join(args)[:60]})")
PY
