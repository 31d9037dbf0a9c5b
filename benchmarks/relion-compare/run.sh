#!/usr/bin/env bash
# Side-by-side benchmark, Fovea vs RELION 3.1, on one simulated humanoid dataset (issue 7).
#
#   benchmarks/relion-compare/run.sh [OUTPUT_FOLDER]      (default /tmp/fovea-relion-compare)
#
# 1. `fovea simulate` scenario 1: PARTICLES particles (× C2 = 2·PARTICLES rows), box BOX, SNR SNR.
# 2. RELION: relion_particle_symmetry_expand --sym C2; consensus map by relion_reconstruct (all
#    particles, C2); `mpirun -np RANKS+1 relion_refine_mpi --skip_align --K 2 --solvent_mask <focus
#    mask> --iter CYCLES` (one leader + RANKS workers).
# 3. Fovea: `mpirun -np RANKS fovea classify --expand C2 --mask <same mask>` with --focus 3d and 2d,
#    then the 2d run again on 1 rank (strong scaling).
# Prints and appends to benchmarks/RESULTS.md (APPEND=0 to skip): seconds per cycle, ratio, peak RSS
# per rank, kappa against the truth. Environment: PARTICLES (10000), CYCLES (5), RANKS (2), SNR (0.05),
# BOX (80; pixel size 5.24·80/BOX Å), RESOLUTION (20 Å), SEED (1), SKIP_RELION (0), SCALING (1),
# STREAMING (1: the 2d run again with --stream, particles read from disk every cycle), APPEND (1).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/benchmarks/relion-compare"
OUT="${1:-/tmp/fovea-relion-compare}"
PARTICLES="${PARTICLES:-10000}" CYCLES="${CYCLES:-5}" RANKS="${RANKS:-2}" SNR="${SNR:-0.05}"
BOX="${BOX:-80}" RESOLUTION="${RESOLUTION:-20}" SEED="${SEED:-1}"
SKIP_RELION="${SKIP_RELION:-0}" SCALING="${SCALING:-1}" STREAMING="${STREAMING:-1}" APPEND="${APPEND:-1}"
PIXEL="$(python3 -c "print(round(5.24 * 80 / $BOX, 4))")"
OUTER_RADIUS=190          # Å: the humanoid fits in a 380 Å disc (box 80 × 5.24 Å = 419 Å)

cd "$root"
swift build -c release --product fovea 2>&1 | tail -1
F="$root/.build/release/fovea"
source scripts/mpi-env.sh
rm -rf "$OUT" && mkdir -p "$OUT"
log() { echo "== $*" | tee -a "$OUT/benchmark.log"; }
started=$(date +%s)

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
# Peak RSS per rank (MB): every rank runs under /usr/bin/time -f %M, writing <folder>/rss.<rank>.
rss_list() { for f in "$1"/rss.*; do tail -1 "$f"; done | awk '{printf "%s%.0f", (NR>1?" / ":""), $1/1024} END {print " MB"}'; }

log "simulate: scenario 1, $PARTICLES particles, box $BOX at $PIXEL Å, SNR $SNR, seed $SEED"
"$F" simulate --scenario 1 --particles "$PARTICLES" --snr "$SNR" --seed "$SEED" --box "$BOX" --pixel-size "$PIXEL" \
    --threads "$RANKS" --output "$OUT/data" > "$OUT/simulate.log"
MASK="$OUT/data/maps/softmask_arm_hand_focus_A.mrc"
ROWS=$((2 * PARTICLES))

fovea_run() {   # name ranks focus [extra classify options]
    local name="$1" ranks="$2" focus="$3" t0 t1
    local extra=("${@:4}")
    t0=$(date +%s.%N)
    mkdir -p "$OUT/rss-$name"
    "${MPIRUN[@]}" -np "$ranks" sh -c 'exec /usr/bin/time -f %M -o "$0/rss.${OMPI_COMM_WORLD_RANK:-0}" "$@"' "$OUT/rss-$name" \
        "$F" classify --particles "$OUT/data/particles.star" --classes 2 --focus "$focus" --mask "$MASK" --expand C2 \
        --resolution "$RESOLUTION" --outer-radius "$OUTER_RADIUS" --cycles "$CYCLES" --min-cycles "$CYCLES" \
        --threads 1 --seed "$SEED" --output "$OUT/$name" "${extra[@]}" > "$OUT/$name.log" 2>&1
    t1=$(date +%s.%N)
    "$F" kappa --run "$OUT/$name" --truth "$OUT/data/truth.star" --json "$OUT/$name-kappa.json" > "$OUT/$name-kappa.txt"
    read -r mean later count < <(python3 "$here/progress_seconds.py" "$OUT/$name/progress.jsonl")
    kappa=$(python3 -c "import json; print(round((lambda d: d.get('pooled', d))(json.load(open('$OUT/$name-kappa.json')))['kappa'], 4))")
    printf '%s|%s|%s|%s|%s|%s|%s\n' "$name" "$ranks" "$mean" "$later" "$kappa" "$(rss_list "$OUT/rss-$name")" \
        "$(python3 -c "print(round($t1 - $t0, 1))")" >> "$OUT/fovea.tsv"
    log "fovea $name: $count cycles, mean $mean s/cycle (cycles 2..: $later), kappa $kappa, peak RSS/rank $(rss_list "$OUT/rss-$name")"
}
: > "$OUT/fovea.tsv"

log "fovea: $RANKS ranks × 1 thread, K = 2, C2 expansion, focus 3d and 2d, $CYCLES cycles"
fovea_run fovea-3d "$RANKS" 3d
fovea_run fovea-2d "$RANKS" 2d
if [ "$SCALING" = 1 ]; then
    log "strong scaling: focus 2d on 1 rank"
    fovea_run fovea-2d-1rank 1 2d
fi
if [ "$STREAMING" = 1 ]; then
    log "streaming: focus 2d, particles read and prepared from disk every cycle (--stream)"
    fovea_run fovea-2d-stream "$RANKS" 2d --stream
fi

relion_spc="n/a" relion_kappa="n/a" relion_rss="n/a" relion_wall="n/a"
if [ "$SKIP_RELION" != 1 ]; then
    log "RELION: symmetry expansion C2, consensus reconstruction, relion_refine_mpi --skip_align (1 leader + $RANKS workers)"
    cd "$OUT/data" && mkdir -p relion
    relion_particle_symmetry_expand --i particles.star --o relion/expanded.star --sym C2 > relion/expand.log 2>&1
    "${MPIRUN[@]}" -np "$RANKS" relion_reconstruct_mpi --i particles.star --o relion/consensus.mrc --ctf --sym C2 \
        --maxres "$RESOLUTION" > relion/reconstruct.log 2>&1
    mkdir -p "$OUT/rss-relion"
    t0=$(date +%s.%N)
    "${MPIRUN[@]}" -np $((RANKS + 1)) sh -c 'exec /usr/bin/time -f %M -o "$0/rss.${OMPI_COMM_WORLD_RANK:-0}" "$@"' "$OUT/rss-relion" \
        relion_refine_mpi --i relion/expanded.star --o relion/run --ref relion/consensus.mrc --ini_high 20 --tau2_fudge 4 \
        --iter "$CYCLES" --K 2 --skip_align --solvent_mask "$MASK" --flatten_solvent --zero_mask \
        --particle_diameter $((2 * OUTER_RADIUS)) --ctf --dont_combine_weights_via_disc --pool 30 --j 1 \
        --random_seed "$SEED" > relion/refine.log 2>&1
    t1=$(date +%s.%N)
    relion_wall=$(python3 -c "print(round($t1 - $t0, 1))")
    last=$(printf 'relion/run_it%03d' "$CYCLES")
    # Seconds per iteration: from the start (it000 files) to the last iteration's files.
    relion_spc=$(python3 -c "import os; a=os.path.getmtime('relion/run_it000_model.star'); b=os.path.getmtime('${last}_model.star'); print(round((b-a)/$CYCLES, 2))")
    python3 "$here/relion_to_fovea.py" particles.star "${last}_data.star" relion/classes_for_kappa.star
    "$F" kappa --run relion/classes_for_kappa.star --truth truth.star --json "$OUT/relion-kappa.json" > "$OUT/relion-kappa.txt"
    relion_kappa=$(python3 -c "import json; print(round((lambda d: d.get('pooled', d))(json.load(open('$OUT/relion-kappa.json')))['kappa'], 4))")
    relion_rss="$(rss_list "$OUT/rss-relion") (leader / workers)"
    cd "$root"
    log "relion: $relion_spc s/iteration, kappa $relion_kappa, peak RSS/rank $relion_rss, wall $relion_wall s"
fi

total=$(( $(date +%s) - started ))
IFS='|' read -r _ _ f3 _ k3 r3 w3 < <(grep '^fovea-3d|' "$OUT/fovea.tsv")
IFS='|' read -r _ _ f2 _ k2 r2 w2 < <(grep '^fovea-2d|' "$OUT/fovea.tsv")
speedup="n/a"
if [ "$SCALING" = 1 ]; then
    IFS='|' read -r _ _ f1 _ k1 r1 w1 < <(grep '^fovea-2d-1rank|' "$OUT/fovea.tsv")
    speedup=$(python3 -c "print(round($f1 / $f2, 2))")
fi
ratio() { python3 -c "print(round($relion_spc / $1, 1) if '$relion_spc' != 'n/a' else 'n/a')"; }
{
    echo
    echo "## Fovea vs RELION 3.1, focused classification with fixed alignments ($(date -u '+%Y-%m-%d %H:%M UTC'))"
    echo
    echo "Command: \`PARTICLES=$PARTICLES CYCLES=$CYCLES RANKS=$RANKS SNR=$SNR BOX=$BOX RESOLUTION=$RESOLUTION benchmarks/relion-compare/run.sh\`"
    echo "($total s in all). Machine: $(lscpu | grep 'Model name' | sed 's/ *Model name: *//'), $(nproc) cores,"
    echo "$(free -g | awk '/Mem:/ {print $2}') GiB; load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "Data: humanoid scenario 1, $PARTICLES particles × C2 = $ROWS rows, box $BOX at $PIXEL Å, SNR $SNR, K = 2,"
    echo "mask \`softmask_arm_hand_focus_A.mrc\`, classification resolution $RESOLUTION Å, $CYCLES cycles, $RANKS cores."
    echo
    echo "| program | ranks | s per cycle (mean; cycles 2..) | RELION / this | kappa | peak RSS per rank | wall s |"
    echo "|---|---|---|---|---|---|---|"
    [ "$SKIP_RELION" != 1 ] && echo "| RELION relion_refine_mpi --skip_align | 1 + $RANKS | $relion_spc | 1 | $relion_kappa | $relion_rss | $relion_wall |"
    while IFS='|' read -r name ranks mean later kappa rss wall; do
        echo "| fovea classify $name | $ranks | $mean; $later | $(ratio "$mean") | $kappa | $rss | $wall |"
    done < "$OUT/fovea.tsv"
    echo
    echo "Strong scaling (focus 2d, 1 → $RANKS ranks): speed-up $speedup."
    bound() { python3 -c "n=$BOX; share=$PARTICLES/$1*n*n*4; acc=2*2*(n//2+1)*n*n*24; print(round(1.5*(share+acc)/2**20))"; }
    echo "Memory bound per rank, 1.5 × (rank's share of the images + K × 2 Float64 accumulators): $(bound "$RANKS") MB on"
    echo "$RANKS ranks, $(bound 1) MB on 1 rank (MB = MiB here, as the RSS column)."
} | tee "$OUT/results.md"
if [ "$APPEND" = 1 ]; then cat "$OUT/results.md" >> "$root/benchmarks/RESULTS.md"; fi
