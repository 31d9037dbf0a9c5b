#!/usr/bin/env bash
# Multi-rank checks with real mpirun, run by the README's test command after `swift test`.
# Each file scripts/checks/*.sh defines checks with `check NAME COMMAND...`; a check passes
# when its command exits 0. Usage: scripts/mpi-checks.sh <path to the fovea binary>
# FOVEA_CHECKS=REGEX runs only the checks whose name matches (extended regular expression).
set -uo pipefail
cd "$(dirname "$0")/.."
export FOVEA="${1:?usage: scripts/mpi-checks.sh <fovea binary>}"
FOVEA="$(cd "$(dirname "$FOVEA")" && pwd)/$(basename "$FOVEA")"
source scripts/mpi-env.sh
export CHECK_TMP="$(mktemp -d /tmp/fovea-checks.XXXXXX)"
trap 'rm -rf "$CHECK_TMP"' EXIT

passed=0; failed=0; failures=()
check() {
    local name="$1"; shift
    if [ -n "${FOVEA_CHECKS:-}" ] && ! [[ "$name" =~ $FOVEA_CHECKS ]]; then return 0; fi
    local log="$CHECK_TMP/$(echo "$name" | tr -c 'A-Za-z0-9' '_').log"
    local start=$SECONDS
    if "$@" >"$log" 2>&1; then
        passed=$((passed + 1)); echo "PASS $name ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1)); failures+=("$name"); echo "FAIL $name ($((SECONDS - start)) s)"
        sed 's/^/    | /' "$log" | tail -40
    fi
}
for f in scripts/checks/*.sh; do source "$f"; done
[ ${#failures[@]} -eq 0 ] || printf 'failed: %s\n' "${failures[@]}"
echo "mpi-checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
