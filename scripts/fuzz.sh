#!/usr/bin/env bash
# Coverage-guided fuzzing of every file reader with libFuzzer (the FoveaFuzz target): builds an
# instrumented debug binary in .build-fuzz (overflow checks on), then runs each reader for
# SECONDS seconds from the committed seed corpus Tests/Fuzz/corpus/<reader>/. A trap, a hang
# (over 10 s on one input), memory over 2 GB, or a broken promise of the harness (a read larger
# than the file justifies) stops it with the input saved as fuzz-findings/<reader>/crash-*; keep
# it as a regression fixture in Tests/FoveaFuzzingTests/Regressions/.
#
#   scripts/fuzz.sh [SECONDS per reader, default 20] [reader …]
#
# The readers: mrc relion31-star relion30-star cistem-star par checkpoint checkpoint-contents run-json.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
readers=("$@")
[ ${#readers[@]} -gt 0 ] || readers=(mrc relion31-star relion30-star cistem-star par checkpoint checkpoint-contents run-json)

echo "== fuzz: instrumented build (.build-fuzz)"
swift build --build-path .build-fuzz --product FoveaFuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -DFOVEA_FUZZ 2>&1 \
    | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Wrapping|Write|Linking|Building|Merging|Copying|Applying)' || true
binary=.build-fuzz/debug/FoveaFuzz
[ -x "$binary" ] || { echo "fuzz: the instrumented build failed"; exit 1; }

total=0
status=0
for reader in "${readers[@]}"; do
    seeds=Tests/Fuzz/corpus/$reader
    [ -d "$seeds" ] || { echo "fuzz: no seed corpus $seeds"; exit 1; }
    work=$(mktemp -d "${TMPDIR:-/tmp}/fovea-fuzz-corpus-$reader.XXXXXX")
    findings=fuzz-findings/$reader
    mkdir -p "$findings"
    log=$work.log
    # New inputs go to $work (first folder); the committed seeds stay untouched.
    if SWIFT_BACKTRACE=enable=no FOVEA_FUZZ_READER=$reader "$binary" "$work" "$seeds" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        echo "fuzz $reader: ${runs:-?} inputs in ${seconds} s, no trap, hang or broken promise"
        total=$((total + ${runs:-0}))
        rm -rf "$findings"
    else
        echo "fuzz $reader: FAILED — input kept in $findings/; last lines of the log:"
        tail -30 "$log"
        status=1
    fi
    rm -rf "$work" "$log"
done
rmdir fuzz-findings 2>/dev/null || true
echo "fuzz: $total inputs over ${#readers[@]} readers"
exit $status
