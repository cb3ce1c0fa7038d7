#!/usr/bin/env bash
# Regenerate the committed shell completions and man pages from the clap definitions.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/crashscope
mkdir -p completions man
$bin generate completions bash > completions/crashscope.bash
$bin generate completions zsh > completions/_crashscope
$bin generate completions fish > completions/crashscope.fish
$bin generate completions powershell > completions/_crashscope.ps1
$bin generate completions elvish > completions/crashscope.elv
rm -f man/*.1
$bin generate man man
$bin rules --format markdown > docs/rules.md
