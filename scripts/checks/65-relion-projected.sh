# `fovea classify` on particles that RELION's relion_project made (every particle in
# rlnRandomSubset 1, scripts/relion-projected-data.sh), under 1–3 ranks: settings that once trapped (box 64 at 4 and 3 Å/px with 2-D
# focus) finish with class maps that are not empty, the half sets are assigned anew and said so,
# one reference for K > 1 starts from the data, and a resolution finer than Nyquist is refused by
# name. The wider sweep is benchmarks/sweep/run.sh. Skipped when relion_project is absent.
source scripts/relion-projected-data.sh

relion_projected_setup() {
    [ -f "$CHECK_TMP/relion-64-4/particles.star" ] && return 0
    "$FOVEA" simulate --scenario 1 --particles 2 --seed 1 --output "$CHECK_TMP/relion-source" >/dev/null || return 1
    local map="$CHECK_TMP/relion-source/maps/state_H01_A0h1f1_B0h1f1.mrc"
    relion_projected_data "$map" 5.24 "$CHECK_TMP/relion-64-4" 64 4 60 11 &&
    relion_projected_data "$map" 5.24 "$CHECK_TMP/relion-64-3" 64 3 60 12 &&
    relion_projected_data "$map" 5.24 "$CHECK_TMP/relion-40-2.2" 40 2.2 60 13
}

# relion_case NP DATA OUT options…: must finish, say the half sets were assigned, and write
# class maps whose rms is not 0.
relion_case() {
    local np="$1" data="$CHECK_TMP/$2" out="$CHECK_TMP/$3"; shift 3
    relion_projected_setup || return 1
    "${MPIRUN[@]}" -np "$np" "$FOVEA" classify -i "$data/particles.star" -o "$out" --cycles 2 --threads 1 "$@" \
        > "$out.log" 2>&1 || { cat "$out.log"; return 1; }
    cat "$out.log"
    grep -q "half sets were assigned anew" "$out.log" || { echo "no note about the half sets"; return 1; }
    # The class maps (not the half maps: on this one-state data a class may shrink to a few rows,
    # all in one half set, whose other half map is then rightly empty).
    for map in "$out"/class_[0-9][0-9][0-9].mrc; do
        "$FOVEA" inspect "$map" | grep -qE 'rms [0-9.]*[1-9]' || { echo "$map is empty"; return 1; }
    done
}

if command -v relion_project >/dev/null && command -v relion_image_handler >/dev/null; then
    check "classify relion_project data: box 64 at 4 Å, 2d focus at 20 Å (1 rank)" \
        relion_case 1 relion-64-4 rp1 --classes 2 --focus 2d --sphere 40,5,30,30 --sphere-origin centre \
        --resolution 20 --outer-radius 110
    check "classify relion_project data: box 64 at 3 Å, 3d focus at 7 Å, C2 (2 ranks)" \
        relion_case 2 relion-64-3 rp2 --classes 3 --focus 3d --sphere 20,0,10,25 --sphere-origin centre \
        --resolution 7 --outer-radius 90 --expand C2
    relion_one_reference() {
        relion_case 3 relion-40-2.2 rp3 --classes 2 --focus subtract --sphere 10,0,0,15 --sphere-origin centre \
            --resolution 10 --outer-radius 40 --reference "$CHECK_TMP/relion-40-2.2/map.mrc" &&
        grep -q "one --reference for 2 classes" "$CHECK_TMP/rp3.log"
    }
    check "classify relion_project data: one reference for K = 2, subtract (3 ranks)" relion_one_reference
    relion_nyquist_refused() {
        relion_projected_setup || return 1
        "${MPIRUN[@]}" -np 2 "$FOVEA" classify -i "$CHECK_TMP/relion-64-4/particles.star" -o "$CHECK_TMP/rp4" \
            --classes 2 --resolution 6 --outer-radius 100 > "$CHECK_TMP/rp4.log" 2>&1 && { echo "accepted 6 Å at 4 Å/px"; return 1; }
        cat "$CHECK_TMP/rp4.log"
        grep -q -- "--resolution" "$CHECK_TMP/rp4.log" && [ ! -f "$CHECK_TMP/rp4/checkpoint.h5" ]
    }
    check "classify relion_project data: finer than Nyquist refused by name (2 ranks)" relion_nyquist_refused
else
    echo "SKIP relion_project checks (install Debian's relion)"
fi
