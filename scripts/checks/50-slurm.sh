# The sbatch templates in slurm/ on a real, private Slurm (slurm/local-slurm.sh) with two nodes,
# each slurmd in its own network namespace (one node where namespaces cannot be made): the
# single-node template runs `fovea info` on 2 and 3 ranks, both multi-node templates on 2 ranks per
# node over both nodes; the single-node (srun) and multi-node mpirun templates run a small real
# `fovea classify` (the two-region phantom); the requeue template with the real program survives a
# forced time-limit signal through srun and mpirun and a scancel, and with a stand-in program
# (scripts/testing/fake-checkpointing-job.sh, whose timing is predictable) the real time-limit signal.
# Takes ≈ 1–2 min, much of it waiting for the real signal (slurmctld checks limits every 30 s) and
# for the requeued jobs to become eligible again (cred_expire=10 in local-slurm.sh).
# Sourced by scripts/mpi-checks.sh ($FOVEA, $CHECK_TMP and `check` come from there).
# Slurm runs in its own folder and on free ports, so it does not disturb another local Slurm;
# it is brought down when these checks end, or on exit if they are interrupted.

SLURM_CHECK_DIR="$CHECK_TMP/slurm"
# Two nodes when this machine lets us make network namespaces, else one (or FOVEA_CHECK_SLURM_NODES).
if [ -n "${FOVEA_CHECK_SLURM_NODES:-}" ]; then
    SLURM_CHECK_NODES="$FOVEA_CHECK_SLURM_NODES"
elif command -v ip >/dev/null && command -v nsenter >/dev/null && unshare --net --uts true 2>/dev/null; then
    SLURM_CHECK_NODES=2
else
    SLURM_CHECK_NODES=1
    echo "note: cannot create network namespaces here: the Slurm checks use a single node"
fi
SLURM_CHECK_ENV=(FOVEA_SLURM_DIR="$SLURM_CHECK_DIR" FOVEA_SLURM_CPUS=8 FOVEA_SLURM_NODES="$SLURM_CHECK_NODES")
export SLURM_CONF="$SLURM_CHECK_DIR/slurm.conf"

slurm_check_down() { env "${SLURM_CHECK_ENV[@]}" slurm/local-slurm.sh down >/dev/null 2>&1 || true; }
# Bring Slurm down before whatever the enclosing script does on exit (removing $CHECK_TMP).
slurm_previous_exit_trap="$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")"
trap 'slurm_check_down; eval "$slurm_previous_exit_trap"' EXIT

# Prints the final "JobState=... ExitCode=... Restarts=..." of job $1 once it has ended (polls
# `scontrol show job` every second: `sbatch --wait` polls far more slowly); fails after $2 s.
slurm_wait_for_job() {
    local id="$1" limit="$2" start=$SECONDS record
    while :; do
        record="$(scontrol show job "$id" 2>/dev/null | grep -oE '(JobState|ExitCode|Restarts)=[^ ]+' | tr '\n' ' ')"
        case "$record" in
            *JobState=COMPLETED*|*JobState=FAILED*|*JobState=CANCELLED*|*JobState=TIMEOUT*|*JobState=NODE_FAIL*|*JobState=OUT_OF_MEMORY*|*JobState=BOOT_FAIL*|*JobState=DEADLINE*)
                echo "job $id after $((SECONDS - start)) s: $record"; return 0 ;;
        esac
        if [ $((SECONDS - start)) -ge "$limit" ]; then
            echo "job $id still not finished after $limit s: $record"; scancel "$id"; return 1
        fi
        sleep 1
    done
}

# The two-region phantom: 4000 particles make cycles of ~0.5 s, so signals land mid-run.
SLURM_DATA="$CHECK_TMP/slurm-data"
"$FOVEA" selftest dataset --count 4000 --snr 0.1 --seed 4 --output "$SLURM_DATA" >/dev/null
slurm_classify_args() {   # slurm_classify_args RUN_DIR CYCLES
    echo "classify -i $SLURM_DATA/particles.star --classes 2 --focus 2d --sphere 42,0,0,32 --sphere-origin centre" \
         "--resolution 10 --outer-radius 90 --cycles $2 --min-cycles $2 --checkpoint-every 100 -o $1"
}

slurm_check_up=0
slurm_up() {
    chmod a+x "$CHECK_TMP"   # munged wants every folder above its socket searchable by all
    eval "$(env "${SLURM_CHECK_ENV[@]}" slurm/local-slurm.sh up)" && sinfo -N && [ -s "$SLURM_CONF" ] \
        && slurm_check_up=1
}
# Later checks fail at once when Slurm is not up (sbatch would retry for 10 s).
slurm_is_up() { [ "$slurm_check_up" -eq 1 ] || { echo "Slurm did not come up"; return 1; }; }

# slurm_info_template TEMPLATE NODES RANKS_PER_NODE THREADS: submits TEMPLATE running `fovea info`
# on NODES nodes; checks that every rank reports itself with THREADS threads, and NODES hosts.
slurm_info_template() {
    local template="$1" nodes="$2" per_node="$3" threads="$4" ranks=$(($2 * $3)) id record out r
    local dir="$CHECK_TMP/slurm-$1-$2x$3"
    slurm_is_up || return 1
    mkdir -p "$dir"
    id="$(FOVEA_ARGS="info" sbatch --parsable --chdir="$dir" --output="$dir/%x-%j.out" --nodes="$nodes" \
        --ntasks="$ranks" --ntasks-per-node="$per_node" --cpus-per-task="$threads" --time=2 "slurm/$template.sbatch")" \
        || return 1
    record="$(slurm_wait_for_job "$id" 60)"; local waited=$?
    echo "$record"
    out="$(ls "$dir"/*-"$id".out)" && cat "$out"
    [ "$waited" -eq 0 ] && [[ "$record" == *"JobState=COMPLETED"* ]] && [[ "$record" == *"ExitCode=0:0"* ]] \
        && grep -q "^MPI ranks: $ranks$" "$out" || return 1
    for r in $(seq 0 $((ranks - 1))); do
        grep -q "^rank $r of $ranks .*threads $threads$" "$out" || { echo "no line for rank $r"; return 1; }
    done
    [ "$(grep -oE '^rank [0-9]+ of [0-9]+ on host [^,]+' "$out" | awk '{print $NF}' | sort -u | wc -l)" -eq "$nodes" ] \
        || { echo "ranks are not spread over $nodes hosts"; return 1; }
}

# slurm_classify_template TEMPLATE NODES RANKS_PER_NODE: a small real classification through the
# template; it must complete, write run.h5 and find the small region's states (kappa >= 0.9).
slurm_classify_template() {
    local template="$1" nodes="$2" per_node="$3" ranks=$(($2 * $3)) id record out
    local dir="$CHECK_TMP/slurm-classify-$1"
    slurm_is_up || return 1
    mkdir -p "$dir"
    id="$(FOVEA="$FOVEA" FOVEA_ARGS="$(slurm_classify_args "$dir/run" 6)" sbatch --parsable --chdir="$dir" \
        --output="$dir/%x-%j.out" --nodes="$nodes" --ntasks="$ranks" --ntasks-per-node="$per_node" --cpus-per-task=1 \
        --time=5 "slurm/$template.sbatch")" || return 1
    record="$(slurm_wait_for_job "$id" 120)"; local waited=$?
    echo "$record"
    out="$(ls "$dir"/*-"$id".out)" && cat "$out"
    [ "$waited" -eq 0 ] && [[ "$record" == *"JobState=COMPLETED"* ]] && [[ "$record" == *"ExitCode=0:0"* ]] \
        && grep -q "on $ranks rank(s)" "$out" && [ -f "$dir/run/run.h5" ] \
        && "$FOVEA" kappa --run "$dir/run" --truth "$SLURM_DATA/truth.star" --column foveaSmall --minimum 0.9
}

# The requeue template with the stand-in program: SIGUSR1 to the batch shell must end in a
# checkpoint, a requeue, a `classify --continue` run and COMPLETED with one restart.
# slurm_requeue_submit NAME [sbatch options]: submits into $CHECK_TMP/slurm-NAME, prints the job id.
slurm_requeue_submit() {
    local name="$1" dir="$CHECK_TMP/slurm-$1"; shift
    slurm_is_up || return 1
    mkdir -p "$dir"
    FOVEA="$PWD/scripts/testing/fake-checkpointing-job.sh" FOVEA_RUN_DIR="$dir/run" \
        FOVEA_ARGS="classify --classes 2 --output $dir/run" FAKE_JOB_SECONDS=100 \
        sbatch --parsable --chdir="$dir" --output="$dir/%x-%j.out" "$@" slurm/fovea-requeue.sbatch \
        | tee "$dir/job-id"
}
# slurm_requeue_verify NAME: waits for the job submitted by slurm_requeue_submit NAME; checks it.
slurm_requeue_verify() {
    local dir="$CHECK_TMP/slurm-$1" id record
    id="$(cat "$dir/job-id" 2>/dev/null)"
    [ -n "$id" ] || { echo "no job was submitted"; return 1; }
    record="$(slurm_wait_for_job "$id" 90)"; local waited=$?
    echo "$record"
    cat "$dir"/*-"$id".out
    echo "runs: $(tr '\n' ' ' < "$dir/run/fake-runs.txt")"
    [ "$waited" -eq 0 ] && [[ "$record" == *"JobState=COMPLETED"* ]] && [[ "$record" == *"ExitCode=0:0"* ]] \
        && [[ "$record" == *"Restarts=1"* ]] \
        && [ "$(cat "$dir/run/fake-runs.txt")" = "$(printf 'run 1\nrun 2')" ] \
        && grep -q "SIGUSR1" "$dir/run/checkpoint.h5" \
        && grep -q "^completed after continuing from 'fake checkpoint from run 1, SIGUSR1'$" "$dir/run/fake-final.txt" \
        && grep -q "SIGUSR1 (time limit near): forwarding to" "$dir"/*-"$id".out \
        && grep -q "requeueing job $id" "$dir"/*-"$id".out \
        && grep -q "restart 1.*classify --continue $dir/run$" "$dir"/*-"$id".out
}
# The requeue template with the real program: slurm_requeue_real_fovea_submit NAME CYCLES [sbatch options].
# Give --time above 5 min: the template asks for SIGUSR1 300 s before the limit.
slurm_requeue_real_fovea_submit() {
    local name="$1" cycles="$2" dir="$CHECK_TMP/slurm-$1"; shift 2
    slurm_is_up || return 1
    mkdir -p "$dir"
    FOVEA="$FOVEA" FOVEA_RUN_DIR="$dir/run" FOVEA_ARGS="$(slurm_classify_args "$dir/run" "$cycles")" \
        FOVEA_CONTINUE_ARGS="classify --continue $dir/run" \
        sbatch --parsable --chdir="$dir" --output="$dir/%x-%j.out" "$@" slurm/fovea-requeue.sbatch | tee "$dir/job-id"
}
# Waits until the run in $1 has finished cycle 1 (at most 60 s).
slurm_wait_for_first_cycle() {
    local i
    for i in $(seq 1 600); do [ -s "$1/progress.jsonl" ] && return 0; sleep 0.1; done
    echo "no cycle finished in $1 within 60 s"; return 1
}
# Forced: `scancel --signal=USR1 --batch` once `fovea classify` has finished a cycle (what
# --signal=B:USR1 does), with FOVEA_LAUNCHER=srun and =mpirun at the same time: the program
# checkpoints and exits 75, the job is requeued, continues from the checkpoint and completes.
slurm_requeue_forced() {
    local launcher id ok=0 dir out
    for launcher in srun mpirun; do
        FOVEA_LAUNCHER="$launcher" slurm_requeue_real_fovea_submit "forced-$launcher" 24 --ntasks=2 --cpus-per-task=1 \
            --time=10 >/dev/null || return 1
    done
    for launcher in srun mpirun; do
        dir="$CHECK_TMP/slurm-forced-$launcher"; id="$(cat "$dir/job-id")"
        slurm_wait_for_first_cycle "$dir/run" || { scancel "$id"; return 1; }
        scancel --signal=USR1 --batch "$id" || return 1
    done
    for launcher in srun mpirun; do
        echo "== FOVEA_LAUNCHER=$launcher"
        dir="$CHECK_TMP/slurm-forced-$launcher"; id="$(cat "$dir/job-id")"
        record="$(slurm_wait_for_job "$id" 150)"; local waited=$?
        echo "$record"; out="$(ls "$dir"/*-"$id".out)"; cat "$out"
        [ "$waited" -eq 0 ] && [[ "$record" == *"JobState=COMPLETED"* ]] && [[ "$record" == *"ExitCode=0:0"* ]] \
            && [[ "$record" == *"Restarts=1"* ]] && grep -q "2 ranks x 1 threads via $launcher" "$out" \
            && grep -q "SIGUSR1 received: stopped after cycle" "$out" && grep -q "requeueing job $id" "$out" \
            && grep -q "continuing after cycle" "$out" && grep -q "finished (cycle limit) after cycle 24" "$out" \
            && [ -f "$dir/run/run.h5" ] || ok=1
    done
    return "$ok"
}
# Cancelled (`scancel`: SIGTERM to every process): `fovea classify` checkpoints and exits 75, but
# the script must not requeue a cancelled job.
slurm_requeue_cancelled() {
    local dir="$CHECK_TMP/slurm-cancelled" id record
    id="$(slurm_requeue_real_fovea_submit cancelled 40 --ntasks=1 --cpus-per-task=1 --time=10)" || return 1
    slurm_wait_for_first_cycle "$dir/run" || { scancel "$id"; return 1; }
    scancel "$id" || return 1
    record="$(slurm_wait_for_job "$id" 30)" || return 1
    sleep 2   # a wrong requeue would show as PENDING/Restarts=1 by now
    record="$(scontrol show job "$id" | grep -oE '(JobState|Restarts)=[^ ]+' | tr '\n' ' ')"
    echo "$record"; cat "$dir"/*-"$id".out; cat "$dir/run/run.json"
    [[ "$record" == *"JobState=CANCELLED"* ]] && [[ "$record" == *"Restarts=0"* ]] \
        && [ -f "$dir/run/checkpoint.h5" ] && grep -q "checkpointed after cycle .*SIGTERM" "$dir/run/run.json" \
        && ! grep -q "requeueing" "$dir"/*-"$id".out
}
# Real: a 1-minute limit with the signal 55 s before it (slurmctld checks limits every 30 s, so it
# comes 5-35 s after the start). Submitted before the other jobs and checked last, so that its wait
# overlaps theirs. The continued run gets the same limit and signal: it must finish within 5 s
# (the stand-in finishes at once; a real `fovea classify --continue` here must be tiny).
slurm_requeue_real_submit() { slurm_requeue_submit real --ntasks=1 --cpus-per-task=1 --time=1 --signal=B:USR1@55; }

slurm_down() { env "${SLURM_CHECK_ENV[@]}" slurm/local-slurm.sh down && ! env "${SLURM_CHECK_ENV[@]}" slurm/local-slurm.sh status | grep -q running; }

check "slurm: private Slurm with $SLURM_CHECK_NODES node(s) comes up" slurm_up
check "slurm: submit fovea-requeue.sbatch with --time=1 --signal=B:USR1@55" slurm_requeue_real_submit
check "slurm: fovea-single-node.sbatch, srun, 2 ranks x 2 threads" slurm_info_template fovea-single-node 1 2 2
check "slurm: fovea-single-node.sbatch, srun, 3 ranks x 1 thread on 2 cores" slurm_info_template fovea-single-node 1 3 1
check "slurm: fovea-multi-node-srun.sbatch, $SLURM_CHECK_NODES node(s) x 2 ranks x 2 threads" \
    slurm_info_template fovea-multi-node-srun "$SLURM_CHECK_NODES" 2 2
check "slurm: fovea-multi-node-mpirun.sbatch, $SLURM_CHECK_NODES node(s) x 2 ranks x 2 threads" \
    slurm_info_template fovea-multi-node-mpirun "$SLURM_CHECK_NODES" 2 2
check "slurm: fovea-single-node.sbatch runs fovea classify through srun (2 ranks)" slurm_classify_template fovea-single-node 1 2
check "slurm: fovea-multi-node-mpirun.sbatch runs fovea classify through mpirun ($SLURM_CHECK_NODES node(s) x 1 rank)" \
    slurm_classify_template fovea-multi-node-mpirun "$SLURM_CHECK_NODES" 1
check "slurm: fovea-requeue.sbatch + fovea classify, forced SIGUSR1 via srun and mpirun: checkpoint, requeue, continue, complete" slurm_requeue_forced
check "slurm: fovea-requeue.sbatch + fovea classify, scancel: checkpoint (SIGTERM), no requeue" slurm_requeue_cancelled
check "slurm: fovea-requeue.sbatch, real time-limit signal (stand-in program): checkpoint, requeue, continue" slurm_requeue_verify real
check "slurm: Slurm goes down" slurm_down
