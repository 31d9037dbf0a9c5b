#!/usr/bin/env bash
# A stand-in for `fovea classify` that behaves like it does towards Slurm, so that
# slurm/fovea-requeue.sbatch can be tested before the real program exists.
#
# Usage (the same argument shapes as fovea):
#   fake-checkpointing-job.sh classify [... ignored options ...] --output RUN_DIR
#   fake-checkpointing-job.sh classify --continue RUN_DIR
#
# Every rank (one process per srun/mpirun task) does the same; only rank 0 writes files:
#   RUN_DIR/fake-runs.txt     one line per start, "run N" (N counts starts, so restarts show)
#   RUN_DIR/fake-running      "run N" once the signal handler is installed (tests wait for it)
#   RUN_DIR/checkpoint.h5     a text "checkpoint" written on SIGUSR1 or SIGTERM
#   RUN_DIR/fake-final.txt    written when a run completes
# A fresh start "works" for $FAKE_JOB_SECONDS (default 30) and then completes (exit 0); on
# SIGUSR1 or SIGTERM it writes the checkpoint and exits 75 ("checkpointed, requeue me"), like
# fovea. With --continue it exits 1 unless the checkpoint exists, else completes at once (exit 0).
set -uo pipefail

EXIT_CHECKPOINTED=75
# Under mpirun inside a batch job SLURM_PROCID is the batch step's 0 for every rank: ask MPI first.
rank="${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-${SLURM_PROCID:-0}}}"
say() { echo "fake-job rank $rank: $*"; }

[ "${1:-}" = "classify" ] || { say "usage: $0 classify (--output DIR | --continue DIR)" >&2; exit 2; }
shift
run_dir=""; continuing=0
while [ $# -gt 0 ]; do
    case "$1" in
        --output) run_dir="${2:?--output needs a folder}"; shift 2 ;;
        --continue) run_dir="${2:?--continue needs a folder}"; continuing=1; shift 2 ;;
        *) shift ;;
    esac
done
[ -n "$run_dir" ] || { say "error: no --output or --continue folder" >&2; exit 2; }
mkdir -p "$run_dir"
checkpoint="$run_dir/checkpoint.h5"

run_line="start"
if [ "$rank" = 0 ]; then
    run_line="run $(( $( { wc -l < "$run_dir/fake-runs.txt"; } 2>/dev/null || echo 0) + 1 ))"
    echo "$run_line" >> "$run_dir/fake-runs.txt"
fi

if [ "$continuing" = 1 ]; then
    [ -f "$checkpoint" ] || { say "error: --continue $run_dir but there is no $checkpoint" >&2; exit 1; }
    say "$run_line: continuing from '$(cat "$checkpoint")'"
    [ "$rank" = 0 ] && echo "completed after continuing from '$(cat "$checkpoint")'" > "$run_dir/fake-final.txt"
    say "$run_line: completed"
    exit 0
fi

worker=""
checkpoint_and_exit() {
    say "$run_line: got SIG$1: writing checkpoint, exiting $EXIT_CHECKPOINTED"
    [ -n "$worker" ] && kill -KILL "$worker" 2>/dev/null
    [ "$rank" = 0 ] && echo "fake checkpoint from $run_line, SIG$1" > "$checkpoint"
    exit "$EXIT_CHECKPOINTED"
}
trap 'checkpoint_and_exit USR1' USR1
trap 'checkpoint_and_exit TERM' TERM
[ "$rank" = 0 ] && echo "$run_line" > "$run_dir/fake-running"
say "$run_line: working for ${FAKE_JOB_SECONDS:-30} s (SIGUSR1 checkpoints)"
# `wait` returns as soon as a trapped signal arrives; a foreground sleep would delay the trap.
# Slurm signals every process of a task, so the sleep must ignore the signals: were it to die
# first, this script would see its worker finish and "complete" before running its trap.
(trap '' USR1 TERM; exec sleep "${FAKE_JOB_SECONDS:-30}") & worker=$!
wait "$worker"
[ "$rank" = 0 ] && echo "completed without interruption" > "$run_dir/fake-final.txt"
say "$run_line: completed"
exit 0
