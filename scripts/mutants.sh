#!/usr/bin/env bash
# A mutation habit: plants each bug listed in scripts/mutants.py, one at a time, runs the tests
# that should notice, puts the code back, and prints caught/missed. Run it after changing the
# trainer, the flags or the screen (a few minutes: one incremental build and a few suites each):
#   scripts/mutants.sh                 every mutant
#   scripts/mutants.sh --only adam     those whose name contains "adam"
#   scripts/mutants.sh --list          the list
set -euo pipefail
cd "$(dirname "$0")/.."
if ! git diff --quiet -- Sources; then
    echo "mutants.sh: Sources/ has uncommitted changes; commit or stash them first (mutants edit and restore files)" >&2
    exit 2
fi
exec python3 scripts/mutants.py "$@"
