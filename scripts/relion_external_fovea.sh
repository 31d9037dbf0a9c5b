#!/usr/bin/env bash
# Runs `fovea classify` as a RELION (3.1 or later) External job. In RELION's GUI: External,
# "External executable" = this script; "Input particles" = the refined particles STAR; optionally
# "Input 3D reference" and "Input 3D mask"; parameters such as `classes 4`, `focus 2d`,
# `sphere 210,180,230,30`, `sphere-origin corner`, `resolution 10` (docs/relion-external.md).
#
# RELION calls:  relion_external_fovea.sh --o External/job012/ --in_parts P.star [--in_3dref R.mrc]
#                    [--in_mask M.mrc] [--LABEL VALUE ...] --j THREADS [other arguments]
# and this runs: fovea classify --particles P.star --output External/job012/ --reference R.mrc
#                    --mask M.mrc --LABEL VALUE ... --threads THREADS --relion-job
# A VALUE of yes/true passes --LABEL as a flag, no/false leaves it out. A job folder that holds a
# checkpoint (an aborted or failed job run again) is continued with `fovea classify --continue`.
#
# RELION's job files: RELION_JOB_EXIT_SUCCESS when fovea finishes; RELION_JOB_EXIT_ABORTED when
# the GUI's Abort (RELION_JOB_ABORT_NOW) stopped it (fovea checkpoints first); else
# RELION_JOB_EXIT_FAILURE. fovea writes RELION_OUTPUT_NODES.star and run_itNNN_* files itself.
#
# Environment: FOVEA (the fovea binary, default `fovea` on PATH), FOVEA_LAUNCHER (e.g.
# "mpirun -np 4", default none: one process).
set -uo pipefail

fovea="${FOVEA:-fovea}"
out=""; parts=""; ref=""; mask=""; threads=""; control=""
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --o) out="${2:-}"; shift 2 ;;
        --in_parts) parts="${2:-}"; shift 2 ;;
        --in_3dref) ref="${2:-}"; shift 2 ;;
        --in_mask) mask="${2:-}"; shift 2 ;;
        --j) threads="${2:-}"; shift 2 ;;
        --pipeline_control) control="${2:-}"; shift 2 ;;   # added by relion_pipeliner: where the exit files go
        --in_movies|--in_mics|--in_coords)
            echo "relion_external_fovea: $1 is not an input fovea classify takes (give Input particles)" >&2
            [ -n "$out" ] && touch "${control:-$out}/RELION_JOB_EXIT_FAILURE"; exit 2 ;;
        --*)
            label="$1"; value="${2:-}"
            if [ $# -lt 2 ] || [[ "$value" == --* ]]; then extra+=("$label"); shift
            else
                case "$value" in
                    yes|true|YES|Yes|True) extra+=("$label") ;;
                    no|false|NO|No|False) ;;
                    *) extra+=("$label" "$value") ;;
                esac
                shift 2
            fi ;;
        *) extra+=("$1"); shift ;;
    esac
done
[ -n "$out" ] || { echo "relion_external_fovea: no --o job folder" >&2; exit 2; }
control="${control:-$out}"
mkdir -p "$out" "$control"
rm -f "$control/RELION_JOB_EXIT_SUCCESS" "$control/RELION_JOB_EXIT_FAILURE" "$control/RELION_JOB_EXIT_ABORTED"

args=()
if [ -f "$out/checkpoint.h5" ] && [ ! -f "$out/run.h5" ]; then
    echo "relion_external_fovea: $out holds a checkpoint: continuing it"
    args=(classify --continue "$out")
else
    [ -n "$parts" ] || { echo "relion_external_fovea: no --in_parts (Input particles)" >&2; touch "$control/RELION_JOB_EXIT_FAILURE"; exit 2; }
    args=(classify --particles "$parts" --output "$out")
    [ -n "$ref" ] && args+=(--reference "$ref")
    [ -n "$mask" ] && args+=(--mask "$mask")
    args+=("${extra[@]}")
fi
[ -n "$threads" ] && args+=(--threads "$threads")
args+=(--relion-job)

echo "relion_external_fovea: ${FOVEA_LAUNCHER:-} $fovea ${args[*]}"
# shellcheck disable=SC2086  # the launcher is a command line of its own
${FOVEA_LAUNCHER:-} "$fovea" "${args[@]}" &
job=$!
aborted=0
while kill -0 "$job" 2>/dev/null; do
    if [ -f "$control/RELION_JOB_ABORT_NOW" ]; then
        echo "relion_external_fovea: RELION asked to abort: stopping fovea after its current cycle (checkpoint kept)"
        kill -TERM "$job" 2>/dev/null
        aborted=1
        rm -f "$control/RELION_JOB_ABORT_NOW"
    fi
    sleep 1
done
wait "$job"; status=$?
if [ "$status" -eq 0 ]; then
    touch "$control/RELION_JOB_EXIT_SUCCESS"
elif [ "$aborted" -eq 1 ] || [ "$status" -eq 75 ]; then
    touch "$control/RELION_JOB_EXIT_ABORTED"
else
    touch "$control/RELION_JOB_EXIT_FAILURE"
fi
exit "$status"
