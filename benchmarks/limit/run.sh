#!/usr/bin/env bash
# The stated limit (issue 7 item 2): measures the per-row kernels on this machine (one core) with
# benchmarks/core-kernels (boxes 64, 80, 128, 192; 64 is the likelihood box N_c of every humanoid
# configuration at 20 Å, which keeps 419 Å boxes), then prints the per-cycle limit
#     rows × (K × t_iFFT(N_c) + t_slice(N_c) + t_insert(N_c)) / cores     (see limit.py)
# for box 80 and 128 (ROWS default 20000, K 2, CORES 2). The kernel table goes to
# OUT (default /tmp/fovea-kernels.md) for sweep.sh and run.sh.
#   benchmarks/limit/run.sh [seconds per kernel, default 1]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ROWS="${ROWS:-20000}" K="${K:-2}" CORES="${CORES:-2}" OUT="${OUT:-/tmp/fovea-kernels.md}"
"$root/benchmarks/core-kernels/run.sh" "${1:-1}" 64 80 128 192 | tee "$OUT"
echo
echo "| box N | N_c | rows | K | cores | t_iFFT(N_c) µs | t_slice(N_c, P=1) µs | t_insert(N_c, P=1) µs | limit s per cycle |"
echo "|---|---|---|---|---|---|---|---|---|"
for box in 80 128; do
    read -r limit ifft slice insert < <(python3 "$root/benchmarks/limit/limit.py" "$OUT" "$box" 64 "$ROWS" "$K" "$CORES" 1)
    echo "| $box | 64 | $ROWS | $K | $CORES | $ifft | $slice | $insert | $limit |"
done
