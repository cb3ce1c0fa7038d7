#!/usr/bin/env bash
# Benchmark crashscope on large generated Crashpad databases (issue 4's figures):
#  - `list` on 10,000 reports: wall time (target: under 1 s);
#  - `show --state all` on 1,000 small reports: wall time, CPU time, and how many cores
#    it kept busy ((user+sys)/wall; 2 cores here, so near 2.0 means both were used),
#    against the same run pinned to one core (taskset -c 0) for the speed-up.
#  - the same on 1,000 copies of the crasher's real 51 KiB dump, walked with symbols.
# Needs hyperfine (Debian package). Usage: bench/bench-db.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release --quiet --example make_databases
cargo build --release --quiet
bin=target/release/crashscope
gen=target/release/examples/make_databases
out=target/bench-db
mkdir -p "$out"
[ -d "$out/db-10000" ] || "$gen" big 10000 "$out/db-10000"
[ -d "$out/db-1000" ] || "$gen" big 1000 "$out/db-1000"
[ -d "$out/db-1000-real" ] || "$gen" big 1000 "$out/db-1000-real" real
echo "== list, 10,000 reports"
hyperfine -N --warmup 2 --runs "$runs" --export-json "$out/list.json" \
  "$bin list $out/db-10000" "$bin list $out/db-10000 --json"
echo "== show --state all, 1,000 reports: both cores vs one"
hyperfine -N --warmup 1 --runs "$runs" --export-json "$out/show.json" \
  "$bin -q show $out/db-1000 --state all --color never" \
  "taskset -c 0 $bin -q show $out/db-1000 --state all --color never"
echo "== show --state all, 1,000 copies of the crasher's dump (symbolicated walk): both cores vs one"
hyperfine -N --warmup 1 --runs "$runs" --export-json "$out/show-real.json" \
  "$bin -q show $out/db-1000-real --state all --color never --symbols-path testdata/symbols" \
  "taskset -c 0 $bin -q show $out/db-1000-real --state all --color never --symbols-path testdata/symbols"
echo "== cores kept busy by show --state all (user+sys / wall), 3 runs"
for i in 1 2 3; do
  /usr/bin/env time -f "%e s wall, %U s user, %S s sys" "$bin" -q show "$out/db-1000" --state all --color never \
    2>&1 >/dev/null | awk '{ printf "%s  -> %.2f cores\n", $0, ($4 + $7) / $1 }'
done
