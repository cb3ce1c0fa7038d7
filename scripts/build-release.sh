#!/usr/bin/env bash
# Build the release binary and print its path.
#
# On Linux with glibc it is a static PIE: libc, libm and libgcc linked in (ripgrep's Linux
# releases are static too). Loading and binding those three shared libraries is most of
# what `show` of a small dump spends before it starts: linux_raise_sigabrt took 2.47 ms
# dynamically linked and 2.02 ms static, side by side (minidump-stackwalk: 2.06 ms). The
# output is the same byte for byte (compared on every corpus dump, human and JSON, a
# database, `audit` and `scrub`). Elsewhere, the plain release build.
#
# The flag goes to the target only, hence `--target`: proc macros are libraries the
# compiler loads, which cannot be static. The static build has its own target directory
# (target/<host>/release); its first build compiles every dependency again.
# Usage: scripts/build-release.sh
set -euo pipefail
cd "$(dirname "$0")/.."
host=$(rustc -vV | sed -n 's/^host: //p')
case "$host" in
  *-linux-gnu)
    RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
      cargo build --release --locked --quiet --target "$host"
    echo "target/$host/release/crashscope"
    ;;
  *)
    cargo build --release --locked --quiet
    echo "target/release/crashscope"
    ;;
esac
