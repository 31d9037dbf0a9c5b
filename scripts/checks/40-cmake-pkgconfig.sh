# CMakeHelpers: CMake locates MPI, FFTW and HDF5 and writes ompi-c.pc, fftw3f.pc and hdf5.pc;
# the package then builds with ONLY those files visible to pkg-config (PKG_CONFIG_LIBDIR hides
# the system's .pc files), in its own scratch folder, and the result runs `fovea info`.
# This is what a cluster user with environment modules does (docs/install.md).
cmake_pkgconfig_build() {
    local pcdir="$CHECK_TMP/pkgconfig"
    cmake -S CMakeHelpers -B "$pcdir" || return 1
    local name
    for name in ompi-c fftw3f hdf5; do
        [ -f "$pcdir/$name.pc" ] || { echo "missing $pcdir/$name.pc"; return 1; }
        echo "== $name.pc"; cat "$pcdir/$name.pc"
        # pkg-config sees the generated file, not the system's (the Description says who wrote it).
        PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_LIBDIR="$pcdir" pkg-config --print-errors --exists "$name" || return 1
        PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_LIBDIR="$pcdir" pkg-config --variable=pcfiledir "$name" | grep -qx "$pcdir" || return 1
    done
    local log="$CHECK_TMP/pkgconfig-build.log"
    rm -f .build-pkgconfig/release/fovea   # always relink, so the link line below is in the log
    PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_LIBDIR="$pcdir" \
        swift build -v -c release --product fovea --scratch-path .build-pkgconfig > "$log" 2>&1
    local build_rc=$?
    grep -E '^(Build|error|warning: [^/])' "$log" | cut -c1-300 | tail -5
    [ "$build_rc" -eq 0 ] || { tail -40 "$log"; return 1; }
    # SwiftPM took its link flags from the generated files: each -L/-l they hold is on the link
    # line (hdf5.pc from CMake lists HDF5's own dependencies, which Debian's hdf5.pc does not,
    # so on Debian this also tells the two apart).
    local flag
    for flag in $(sed -n 's/^Libs://p' "$pcdir"/*.pc); do
        grep -q -- "$flag" "$log" || { echo "flag $flag from the generated .pc files is not in the build"; return 1; }
    done
    local out="$CHECK_TMP/pkgconfig-info.txt"
    .build-pkgconfig/release/fovea info > "$out" 2>&1; local rc=$?
    cat "$out"
    [ "$rc" -eq 0 ] && grep -q "^MPI ranks: 1" "$out" && grep -q "^FFTW: fftw-3" "$out" && grep -q "^HDF5: 1\." "$out"
}
check "CMakeHelpers pkg-config files build and run fovea" cmake_pkgconfig_build
