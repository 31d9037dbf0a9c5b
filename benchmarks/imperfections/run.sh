#!/usr/bin/env bash
# Kappa with and without the simulator's real-data imperfections at the same SNR (docs/humanoid.md,
# "Real-data imperfections"): one white-noise dataset and one with per-particle contrast, per-micrograph
# noise level, noise colour and B-factor, background-normalised, same seed, scenario and SNR; each
# classified with --focus 2d, 3d and subtract and scored with fovea kappa --ceiling.
#
# Usage: benchmarks/imperfections/run.sh [WORK_FOLDER]               (default /tmp/fovea-imperfections)
# Environment: FOVEA=<binary> (else builds release), SCENARIO (1), SNR (0.025), PARTICLES (2000), BOX (64),
#   PIXEL (5.24), CYCLES (15), THREADS (2), MODES ("2d 3d subtract"),
#   IMPERFECTIONS ("--contrast-spread 0.3 --noise-spread 0.3 --noise-colour 400 --bfactor-spread 100"),
#   KINDS ("white imperfect"), CLASSIFY_OPTIONS (added to every classify, e.g. "--noise-groups none").
# Writes WORK_FOLDER/kappa.tsv: data, mode, kappa, ceiling kappa.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK="${1:-/tmp/fovea-imperfections}"
SCENARIO="${SCENARIO:-1}"; SNR="${SNR:-0.025}"; PARTICLES="${PARTICLES:-2000}"; BOX="${BOX:-64}"; PIXEL="${PIXEL:-5.24}"
CYCLES="${CYCLES:-15}"; THREADS="${THREADS:-2}"; MODES="${MODES:-2d 3d subtract}"; KINDS="${KINDS:-white imperfect}"
read -r -a classify_options <<< "${CLASSIFY_OPTIONS:-}"
IMPERFECTIONS="${IMPERFECTIONS:---contrast-spread 0.3 --noise-spread 0.3 --noise-colour 400 --bfactor-spread 100}"
if [ -z "${FOVEA:-}" ]; then
    swift build -c release --product fovea 2>&1 | tail -1
    FOVEA="$PWD/.build/release/fovea"
fi
mkdir -p "$WORK"
TSV="$WORK/kappa.tsv"
printf 'data\tmode\tkappa\tceiling_kappa\n' > "$TSV"
classes=$([ "$SCENARIO" = 1 ] && echo 2 || echo 4)
for kind in $KINDS; do
    data="$WORK/$kind"
    extra=()
    [ "$kind" = imperfect ] && read -r -a extra <<< "$IMPERFECTIONS"
    rm -rf "$data"
    "$FOVEA" simulate --scenario "$SCENARIO" --particles "$PARTICLES" --snr "$SNR" --seed 1 --box "$BOX" --pixel-size "$PIXEL" \
        --threads "$THREADS" "${extra[@]}" --output "$data" > "$data.simulate.log" 2>&1
    sphere="$(grep -oE -- '--sphere [-0-9.,]+ --sphere-origin centre' "$data.simulate.log" | sed -E 's/--sphere ([^ ]+).*/\1/')"
    for mode in $MODES; do
        run="$WORK/$kind-$mode"
        if [ "$mode" = 2d ]; then focus=(--focus 2d --sphere "$sphere" --sphere-origin centre)
        else focus=(--focus "$mode" --mask "$data/maps/mask_arm_hand_focus_A.mrc"); fi
        rm -rf "$run"
        "$FOVEA" classify --particles "$data/particles.star" --classes "$classes" "${focus[@]}" --expand C2 --resolution 20 \
            --outer-radius 160 --cycles "$CYCLES" --min-cycles 5 --threads "$THREADS" "${classify_options[@]}" --output "$run" > "$run.log" 2>&1
        "$FOVEA" kappa --run "$run" --truth "$data/truth.star" --ceiling --json "$run/kappa.json" > "$run/kappa.txt"
        python3 -c "import json; d = json.load(open('$run/kappa.json')); \
print('$kind\t$mode\t%.3f\t%.3f' % (d['pooled']['kappa'], d['ceiling']['kappa']))" | tee -a "$TSV"
    done
done
