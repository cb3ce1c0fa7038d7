#!/usr/bin/env bash
# Benchmark `crashscope audit` (issue 5's figures):
#  - a generated 1 GiB full-memory dump (Memory64List, 256 regions of memory-like bytes
#    with sparse planted values): wall time on both cores and pinned to one, throughput,
#    and peak resident memory from /usr/bin/time -v (the file is memory-mapped and the
#    pages of each scanned piece are released, so it must stay far below 1 GiB);
#  - a folder of 1,000 small dumps (copies of the crasher's two real dumps): both cores
#    against one.
# The dump is read from the page cache (it was just written); a cold read is bounded by
# the disk instead. Needs hyperfine (Debian package). Usage: bench/bench-audit.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release --quiet --example make_big_dump
cargo build --release --quiet
bin=target/release/crashscope
out=target/bench-audit
mkdir -p "$out"
[ -f "$out/big.dmp" ] || target/release/examples/make_big_dump "$out/big.dmp" 1024
if [ ! -d "$out/folder" ]; then
  mkdir -p "$out/folder"
  for i in $(seq 0 499); do
    cp testdata/dumps/linux-crashy-segv.dmp "$out/folder/segv-$i.dmp"
    cp testdata/dumps/linux-crashy-abort.dmp "$out/folder/abort-$i.dmp"
  done
fi
cat "$out/big.dmp" > /dev/null  # into the page cache
echo "== 1 GiB Memory64 dump: both cores vs one"
hyperfine -N --warmup 1 --runs "$runs" -i --export-json "$out/big.json" \
  "$bin -q audit $out/big.dmp --no-config --format json -o $out/big-report.json" \
  "taskset -c 0 $bin -q audit $out/big.dmp --no-config --format json -o $out/big-report.json"
python3 - "$out/big.json" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
for x in r:
    m = statistics.median(x["times"])
    print(f"{x['command'][:60]:60s} median {m:.3f} s  -> {1/m:.2f} GiB/s")
PY
echo "== peak resident memory (3 runs)"
for i in 1 2 3; do
  /usr/bin/time -v "$bin" -q audit "$out/big.dmp" --no-config --format json -o "$out/big-report.json" 2>&1 \
    | awk -F': ' '/Elapsed/ {t=$2} /Maximum resident/ {printf "wall %s, peak RSS %.1f MiB\n", t, $2/1024}' || true
done
echo "== scrub of the 1 GiB dump against its audit (the copy is written to the same disk)"
# The machine's speed swings by 2x over minutes (shared cores), so the two are timed in
# pairs, one right after the other, and the figure is the median of the pairs' ratios.
python3 - "$bin" "$out" "$((runs * 2))" <<'PY'
import statistics, subprocess, sys, time, os
bin, out, pairs = sys.argv[1], sys.argv[2], int(sys.argv[3])
audit = [bin, "-q", "audit", f"{out}/big.dmp", "--no-config", "--format", "json", "-o", f"{out}/big-report.json"]
scrub = [bin, "-q", "scrub", f"{out}/big.dmp", "-o", f"{out}/big-scrubbed.dmp", "--no-config", "--format", "json"]
def timed(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t
def scrub_once():
    if os.path.exists(f"{out}/big-scrubbed.dmp"):
        os.remove(f"{out}/big-scrubbed.dmp")
    return timed(scrub)
timed(audit); scrub_once()  # warm-up
a, s, r = [], [], []
for i in range(pairs):
    # Alternate which goes first, so neither always follows the other's writeback.
    if i % 2 == 0:
        ta = timed(audit); ts = scrub_once()
    else:
        ts = scrub_once(); ta = timed(audit)
    a.append(ta); s.append(ts); r.append(ts / ta)
print(f"{pairs} pairs: audit median {statistics.median(a):.3f} s, scrub median {statistics.median(s):.3f} s")
print(f"scrub / audit: median {statistics.median(r):.2f}x (pairs from {min(r):.2f}x to {max(r):.2f}x)")
PY
for i in 1 2; do
  rm -f "$out/big-scrubbed.dmp"; sync
  /usr/bin/time -v "$bin" -q scrub "$out/big.dmp" -o "$out/big-scrubbed.dmp" --no-config 2>&1 \
    | awk -F': ' '/Elapsed/ {t=$2} /Maximum resident/ {printf "scrub: wall %s, peak RSS %.1f MiB\n", t, $2/1024}' || true
done
echo "== folder of 1,000 small dumps: both cores vs one"
hyperfine -N --warmup 1 --runs "$runs" -i --export-json "$out/folder.json" \
  "$bin -q audit $out/folder --no-config --color never -o $out/folder-report.txt" \
  "taskset -c 0 $bin -q audit $out/folder --no-config --color never -o $out/folder-report.txt" \
  "$bin -q audit $out/folder --no-config --format json -o $out/folder-report.json" \
  "taskset -c 0 $bin -q audit $out/folder --no-config --format json -o $out/folder-report.json"
python3 - "$out/folder.json" <<'PY'
import json, statistics, sys
r = [statistics.median(x["times"]) for x in json.load(open(sys.argv[1]))["results"]]
print(f"human: {r[0]:.3f} s on both cores, {r[1]:.3f} s on one: {r[1]/r[0]:.2f}x")
print(f"json:  {r[2]:.3f} s on both cores, {r[3]:.3f} s on one: {r[3]/r[2]:.2f}x")
PY
