#!/usr/bin/env bash
# The exhaustive parameter sweep of `fovea classify` (the in-test sample is
# Tests/FoveaRunTests/ParameterSweepTests.swift): seeded random cases through the release binary
# under mpirun with 1–3 ranks, on data from Fovea's simulator and from RELION's relion_project,
# plus --dry-run plans at boxes 320–512. Every case must finish 2 cycles (exit 0, class maps
# written) or be refused with a message (exit 1/2 and an "error:" line, before any cycle); a
# signal or a backtrace counts as trapped, the time limit as hung.
#
#   benchmarks/sweep/run.sh [CASES] [SEED]        (default 400 cases, seed 1; about 1 s a case)
#
# Needs: swift, mpirun, relion_project and relion_image_handler (Debian's relion). Ends with
# "N cases: X finished, Y refused with a message, Z trapped, H hung" and exits 0 only when Z = H = 0.
# The case lines are in $SWEEP_DIR/cases.tsv (kept when a case fails).
set -uo pipefail
cd "$(dirname "$0")/../.."
CASES="${1:-400}"; SEED="${2:-1}"
swift build -c release --product fovea >/dev/null || exit 1
FOVEA="$PWD/.build/release/fovea"
source scripts/mpi-env.sh
source scripts/relion-projected-data.sh
for tool in relion_project relion_image_handler; do
    command -v "$tool" >/dev/null || { echo "needs $tool (Debian package relion)"; exit 1; }
done
SWEEP_DIR="$(mktemp -d /tmp/fovea-sweep.XXXXXX)"
LIMIT="${SWEEP_TIME_LIMIT:-180}"
RANDOM="$SEED"
rand() { echo $((RANDOM % $1)); }                                  # 0 … $1 − 1
uniform() { awk -v a="$1" -v b="$2" -v r="$RANDOM$RANDOM" 'BEGIN { srand(r); printf "%.3f", a + (b - a) * rand() }'; }

# --- Data sets: NAME BOX PIXEL ------------------------------------------------------------
DATASETS=()
fovea_data() {   # humanoid from Fovea's simulator (needs (box/2 − 1) × pixel ≥ 161 Å)
    local box="$1" pixel="$2" name="fovea-$1-$2"
    "$FOVEA" simulate --scenario 1 --particles 60 --box "$box" --pixel-size "$pixel" --seed 3 \
        --output "$SWEEP_DIR/$name" >/dev/null || { echo "simulate $box $pixel failed"; exit 1; }
    DATASETS+=("$name $box $pixel")
}
# RELION-projected (scripts/relion-projected-data.sh): a humanoid state map rescaled and projected
# by RELION's own tools, every particle in rlnRandomSubset 1.
relion_data() {
    local box="$1" pixel="$2" count="${3:-60}" name="relion-$1-$2"
    relion_projected_data "$SWEEP_DIR/source/maps/state_H01_A0h1f1_B0h1f1.mrc" 5.24 "$SWEEP_DIR/$name" \
        "$box" "$pixel" "$count" "$box$count" || exit 1
    DATASETS+=("$name $box $pixel")
}
"$FOVEA" simulate --scenario 1 --particles 4 --seed 1 --output "$SWEEP_DIR/source" >/dev/null || exit 1
fovea_data 64 6.55; fovea_data 80 5.24; fovea_data 100 3.5; fovea_data 128 2.6; fovea_data 48 7.3
"$FOVEA" selftest dataset --count 60 --seed 2 --output "$SWEEP_DIR/phantom-48-4" >/dev/null && DATASETS+=("phantom-48-4 48 4")
relion_data 64 4; relion_data 64 3; relion_data 24 8; relion_data 32 5.5; relion_data 40 2.2; relion_data 96 1.4
relion_data 128 0.9 30; relion_data 50 9.5; relion_data 36 0.6; relion_data 200 1.1 12
# Large boxes for --dry-run only (plans, no cycles).
BIG=()
for box in 320 416 512; do relion_data "$box" "$(uniform 0.6 2)" 8; BIG+=("${DATASETS[-1]}"); unset 'DATASETS[-1]'; done

# --- Cases --------------------------------------------------------------------------------
GROUPS_=(C1 C1 C1 C2 C7 D2 T O I)
FOCI=(none 2d 3d subtract)
finished=0; refused=0; trapped=0; hung=0; total=0
printf 'case\tdataset\tranks\toptions\toutcome\n' > "$SWEEP_DIR/cases.tsv"
run_case() {   # index dataset-line dry
    local index="$1" name box pixel dry="$3"; read -r name box pixel <<< "$2"
    local width half ranks classes resolution outer focus group options=() out="$SWEEP_DIR/runs/$index"
    width=$(awk -v b="$box" -v p="$pixel" 'BEGIN { print b * p }'); half=$(awk -v w="$width" 'BEGIN { print w / 2 }')
    ranks=$((1 + $(rand 3))); classes=$((1 + $(rand 8)))
    resolution=$(uniform "$(awk -v p="$pixel" 'BEGIN { print 2 * p }')" "$(awk -v p="$pixel" 'BEGIN { print (2 * p > 60 ? 2 * p + 1 : 60) }')")
    [ "$(rand 20)" -eq 0 ] && resolution=$(uniform "$pixel" "$(awk -v p="$pixel" 'BEGIN { print 2 * p }')")
    case $(rand 5) in
        0) outer=$(uniform 0.05 "$pixel") ;; 1) outer=$(uniform "$(awk -v h="$half" 'BEGIN { print h / 5 }')" "$half") ;;
        2) outer="$half" ;; 3) outer=$(uniform "$half" "$width") ;; *) outer=$(uniform "$(awk -v h="$half" 'BEGIN { print h / 2 }')" "$half") ;;
    esac
    focus=${FOCI[$(rand 4)]}; group=${GROUPS_[$(rand ${#GROUPS_[@]})]}
    options=(--classes "$classes" --cycles 2 --resolution "$resolution" --outer-radius "$outer" --focus "$focus"
             --expand "$group" --seed "$((${index//[!0-9]/} + 1))" --threads 1)
    if [ "$focus" != none ]; then
        local r x y z
        r=$(uniform "$pixel" "$(awk -v h="$half" 'BEGIN { print h / 2 }')")
        x=$(uniform "-$(awk -v h="$half" 'BEGIN { print h / 2 }')" "$(awk -v h="$half" 'BEGIN { print h / 2 }')")
        y=$(uniform -10 10); z=$(uniform -10 10)
        if [ "$(rand 3)" -eq 0 ]; then
            "$FOVEA" mask --sphere "$x,$y,$z,$r" --origin centre --box "$box" --pixel-size "$pixel" \
                --out "$SWEEP_DIR/masks/$index.mrc" >/dev/null 2>&1
            options+=(--mask "$SWEEP_DIR/masks/$index.mrc")
        else
            options+=(--sphere "$x,$y,$z,$r" --sphere-origin centre)
        fi
    fi
    [ "$(rand 6)" -eq 0 ] && [ -f "$SWEEP_DIR/$name/map.mrc" ] && options+=(--reference "$SWEEP_DIR/$name/map.mrc")
    [ "$dry" = dry ] && options+=(--dry-run)
    local log="$SWEEP_DIR/logs/$index.log" code outcome
    [ "$ranks" -gt 1 ] && [ "$ranks" -gt 60 ] && ranks=1
    timeout -k 10 "$LIMIT" env $(mpi_clean_env) "${MPIRUN[@]}" -np "$ranks" "$FOVEA" classify \
        -i "$SWEEP_DIR/$name/particles.star" -o "$out" "${options[@]}" >"$log" 2>&1
    code=$?
    if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then outcome=hung; hung=$((hung + 1))
    elif grep -qE 'exited on signal|Illegal instruction|Fatal error|precondition|Segmentation|Aborted|backtrace|Crash' "$log" \
         || [ "$code" -ge 128 ]; then outcome="trapped($code)"; trapped=$((trapped + 1))
    elif [ "$code" -eq 0 ] && { [ "$dry" = dry ] || [ -f "$out/class_001.mrc" ]; }; then outcome=finished; finished=$((finished + 1))
    elif [ "$code" -ne 0 ] && grep -qi 'error' "$log" && [ ! -f "$out/progress.jsonl" ]; then
        outcome="refused: $(grep -m1 -i 'error' "$log" | cut -c1-160)"; refused=$((refused + 1))
    else outcome="unclear($code)"; trapped=$((trapped + 1))
    fi
    total=$((total + 1))
    printf '%s\t%s\t%s\t%s\t%s\n' "$index" "$name" "$ranks" "${options[*]}" "$outcome" >> "$SWEEP_DIR/cases.tsv"
    case "$outcome" in hung|trapped*|unclear*) echo "case $index ($name, $ranks ranks): $outcome: ${options[*]}"; tail -5 "$log" ;; esac
}
mkdir -p "$SWEEP_DIR/runs" "$SWEEP_DIR/logs" "$SWEEP_DIR/masks"
for ((i = 0; i < CASES; i++)); do run_case "$i" "${DATASETS[$(rand ${#DATASETS[@]})]}" run; done
for ((i = 0; i < CASES / 10; i++)); do run_case "dry$i" "${BIG[$(rand ${#BIG[@]})]}" dry; done
echo "$total cases: $finished finished, $refused refused with a message, $trapped trapped, $hung hung ($(date -u +%F), seed $SEED)"
if [ "$trapped" -eq 0 ] && [ "$hung" -eq 0 ]; then rm -rf "$SWEEP_DIR"; else echo "cases and logs kept in $SWEEP_DIR"; exit 1; fi
