# fovea info as a plain process and under mpirun -np 2.
info_single() { "$FOVEA" info | tee /dev/stderr | grep -q "MPI ranks: 1"; }
info_two_ranks() {
    local out="$CHECK_TMP/info2.txt"
    "${MPIRUN[@]}" -np 2 "$FOVEA" info > "$out"
    cat "$out"
    grep -q "MPI ranks: 2" "$out" && grep -q "rank 0 of 2" "$out" && grep -q "rank 1 of 2" "$out" \
        && grep -q "^MPI library: Open MPI" "$out" && grep -q "^FFTW: fftw-3" "$out" && grep -q "^HDF5: 1\." "$out"
}
check "fovea info, one process" info_single
check "fovea info, mpirun -np 2" info_two_ranks
