#!/usr/bin/env bash
# Run the cargo-fuzz targets in fuzz/ for SECONDS each (default 600), two at a time (one
# per core), seeded from the fixtures. Crashes land in fuzz/artifacts/TARGET/; each one
# found becomes a regression test in tests/. Needs the nightly toolchain and cargo-fuzz
# (cargo install cargo-fuzz). Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(dump scrub_roundtrip config crashpad_formats memory_structures database_tree)
corpus=target/fuzz-corpus
mkdir -p "$corpus"/{dump,scrub_roundtrip,config,crashpad_formats,memory_structures,database_tree}
for d in testdata/dumps/*.dmp testdata/clean/*.dmp testdata/databases/*/pending/*.dmp \
         testdata/databases/windows/reports/*.dmp; do
  cp -n "$d" "$corpus/dump/" 2>/dev/null || true
  cp -n "$d" "$corpus/scrub_roundtrip/" 2>/dev/null || true
done
# A seed tree: a pending dump with its metadata, a link, a socket.
python3 -c "
import sys
d=open('testdata/clean/no-pii.dmp','rb').read()[:1000]
out=b''
for op,fo,n,c in [(0,0,0,d),(0,0,3,b'\\x01'*40),(4,0,1,b''),(6,1,0,b'')]:
    c=c[:255*8]; c=c+b'\\0'*((-len(c))%8)
    out+=bytes([op,fo,n,len(c)//8])+c
sys.stdout.buffer.write(out)" > "$corpus/database_tree/seed"
# Seeds for the memory structures: an envp block, a UTF-16 environment block, an XML
# crash context.
printf 'argv0\0HOME=/home/alice\0USER=alice\0HOSTNAME=alice-laptop\0PWD=/tmp\0' \
  > "$corpus/memory_structures/envp"
python3 -c "import sys; sys.stdout.buffer.write('x\0USERNAME=Alice Doe\0COMPUTERNAME=ALICE-PC\0LOGONSERVER=\\\\DC-1\0\0'.encode('utf-16le'))" \
  > "$corpus/memory_structures/peb"
python3 -c "import sys; sys.stdout.buffer.write('<?xml version=\"1.0\"?><FGenericCrashContext><RuntimeProperties><MachineId>ABC</MachineId><LoginId>def</LoginId></RuntimeProperties></FGenericCrashContext>'.encode('utf-16le'))" \
  > "$corpus/memory_structures/context"
# Upstream secret rules: keywords and tokens, ASCII and UTF-16LE (the full rule set runs
# on every text the memory scan finds).
python3 -c "
import sys
t='glpat-Xk9mQ2vR7tL4pW8nZ3cB\0dckr_pat_Hq3Lm9Zt2Rv7Kp4Wn8Xc5Yb6Jd1\0Authorization: Basic YWxpY2U6aHVudGVyMg==\r\nCookie: sid=31d4d96e407aad42\0Server=db;Uid=sa;Pwd={p;w}\0machine h login u password p\0hvs.s.sk ey hf_'
sys.stdout.buffer.write(t.encode() + b'\x90' + t.encode('utf-16le'))" > "$corpus/memory_structures/tokens"
printf '{"ProductName":"Firefox","Email":"a\\u0040b.c","n":1,"o":{"x":"}"}}' > "$corpus/crashpad_formats/extra.json"
printf 'ProductName=Firefox\nURL=https://a.example/?q=1\n' > "$corpus/crashpad_formats/extra.lines"
printf '{"event_id":"1"}\n{"type":"event","length":2}\n{}\n{"type":"attachment","length":8,"attachment_type":"event.minidump"}\nMDMP\223\247\0\0\n' \
  > "$corpus/crashpad_formats/envelope"
cp -n testdata/databases/*/settings.dat testdata/databases/windows/metadata \
      testdata/databases/linux/*/*.meta "$corpus/crashpad_formats/" 2>/dev/null || true
printf 'fail-on = "high"\ndisable-categories = ["quasi-identifier"]\n[[allow]]\npath = "a/**"\nreason = "x"\n[[allow]]\nrule = "email"\nvalue = "@example\\\\.com$"\nreason = "y"\n' \
  > "$corpus/config/seed.toml"
(cd fuzz && cargo +nightly fuzz build -O)
export TMPDIR=${TMPDIR:-/dev/shm}
run() {
  (cd fuzz && cargo +nightly fuzz run -O "$1" "../$corpus/$1" -- \
     -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1) \
    > "target/fuzz-$1.log" 2>&1 || echo "$1: libFuzzer stopped with status $? (see target/fuzz-$1.log)"
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs|ERROR|SUMMARY" "target/fuzz-$1.log" | sed "s/^/$1: /"
}
i=0
for t in "${targets[@]}"; do
  run "$t" &
  i=$((i + 1))
  if [ $((i % 2)) -eq 0 ]; then wait; fi
done
wait
ls fuzz/artifacts/*/ 2>/dev/null | sed 's/^/artifact: /' || true
