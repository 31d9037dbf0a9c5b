# RELION's pipeliner runs `fovea classify` as an External job (scripts/relion_external_fovea.sh),
# from the job options RELION's GUI would set, and reads the job's output nodes; RELION's own
# relion_star_handler reads the per-checkpoint particles. Skipped when RELION is not installed.
relion_external_job() {
    command -v relion_pipeliner >/dev/null || { echo "relion_pipeliner not installed: skipped"; return 0; }
    local dir="$CHECK_TMP/relion-external"
    mkdir -p "$dir/project"
    "$FOVEA" simulate --particles 200 --box 48 --pixel-size 8.74 --scenario 1 --snr 0.1 --seed 3 --output "$dir/data" >/dev/null || return 1
    cd "$dir/project" || return 1
    printf 'data_pipeline_general\n\n_rlnPipeLineJobCounter 1\n\n' > default_pipeline.star
    # The GUI's External tab: executable, Input particles, Params (label, value) and Threads.
    local options="fn_exe == $OLDPWD/scripts/relion_external_fovea.sh;in_part == ../data/particles.star"
    local k=1 pair
    for pair in "classes 2" "focus 2d" "sphere 83.0,8.7,56.8,59.6" "sphere-origin centre" "resolution 25" \
                "cycles 4" "checkpoint-every 2" "outer-radius 180"; do
        options+=";param${k}_label == ${pair% *};param${k}_value == ${pair#* }"
        k=$((k + 1))
    done
    options+=";nr_threads == 2"
    relion_pipeliner --addJob External --addJobOptions "$options" || { cd - >/dev/null; return 1; }
    FOVEA="$FOVEA" timeout 50 relion_pipeliner --RunJobs "External/job001/" --sec_wait_after 1
    local job=External/job001
    cat "$job/run.out" "$job/run.err"
    local ok=0
    [ -f "$job/RELION_JOB_EXIT_SUCCESS" ] || { echo "no RELION_JOB_EXIT_SUCCESS"; ok=1; }
    # Per-checkpoint files (cycle 2) and the final ones (cycle 4).
    for f in run_it002_data.star run_it002_class001.mrc run_it004_data.star run_it004_class002.mrc; do
        [ -f "$job/$f" ] || { echo "missing $job/$f"; ok=1; }
    done
    # The pipeliner took the output nodes into the project's pipeline: particles (3) and maps (6).
    grep -qE "^$job/run_it004_data.star +3 *$" default_pipeline.star || { echo "particles node missing"; ok=1; }
    grep -qE "^$job/run_it004_class002.mrc +6 *$" default_pipeline.star || { echo "class map node missing"; ok=1; }
    grep -qE "^$job/ +None +99 +2 *$" default_pipeline.star || { echo "job not marked finished (status 2)"; ok=1; }
    # RELION reads the particles and selects class 1 by its number.
    relion_star_handler --i "$job/run_it004_data.star" --o class1.star --select rlnClassNumber --minval 1 --maxval 1 || ok=1
    local total selected
    total=$(grep -c '@' "$job/run_it004_data.star"); selected=$(grep -c '@' class1.star)
    echo "relion_star_handler selected $selected of $total particles in class 1"
    [ "$total" -eq 200 ] && [ "$selected" -gt 0 ] && [ "$selected" -lt 200 ] || ok=1
    cd - >/dev/null
    return $ok
}
check "RELION pipeliner runs fovea as an External job and reads its nodes" relion_external_job
