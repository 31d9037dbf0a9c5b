#!/usr/bin/env bash
# Builds and runs the core-kernel benchmark (release); prints Markdown rows for benchmarks/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product fovea-bench-kernels >/dev/null
.build/release/fovea-bench-kernels "${1:-1}" "${@:2}"
