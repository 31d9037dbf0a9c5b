# MPICommunicator collectives on 1, 2 and 3 (oversubscribed) ranks, with the default message size
# and with tiny ones that split every buffer into many messages (`fovea selftest collectives`
# compares allreduce sum/max/min and broadcast of Float/Double/Int32/Int64/UInt8 buffers with
# results each rank computes itself).
collectives() {   # collectives NP [selftest options...]
    local np="$1"; shift
    local out="$CHECK_TMP/collectives-$np-$$.txt"
    env $(mpi_clean_env) "${MPIRUN[@]}" -np "$np" "$FOVEA" selftest collectives "$@" > "$out" 2>&1
    local rc=$?
    cat "$out"
    [ "$rc" -eq 0 ] && grep -q "^OK collectives: $np ranks" "$out" && ! grep -q MISMATCH "$out"
}
collectives_env_size() {   # the message size taken from FOVEA_MPI_MAX_MESSAGE_BYTES on every rank
    local out="$CHECK_TMP/collectives-env.txt"
    FOVEA_MPI_MAX_MESSAGE_BYTES=100 env $(mpi_clean_env) "${MPIRUN[@]}" -x FOVEA_MPI_MAX_MESSAGE_BYTES -np 2 \
        "$FOVEA" selftest collectives --elements 0 7 333 > "$out" 2>&1
    local rc=$?
    cat "$out"
    [ "$rc" -eq 0 ] && grep -q "^OK collectives: 2 ranks, max message 100 bytes (25 Float" "$out"
}
collectives_bad_size_fails() {   # a malformed size is an error naming the rank, exit non-zero
    local out="$CHECK_TMP/collectives-bad.txt"
    if FOVEA_MPI_MAX_MESSAGE_BYTES=12Q "$FOVEA" selftest collectives > "$out" 2>&1; then cat "$out"; return 1; fi
    cat "$out"
    grep -q "rank 0: MPICommunicator failed: FOVEA_MPI_MAX_MESSAGE_BYTES=\"12Q\"" "$out"
}
info_lists_every_rank() {   # rank 0 prints the host of every rank, gathered over MPI
    local out="$CHECK_TMP/info3.txt"
    env $(mpi_clean_env) "${MPIRUN[@]}" -np 3 "$FOVEA" info > "$out" 2>&1 || { cat "$out"; return 1; }
    cat "$out"
    for r in 0 1 2; do grep -q "^rank $r of 3 on host " "$out" || return 1; done
    [ "$(grep -c '^rank ' "$out")" -eq 3 ] && [ "$(grep -c '^MPI ranks: 3' "$out")" -eq 1 ]
}
abort_ends_job() {   # one rank's abort ends every rank promptly with a non-zero status
    local out="$CHECK_TMP/abort.txt" start=$SECONDS
    env $(mpi_clean_env) timeout 60 "${MPIRUN[@]}" -np 3 "$FOVEA" selftest abort --rank 1 --exit-code 3 > "$out" 2>&1
    local rc=$?
    cat "$out"; echo "exit status $rc after $((SECONDS - start)) s"
    [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "rank 1: aborting" "$out" && ! grep -q "passed the barrier" "$out"
}
check "collectives, mpirun -np 1" collectives 1
check "collectives, mpirun -np 2" collectives 2
check "collectives, mpirun -np 3 (oversubscribed)" collectives 3
check "collectives, -np 2, 64-byte messages" collectives 2 --max-message-bytes 64 --elements 0 1 5 37 1001
check "collectives, -np 3, 64-byte messages" collectives 3 --max-message-bytes 64 --elements 0 1 5 37 1001
check "collectives, -np 3, 1000003-byte messages, 300001 elements" collectives 3 --max-message-bytes 1000003 --elements 1 300001
check "collectives, message size from FOVEA_MPI_MAX_MESSAGE_BYTES" collectives_env_size
check "collectives, malformed FOVEA_MPI_MAX_MESSAGE_BYTES fails" collectives_bad_size_fails
check "fovea info, -np 3 lists every rank's host" info_lists_every_rank
check "abort on one of 3 ranks ends the job non-zero" abort_ends_job
