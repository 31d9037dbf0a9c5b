#!/usr/bin/env bash
# Regenerates the preprint's Table 1 (3 scenarios × 5 SNRs × 2-D vs 3-D masking) and Table 2 (the
# mask on the leg, scenario 1) with Fovea, and writes them beside the preprint's numbers to
# benchmarks/RESULTS.md (and benchmarks/paper/results.tsv), then Figure 3 (benchmarks/paper/figure3.sh,
# covariance in scenarios 2 and 3 at SNR 0.100) from the same runs. docs/validation.md explains them.
#
# Usage: benchmarks/paper/run.sh [options]
#   --particles N   particles per dataset (preprint: 10000)            [10000]
#   --cycles N      cycle limit (convergence may stop earlier)          [15]
#   --ranks N       MPI ranks                                           [2]
#   --scenarios L   e.g. "1 2 3"                                        ["1 2 3"]
#   --snrs L        e.g. "0.100 0.050 0.025 0.013 0.006"                [all five]
#   --tables L      "1 2"                                               ["1 2"]
#   --modes L       focus modes, "2d 3d subtract" (subtract: the mask   ["2d 3d"]
#                   of 3d; Table 1 arm + hand, Table 2 leg)
#   --work DIR      where datasets and runs go (kept)                   [/tmp/fovea-paper]
# Environment: FOVEA=<binary> to use a given build instead of building.
set -euo pipefail
cd "$(dirname "$0")/../.."
PARTICLES=10000; CYCLES=15; RANKS=2; SCENARIOS="1 2 3"; SNRS="0.100 0.050 0.025 0.013 0.006"; TABLES="1 2"
MODES="2d 3d"; WORK=/tmp/fovea-paper
COMMAND="benchmarks/paper/run.sh$(printf " %q" "$@")"
while [ $# -gt 0 ]; do
    case "$1" in
        --particles) PARTICLES="$2"; shift 2 ;; --cycles) CYCLES="$2"; shift 2 ;; --ranks) RANKS="$2"; shift 2 ;;
        --scenarios) SCENARIOS="$2"; shift 2 ;; --snrs) SNRS="$2"; shift 2 ;; --tables) TABLES="$2"; shift 2 ;;
        --modes) MODES="$2"; shift 2 ;;
        --work) WORK="$2"; shift 2 ;; *) echo "unknown option $1"; exit 2 ;;
    esac
done
# FOVEA=path uses that binary (e.g. a copy, so a long run is not disturbed by rebuilds).
if [ -z "${FOVEA:-}" ]; then
    swift build -c release --product fovea 2>&1 | tail -1
    FOVEA="$PWD/.build/release/fovea"
fi
source scripts/mpi-env.sh
for mode in $MODES; do
    case "$mode" in 2d|3d|subtract) ;; *) echo "unknown mode $mode (2d, 3d, subtract)"; exit 2 ;; esac
done
mkdir -p "$WORK"
RESULTS="$PWD/benchmarks/paper/results.tsv"
[ -f "$RESULTS" ] || printf 'table\tscenario\tsnr\tmode\tparticles\tclasses\tcycles\tkappa\tseconds\tdate\tceiling\n' > "$RESULTS"
# Rows written before the ceiling column keep their ten fields (tables.py reads their ceiling as absent).
head -1 "$RESULTS" | grep -q $'\tceiling$' || sed -i '1s/$/\tceiling/' "$RESULTS"
start_all=$SECONDS

dataset() {   # dataset SCENARIO SNR -> prints the folder
    local dir="$WORK/s$1-snr$2-n$PARTICLES"
    if [ ! -f "$dir/particles.star" ]; then
        "$FOVEA" simulate --scenario "$1" --particles "$PARTICLES" --snr "$2" --seed 1 --threads 2 --output "$dir" \
            > "$dir.simulate.log" 2>&1
    fi
    echo "$dir"
}

# classify_and_score TABLE SCENARIO SNR MODE REGION: REGION = arm (focus region of Table 1) or leg (Table 2)
classify_and_score() {
    local table="$1" scenario="$2" snr="$3" mode="$4" region="$5" data run classes sphere focus=()
    data="$(dataset "$scenario" "$snr")"
    classes=$([ "$scenario" = 1 ] && echo 2 || echo 4)
    run="$WORK/t$table-s$scenario-snr$snr-$mode-$region-n$PARTICLES"
    if [ "$region" = arm ] && [ "$mode" = 2d ]; then
        # cisTEM's 2-D masking: the sphere around the arm + hand of side A (centre from the map centre).
        sphere="$(grep -oE -- '--sphere [-0-9.,]+ --sphere-origin centre' "$data.simulate.log" | awk '{print $2}')"
        focus=(--focus 2d --sphere "$sphere" --sphere-origin centre)
    elif [ "$region" = arm ]; then
        focus=(--focus "$mode" --mask "$data/maps/mask_arm_hand_focus_A.mrc")
    else
        focus=(--focus "$mode" --mask "$data/maps/mask_leg_A.mrc")
    fi
    rm -rf "$run"
    local t0=$SECONDS
    "${MPIRUN[@]}" -np "$RANKS" "$FOVEA" classify --particles "$data/particles.star" --classes "$classes" "${focus[@]}" \
        --expand C2 --resolution 20 --outer-radius 190 --cycles "$CYCLES" --min-cycles 5 --threads 1 \
        --output "$run" > "$run.log" 2>&1 || { echo "classify failed: $run.log"; tail -5 "$run.log"; return 1; }
    local seconds=$((SECONDS - t0)) cycles kappa ceiling
    cycles=$(wc -l < "$run/progress.jsonl")
    # The ideal-observer ceiling beside the kappa (Table 1's arm region; ceiling.star of the dataset).
    local ceiling_option=()
    [ "$region" = arm ] && ceiling_option=(--ceiling)
    "$FOVEA" kappa --run "$run" --truth "$data/truth.star" "${ceiling_option[@]}" --json "$run/kappa.json" > "$run/kappa.txt"
    kappa=$(python3 -c "import json; d = json.load(open('$run/kappa.json')); print('%.3f' % d.get('pooled', d)['kappa'])")
    ceiling=$(python3 -c "import json; d = json.load(open('$run/kappa.json')); print('%.3f' % d['ceiling']['kappa'] if 'ceiling' in d else '-')")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$table" "$scenario" "$snr" "$mode" "$PARTICLES" "$classes" \
        "$cycles" "$kappa" "$seconds" "$(date -u +%F)" "$ceiling" >> "$RESULTS"
    echo "table $table scenario $scenario SNR $snr $mode ($region): kappa $kappa (ceiling $ceiling), $cycles cycles, $seconds s"
}

for table in $TABLES; do
    if [ "$table" = 1 ]; then
        for scenario in $SCENARIOS; do for snr in $SNRS; do for mode in $MODES; do
            classify_and_score 1 "$scenario" "$snr" "$mode" arm
        done; done; done
    else
        for snr in $SNRS; do for mode in $MODES; do classify_and_score 2 1 "$snr" "$mode" leg; done; done
    fi
done
python3 benchmarks/paper/tables.py "$RESULTS" "$PARTICLES" "$CYCLES" "$RANKS" $((SECONDS - start_all)) "$MODES" "$COMMAND" >> benchmarks/RESULTS.md
echo "tables appended to benchmarks/RESULTS.md ($((SECONDS - start_all)) s)"
# Figure 3 from the Table 1 runs of scenarios 2 and 3 at SNR 0.100, when this invocation made them.
if [[ " $TABLES " == *" 1 "* && " $MODES " == *" 2d "* && " $SCENARIOS " == *" 2 "* && " $SCENARIOS " == *" 3 "* && " $SNRS " == *" 0.100 "* ]]; then
    FOVEA="$FOVEA" benchmarks/paper/figure3.sh --particles "$PARTICLES" --work "$WORK"
fi
