#!/usr/bin/env bash
# Checks the formatting of every Swift file against .swift-format (the toolchain's swift-format), strictly:
# any finding fails. `swift format --in-place --recursive Sources Tests Package.swift` fixes most of them.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --parallel --recursive Sources Tests Package.swift
