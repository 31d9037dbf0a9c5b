#!/usr/bin/env bash
# The preprint's Figure 3 with Fovea: in scenarios 2 and 3 (SNR 0.100), focused classification of
# one arm + hand into 4 classes, then (a) the normalised covariance R of ROI occupancies across the
# class volumes (near hand, near foot, far foot) and (b) the per-particle test: each unit's class
# against the true presence of the near foot, the far foot and the far hand (chi-square and
# permutation p).
# Reuses benchmarks/paper/run.sh's runs when present. Appends to benchmarks/RESULTS.md.
# Usage: benchmarks/paper/figure3.sh [--particles N (5000)] [--work DIR (/tmp/fovea-paper)]
set -euo pipefail
cd "$(dirname "$0")/../.."
PARTICLES=5000; WORK=/tmp/fovea-paper
while [ $# -gt 0 ]; do
    case "$1" in --particles) PARTICLES="$2"; shift 2 ;; --work) WORK="$2"; shift 2 ;; *) echo "unknown option $1"; exit 2 ;; esac
done
if [ -z "${FOVEA:-}" ]; then swift build -c release --product fovea 2>&1 | tail -1; FOVEA="$PWD/.build/release/fovea"; fi
OUT="$WORK/figure3-n$PARTICLES"; mkdir -p "$OUT"
for scenario in 2 3; do
    run="$WORK/t1-s$scenario-snr0.100-2d-arm-n$PARTICLES"
    data="$WORK/s$scenario-snr0.100-n$PARTICLES"
    if [ ! -f "$run/run.h5" ]; then
        FOVEA="$FOVEA" benchmarks/paper/run.sh --particles "$PARTICLES" --scenarios "$scenario" --snrs 0.100 --tables 1 \
            --work "$WORK" >/dev/null
    fi
    m="$data/maps"
    "$FOVEA" covariance --classes "$run" --roi nearhand="$m/mask_near_hand_A.mrc" --roi nearfoot="$m/mask_near_foot_A.mrc" \
        --roi farfoot="$m/mask_far_foot_B.mrc" --full nearhand="$m/component_hand_A_lowered.mrc" \
        --full nearfoot="$m/component_foot_A.mrc" --full farfoot="$m/component_foot_B.mrc" \
        --scale-mask "$m/mask_leg_A.mrc" --scale-map "$(ls "$m"/state_H01_*.mrc)" \
        --json "$OUT/s$scenario-R.json" > "$OUT/s$scenario-R.txt"
    "$FOVEA" covariance --rows "$run" --truth "$data/truth.star" --state foot --permutations 2000 \
        --json "$OUT/s$scenario-nearfoot.json" > "$OUT/s$scenario-nearfoot.txt"
    "$FOVEA" covariance --rows "$run" --truth "$data/truth.star" --state foot --opposite --permutations 2000 \
        --json "$OUT/s$scenario-farfoot.json" > "$OUT/s$scenario-farfoot.txt"
    "$FOVEA" covariance --rows "$run" --truth "$data/truth.star" --state hand --opposite --permutations 2000 \
        --json "$OUT/s$scenario-farhand.json" > "$OUT/s$scenario-farhand.txt"
    "$FOVEA" kappa --run "$run" --truth "$data/truth.star" > "$OUT/s$scenario-kappa.txt"
done
python3 benchmarks/paper/figure3.py "$OUT" "$PARTICLES" >> benchmarks/RESULTS.md
echo "Figure 3 appended to benchmarks/RESULTS.md (details in $OUT)"
