#!/usr/bin/env bash
# Strong scaling and memory of `fovea classify` on this machine: the same humanoid dataset on 1 and
# 2 ranks (1 thread each), seconds per cycle (mean of cycles 2..n from progress.jsonl) and peak
# resident memory of every rank (/usr/bin/time -v around each rank). Appends a dated section to
# benchmarks/RESULTS.md. Usage: benchmarks/scaling/run.sh [particles (4000)] [cycles (5)]
set -euo pipefail
cd "$(dirname "$0")/../.."
PARTICLES="${1:-4000}"; CYCLES="${2:-5}"
swift build -c release --product fovea 2>&1 | tail -1
FOVEA="$PWD/.build/release/fovea"
source scripts/mpi-env.sh
WORK="$(mktemp -d /tmp/fovea-scaling.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
"$FOVEA" simulate --scenario 1 --particles "$PARTICLES" --snr 0.05 --seed 1 --threads 2 --output "$WORK/data" >/dev/null 2>&1
options=(--classes 2 --focus 2d --sphere 78.6,5.2,60.3,62.5 --sphere-origin centre --expand C2 --resolution 20
         --outer-radius 190 --cycles "$CYCLES" --min-cycles "$CYCLES" --threads 1)
declare -A seconds memory
for np in 1 2; do
    "${MPIRUN[@]}" -np "$np" sh -c "exec /usr/bin/time -v -o $WORK/time.$np.\$OMPI_COMM_WORLD_RANK $FOVEA classify \
        -i $WORK/data/particles.star ${options[*]} -o $WORK/run$np" > "$WORK/log$np"
    seconds[$np]=$(python3 -c "import json,sys; c=[json.loads(l)['seconds'] for l in open('$WORK/run$np/progress.jsonl')][1:]; print('%.2f' % (sum(c)/len(c)))")
    memory[$np]=$(grep -h "Maximum resident" "$WORK"/time.$np.* | awk '{printf "%s%.0f", sep, $NF/1024; sep=", "}')
    echo "ranks $np: ${seconds[$np]} s/cycle, peak RSS per rank (MiB): ${memory[$np]}"
done
speedup=$(python3 -c "print('%.2f' % (${seconds[1]} / ${seconds[2]}))")
"$FOVEA" selftest compare "$WORK/run1" "$WORK/run2" >/dev/null && same="identical classes on 1 and 2 ranks" || same="RESULTS DIFFER between 1 and 2 ranks"
images_mib=$(python3 -c "print('%.0f' % ($PARTICLES * 80 * 80 * 4 / 1048576))")
echo "speed-up 2 vs 1 rank: $speedup; $same"
{
    echo
    echo "## Strong scaling and memory of fovea classify — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Command: \`benchmarks/scaling/run.sh $PARTICLES $CYCLES\` — humanoid scenario 1, $PARTICLES particles × C2 ="
    echo "$((2 * PARTICLES)) rows, box 80 (likelihood box 64), K = 2, focus 2d, $CYCLES cycles, 1 thread per rank."
    echo "Machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load average at the start $(cut -d' ' -f1 /proc/loadavg)."
    echo
    echo "| ranks | s/cycle (mean of cycles 2–$CYCLES) | peak RSS per rank (MiB) |"
    echo "|---|---|---|"
    echo "| 1 | ${seconds[1]} | ${memory[1]} |"
    echo "| 2 | ${seconds[2]} | ${memory[2]} |"
    echo
    echo "Speed-up 2 vs 1 rank: **$speedup**; $same. The whole stack is $images_mib MiB of images (each of 2 ranks reads half)."
} >> benchmarks/RESULTS.md
