#!/usr/bin/env bash
# Size sweep (issue 7 item 1): how Fovea's cycle cost grows with box and particle count. For each
# BOX:PARTICLES pair (default 64:5000 64:20000 64:40000 80:10000 128:10000 192:5000; the physical box
# stays 419 Å, so the pixel size is 5.24·80/BOX Å and the likelihood box N_c is 64 throughout) it
# simulates humanoid scenario 1, runs `fovea classify --focus 2d --expand C2` on RANKS ranks for
# CYCLES cycles (default 2; the table uses the last cycle: cycle 1 inserts every row into every
# class from the random start) and compares with the stated limit from the kernel table KERNELS
# (made by benchmarks/limit/run.sh; run first) and the memory bound 1.5 × (rank's share of the
# images + K × 2 Float64 accumulators).
#   benchmarks/relion-compare/sweep.sh [OUTPUT_FOLDER]     (appends to benchmarks/RESULTS.md unless APPEND=0)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-/tmp/fovea-sweep}" RANKS="${RANKS:-2}" CYCLES="${CYCLES:-2}" K=2
KERNELS="${KERNELS:-/tmp/fovea-kernels.md}" APPEND="${APPEND:-1}"
PAIRS="${PAIRS:-64:5000 64:20000 64:40000 80:10000 128:10000 192:5000}"
[ -f "$KERNELS" ] || "$root/benchmarks/limit/run.sh" > /dev/null
cd "$root" && swift build -c release --product fovea 2>&1 | tail -1
F="$root/.build/release/fovea"
source scripts/mpi-env.sh
rm -rf "$OUT" && mkdir -p "$OUT"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
table="$OUT/table.md"
: > "$table"
for pair in $PAIRS; do
    box="${pair%%:*}" particles="${pair##*:}" rows=$((2 * ${pair##*:}))
    pixel="$(python3 -c "print(round(5.24 * 80 / $box, 4))")"
    data="$OUT/data-$box-$particles" run="$OUT/run-$box-$particles"
    echo "== box $box ($pixel Å), $particles particles × C2"
    "$F" simulate --scenario 1 --particles "$particles" --snr 0.05 --seed 1 --box "$box" --pixel-size "$pixel" \
        --threads "$RANKS" --output "$data" > "$data.log"
    mkdir -p "$run-rss"
    "${MPIRUN[@]}" -np "$RANKS" sh -c 'exec /usr/bin/time -f %M -o "$0/rss.${OMPI_COMM_WORLD_RANK:-0}" "$@"' "$run-rss" \
        "$F" classify --particles "$data/particles.star" --classes "$K" --focus 2d \
        --mask "$data/maps/softmask_arm_hand_focus_A.mrc" --expand C2 --resolution 20 --outer-radius 190 \
        --cycles "$CYCLES" --min-cycles "$CYCLES" --threads 1 --output "$run" > "$run.log" 2>&1
    seconds=$(python3 -c "import json; print(round([json.loads(l) for l in open('$run/progress.jsonl')][-1]['seconds'], 2))")
    nc=$(grep -oE 'likelihood at [0-9]+' "$run.log" | grep -oE '[0-9]+')
    read -r limit _ _ _ < <(python3 "$root/benchmarks/limit/limit.py" "$KERNELS" "$box" "$nc" "$rows" "$K" "$RANKS")
    rss=$(for f in "$run-rss"/rss.*; do tail -1 "$f"; done | awk '{printf "%s%.0f", (NR>1?" / ":""), $1/1024}')
    bound=$(python3 -c "n=$box; share=$particles/$RANKS*n*n*4; acc=$K*2*(n//2+1)*n*n*24; print(round(1.5*(share+acc)/2**20))")
    multiple=$(python3 -c "print(round($seconds / $limit, 2))")
    echo "| $box | $pixel | $nc | $particles | $rows | $seconds | $limit | $multiple | $rss | $bound |" | tee -a "$table"
done
{
    echo
    echo "## Size sweep, Fovea only ($(date -u '+%Y-%m-%d %H:%M UTC'))"
    echo
    echo "Command: \`benchmarks/relion-compare/sweep.sh\` (PAIRS=\"$PAIRS\", $RANKS ranks × 1 thread, K = $K, focus 2d with"
    echo "the arm+hand soft mask, C2 expansion, 20 Å, SNR 0.05, $CYCLES cycles; the last cycle's seconds). Load average"
    echo "before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg). Limit from \`benchmarks/limit/limit.py\` with the"
    echo "kernel table of \`benchmarks/limit/run.sh\`; memory bound = 1.5 × (rank's share of the images + K × 2 accumulators)."
    echo
    echo "| box | Å/px | N_c | particles | rows | s per cycle | limit s | × limit | peak RSS per rank MB | bound MB |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    cat "$table"
} | tee "$OUT/results.md"
if [ "$APPEND" = 1 ]; then cat "$OUT/results.md" >> "$root/benchmarks/RESULTS.md"; fi
