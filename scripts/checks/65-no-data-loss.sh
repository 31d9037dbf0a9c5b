# No data lost (after 60-classify.sh, whose datasets and helpers it uses): two runs into one
# folder, a read-only and a full file system (small tmpfs mounts; root only), SIGKILL in the middle
# of every kind of write, and SIGTERM sent to mpirun itself. After each, the previous state is
# intact: the checkpoint reads and `--continue` gives the uninterrupted run.
NDL_OPTIONS=(--cycles 6 --min-cycles 6 --checkpoint-every 1)

# ndl_classify FOLDER [extra options]: one plain process on the 600-particle dataset.
ndl_classify() {
    local out="$1"; shift
    "$FOVEA" classify -i "$CLASSIFY_DATA/particles.star" --classes 2 --focus 2d --sphere 42,0,0,32 \
        --sphere-origin centre --resolution 10 --outer-radius 90 --threads 1 -o "$out" "${NDL_OPTIONS[@]}" "$@"
}
ndl_reference() {
    [ -f "$CHECK_TMP/ndl-reference/run.h5" ] || ndl_classify "$CHECK_TMP/ndl-reference" >/dev/null
}

# Two runs started together into one folder: exactly one runs, the other exits 2 naming the lock.
ndl_concurrent_runs() {
    local run="$CHECK_TMP/ndl-concurrent"
    ndl_classify "$run" >"$CHECK_TMP/ndl-a.txt" 2>&1 & local a=$!
    ndl_classify "$run" >"$CHECK_TMP/ndl-b.txt" 2>&1 & local b=$!
    wait $a; local code_a=$?; wait $b; local code_b=$?
    echo "exit codes $code_a $code_b"; cat "$CHECK_TMP/ndl-a.txt" "$CHECK_TMP/ndl-b.txt" | grep -v "^cycle"
    local loser
    if [ $code_a -eq 0 ] && [ $code_b -eq 2 ]; then loser="$CHECK_TMP/ndl-b.txt"
    elif [ $code_b -eq 0 ] && [ $code_a -eq 2 ]; then loser="$CHECK_TMP/ndl-a.txt"
    else echo "expected one run to finish and the other to exit 2"; return 1; fi
    grep -q "is in use by another run (pid .*\.fovea\.lock" "$loser" || return 1
    ndl_reference && "$FOVEA" selftest compare "$CHECK_TMP/ndl-reference" "$run" --tolerance 1e-4
}

# mount_tmpfs FOLDER SIZE: a small tmpfs (root only; the caller unmounts it).
mount_tmpfs() {
    mkdir -p "$1" && mount -t tmpfs -o "size=$2" tmpfs "$1"
}

ndl_read_only_file_system() {
    local disk="$CHECK_TMP/ndl-ro" out="$CHECK_TMP/ndl-ro.txt"
    mount_tmpfs "$disk" 16m || { echo "cannot mount a tmpfs (not root?)"; return 1; }
    ndl_reference && cp -a "$CHECK_TMP/ndl-reference" "$disk/run" && mount -o remount,ro "$disk" || { umount "$disk"; return 1; }
    local status=0
    # A new run on it, and the continuation of the run on it: exit 2, said in words, nothing changed.
    ndl_classify "$disk/new" >"$out" 2>&1; local code=$?
    cat "$out"; [ $code -eq 2 ] && grep -q "$disk/new: cannot create the folder: the file system is read-only" "$out" || status=1
    "$FOVEA" classify --continue "$disk/run" --cycles 7 >"$out" 2>&1; code=$?
    cat "$out"; [ $code -eq 2 ] && grep -q "the file system is read-only" "$out" || status=1
    "$FOVEA" selftest compare "$CHECK_TMP/ndl-reference" "$disk/run" --tolerance 0 || status=1
    umount "$disk"
    return $status
}

# A disk that fills during the run: the error says so (exit 1, no MPI_Abort banner for a plain
# process); the last complete checkpoint is intact; moved to a roomy disk, the run continues to
# the uninterrupted result.
ndl_full_disk() {
    local disk="$CHECK_TMP/ndl-full" out="$CHECK_TMP/ndl-full.txt" status=0
    mount_tmpfs "$disk" 2m || { echo "cannot mount a tmpfs (not root?)"; return 1; }
    ndl_classify "$disk/run" >"$out" 2>&1; local code=$?
    grep -v "^cycle" "$out"; ls -la "$disk/run"
    [ $code -eq 1 ] && grep -q "no space left on the device" "$out" && ! grep -q "MPI_ABORT" "$out" || status=1
    ls -a "$disk/run" | grep -q "\.tmp-" && { echo "a temporary file was left behind"; status=1; }
    [ -e "$disk/run/.fovea.lock" ] && { echo "the lock was not released"; status=1; }
    rm -rf "$CHECK_TMP/ndl-moved"; cp -a "$disk/run" "$CHECK_TMP/ndl-moved"; umount "$disk"
    "$FOVEA" classify --continue "$CHECK_TMP/ndl-moved" >"$out" 2>&1 || { cat "$out"; return 1; }
    ndl_reference && "$FOVEA" selftest compare "$CHECK_TMP/ndl-reference" "$CHECK_TMP/ndl-moved" --tolerance 1e-4 && return $status
}

# The renames of a plain run in order (one target path per line), from one run under strace.
ndl_rename_order() {
    [ -s "$CHECK_TMP/ndl-renames.txt" ] && return 0
    strace -f -qq -e trace=rename,renameat,renameat2 -e signal=none -o "$CHECK_TMP/ndl-strace.txt" \
        "$FOVEA" classify -i "$CLASSIFY_DATA/particles.star" --classes 2 --focus 2d --sphere 42,0,0,32 \
        --sphere-origin centre --resolution 10 --outer-radius 90 --threads 1 -o "$CHECK_TMP/ndl-traced" \
        "${NDL_OPTIONS[@]}" >/dev/null 2>&1 || return 1
    grep -E "rename(at2?)?\(" "$CHECK_TMP/ndl-strace.txt" | grep -v "resumed>" | sed -E 's/.*, *"([^"]*)"[^"]*\) *= *0$/\1/' \
        | sed 's|.*/||' > "$CHECK_TMP/ndl-renames.txt"
    [ -s "$CHECK_TMP/ndl-renames.txt" ]
}

# SIGKILL at the worst moment of the Nth write of FILE: its temporary is complete but not yet
# renamed into place (strace injects the signal at that rename, found from ndl_rename_order).
# Then: the temporary is left, the checkpoint reads (a dry run of the continuation), and
# --continue removes the temporary, takes over the dead run's lock (saying both) and gives the
# uninterrupted run.
ndl_kill_during_write() {
    local file="$1" nth="$2" run="$CHECK_TMP/ndl-kill-$1" out="$CHECK_TMP/ndl-kill-$1.txt"
    command -v strace >/dev/null || { echo "strace is needed"; return 1; }
    ndl_rename_order || { echo "no rename order"; return 1; }
    local index; index=$(grep -n -x -F "$file" "$CHECK_TMP/ndl-renames.txt" | sed -n "${nth}p" | cut -d: -f1)
    [ -n "$index" ] || { echo "no write $nth of $file in: $(tr '\n' ' ' < "$CHECK_TMP/ndl-renames.txt")"; return 1; }
    strace -f -qq -o /dev/null -e trace=rename,renameat,renameat2 -e signal=none \
        -e inject=rename,renameat,renameat2:signal=KILL:when="$index" \
        "$FOVEA" classify -i "$CLASSIFY_DATA/particles.star" --classes 2 --focus 2d --sphere 42,0,0,32 \
        --sphere-origin centre --resolution 10 --outer-radius 90 --threads 1 -o "$run" "${NDL_OPTIONS[@]}" >"$out" 2>&1
    local code=$?
    echo "killed at rename $index, write $nth of $file (exit $code): $(ls -a "$run" | tr '\n' ' ')"
    [ "$code" -eq 137 ] || { cat "$out"; return 1; }
    compgen -G "$run/.$file.tmp-*" >/dev/null || { echo "no temporary of $file left"; return 1; }
    [ -f "$run/checkpoint.h5" ] || { echo "no checkpoint"; return 1; }
    "$FOVEA" classify --continue "$run" --dry-run >"$out" 2>&1 || { cat "$out"; return 1; }
    "$FOVEA" classify --continue "$run" >"$out" 2>&1 || { cat "$out"; return 1; }
    grep -v "^cycle" "$out"
    grep -q "took over the lock of a run that is no longer running" "$out" &&
        grep -q "removed 1 unfinished temporary file(s) of an interrupted write: .$file.tmp-" "$out" || return 1
    ! compgen -G "$run/.*.tmp-*" >/dev/null || { echo "temporaries left after --continue"; return 1; }
    ndl_reference && "$FOVEA" selftest compare "$CHECK_TMP/ndl-reference" "$run" --tolerance 1e-4
}

# SIGTERM to mpirun itself (OpenMPI 4): mpirun sends SIGTERM to the ranks after
# odls_base_sigkill_timeout seconds (default 1) and SIGKILL the same time later, then exits 1.
# A rank whose cycle ends within that window writes a checkpoint and exits; otherwise it is
# killed and the run continues from its last periodic checkpoint. Either way --continue (once
# the ranks are gone) gives the uninterrupted run (docs/hpc.md).
ndl_sigterm_to_mpirun() {
    local grace="$1" run="$CHECK_TMP/ndl-mpirun-term-$1" out="$CHECK_TMP/ndl-mpirun-$1.txt"
    # Enough cycles that the run cannot finish inside the longest window on a fast machine
    # (a cycle here takes ≈ 0.3–1 s); the signal goes after cycle 1.
    local options=(--cycles 40 --min-cycles 40 --checkpoint-every 2)
    [ -f "$CHECK_TMP/ndl-mpirun-reference/run.h5" ] ||
        classify_on 2 "$CHECK_TMP/ndl-mpirun-reference" "$SIGNAL_DATA" "${options[@]}" >/dev/null || return 1
    "${MPIRUN[@]}" --mca odls_base_sigkill_timeout "$grace" -np 2 "$FOVEA" classify -i "$SIGNAL_DATA/particles.star" \
        --classes 2 --focus 2d --sphere 42,0,0,32 --sphere-origin centre --resolution 10 --outer-radius 90 --threads 1 \
        -o "$run" "${options[@]}" >"$out" 2>&1 & local launcher=$!
    wait_for_cycle "$run" 1 || { kill "$launcher"; return 1; }
    local start=$SECONDS
    kill -TERM "$launcher"
    wait "$launcher"; local code=$?
    local took=$((SECONDS - start)) cycles; cycles=$(wc -l < "$run/progress.jsonl")
    grep -v "^cycle" "$out"; echo "mpirun exited $code after $took s; $cycles cycles logged"
    [ "$code" -ne 0 ] && [ "$took" -le $((2 * grace + 10)) ] && [ "$cycles" -lt 40 ] || return 1
    # mpirun may return while its killed ranks are still being reaped.
    local deadline=$((SECONDS + 30))
    while pgrep -f "^$FOVEA classify -i $SIGNAL_DATA/particles.star.*-o $run" >/dev/null; do
        [ $SECONDS -lt $deadline ] || { echo "ranks still running 30 s after mpirun ended"; return 1; }
        sleep 0.2
    done
    if [ "$grace" -gt 1 ]; then
        # A window longer than a cycle: the ranks stop after their cycle with a checkpoint.
        grep -q "SIGTERM received: stopped after cycle" "$out" && grep -q '"outcome" : "checkpointed after cycle' "$run/run.json" ||
            return 1
    fi
    "${MPIRUN[@]}" -np 2 "$FOVEA" classify --continue "$run" --threads 1 >"$out" 2>&1 || { cat "$out"; return 1; }
    "$FOVEA" selftest compare "$CHECK_TMP/ndl-mpirun-reference" "$run" --tolerance 1e-4
}

check "no data loss: two runs into one folder -> one runs, the other exits 2 naming the lock" ndl_concurrent_runs
check "no data loss: read-only file system -> exit 2 in words, the run on it unchanged" ndl_read_only_file_system
check "no data loss: full disk -> 'no space left', checkpoint intact, continues elsewhere to the same run" ndl_full_disk
# The 3rd checkpoint (two earlier ones complete), each output once, run.json's end-of-run write.
for written in checkpoint.h5:3 class_002_half2.mrc:1 particles.star:1 class_002_cistem.star:1 class_001.par:1 \
               run.h5:1 report.html:2 run.json:2; do
    check "no data loss: SIGKILL while writing ${written%:*} -> checkpoint intact, --continue gives the same run" \
        ndl_kill_during_write "${written%:*}" "${written#*:}"
done
check "SIGTERM to mpirun (1 s window): the job ends within seconds, --continue gives the uninterrupted run" \
    ndl_sigterm_to_mpirun 1
check "SIGTERM to mpirun with odls_base_sigkill_timeout 5: checkpoint first, --continue gives the uninterrupted run" \
    ndl_sigterm_to_mpirun 5

# FOVEA_MEMORY_LIMIT_MB is honoured: with a limit at the dry run's estimate (in memory, then
# streamed) the process's real peak (/usr/bin/time's maximum resident set) stays within it; below
# both estimates the run refuses (exit 2) before reading images; an invalid value is an error.
ndl_memory_budget_honoured() {
    local data="$CHECK_TMP/ndl-memory-data" out="$CHECK_TMP/ndl-memory.txt" line resident streamed peak
    [ -x /usr/bin/time ] || { echo "/usr/bin/time is needed"; return 1; }
    "$FOVEA" simulate --scenario 1 --particles 300 --box 64 --pixel-size 6.55 --seed 2 --output "$data" >/dev/null || return 1
    local options=(-i "$data/particles.star" --classes 2 --focus 2d --sphere 78.6,9.8,58.9,61.5 --sphere-origin centre
                   --resolution 20 --outer-radius 190 --threads 1 --cycles 3)
    "$FOVEA" classify "${options[@]}" -o "$CHECK_TMP/ndl-memory-plan" --dry-run >"$out" 2>&1 || { cat "$out"; return 1; }
    line=$(grep "^rank 0:" "$out"); echo "$line"
    resident=$(echo "$line" | sed -E 's/.*about ([0-9]+) MiB \(.*/\1/')
    streamed=$(echo "$line" | sed -E 's/.*\(([0-9]+) MiB if streamed.*/\1/')
    for limit in "$((resident + 1)):memory" "$((streamed + 1)):streaming"; do
        local mib="${limit%:*}" run="$CHECK_TMP/ndl-memory-${limit#*:}"
        FOVEA_MEMORY_LIMIT_MB="$mib" /usr/bin/time -v "$FOVEA" classify "${options[@]}" -o "$run" >"$out" 2>&1 ||
            { cat "$out"; return 1; }
        peak=$(( $(grep "Maximum resident set size" "$out" | awk '{print $NF}') / 1024 ))
        echo "limit $mib MiB (${limit#*:}): peak $peak MiB; $(grep -c "streaming its" "$out") streaming line(s)"
        [ "$peak" -le "$mib" ] || { echo "the peak exceeds the limit"; return 1; }
        if [ "${limit#*:}" = streaming ]; then grep -q "streaming its 300 particles" "$out" || return 1; fi
    done
    FOVEA_MEMORY_LIMIT_MB=$((streamed - 2)) "$FOVEA" classify "${options[@]}" -o "$CHECK_TMP/ndl-memory-short" >"$out" 2>&1
    local code=$?; cat "$out"
    [ $code -eq 2 ] && grep -q "this rank needs about" "$out" && [ ! -e "$CHECK_TMP/ndl-memory-short" ] || return 1
    FOVEA_MEMORY_LIMIT_MB=abc "$FOVEA" classify "${options[@]}" -o "$CHECK_TMP/ndl-memory-abc" >"$out" 2>&1
    code=$?; cat "$out"; [ $code -eq 2 ] && grep -q "FOVEA_MEMORY_LIMIT_MB='abc' is not a positive number" "$out"
}
check "memory: FOVEA_MEMORY_LIMIT_MB at the estimate -> real peak within it (memory and streamed); below -> exit 2" \
    ndl_memory_budget_honoured
