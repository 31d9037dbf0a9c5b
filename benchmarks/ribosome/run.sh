#!/usr/bin/env bash
# The ribosome-sized run of issue 14 at the data's own box: a humanoid (scenario 3) simulated at box
# 320 and 1.31 Å/px (BOX=400 for box 400), K = 8, focus 2d on a 30 Å sphere at the arm, 10 Å, so the
# likelihood box is N_c = 106 and the cycles run on the N_r = 108 grid (the log's; box 400: the same). Each of two layouts —
# 1 rank × 2 threads and 2 ranks × 1 thread — classifies N/2 and N particles for CYCLES cycles, and
# the script reports per layout:
#   - seconds per cycle (mean of cycles 2..CYCLES, progress.jsonl) at both counts; their line through
#     rows gives the seconds per row (slope) and the fixed seconds per cycle (intercept);
#   - peak RSS per rank during the cycles and during the final full-resolution pass (sampled from
#     /proc by sample_rss.py);
#   - the final pass's seconds: from the last cycle's progress record to the end of the process
#     (the K full-box maps and 2·K half maps reconstructed, the outputs written);
#   - the Allreduce bytes per cycle, K × 2 half sets × (N_r/2 + 1)·N_r² × (16 + 8) bytes (the Float64
#     numerator and CTF² sums at padding 1; a few kB of statistics besides), with N_r from the run's log.
# Also the seconds and peak RSS of `fovea simulate` for the N particles.
# Appends a dated section to benchmarks/RESULTS.md unless APPEND=0.
# Usage: benchmarks/ribosome/run.sh [particles (1000)] [cycles (3)]
#        env: BOX (320), PIXEL (1.31), FOVEA (a built fovea; default: build release), WORK (kept if given;
#        its data are reused), LAYOUTS ("1x2 2x1": ranks x threads), KEEP_RUNS (1; 0 removes each run
#        folder once its numbers are read: at box 400 a run writes ≈ 2–4 GB of maps)
set -euo pipefail
cd "$(dirname "$0")/../.."
PARTICLES="${1:-1000}"; CYCLES="${2:-3}"
BOX="${BOX:-320}"; PIXEL="${PIXEL:-1.31}"; K=8; RESOLUTION=10; RADIUS=30
HALF=$((PARTICLES / 2))
if [ -z "${FOVEA:-}" ]; then
    swift build -c release --product fovea 2>&1 | tail -1
    FOVEA="$PWD/.build/release/fovea"
fi
source scripts/mpi-env.sh  # MPIRUN=(mpirun … --bind-to none …)
# The run's memory check is skipped: its estimate for the final full-box pass (4.7 GB per rank at 2 ranks
# and box 320, about what a rank holds) exceeds this 24 GB machine's share once the data are cached.
export FOVEA_MEMORY_CHECK="${FOVEA_MEMORY_CHECK:-0}"
if [ -n "${WORK:-}" ]; then mkdir -p "$WORK"; else WORK="$(mktemp -d /tmp/fovea-ribosome.XXXXXX)"; trap 'rm -rf "$WORK"' EXIT; fi
SAMPLER="$PWD/benchmarks/ribosome/sample_rss.py"

if [ ! -f "$WORK/data/particles.star" ]; then
    /usr/bin/time -v -o "$WORK/time.simulate" "$FOVEA" simulate --scenario 3 --box "$BOX" --pixel-size "$PIXEL" \
        --particles "$PARTICLES" --seed 1 --threads 2 --output "$WORK/data" > "$WORK/simulate.log" 2>&1
fi
simulate_time=$(awk -F': ' '/Elapsed/ {print $2}' "$WORK/time.simulate" 2>/dev/null || echo "?")
simulate_rss=$(awk '/Maximum resident/ {printf "%.0f", $NF/1024}' "$WORK/time.simulate" 2>/dev/null || echo "?")
# The first HALF particles of the same data: the STAR and the truth with their particle rows cut.
cut_rows() {  # source target block
    python3 - "$1" "$2" "$3" "$HALF" <<'PY'
import sys
source, target, wanted, keep = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
out, block, rows = [], None, 0
for line in open(source):
    s = line.strip()
    if s.startswith('data_'):
        block = s
    elif block == wanted and s and not s.startswith(('_', 'loop_', '#')):
        rows += 1
        if rows > keep:
            continue
    out.append(line)
open(target, 'w').writelines(out)
PY
}
cut_rows "$WORK/data/particles.star" "$WORK/data/half.star" data_particles
cut_rows "$WORK/data/truth.star" "$WORK/data/half_truth.star" data_truth
# The arm sphere's centre (Å from the map centre) with a 30 Å radius.
centre="$(grep -oE -- '--sphere [-0-9.,]+ --sphere-origin centre' "$WORK/simulate.log" | awk '{print $2}' | cut -d, -f1-3)"
outer=$(python3 -c "print(int(min(190, ($BOX / 2 - 8) * $PIXEL)))")
options=(--classes "$K" --focus 2d --sphere "$centre,$RADIUS" --sphere-origin centre --resolution "$RESOLUTION"
         --outer-radius "$outer" --cycles "$CYCLES" --min-cycles "$CYCLES")

declare -A cycle final rss_cycles rss_final rows nr nc cpu
measure() {  # name ranks threads star truth
    local name=$1 ranks=$2 threads=$3 star=$4 truth=$5 run="$WORK/run.$1"
    rm -rf "$run"
    python3 "$SAMPLER" "$run" "$run/progress.jsonl" "$CYCLES" > "$WORK/rss.$name" &
    local sampler=$!
    env $(mpi_clean_env) "${MPIRUN[@]}" -x FOVEA_MEMORY_CHECK -np "$ranks" "$FOVEA" classify -i "$star" "${options[@]}" --truth "$truth" --threads "$threads" -o "$run" \
        > "$WORK/log.$name" 2>&1
    local end; end=$(date +%s.%N)
    wait "$sampler"
    cycle[$name]=$(python3 -c "import json; c=[json.loads(l)['seconds'] for l in open('$run/progress.jsonl')][1:]; print('%.2f' % (sum(c)/len(c)))")
    final[$name]=$(python3 -c "
import json, datetime
last = [json.loads(l) for l in open('$run/progress.jsonl')][-1]['time']
t = datetime.datetime.fromisoformat(last.replace('Z', '+00:00')).timestamp()
print('%.1f' % ($end - t))")
    rss_cycles[$name]=$(awk '{print $2}' "$WORK/rss.$name" | paste -sd/)
    rss_final[$name]=$(awk '{print $3}' "$WORK/rss.$name" | paste -sd/)
    cpu[$name]=$(awk '{print $4}' "$WORK/rss.$name" | paste -sd/)
    rows[$name]=$(python3 -c "print(sum(1 for l in open('$star') if l.strip() and not l.lstrip().startswith(('_','loop_','data_','#'))) - 1)")
    nc[$name]=$(grep -oE 'likelihood at [0-9]+' "$WORK/log.$name" | head -1 | awk '{print $3}')
    nr[$name]=$(grep -oE 'cycles on a [0-9]+-px grid' "$WORK/log.$name" | head -1 | grep -oE '[0-9]+')
    [ "${KEEP_RUNS:-1}" = 0 ] && rm -rf "$run"
    echo "$name: ${cycle[$name]} s/cycle (CPU s per cycle per rank ${cpu[$name]}), final pass ${final[$name]} s, peak RSS per rank ${rss_cycles[$name]} MiB (cycles), ${rss_final[$name]} MiB (final)" >&2
}
lines=()
for layout in ${LAYOUTS:-1x2 2x1}; do
    set -- ${layout/x/ }
    measure "r$1t$2.half" "$1" "$2" "$WORK/data/half.star" "$WORK/data/half_truth.star"
    measure "r$1t$2.full" "$1" "$2" "$WORK/data/particles.star" "$WORK/data/truth.star"
    h="r$1t$2.half"; f="r$1t$2.full"; last_full=$f
    read -r slope fixed < <(python3 -c "
rh, rf, th, tf = $HALF, $PARTICLES, ${cycle[$h]}, ${cycle[$f]}
slope = (tf - th) / (rf - rh)
print('%.2e %.2f' % (slope, th - slope * rh))")
    n_r=${nr[$f]}
    allreduce=$(python3 -c "print('%.0f' % ($K * 2 * ($n_r // 2 + 1) * $n_r ** 2 * 24 / 1e6))")
    lines+=("| $1 × $2 | ${cycle[$h]} | ${cycle[$f]} | $fixed | $slope | ${rss_cycles[$h]} | ${rss_cycles[$f]} | ${final[$f]} | ${rss_final[$f]} | $allreduce |")
done
header="| ranks × threads | s/cycle, $HALF rows | s/cycle, $PARTICLES rows | fixed s/cycle (intercept) | s per row (slope) | peak RSS/rank, $HALF (MiB) | peak RSS/rank, $PARTICLES (MiB) | final pass s ($PARTICLES) | final pass peak RSS/rank (MiB) | Allreduce MB/cycle |"
echo "$header"; echo "|---|---|---|---|---|---|---|---|---|---|"; printf '%s\n' "${lines[@]}"
echo "likelihood box N_c ${nc[$last_full]}, cycle grid N_r ${nr[$last_full]}; simulate: $simulate_time (m:ss), peak RSS $simulate_rss MiB"
[ "${APPEND:-1}" = 0 ] && exit 0
{
    echo
    echo "## Ribosome-sized run at box $BOX — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Command: \`benchmarks/ribosome/run.sh $PARTICLES $CYCLES\`${BOX:+ (BOX=$BOX PIXEL=$PIXEL)} — humanoid scenario 3 at box $BOX, $PIXEL Å,"
    echo "K = $K, focus 2d on a $RADIUS Å sphere at the arm, $RESOLUTION Å (N_c ${nc[$last_full]}, N_r ${nr[$last_full]}), $CYCLES cycles; $HALF and $PARTICLES particles (rows)."
    echo "Machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load average at the end $(cut -d' ' -f1 /proc/loadavg)."
    echo "Simulation of the $PARTICLES particles: $simulate_time (m:ss), peak RSS $simulate_rss MiB."
    echo "Allreduce per cycle: K × 2 × (N_r/2 + 1)·N_r² × 24 B."
    echo
    echo "$header"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${lines[@]}"
} >> benchmarks/RESULTS.md
