#!/usr/bin/env bash
# `crashscope list` without a path over a fabricated home: 50 Crashpad stores of 100
# reports each (5,000 reports, small dumps with generic .meta files), timed with
# hyperfine. Usage: bench/bench-discover.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release --quiet
home=target/bench-discover/home
if [ ! -d "$home" ]; then
  for s in $(seq 1 50); do
    db="$home/.config/App$s/Crashpad"
    mkdir -p "$db/pending" "$db/completed" "$db/new"
    cp testdata/databases/linux/settings.dat "$db/"
    meta=$(ls testdata/databases/linux/pending/*.meta | head -1)
    for r in $(seq 1 100); do
      id=$(python3 -c "import uuid,sys; print(uuid.UUID(int=$s*1000+$r))")
      cp testdata/clean/no-pii.dmp "$db/pending/$id.dmp"
      cp "$meta" "$db/pending/$id.meta"
    done
  done
fi
hyperfine -N --warmup 2 --runs "$runs" \
  "env -i HOME=$PWD/$home target/release/crashscope list --color never"
