#!/usr/bin/env bash
# One command from a fresh clone to answers: installs what is missing (scripts/setup.sh), builds Conclave,
# and runs the quickstart pipeline on the local llama.cpp runtime. Extra arguments go to `conclave run`,
# e.g. `scripts/quickstart.sh --limit 3`. Safe to run again; the second time setup takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "[quickstart] building conclave" >&2
swift build --product conclave 2>&1 | grep -E "error|warning: unre|Compiling conclave|Build complete" >&2 || true
test -x .build/debug/conclave || { echo "[quickstart] build failed; run 'swift build' to see why" >&2; exit 1; }
exec .build/debug/conclave run examples/quickstart/pipeline.yaml "$@"
