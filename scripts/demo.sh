#!/usr/bin/env bash
# The README's main-job command: installs what is missing, builds in release and runs the demo
# under mpirun. (Until classification lands this is `fovea info` on two ranks.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product fovea 2>&1 | tail -1
source scripts/mpi-env.sh
"${MPIRUN[@]}" -np 2 .build/release/fovea info
