#!/usr/bin/env bash
# The test command. Without arguments: sets up everything the tests need (scripts/setup.sh: system
# packages, llama-server, the local models), builds, and runs the whole suite — unit tests of the libraries
# and integration tests against a real llama-server, real files and real HTTP. An integration test fails,
# never skips, when the runtime is missing. Safe to run again.
#
# The suite runs inside pg_virtualenv (from the postgresql package): a throwaway PostgreSQL cluster on a
# private port, with PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE set for the tests, removed when the
# tests end, whether they pass or not.
#
# With --unit: builds and runs only the unit tests (ConclaveCore, ConclaveConfig, ConclaveStore,
# ConclaveEvaluation, ConclaveFuzz, ConclaveServer, and the engine against scripted experts and the
# in-memory store), which need no setup, no llama-server, no PostgreSQL and no Python venv.
set -euo pipefail
cd "$(dirname "$0")/.."

UNIT_TARGETS='^(ConclaveCoreTests|ConclaveConfigTests|ConclaveStoreTests|ConclaveEvaluationTests|ConclaveFuzzTests|ConclaveServerTests)\.|^ConclaveEngineTests\.(ScriptedRunTests|ModeRunTests|JobWorkerTests)'

if [ "${1:-}" = "--unit" ]; then
  swift build --build-tests
  exec swift test --skip-build --no-parallel --filter "$UNIT_TARGETS" --skip 'Postgres|OpenAIClient'
fi

bash scripts/setup.sh
swift build --build-tests
bash scripts/lint.sh
pg_virtualenv swift test --skip-build --no-parallel
