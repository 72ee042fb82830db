#!/usr/bin/env bash
# Sets up everything the tests need (scripts/setup.sh: system packages, llama-server, the local models),
# builds, and runs the whole test suite: unit tests of the pure core and integration tests against a real
# llama-server, real files and real HTTP. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test --skip-build --no-parallel
