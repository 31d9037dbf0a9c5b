#!/usr/bin/env bash
# The ideal-observer ceiling (docs/validation.md) of every humanoid dataset of the preprint's Table 1
# as benchmarks/paper/run.sh makes them (fovea simulate --particles N --seed 1, box 80, 5.24 Å): each
# dataset is simulated into a scratch folder, its ceiling (mean over both sides = the C2-expanded rows
# a run scores) read from simulation.json, and the folder removed.
#
# Usage: benchmarks/ceiling/run.sh [PARTICLES] [SCRATCH]           (10000, /tmp/fovea-ceiling)
# Environment: FOVEA=<binary> (else builds release), SCENARIOS ("1 2 3"),
#   SNRS ("0.100 0.050 0.025 0.013 0.006"), THREADS (2).
# Prints a TSV: scenario, snr, particles, ceiling accuracy, ceiling kappa.
set -euo pipefail
cd "$(dirname "$0")/../.."
PARTICLES="${1:-10000}"; SCRATCH="${2:-/tmp/fovea-ceiling}"
SCENARIOS="${SCENARIOS:-1 2 3}"; SNRS="${SNRS:-0.100 0.050 0.025 0.013 0.006}"; THREADS="${THREADS:-2}"
if [ -z "${FOVEA:-}" ]; then
    swift build -c release --product fovea 2>&1 | tail -1
    FOVEA="$PWD/.build/release/fovea"
fi
mkdir -p "$SCRATCH"
printf 'scenario\tsnr\tparticles\tceiling_accuracy\tceiling_kappa\n'
for scenario in $SCENARIOS; do
    for snr in $SNRS; do
        dir="$SCRATCH/s$scenario-snr$snr-n$PARTICLES"
        rm -rf "$dir"
        "$FOVEA" simulate --scenario "$scenario" --particles "$PARTICLES" --snr "$snr" --seed 1 --threads "$THREADS" \
            --output "$dir" > "$dir.log" 2>&1
        python3 -c "import json; d = json.load(open('$dir/simulation.json'))['ideal_observer']; \
print('$scenario\t$snr\t$PARTICLES\t%.4f\t%.4f' % (d['accuracy'], d['kappa']))"
        rm -rf "$dir"
    done
done
