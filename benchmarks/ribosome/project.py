#!/usr/bin/env python3
"""Projects the preprint's ribosome run (232,000 rows, K = 8, 500 cycles) at the data's box onto 1, 4
and 16 nodes of 32 cores from this benchmark's measurements on a 2-core machine:

  per cycle on p nodes = fixed + rows/p × (2 × seconds per row at 2 cores) / 32 + Allreduce,
  Allreduce = 2·(p − 1)/p × K·2·(N_r/2 + 1)·N_r²·24 B / link bandwidth (ring; 0 on one node).

Assumptions, stated in docs/scaling.md: the per-row work (likelihood + insertion) divides over the
32 cores of a node as over the 2 here (core-seconds per row constant); the fixed work does not shrink
with more cores (it is measured on 2 cores and every rank repeats the reference preparation); one
rank per node; a 100 Gb/s link. Usage: project.py FIXED_S SECONDS_PER_ROW_2CORES N_R [ROWS K CYCLES GBPS]"""
import sys

fixed, per_row, nr = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
rows = int(sys.argv[4]) if len(sys.argv) > 4 else 232_000
k = int(sys.argv[5]) if len(sys.argv) > 5 else 8
cycles = int(sys.argv[6]) if len(sys.argv) > 6 else 500
gbps = float(sys.argv[7]) if len(sys.argv) > 7 else 100
volume = k * 2 * (nr // 2 + 1) * nr * nr * 24
print(f"per row {per_row * 2 * 1e3:.2f} core-ms; fixed {fixed:.2f} s; Allreduce {volume / 1e6:.0f} MB per cycle; link {gbps:g} Gb/s")
print("| nodes | cores | rows per node | per-row s | fixed s | Allreduce s | s per cycle | 500 cycles, h | comm. share |")
print("|---|---|---|---|---|---|---|---|---|")
for p in (1, 4, 16):
    work = rows / p * per_row * 2 / 32
    comm = 0 if p == 1 else 2 * (p - 1) / p * volume / (gbps / 8 * 1e9)
    total = work + fixed + comm
    print(f"| {p} | {32 * p} | {rows // p} | {work:.2f} | {fixed:.2f} | {comm:.3f} | {total:.2f} | {total * cycles / 3600:.2f} | {100 * comm / total:.1f} % |")
