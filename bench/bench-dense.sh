#!/usr/bin/env bash
# The view at scale (issue 16): a generated dump whose 6 MiB heap holds 61,230 records of
# other people (e-mail, phone, name), the size of the real one that printed 10 MB. Peak
# resident memory (/usr/bin/time -v) and wall time of show (human, JSON) and audit (JSON,
# SARIF), and show against minidump-stackwalk on the same dump, side by side (hyperfine).
# Usage: bench/bench-dense.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release --quiet
bin=target/release/crashscope
peer=target/peer/bin/minidump-stackwalk
if [ ! -x "$peer" ]; then
  cargo install --quiet minidump-stackwalk --version 0.27.0 --locked --root target/peer
fi
out=target/bench-dense
mkdir -p "$out"
python3 bench/support/make_dense.py "$out/dense.dmp"
dump=$out/dense.dmp
for args in "show $dump --color never" "show $dump --format json" \
            "audit $dump --no-config --format json" "audit $dump --no-config --format sarif"; do
  /usr/bin/time -v $bin $args > "$out/out.txt" 2> "$out/time.txt" || true
  rss=$(awk '/Maximum resident/ {print $6}' "$out/time.txt")
  wall=$(awk '/Elapsed/ {print $8}' "$out/time.txt")
  printf '%-45s peak RSS %6d KiB  wall %s  output %s bytes, %s lines\n' "${args/$dump/dense.dmp}" "$rss" "$wall" \
    "$(wc -c < "$out/out.txt")" "$(wc -l < "$out/out.txt")"
done
# An attacker's text: 32 MiB of memory that repeats the upstream rules' keywords and a
# connection string, so that every rule's window covers it all.
python3 - "$out/keywords.dmp" <<'PY'
import struct, sys
unit = (b"SK0123456789abcdef0123456789abcdef ey.eyJ s.abc hvs.x sc_y ext_z pwd=1;Uid=2;"
        b"Password=3 machine h login u password p default glpat-aaaa AIza dckr_pat_ "
        b"sk-ant-api03- ya29. ")
heap = (unit * (32 * 1024 * 1024 // len(unit) + 1))[:32 * 1024 * 1024]
ml_rva = 32 + 12
data_rva = ml_rva + 4 + 16
ml = struct.pack('<I', 1) + struct.pack('<QII', 0x50000000, len(heap), data_rva)
hdr = struct.pack('<4sIIIIIQ', b'MDMP', 0xa793, 1, 32, 0, 0, 0)
open(sys.argv[1], 'wb').write(hdr + struct.pack('<III', 5, len(ml), ml_rva) + ml + heap)
PY
/usr/bin/time -v $bin audit "$out/keywords.dmp" --no-config --format json -o "$out/keywords.json" 2> "$out/time.txt" || true
printf '%-45s peak RSS %6d KiB  wall %s  %s findings\n' "audit keywords.dmp (32 MiB of keywords)" \
  "$(awk '/Maximum resident/ {print $6}' "$out/time.txt")" "$(awk '/Elapsed/ {print $8}' "$out/time.txt")" \
  "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['findings']))" "$out/keywords.json")"
hyperfine -N --warmup 2 --runs "$runs" -i --export-json "$out/hyperfine.json" \
  "$peer $dump" "$bin show $dump --color never" "$bin show $dump --format json" >/dev/null 2>&1
python3 - "$out/hyperfine.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
peer = r[0]["median"]
for x in r:
    print(f"{x['command'][:60]:<60} median {x['median']*1000:8.1f} ms  {x['median']/peer:5.1f}x the peer")
PY
