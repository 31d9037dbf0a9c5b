# `fovea classify` under real mpirun: rank-count invariance, stop by signal and continue (also on
# another number of ranks), a killed rank, bad input. Dataset: the two-region phantom
# (`fovea selftest dataset`), box 48, focus sphere on the small region.
CLASSIFY_DATA="$CHECK_TMP/two-region"
"$FOVEA" selftest dataset --count 600 --snr 0.1 --seed 3 --output "$CLASSIFY_DATA" >/dev/null
# A slower dataset for the signal checks (cycles of ~0.5 s, so a signal lands mid-run).
SIGNAL_DATA="$CHECK_TMP/two-region-big"
"$FOVEA" selftest dataset --count 4000 --snr 0.1 --seed 4 --output "$SIGNAL_DATA" >/dev/null

# classify_on NP FOLDER [DATA] [extra options...]
classify_on() {
    local np="$1" out="$2" data="${3:-$CLASSIFY_DATA}"; shift 3
    "${MPIRUN[@]}" -np "$np" "$FOVEA" classify -i "$data/particles.star" --classes 2 --focus 2d \
        --sphere 42,0,0,32 --sphere-origin centre --resolution 10 --outer-radius 90 --threads 1 -o "$out" "$@"
}

classify_rank_invariance() {
    classify_on 1 "$CHECK_TMP/np1" "" --cycles 8 || return 1
    classify_on 2 "$CHECK_TMP/np2" "" --cycles 8 || return 1
    classify_on 3 "$CHECK_TMP/np3" "" --cycles 8 || return 1
    "$FOVEA" kappa --run "$CHECK_TMP/np1" --truth "$CLASSIFY_DATA/truth.star" --column foveaSmall --minimum 0.9 &&
    "$FOVEA" selftest compare "$CHECK_TMP/np1" "$CHECK_TMP/np2" --tolerance 1e-4 &&
    "$FOVEA" selftest compare "$CHECK_TMP/np1" "$CHECK_TMP/np3" --tolerance 1e-4
}

# Every focus mode (K = 3) on 1 rank × 2 threads, 2 and 3 ranks: every class map, half map and table
# byte for byte the same as on 1 rank × 1 thread (the check above allows 1e-4; results are meant to be
# bit-identical for any rank and thread count).
classify_modes_bit_identical() {
    local mode layout file reference
    for mode in 2d 3d subtract; do
        reference="$CHECK_TMP/bits-$mode-np1"
        classify_on 1 "$reference" "" --focus "$mode" --classes 3 --cycles 3 --min-cycles 3 > /dev/null || return 1
        for layout in "1 --threads 2" "2" "3"; do
            set -- $layout
            local run="$CHECK_TMP/bits-$mode-np$1-$#"
            classify_on "$1" "$run" "" --focus "$mode" --classes 3 --cycles 3 --min-cycles 3 "${@:2}" > /dev/null || return 1
            for file in "$reference"/*.mrc "$reference"/*.star "$reference"/*.par; do
                [ -f "$file" ] || continue
                cmp -s "$file" "$run/${file##*/}" || { echo "$mode, $layout ranks: ${file##*/} differs from 1 rank"; return 1; }
            done
        done
        echo "$mode: $(ls "$reference"/*.mrc "$reference"/*.star "$reference"/*.par 2>/dev/null | wc -l) files identical on 1 × 1, 1 × 2, 2 and 3 ranks"
    done
}

# --starts 3 on 1, 2 and 3 ranks (and 2 threads): the same start chosen with the same mean LogPs, the same outputs.
classify_starts_rank_invariance() {
    local np said
    for np in 1 2 3; do
        classify_on "$np" "$CHECK_TMP/starts-np$np" "" --classes 3 --starts 3 --start-cycles 2 --cycles 4 \
            $([ "$np" = 1 ] && echo --threads 2) > "$CHECK_TMP/starts-np$np.log" || return 1
        said="$(grep '^starts: mean LogP' "$CHECK_TMP/starts-np$np.log")" || { cat "$CHECK_TMP/starts-np$np.log"; return 1; }
        echo "np $np: $said"
        [ "$np" = 1 ] || [ "$said" = "$(grep '^starts: mean LogP' "$CHECK_TMP/starts-np1.log")" ] || return 1
    done
    "$FOVEA" selftest compare "$CHECK_TMP/starts-np1" "$CHECK_TMP/starts-np2" --tolerance 1e-4 &&
    "$FOVEA" selftest compare "$CHECK_TMP/starts-np1" "$CHECK_TMP/starts-np3" --tolerance 1e-4
}

# SIGUSR1 (mpirun forwards it to the ranks) during the starts (start 1, or start 2 when the forwarding
# is slow): exit 75 after that start's cycles with the best start's checkpoint; the remaining starts are
# not run and --continue goes on from cycle 2 to the end.
classify_stop_during_starts() {
    local run="$CHECK_TMP/starts-stopped" log="$CHECK_TMP/starts-stopped.log" pid status
    # mpirun itself in the background (not a function's subshell), so that $! is mpirun's id.
    # The slower dataset (cycles of ~0.5 s): the signal, sent once start 1 has begun, lands before
    # the last start (on the small one a start took 0.2 s, and mpirun's forwarding could miss it).
    "${MPIRUN[@]}" -np 1 "$FOVEA" classify -i "$SIGNAL_DATA/particles.star" --classes 3 --resolution 10 --outer-radius 90 \
        --starts 3 --start-cycles 2 --cycles 4 -o "$run" > "$log" 2>&1 &
    pid=$!
    local deadline=$((SECONDS + 120))
    until grep -q "start 1/3: cycle 1" "$log"; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.1; done
    kill -USR1 "$pid"; wait "$pid"; status=$?
    cat "$log"
    [ "$status" = 75 ] && grep -qE "starts [23]–3 not run: stop signal" "$log" && [ "$(wc -l < "$run/progress.jsonl")" = 2 ] &&
    "${MPIRUN[@]}" -np 2 "$FOVEA" classify --continue "$run" && [ "$(wc -l < "$run/progress.jsonl")" = 4 ]
}

# wait_for_cycle FOLDER N: until progress.jsonl records cycle N (at most 120 s).
wait_for_cycle() {
    local deadline=$((SECONDS + 120))
    until [ -f "$1/progress.jsonl" ] && [ "$(wc -l < "$1/progress.jsonl")" -ge "$2" ]; do
        [ $SECONDS -lt $deadline ] || { echo "no cycle $2 in $1 after 120 s"; return 1; }
        sleep 0.1
    done
}

# SIGNAL NP_FIRST NP_CONTINUE: stop a 10-cycle run with SIGNAL after cycle 2, continue, compare
# with an uninterrupted run.
classify_stop_and_continue() {
    local signal="$1" first="$2" second="$3" run="$CHECK_TMP/stopped-$1-$2-$3"
    local options=(--cycles 10 --min-cycles 10 --checkpoint-every 100)
    [ -d "$CHECK_TMP/uninterrupted" ] || classify_on 2 "$CHECK_TMP/uninterrupted" "$SIGNAL_DATA" "${options[@]}" >/dev/null || return 1
    classify_on "$first" "$run" "$SIGNAL_DATA" "${options[@]}" & local launcher=$!
    wait_for_cycle "$run" 2 || { kill "$launcher"; return 1; }
    # Signal the ranks themselves (as Slurm does for the processes of a job step); SIGUSR1 to
    # mpirun would be forwarded too, but SIGTERM to mpirun ends the job (docs/hpc.md).
    pkill -"$signal" -f "^$FOVEA classify -i $SIGNAL_DATA/particles.star.*-o $run"
    wait "$launcher"; local code=$?
    echo "first part exited with $code"
    [ "$code" -eq 75 ] || return 1
    [ -f "$run/checkpoint.h5" ] && [ ! -f "$run/run.h5" ] || { echo "expected a checkpoint and no final state"; return 1; }
    local stopped; stopped=$(wc -l < "$run/progress.jsonl")
    [ "$stopped" -lt 10 ] || { echo "the run was not stopped early ($stopped cycles)"; return 1; }
    "${MPIRUN[@]}" -np "$second" "$FOVEA" classify --continue "$run" --threads 1 || return 1
    "$FOVEA" selftest compare "$CHECK_TMP/uninterrupted" "$run" --tolerance 1e-4
}

classify_killed_rank() {
    local run="$CHECK_TMP/killed"
    classify_on 3 "$run" "$SIGNAL_DATA" --cycles 40 --min-cycles 40 --checkpoint-every 1 & local launcher=$!
    wait_for_cycle "$run" 2 || { kill "$launcher"; return 1; }
    local start=$SECONDS
    # One rank (not the launcher) dies mid-cycle.
    local victim; victim=$(pgrep -f "^$FOVEA classify -i $SIGNAL_DATA/particles.star.*-o $run" | tail -1)
    kill -KILL "$victim"
    wait "$launcher"; local code=$?
    echo "job exited with $code after $((SECONDS - start)) s"
    [ "$code" -ne 0 ] && [ $((SECONDS - start)) -le 60 ] || return 1
    # The last checkpoint is intact and continues (on another number of ranks).
    "${MPIRUN[@]}" -np 2 "$FOVEA" classify --continue "$run" --threads 1 --cycles 4 &&
    [ -f "$run/run.h5" ]
}

classify_expand_c2() {
    local data="$CHECK_TMP/two-region-c2"
    "$FOVEA" selftest dataset --count 400 --snr 0.5 --seed 5 --c2 --output "$data" >/dev/null || return 1
    "${MPIRUN[@]}" -np 2 "$FOVEA" classify -i "$data/particles.star" --classes 2 --focus 2d --expand C2 \
        --sphere 42,0,0,32 --sphere-origin centre --resolution 10 --outer-radius 90 --threads 1 --cycles 10 \
        -o "$CHECK_TMP/c2" || return 1
    grep -q "rlnFoveaOperatorIndex" "$CHECK_TMP/c2/particles.star" &&
    "$FOVEA" kappa --run "$CHECK_TMP/c2" --truth "$data/truth.star" --column foveaSideA --column foveaSideB --minimum 0.9
}

classify_bad_input() {
    local out="$CHECK_TMP/bad.txt"
    # More ranks than particles.
    awk -v stack="$CLASSIFY_DATA/particles.mrcs" '/@particles.mrcs/ { if (++n > 2) next; sub("particles.mrcs", stack) } { print }' \
        "$CLASSIFY_DATA/particles.star" > "$CHECK_TMP/two.star"   # the optics block + 2 particles
    if "${MPIRUN[@]}" -np 3 "$FOVEA" classify -i "$CHECK_TMP/two.star" --classes 2 --resolution 10 --outer-radius 90 \
        -o "$CHECK_TMP/bad1" >"$out" 2>&1; then cat "$out"; return 1; fi
    cat "$out"; grep -q "3 ranks but only 2 particles" "$out" || return 1
    # A sphere outside the box.
    if "$FOVEA" classify -i "$CLASSIFY_DATA/particles.star" --classes 2 --focus 2d --sphere 90,0,0,20 --sphere-origin centre \
        --resolution 10 --outer-radius 90 -o "$CHECK_TMP/bad2" >"$out" 2>&1; then cat "$out"; return 1; fi
    cat "$out"; grep -q "sphere" "$out" || return 1
    # A mask of the wrong box.
    "$FOVEA" simulate --box 64 --scenario 1 --output "$CHECK_TMP/box64" >/dev/null || return 1
    local mask; mask=$(ls "$CHECK_TMP"/box64/mask_*.mrc | head -1)
    if "$FOVEA" classify -i "$CLASSIFY_DATA/particles.star" --classes 2 --focus 3d --mask "$mask" \
        --resolution 10 --outer-radius 90 -o "$CHECK_TMP/bad3" >"$out" 2>&1; then cat "$out"; return 1; fi
    cat "$out"; grep -q "focus mask is 64 px but the particles are 48 px" "$out" || return 1
    # No existing run is overwritten.
    if classify_on 1 "$CHECK_TMP/np1" "" --cycles 2 >"$out" 2>&1; then cat "$out"; return 1; fi
    cat "$out"; grep -q "already holds a run" "$out"
}

# A rank whose prepared particles do not fit in its memory streams them from disk every cycle
# (instead of failing) and writes the run it would have written in memory (np2, same options).
classify_streams_when_memory_is_short() {
    local out="$CHECK_TMP/stream.txt" line resident streamed
    classify_on 2 "$CHECK_TMP/stream-plan" "" --cycles 8 --dry-run >"$out" 2>&1 || { cat "$out"; return 1; }
    line=$(grep "^rank 0:" "$out"); echo "$line"
    resident=$(echo "$line" | sed -E 's/.*about ([0-9]+) MiB \(.*/\1/')
    streamed=$(echo "$line" | sed -E 's/.*\(([0-9]+) MiB if streamed.*/\1/')
    [ "$resident" -gt $((streamed + 1)) ] || { echo "no room between the estimates"; return 1; }
    # The node's limit, shared by its 2 ranks: between the two estimates per rank.
    FOVEA_MEMORY_LIMIT_MB=$((resident + streamed)) classify_on 2 "$CHECK_TMP/streamed" "" --cycles 8 >"$out" 2>&1 ||
        { cat "$out"; return 1; }
    grep "streaming" "$out"
    [ "$(grep -c "streaming its 300 particles from disk every cycle" "$out")" -eq 2 ] || return 1
    cmp "$CHECK_TMP/np2/particles.star" "$CHECK_TMP/streamed/particles.star" &&
    cmp "$CHECK_TMP/np2/class_001.mrc" "$CHECK_TMP/streamed/class_001.mrc" &&
    cmp "$CHECK_TMP/np2/class_002_half2.mrc" "$CHECK_TMP/streamed/class_002_half2.mrc"
}

# --particle-scale on with --particle-noise weighted: the per-particle scales and noise levels come from
# exact sums over the ranks, so 1 and 3 ranks agree, and streaming the particles from disk (--stream,
# 3 ranks) writes the run kept in memory.
classify_particle_scale() {
    local out="$CHECK_TMP/particle-scale.txt"
    classify_on 1 "$CHECK_TMP/ps-np1" "" --cycles 4 --particle-scale on --particle-noise weighted >"$out" 2>&1 || { cat "$out"; return 1; }
    grep "particle scales" "$out" || { cat "$out"; return 1; }
    classify_on 3 "$CHECK_TMP/ps-np3" "" --cycles 4 --particle-scale on --particle-noise weighted >"$out" 2>&1 || { cat "$out"; return 1; }
    classify_on 3 "$CHECK_TMP/ps-np3-stream" "" --cycles 4 --particle-scale on --particle-noise weighted --stream >"$out" 2>&1 || { cat "$out"; return 1; }
    "$FOVEA" selftest compare "$CHECK_TMP/ps-np1" "$CHECK_TMP/ps-np3" --tolerance 1e-4 &&
    cmp "$CHECK_TMP/ps-np3/particles.star" "$CHECK_TMP/ps-np3-stream/particles.star" &&
    cmp "$CHECK_TMP/ps-np3/class_001.mrc" "$CHECK_TMP/ps-np3-stream/class_001.mrc" &&
    cmp "$CHECK_TMP/ps-np3/class_002_half2.mrc" "$CHECK_TMP/ps-np3-stream/class_002_half2.mrc"
}

classify_dry_run() {
    local out="$CHECK_TMP/dry.txt"
    classify_on 3 "$CHECK_TMP/dry" "" --expand C2 --dry-run >"$out" 2>&1 || { cat "$out"; return 1; }
    cat "$out"
    grep -q "600 particles × 2 operators (C2) = 1200 rows" "$out" && grep -q "^rank 2: 200 particles, about [0-9]* MiB" "$out" \
        && [ ! -e "$CHECK_TMP/dry" ]
}

check "classify --dry-run on 3 ranks prints particles and memory per rank and writes nothing" classify_dry_run
check "classify on 1, 2 and 3 ranks: same class of every particle, volumes equal to 1e-4, kappa >= 0.9" classify_rank_invariance
check "classify 2d/3d/subtract (K = 3) on 1 rank × 1 and 2 threads, 2 and 3 ranks: every map and table byte-identical" classify_modes_bit_identical
check "classify --starts 3 on 1, 2 and 3 ranks: the same start chosen with the same mean LogPs, outputs equal to 1e-4" classify_starts_rank_invariance
check "classify --starts 3: SIGUSR1 during the starts -> exit 75 after the current start, the rest skipped; --continue on 2 ranks finishes" classify_stop_during_starts
check "classify with memory for the streamed run only: both ranks stream from disk, outputs identical to np2" classify_streams_when_memory_is_short
check "classify --particle-scale on --particle-noise weighted: 1 and 3 ranks agree, streamed on 3 ranks identical to in memory" classify_particle_scale
check "classify: SIGTERM after cycle 2 -> exit 75 + checkpoint; --continue gives the uninterrupted run" classify_stop_and_continue TERM 2 2
check "classify: SIGUSR1 on 3 ranks, continued on 1 rank, gives the uninterrupted run" classify_stop_and_continue USR1 3 1
check "classify: a rank killed mid-cycle ends the job non-zero within 60 s; the checkpoint continues" classify_killed_rank
check "classify --expand C2: each asymmetric unit classified on its own (kappa >= 0.9 per copy)" classify_expand_c2
check "classify bad input: more ranks than particles, sphere outside the box, wrong mask box, existing run" classify_bad_input
