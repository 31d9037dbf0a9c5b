# Sourced by scripts: particles made by RELION rather than by Fovea.
# relion_projected_data MAP MAP_PIXEL DIR BOX PIXEL COUNT SEED: rescales MAP (MAP_PIXEL Å/px) to
# BOX at PIXEL Å/px with relion_image_handler, writes COUNT random views with random defocus and
# shifts (angles.star, RELION 3.1), and projects them with relion_project (CTF, white noise) into
# DIR/proj.mrcs and DIR/proj.star, linked as DIR/particles.star. Every particle is in
# rlnRandomSubset 1 (relion_project keeps the column of angles.star), as in the first RELION-made
# data a user brought, so the run must assign half sets itself.
relion_projected_data() {
    local map="$1" map_pixel="$2" dir="$3" box="$4" pixel="$5" count="$6" seed="$7"
    mkdir -p "$dir"
    relion_image_handler --i "$map" --angpix "$map_pixel" --rescale_angpix "$pixel" --new_box "$box" \
        --o "$dir/map.mrc" >/dev/null 2>&1 || { echo "relion_image_handler failed for box $box at $pixel Å"; return 1; }
    awk -v n="$count" -v box="$box" -v p="$pixel" -v seed="$seed" 'BEGIN {
        srand(seed)
        print "data_optics\nloop_\n_rlnOpticsGroup\n_rlnVoltage\n_rlnSphericalAberration\n_rlnAmplitudeContrast"
        print "_rlnImagePixelSize\n_rlnImageSize\n_rlnImageDimensionality"
        printf "1 300 2.7 0.1 %s %d 2\n\ndata_particles\nloop_\n", p, box
        print "_rlnAngleRot\n_rlnAngleTilt\n_rlnAnglePsi\n_rlnOriginXAngst\n_rlnOriginYAngst"
        print "_rlnDefocusU\n_rlnDefocusV\n_rlnDefocusAngle\n_rlnOpticsGroup\n_rlnRandomSubset"
        for (i = 0; i < n; i++) {
            u = 2 * rand() - 1; d = 8000 + 20000 * rand()
            printf "%.2f %.2f %.2f %.2f %.2f %.1f %.1f %.1f 1 1\n", 360 * rand() - 180, atan2(sqrt(1 - u * u), u) * 57.29578,
                360 * rand() - 180, 4 * p * (rand() - 0.5), 4 * p * (rand() - 0.5), d, d + 300, 180 * rand()
        }
    }' > "$dir/angles.star"
    (cd "$dir" && relion_project --i map.mrc --ang angles.star --o proj --ctf --add_noise --white_noise 0.05 \
        --angpix "$pixel" >/dev/null 2>&1) || { echo "relion_project failed for box $box at $pixel Å"; return 1; }
    ln -sf proj.star "$dir/particles.star"
}
