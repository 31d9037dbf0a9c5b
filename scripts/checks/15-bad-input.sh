# Bad input files: a clear error naming the file (and line/image/field) and a non-zero exit,
# through the same strict readers every command uses (`fovea inspect`).
FIXTURES="$PWD/Tests/FoveaIOTests/Fixtures"

# expect_failure PATTERN COMMAND...: the command must fail with exit code 2 (bad input) and its
# message match PATTERN.
expect_failure() {
    local pattern="$1"; shift
    local out="$CHECK_TMP/expect_failure.txt"
    "$@" >"$out" 2>&1
    local status=$?
    cat "$out"
    if [ "$status" -ne 2 ]; then echo "exit status $status, expected 2: $*"; return 1; fi
    grep -qE "$pattern" "$out"
}
bad_truncated_mrc() {
    head -c 2000 "$FIXTURES/relion/proj.mrcs" > "$CHECK_TMP/truncated.mrcs"
    expect_failure "truncated.mrcs.*truncated" "$FOVEA" inspect "$CHECK_TMP/truncated.mrcs"
}
bad_missing_star_column() {
    # Remove the rlnAngleTilt column (header line and the 2nd value of each particle row).
    awk '/^data_particles/ {p = 1} p && /^_rlnAngleTilt/ {next}
         p && NF > 5 && $1 !~ /^_/ {$2 = ""; print; next} {print}' \
        "$FIXTURES/relion/proj.star" > "$CHECK_TMP/missing.star"
    expect_failure "missing.star.*rlnAngleTilt" "$FOVEA" inspect "$CHECK_TMP/missing.star"
}
bad_par_line() {
    sed '3s/ 45.00 / 4x.y0 /' "$FIXTURES/frealign_16col.par" > "$CHECK_TMP/bad.par"
    expect_failure "bad.par, line 3" "$FOVEA" inspect "$CHECK_TMP/bad.par" --stack "$FIXTURES/relion/proj.mrcs" --pixel-size 2
}
bad_image_index() {
    expect_failure "proj.mrcs, image 99.*beyond the stack" "$FOVEA" inspect "99@$FIXTURES/relion/proj.mrcs"
}
good_files_inspect() {
    "$FOVEA" inspect "$FIXTURES/relion/proj.star" --check-images && "$FOVEA" inspect "$FIXTURES/relion/proj.mrcs"
}
check "inspect reads RELION's own STAR + MRCS" good_files_inspect
check "truncated MRC: error names the file, exit 2" bad_truncated_mrc
check "STAR missing a required column: error names file and column/line, exit 2" bad_missing_star_column
check "malformed .par line: error names file and line, exit 2" bad_par_line
check "image index beyond the stack: error names file and image, exit 2" bad_image_index
