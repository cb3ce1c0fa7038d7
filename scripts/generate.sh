#!/usr/bin/env bash
# Regenerate the committed files: the upstream rule table from rules/upstream/, then the
# shell completions, man pages and docs/rules.md from the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --example generate-rules
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
