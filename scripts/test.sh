#!/usr/bin/env bash
# The README's test command: installs what is missing, builds in release, runs `swift test`,
# fuzzes every file reader for 15 s each (scripts/fuzz.sh), then the multi-rank mpirun checks
# (scripts/mpi-checks.sh). CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "== build (release, with tests)"
swift build -c release --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Wrapping|Write|Linking|Building|Merging|Copying|Applying)' || true
swift build -c release --build-tests >/dev/null   # fail here if the build failed
echo "== real-file fixtures (RELION, cryoSPARC, EMPIAR files; cached outside git)"
if FOVEA_FIXTURES="$(scripts/testing/fetch-fixtures.sh | tail -1)"; then export FOVEA_FIXTURES
else echo "WARNING: could not fetch the real-file fixtures; their tests will be skipped"; fi
echo "== swift test"
swift test -c release --skip-build --disable-xctest 2>&1 | tee /tmp/fovea-swift-test.log \
    | grep -vE '^\S+ (Test ([A-Za-z_0-9]+\(|").*(started|passed)|Suite .*(started|passed))' || true
grep -qE 'Test run with [0-9]+ tests? .*passed' /tmp/fovea-swift-test.log || { echo "swift test failed"; exit 1; }
echo "== fuzz the readers (libFuzzer, 15 s each; scripts/fuzz.sh)"
scripts/fuzz.sh 15
echo "== multi-rank checks"
scripts/mpi-checks.sh .build/release/fovea
