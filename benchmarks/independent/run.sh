#!/usr/bin/env bash
# Fovea and RELION 3.1 on an independent humanoid particle set made by RELION's projector (issue 15):
# particles projected by `relion_project --ctf` from the humanoid's state maps, noise added by numpy
# (make_data.py: white, or "realistic" = per-particle contrast, per-micrograph noise level and colour,
# background normalisation), so no result rests on Fovea's simulator checking Fovea.
#
#   benchmarks/independent/run.sh [WORK_FOLDER]                 (default /tmp/fovea-independent)
#
# Per kind × SNR: make_data.py (PARTICLES particles, scenario 1, box 80 at 5.24 Å, seed SEED) →
# RELION: relion_particle_symmetry_expand --sym C2, consensus by relion_reconstruct_mpi --ctf --sym C2,
#   relion_refine_mpi --skip_align --K 2 --tau2_fudge 4 --solvent_mask <soft arm+hand mask> (1 leader +
#   RANKS workers, CYCLES iterations; as benchmarks/relion-compare/run.sh, plus RELION_REALISTIC_OPTIONS
#   on the realistic sets, which carry rlnMicrographName) →
# Fovea: classify --expand C2 --resolution RESOLUTION --outer-radius 190 --cycles CYCLES on RANKS ranks,
#   --focus 2d with the arm+hand sphere, --focus 3d and subtract with the arm+hand mask (as
#   benchmarks/paper/run.sh), default options otherwise (+ CLASSIFY_OPTIONS) →
# `fovea kappa --ceiling` per asymmetric unit (the ceiling is make_data.py's ceiling.star, computed from
# the same relion_project images and the noise added).
# Rows go to WORK_FOLDER/results.tsv; a dated table is appended to benchmarks/RESULTS.md (APPEND=0: not).
# Environment: FOVEA=<binary> (else builds release), PARTICLES (4000), SNRS ("0.100 0.050 0.025 0.013"),
#   KINDS ("white realistic"), MODES ("2d 3d subtract"), CYCLES (20), RANKS (2), SEED (1), RESOLUTION (20),
#   SKIP_RELION (0), RELION_REALISTIC_OPTIONS ("--norm --scale", what RELION's GUI passes), CLASSIFY_OPTIONS,
#   TAG (suffix of Fovea run folders, for extra experiments), APPEND (1).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
here="$root/benchmarks/independent"
WORK="${1:-/tmp/fovea-independent}"
PARTICLES="${PARTICLES:-4000}"; SNRS="${SNRS:-0.100 0.050 0.025 0.013}"; KINDS="${KINDS:-white realistic}"
MODES="${MODES:-2d 3d subtract}"; CYCLES="${CYCLES:-20}"; RANKS="${RANKS:-2}"; SEED="${SEED:-1}"
RESOLUTION="${RESOLUTION:-20}"; SKIP_RELION="${SKIP_RELION:-0}"; APPEND="${APPEND:-1}"; TAG="${TAG:-}"
RELION_REALISTIC_OPTIONS="${RELION_REALISTIC_OPTIONS:---norm --scale}"
read -r -a classify_options <<< "${CLASSIFY_OPTIONS:-}"
OUTER_RADIUS=190
COMMAND="$(for v in PARTICLES SNRS KINDS MODES CYCLES RANKS SEED CLASSIFY_OPTIONS TAG; do [ -n "${!v:-}" ] && printf '%s=%q ' "$v" "${!v}"; done; true)benchmarks/independent/run.sh $*"
if [ -z "${FOVEA:-}" ]; then
    swift build -c release --product fovea 2>&1 | tail -1
    FOVEA="$root/.build/release/fovea"
fi
source scripts/mpi-env.sh
mkdir -p "$WORK"
TSV="$WORK/results.tsv"
[ -f "$TSV" ] || printf 'kind\tsnr\tparticles\tprogram\tkappa\tceiling\tcycles\tseconds\tdate\n' > "$TSV"
started=$SECONDS
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

# The humanoid's scenario-1 maps and masks, and the arm+hand sphere that simulate prints.
MAPS="$WORK/maps"
if [ ! -f "$MAPS/manifest.json" ]; then
    rm -rf "$MAPS"
    "$FOVEA" simulate --scenario 1 --output "$MAPS" > "$WORK/maps.log"
fi
SPHERE="$(grep -oE -- '--sphere [-0-9.,]+ --sphere-origin centre' "$WORK/maps.log" | awk '{print $2}')"

kappa_of() {   # kappa_of RUN_OR_TABLE DATA OUT.json → "kappa<TAB>ceiling"
    "$FOVEA" kappa --run "$1" --truth "$2/truth.star" --ceiling --json "$3" > "${3%.json}.txt"
    python3 -c "import json; d = json.load(open('$3')); print('%.4f\t%.4f' % (d.get('pooled', d)['kappa'], d['ceiling']['kappa']))"
}

for kind in $KINDS; do
    for snr in $SNRS; do
        data="$WORK/$kind-snr$snr-n$PARTICLES"
        if [ ! -f "$data/data.json" ]; then
            rm -rf "$data"
            python3 "$here/make_data.py" "$MAPS" "$data" "$PARTICLES" "$snr" "$SEED" "$kind" | tee "$data.make.log"
        fi
        for mode in $MODES; do
            run="$data/fovea-$mode$TAG"
            if [ "$mode" = 2d ]; then focus=(--focus 2d --sphere "$SPHERE" --sphere-origin centre)
            else focus=(--focus "$mode" --mask "$MAPS/mask_arm_hand_focus_A.mrc"); fi
            rm -rf "$run"
            t0=$SECONDS
            "${MPIRUN[@]}" -np "$RANKS" "$FOVEA" classify --particles "$data/particles.star" --classes 2 "${focus[@]}" \
                --expand C2 --resolution "$RESOLUTION" --outer-radius "$OUTER_RADIUS" --cycles "$CYCLES" --min-cycles 5 \
                --threads 1 --seed "$SEED" "${classify_options[@]}" --output "$run" > "$run.log" 2>&1 \
                || { echo "classify failed: $run.log"; tail -5 "$run.log"; exit 1; }
            seconds=$((SECONDS - t0))
            scores="$(kappa_of "$run" "$data" "$run/kappa.json")"
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$snr" "$PARTICLES" "fovea-$mode$TAG" "$scores" \
                "$(wc -l < "$run/progress.jsonl")" "$seconds" "$(date -u +%F)" >> "$TSV"
            echo "$kind SNR $snr fovea $mode$TAG: kappa, ceiling $(echo "$scores" | tr '\t' ' ') ($seconds s)"
        done
        if [ "$SKIP_RELION" != 1 ] && [ ! -f "$data/relion/kappa.json" ]; then
            relion_extra=()
            [ "$kind" = realistic ] && read -r -a relion_extra <<< "$RELION_REALISTIC_OPTIONS"
            rm -rf "$data/relion" && mkdir -p "$data/relion"
            t0=$SECONDS
            (
                cd "$data"
                relion_particle_symmetry_expand --i particles.star --o relion/expanded.star --sym C2 > relion/expand.log 2>&1
                "${MPIRUN[@]}" -np "$RANKS" relion_reconstruct_mpi --i particles.star --o relion/consensus.mrc --ctf --sym C2 \
                    --maxres "$RESOLUTION" > relion/reconstruct.log 2>&1
                "${MPIRUN[@]}" -np $((RANKS + 1)) relion_refine_mpi --i relion/expanded.star --o relion/run \
                    --ref relion/consensus.mrc --ini_high "$RESOLUTION" --tau2_fudge 4 --iter "$CYCLES" --K 2 --skip_align \
                    --solvent_mask "$MAPS/softmask_arm_hand_focus_A.mrc" --flatten_solvent --zero_mask \
                    --particle_diameter $((2 * OUTER_RADIUS)) --ctf --dont_combine_weights_via_disc --pool 30 --j 1 \
                    --random_seed "$SEED" "${relion_extra[@]}" > relion/refine.log 2>&1
                python3 "$root/benchmarks/relion-compare/relion_to_fovea.py" particles.star \
                    "$(printf 'relion/run_it%03d_data.star' "$CYCLES")" relion/classes_for_kappa.star
            ) || { echo "RELION failed: $data/relion/*.log"; exit 1; }
            seconds=$((SECONDS - t0))
            scores="$(kappa_of "$data/relion/classes_for_kappa.star" "$data" "$data/relion/kappa.json")"
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$snr" "$PARTICLES" "relion" "$scores" "$CYCLES" "$seconds" \
                "$(date -u +%F)" >> "$TSV"
            echo "$kind SNR $snr RELION 3-D mask: kappa, ceiling $(echo "$scores" | tr '\t' ' ') ($seconds s)"
        fi
    done
done

total=$((SECONDS - started))
python3 "$here/table.py" "$TSV" "$COMMAND" "$total" "$LOAD_BEFORE" | tee "$WORK/results.md"
if [ "$APPEND" = 1 ]; then cat "$WORK/results.md" >> "$root/benchmarks/RESULTS.md"; fi
