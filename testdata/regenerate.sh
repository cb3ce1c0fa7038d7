#!/usr/bin/env bash
# Regenerate the minidump fixtures and their Breakpad symbols from testdata/crasher.
#
# Everything personal in the output is fabricated: the crasher is built with every build
# path remapped, copied into a fake home (/home/alice), and run with `env -i` and a fake
# environment. Run as a user who may create /home/alice (root in the dev container).
# Needs: cargo, and dump_syms (cargo install dump_syms --no-default-features --features cli).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fake_home=/home/alice
app_dir=$fake_home/projects/crashy
dump_syms=${DUMP_SYMS:-dump_syms}

# Build outside testdata/ so no build artefact with this machine's paths lands beside the fixtures.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-${TMPDIR:-/tmp}/crashscope-crasher-target}
registry=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ | head -n 1)
export RUSTFLAGS="--remap-path-prefix=$here/crasher=/home/alice/src/crashy \
--remap-path-prefix=${registry%/}=/cargo/registry \
--remap-path-prefix=$CARGO_TARGET_DIR=/home/alice/src/crashy/target \
--remap-path-prefix=$HOME=/home/alice -C force-frame-pointers=yes"
(cd "$here/crasher" && cargo build --release --locked)

install -D -m 0755 "$CARGO_TARGET_DIR/release/crasher" "$app_dir/bin/crashy"

# A fabricated identity: every value below is fake and planted on purpose.
fake_env=(
  HOME=$fake_home USER=alice LOGNAME=alice SHELL=/bin/bash
  HOSTNAME=alice-laptop.corp.example.com EMAIL=alice@example.com
  PATH=/usr/local/bin:/usr/bin:/bin PWD=$app_dir LANG=de_DE.UTF-8 TZ=Europe/Berlin
  GITHUB_TOKEN=ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake0123
  AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
  AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
  DATABASE_URL=postgres://alice:hunter2@db.internal.example.com:5432/notes
  CRASHY_CHANNEL=beta
)
mkdir -p "$here/dumps"
for scenario in segv abort; do
  rm -f "$app_dir/crashy-$scenario.dmp"
  (cd "$app_dir" && timeout -s KILL 60 env -i "${fake_env[@]}" ./bin/crashy dump "$scenario" "crashy-$scenario.dmp")
  cp "$app_dir/crashy-$scenario.dmp" "$here/dumps/linux-crashy-$scenario.dmp"
done

rm -rf "$here/symbols/crashy"
"$dump_syms" -s "$here/symbols" "$app_dir/bin/crashy"

# Generated fixtures must carry fabricated data only.
"$here/../../shared/tools/check-fixture-leaks" "$here"
