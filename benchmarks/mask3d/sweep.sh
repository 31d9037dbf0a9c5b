#!/usr/bin/env bash
# Measured sweep of --focus 3d's reference-mask settings: --mask-outside-weight, --mask-lowpass and
# --mask-edge, on two small seeded humanoid datasets where 3-D masking was weakest (scenario 1 at
# SNR 0.025, K = 2; scenario 3 at SNR 0.100, K = 4), with --focus 2d on the same data for comparison
# and the ideal-observer ceiling of each dataset (fovea kappa --ceiling). docs/validation.md reads it.
#
# Usage: benchmarks/mask3d/sweep.sh [WORK_FOLDER]              (default /tmp/fovea-mask3d)
# Environment: FOVEA=<binary> (else builds release), PARTICLES (2000), BOX (64), PIXEL (5.24),
#   CYCLES (15), THREADS (2), SEED (1), WEIGHTS ("0 0.25 0.5 0.75 1"), LOWPASSES ("none 30 60"),
#   EDGES ("5 10 20"), CASES ("1:0.025 3:0.100"), OUTSIDES (--mask-outside values, "own"),
#   WITH_2D (1: also --focus 2d), SIMULATE_OPTIONS (extra `fovea simulate` options, e.g. the real-data
#   imperfections of benchmarks/imperfections/run.sh; the data folder is named after them).
# Writes WORK_FOLDER/sweep.tsv: scenario, snr, mode, weight, lowpass, edge, cycles, kappa, ceiling, outside.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK="${1:-/tmp/fovea-mask3d}"
PARTICLES="${PARTICLES:-2000}"; BOX="${BOX:-64}"; PIXEL="${PIXEL:-5.24}"; CYCLES="${CYCLES:-15}"
THREADS="${THREADS:-2}"; SEED="${SEED:-1}"
WEIGHTS="${WEIGHTS:-0 0.25 0.5 0.75 1}"; LOWPASSES="${LOWPASSES:-none 30 60}"; EDGES="${EDGES:-5 10 20}"
CASES="${CASES:-1:0.025 3:0.100}"; OUTSIDES="${OUTSIDES:-own}"; WITH_2D="${WITH_2D:-1}"
SIMULATE_OPTIONS="${SIMULATE_OPTIONS:-}"
read -r -a simulate_extra <<< "$SIMULATE_OPTIONS"
data_suffix=$([ -z "$SIMULATE_OPTIONS" ] && echo "" || echo "-$(echo "$SIMULATE_OPTIONS" | tr -c 'A-Za-z0-9.\n' '_')")
if [ -z "${FOVEA:-}" ]; then
    swift build -c release --product fovea 2>&1 | tail -1
    FOVEA="$PWD/.build/release/fovea"
fi
mkdir -p "$WORK"
TSV="$WORK/sweep.tsv"
printf 'scenario\tsnr\tmode\tweight\tlowpass\tedge\tcycles\tkappa\tceiling\toutside\n' > "$TSV"

# score RUN DATA -> "kappa ceiling" (ceiling "-" when this fovea has no --ceiling)
score() {
    local kappa ceiling="-"
    "$FOVEA" kappa --run "$1" --truth "$2/truth.star" --json "$1/kappa.json" > "$1/kappa.txt"
    kappa=$(python3 -c "import json; print('%.3f' % json.load(open('$1/kappa.json'))['pooled']['kappa'])")
    if "$FOVEA" kappa --help | grep -q -- '--ceiling'; then
        "$FOVEA" kappa --run "$1" --truth "$2/truth.star" --ceiling --json "$1/kappa-ceiling.json" > /dev/null
        ceiling=$(python3 -c "import json; print('%.3f' % json.load(open('$1/kappa-ceiling.json'))['ceiling']['kappa'])")
    fi
    echo "$kappa $ceiling"
}

run_case() {   # run_case DATA SCENARIO SNR MODE WEIGHT LOWPASS EDGE OUTSIDE
    local data="$1" scenario="$2" snr="$3" mode="$4" weight="$5" lowpass="$6" edge="$7" outside="$8" run classes focus=() result
    classes=$([ "$scenario" = 1 ] && echo 2 || echo 4)
    run="$data-$mode-w$weight-lp$lowpass-e$edge-$outside"
    if [ "$mode" = 2d ]; then
        focus=(--focus 2d --sphere "$(cat "$data.sphere")" --sphere-origin centre)
    else
        focus=(--focus 3d --mask "$data/maps/mask_arm_hand_focus_A.mrc" --mask-outside-weight "$weight" --mask-edge "$edge")
        [ "$outside" = own ] || focus+=(--mask-outside "$outside")
        [ "$lowpass" = none ] || focus+=(--mask-lowpass "$lowpass")
    fi
    rm -rf "$run"
    "$FOVEA" classify --particles "$data/particles.star" --classes "$classes" "${focus[@]}" --expand C2 \
        --resolution 20 --outer-radius 160 --cycles "$CYCLES" --min-cycles 5 --threads "$THREADS" \
        --output "$run" > "$run.log" 2>&1 || { echo "classify failed: $run.log"; tail -3 "$run.log"; return 0; }
    result=($(score "$run" "$data"))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$snr" "$mode" "$weight" "$lowpass" "$edge" \
        "$(wc -l < "$run/progress.jsonl")" "${result[0]}" "${result[1]}" "$outside" >> "$TSV"
    echo "s$scenario snr $snr $mode w=$weight lp=$lowpass edge=$edge outside=$outside: kappa ${result[0]} (ceiling ${result[1]})"
}

for case in $CASES; do
    scenario="${case%%:*}"; snr="${case#*:}"
    data="$WORK/s$scenario-snr$snr-n$PARTICLES-box$BOX$data_suffix"
    if [ ! -f "$data/particles.star" ]; then
        "$FOVEA" simulate --scenario "$scenario" --particles "$PARTICLES" --snr "$snr" --seed "$SEED" --box "$BOX" \
            --pixel-size "$PIXEL" --threads "$THREADS" "${simulate_extra[@]}" --output "$data" > "$data.simulate.log" 2>&1
    fi
    grep -oE -- '--sphere [-0-9.,]+ --sphere-origin centre' "$data.simulate.log" \
        | sed -E 's/--sphere ([^ ]+).*/\1/' > "$data.sphere"
    [ "$WITH_2D" = 1 ] && run_case "$data" "$scenario" "$snr" 2d - - - -
    for outside in $OUTSIDES; do
        for weight in $WEIGHTS; do
            for edge in $EDGES; do
                if [ "$weight" = 0 ] || [ "$weight" = 1 ]; then
                    # weight 1 keeps each class's whole map: no edge
                    [ "$weight" = 1 ] && [ "$outside" = own ] && [ "$edge" != 10 ] && continue
                    run_case "$data" "$scenario" "$snr" 3d "$weight" none "$edge" "$outside"
                else
                    for lowpass in $LOWPASSES; do
                        run_case "$data" "$scenario" "$snr" 3d "$weight" "$lowpass" "$edge" "$outside"
                    done
                fi
            done
        done
    done
done
echo "sweep table: $TSV"
