#!/usr/bin/env python3
"""Projects the preprint's ribosome run (232,000 rows, K = 8, 500 cycles) at the data's box onto 1, 4
and 16 nodes of 32 cores from this benchmark's measurements on a 2-core machine:

  per cycle on p nodes = fixed + rows/p × (2 × seconds per row at 2 cores) / cores per node + Allreduce,
  fixed = FIXED_S + divided × ⌈K/p⌉/K / threads,
  Allreduce = 2·(p − 1)/p × K·2·(N_r/2 + 1)·N_r²·24 B / link bandwidth (ring; 0 on one node).

FIXED_S is the fixed work per cycle that neither threads nor ranks divide; `--divided` the CPU
seconds per cycle (one rank, one thread) of the fixed work that does: the K classes' reference
preparation and finalisation are dealt over the ranks (class k on rank k mod p, so at most K ranks
share it) and their 3-D FFTs and per-voxel loops over a rank's `--threads` threads (default: the
node's cores; `--thread-efficiency` scales them). Assumptions, stated in docs/scaling.md: the per-row
work (likelihood + insertion) divides over the cores of a node as over the 2 here (core-seconds per row
constant); one rank per node; a 100 Gb/s link.
Usage: project.py FIXED_S SECONDS_PER_ROW_2CORES N_R [ROWS K CYCLES GBPS]
                  [--divided S] [--threads T] [--thread-efficiency E] [--cores C]"""
import argparse

parser = argparse.ArgumentParser(usage=__doc__.split('Usage: ')[1])
parser.add_argument('fixed', type=float)
parser.add_argument('per_row', type=float)
parser.add_argument('nr', type=int)
parser.add_argument('rows', type=int, nargs='?', default=232_000)
parser.add_argument('k', type=int, nargs='?', default=8)
parser.add_argument('cycles', type=int, nargs='?', default=500)
parser.add_argument('gbps', type=float, nargs='?', default=100)
parser.add_argument('--divided', type=float, default=0, help='CPU-s per cycle of fixed work over ranks and threads')
parser.add_argument('--cores', type=int, default=32, help='cores per node')
parser.add_argument('--threads', type=int, default=None, help='threads of the one rank per node (default: cores)')
parser.add_argument('--thread-efficiency', type=float, default=1, help='speed-up per thread on the divided fixed work')
a = parser.parse_args()
threads = a.threads or a.cores
volume = a.k * 2 * (a.nr // 2 + 1) * a.nr * a.nr * 24
print(f"per row {a.per_row * 2 * 1e3:.2f} core-ms; fixed {a.fixed:.2f} s + {a.divided:.2f} CPU-s over ranks and "
      f"{threads} threads (efficiency {a.thread_efficiency:g}); Allreduce {volume / 1e6:.0f} MB per cycle; link {a.gbps:g} Gb/s")
print("| nodes | cores | rows per node | per-row s | fixed s | Allreduce s | s per cycle | 500 cycles, h | comm. share |")
print("|---|---|---|---|---|---|---|---|---|")
for p in (1, 4, 16):
    work = a.rows / p * a.per_row * 2 / a.cores
    fixed = a.fixed + a.divided * (-(-a.k // p)) / a.k / max(1, threads * a.thread_efficiency)
    comm = 0 if p == 1 else 2 * (p - 1) / p * volume / (a.gbps / 8 * 1e9)
    total = work + fixed + comm
    print(f"| {p} | {a.cores * p} | {a.rows // p} | {work:.2f} | {fixed:.2f} | {comm:.3f} | {total:.2f} | "
          f"{total * a.cycles / 3600:.2f} | {100 * comm / total:.1f} % |")
