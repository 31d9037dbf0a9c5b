#!/usr/bin/env bash
# Cycles at the classification box (issue 14): a box-192 humanoid at 2.2 Å/px classified at 20 Å
# (likelihood box 64, cycle box 80), K = 4, focus 2d, 1 rank × 2 threads. Reports the seconds per
# cycle (mean of cycles 2..n from progress.jsonl), the seconds of the whole run, its peak RSS
# (/usr/bin/time -v) and kappa against the truth; with a second binary (BASELINE=path, e.g. a
# build of an older commit) the same for it, on the same data, one after the other.
# Appends a dated section to benchmarks/RESULTS.md unless APPEND=0.
# Usage: benchmarks/cycle-box/run.sh [particles (400)] [cycles (4)]
set -euo pipefail
cd "$(dirname "$0")/../.."
PARTICLES="${1:-400}"; CYCLES="${2:-4}"
swift build -c release --product fovea 2>&1 | tail -1
FOVEA="$PWD/.build/release/fovea"
WORK="$(mktemp -d /tmp/fovea-cycle-box.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
"$FOVEA" simulate --scenario 3 --box 192 --pixel-size 2.2 --particles "$PARTICLES" --seed 1 --threads 2 \
    --output "$WORK/data" > "$WORK/simulate.log" 2>&1
sphere="$(grep -oE -- '--sphere [-0-9.,]+ --sphere-origin centre' "$WORK/simulate.log" | awk '{print $2}')"
options=(--classes 4 --focus 2d --sphere "$sphere" --sphere-origin centre --resolution 20 --outer-radius 190
         --cycles "$CYCLES" --min-cycles "$CYCLES" --threads 2 --truth "$WORK/data/truth.star")
declare -A rows
measure() {  # name binary
    /usr/bin/time -v -o "$WORK/time.$1" "$2" classify -i "$WORK/data/particles.star" "${options[@]}" -o "$WORK/run.$1" \
        > "$WORK/log.$1" 2>&1
    local cycle total rss kappa
    cycle=$(python3 -c "import json; c=[json.loads(l)['seconds'] for l in open('$WORK/run.$1/progress.jsonl')][1:]; print('%.2f' % (sum(c)/len(c)))")
    total=$(awk -F': ' '/Elapsed/ {print $2}' "$WORK/time.$1")
    rss=$(awk '/Maximum resident/ {printf "%.0f", $NF/1024}' "$WORK/time.$1")
    kappa=$(python3 -c "import json; print('%.3f' % [json.loads(l) for l in open('$WORK/run.$1/progress.jsonl')][-1]['kappa'])")
    rows[$1]="| $1 | $cycle | $total | $rss | $kappa |"
    echo "${rows[$1]}"
}
echo "| binary | s/cycle (cycles 2–$CYCLES) | whole run (m:ss) | peak RSS (MiB) | kappa after cycle $CYCLES |"
[ -n "${BASELINE:-}" ] && measure baseline "$BASELINE"
measure this "$FOVEA"
[ "${APPEND:-1}" = 0 ] && exit 0
{
    echo
    echo "## Cycles at the classification box — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Command: \`${BASELINE:+BASELINE=<older fovea> }benchmarks/cycle-box/run.sh $PARTICLES $CYCLES\` — humanoid scenario 3,"
    echo "$PARTICLES particles, box 192 at 2.2 Å (likelihood box 64), K = 4, focus 2d on the arm sphere, 20 Å, 1 rank × 2 threads."
    echo "Machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load average at the start $(cut -d' ' -f1 /proc/loadavg)."
    echo
    echo "| binary | s/cycle (cycles 2–$CYCLES) | whole run (m:ss) | peak RSS (MiB) | kappa after cycle $CYCLES |"
    echo "|---|---|---|---|---|"
    [ -n "${BASELINE:-}" ] && echo "${rows[baseline]}"
    echo "${rows[this]}"
} >> benchmarks/RESULTS.md
