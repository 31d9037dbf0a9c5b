#!/usr/bin/env python3
"""Projects a large run onto nodes of many cores from measured kernel rates (docs/scaling.md).

usage: scaling.py KERNELS.md MULTIPLE FIXED_SECONDS [PARTICLES K BOX NC CYCLES CORES_PER_NODE GBPS INSERTS]

MULTIPLE: Fovea's measured cycle time ÷ the stated limit (benchmarks/limit/limit.py) at this box.
FIXED_SECONDS: per-cycle work every rank repeats whatever its share (reference preparation,
finalisation, FSC), measured at the target box and K.
Per cycle and node (1 rank per node, CORES_PER_NODE threads): likelihood = rows × (K × t_iFFT(N_c) +
t_slice(N_c)) × MULTIPLE / cores (the K slices share their coordinates); insertion = rows × INSERTS ×
t_insert(N_c) × MULTIPLE / min(cores, 2·K) (cycles insert out to the likelihood band, within N_c/2; one
thread per (half set, class)); Allreduce of K × 2 × (N_r/2+1)·N_r² × 24 bytes by a ring:
2·(p − 1)/p × volume / bandwidth, N_r the cycle grid (docs/algorithm.md §8.4) for an insertion radius of
N_c/2 + 4."""
import subprocess
import sys

kernels, multiple, fixed = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rest = [float(v) for v in sys.argv[4:]]
particles, k, box, nc, cycles, cores, gbps, inserts = (rest + [232000, 8, 128, 80, 500, 32, 100, 2][len(rest):])
k, box, nc, cores = int(k), int(box), int(nc), int(cores)
here = __file__.rsplit("/", 1)[0]
out = subprocess.run([sys.executable, f"{here}/limit.py", kernels, str(box), str(nc), "1", "1", "1"],
                     capture_output=True, text=True, check=True).stdout.split()
t_ifft, t_slice, t_insert = (float(v) * 1e-6 for v in out[1:4])
def cycle_grid(n, nc):
    """The smallest even N_r ≥ N_c with N_r/2 ≥ ⌊N_c/2 + 4⌋ + 2 and no prime factor above 7, at most N."""
    size = max(nc, 2 * (nc // 2 + 4 + 2))
    size += size % 2
    def friendly(m):
        for f in (2, 3, 5, 7):
            while m % f == 0:
                m //= f
        return m == 1
    while size < n and not friendly(size):
        size += 2
    return min(n, size)


grid = cycle_grid(box, nc)
volume = k * 2 * (grid // 2 + 1) * grid * grid * 24
bandwidth = gbps / 8 * 1e9
print(f"per row: t_iFFT({nc}) {t_ifft*1e6:.1f} µs, t_slice({nc}, P=1) {t_slice*1e6:.1f} µs, t_insert({nc}) {t_insert*1e6:.1f} µs;"
      f" cycle grid {grid}; Allreduce volume {volume/1e6:.1f} MB per cycle; network {gbps:.0f} Gb/s")
print("| nodes | cores | rows per node | likelihood s | insertion s | fixed s | Allreduce s | s per cycle | "
      f"{int(cycles)} cycles, h | comm. share |")
print("|---|---|---|---|---|---|---|---|---|---|")
for nodes in (1, 4, 16):
    rows = particles / nodes
    likelihood = rows * (k * t_ifft + t_slice) * multiple / cores
    insertion = rows * inserts * t_insert * multiple / min(cores, 2 * k)
    comm = 0.0 if nodes == 1 else 2 * (nodes - 1) / nodes * volume / bandwidth
    total = likelihood + insertion + fixed + comm
    print(f"| {nodes} | {nodes * cores} | {rows:.0f} | {likelihood:.1f} | {insertion:.1f} | {fixed:.1f} | {comm:.2f} | "
          f"{total:.1f} | {total * cycles / 3600:.1f} | {100 * comm / total:.1f} % |")
