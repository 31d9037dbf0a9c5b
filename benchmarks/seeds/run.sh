#!/usr/bin/env bash
# Seeds and the regularisation T on the preprint's humanoid scenarios (box 80, 5.24 Å): for every cell
# (scenario, SNR, focus mode), every T and every classification seed, one `fovea classify` run scored
# against the truth with its ideal-observer ceiling; per (cell, T) the mean, min and max kappa over the
# seeds, the mean pairwise kappa between the seeds' partitions (`fovea agreement`), and every seed that
# collapsed (a class holding under 1 % of the rows while every true state holds at least 1 %).
#
# Usage: benchmarks/seeds/run.sh [options]
#   --cells L          "scenario:snr:mode ..."                       ["1:0.025:2d 1:0.025:3d"]
#   --seeds L          classification seeds (--seed)                 ["1 2 3 4 5 6 7 8 9 10"]
#   --regularisation L values of --regularisation T                  ["1"]
#   --particles N      particles per dataset (× 2 rows after C2)     [2000]
#   --cycles N         cycle limit (convergence may stop earlier)    [8]
#   --threads N        threads of the one process                    [2]
#   --starts M         random starts per run (--starts, --start-cycles 6; give its own --out and --work)  [1]
#   --work DIR         datasets and runs (kept)                      [/tmp/fovea-seeds]
#   --out FILE         per-run TSV (appended)                        [benchmarks/seeds/results.tsv]
# Environment: FOVEA=<binary> (else builds release). Datasets: fovea simulate --seed 1, as benchmarks/paper.
# Runs as benchmarks/paper/run.sh Table 1 (K = 2 or 4, --expand C2 --resolution 20 --outer-radius 190,
# --min-cycles 5; 2d with the arm + hand sphere, 3d with the arm + hand mask), on one process.
set -euo pipefail
cd "$(dirname "$0")/../.."
CELLS="1:0.025:2d 1:0.025:3d"; SEEDS="1 2 3 4 5 6 7 8 9 10"; TS="1"; PARTICLES=2000; CYCLES=8; THREADS=2; STARTS=1
WORK=/tmp/fovea-seeds; OUT="$PWD/benchmarks/seeds/results.tsv"
while [ $# -gt 0 ]; do
    case "$1" in
        --cells) CELLS="$2"; shift 2 ;; --seeds) SEEDS="$2"; shift 2 ;; --regularisation) TS="$2"; shift 2 ;;
        --particles) PARTICLES="$2"; shift 2 ;; --cycles) CYCLES="$2"; shift 2 ;; --threads) THREADS="$2"; shift 2 ;;
        --starts) STARTS="$2"; shift 2 ;;
        --work) WORK="$2"; shift 2 ;; --out) OUT="$2"; shift 2 ;; *) echo "unknown option $1"; exit 2 ;;
    esac
done
if [ -z "${FOVEA:-}" ]; then
    swift build -c release --product fovea 2>&1 | tail -1
    FOVEA="$PWD/.build/release/fovea"
fi
mkdir -p "$WORK"
[ -f "$OUT" ] || printf 'scenario\tsnr\tmode\tT\tseed\tparticles\tcycles\tkappa\tceiling\tsmallest_class_pct\tcollapsed\tseconds\tdate\n' > "$OUT"

for cell in $CELLS; do
    IFS=: read -r scenario snr mode <<< "$cell"
    data="$WORK/s$scenario-snr$snr-n$PARTICLES"
    if [ ! -f "$data/particles.star" ]; then
        "$FOVEA" simulate --scenario "$scenario" --particles "$PARTICLES" --snr "$snr" --seed 1 --threads "$THREADS" \
            --output "$data" > "$data.simulate.log" 2>&1
    fi
    classes=$([ "$scenario" = 1 ] && echo 2 || echo 4)
    if [ "$mode" = 2d ]; then
        sphere="$(grep -oE -- '--sphere [-0-9.,]+ --sphere-origin centre' "$data.simulate.log" | awk '{print $2}')"
        focus=(--focus 2d --sphere "$sphere" --sphere-origin centre)
    else
        focus=(--focus "$mode" --mask "$data/maps/mask_arm_hand_focus_A.mrc")
    fi
    for t in $TS; do
        runs=()
        for seed in $SEEDS; do
            run="$WORK/s$scenario-snr$snr-$mode-T$t-seed$seed-n$PARTICLES"
            rm -rf "$run"
            t0=$SECONDS
            "$FOVEA" classify --particles "$data/particles.star" --classes "$classes" "${focus[@]}" --expand C2 \
                --resolution 20 --outer-radius 190 --cycles "$CYCLES" --min-cycles 5 --threads "$THREADS" \
                --regularisation "$t" --seed "$seed" --starts "$STARTS" --output "$run" > "$run.log" 2>&1 \
                || { echo "classify failed: $run.log"; tail -5 "$run.log"; continue; }
            seconds=$((SECONDS - t0))
            "$FOVEA" kappa --run "$run" --truth "$data/truth.star" --ceiling --json "$run/kappa.json" > "$run/kappa.txt"
            python3 - "$run/kappa.json" "$scenario" "$snr" "$mode" "$t" "$seed" "$PARTICLES" "$(wc -l < "$run/progress.jsonl")" \
                "$seconds" "$(date -u +%F)" >> "$OUT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
counts = d["counts"]                       # classes × true states
rows = sum(map(sum, counts))
class_pct = [100 * sum(r) / rows for r in counts]
state_pct = [100 * sum(r[j] for r in counts) / rows for j in range(len(counts[0]))]
collapsed = min(class_pct) < 1 and min(state_pct) >= 1
kappa = d.get("pooled", d)["kappa"]
ceiling = d["ceiling"]["kappa"] if "ceiling" in d else float("nan")
print("\t".join(sys.argv[2:9] + ["%.4f" % kappa, "%.4f" % ceiling, "%.2f" % min(class_pct),
                                 "yes" if collapsed else "no"] + sys.argv[9:11]))
PY
            tail -1 "$OUT"
            runs+=("$run")
        done
        if [ "${#runs[@]}" -ge 2 ]; then
            "$FOVEA" agreement "${runs[@]}" --json "$WORK/agreement-s$scenario-snr$snr-$mode-T$t.json" > /dev/null
        fi
    done
done
python3 benchmarks/seeds/summary.py "$OUT" "$WORK"
