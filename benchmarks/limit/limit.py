#!/usr/bin/env python3
"""The stated per-cycle limit of a focused-classification cycle (issue 7 item 2).

usage: limit.py KERNELS.md BOX NC ROWS K CORES [SLICE_PADDING]

KERNELS.md is the table printed by fovea-bench-kernels (µs per image per core). The irreducible
per-row work of one cycle, each term measured as an isolated single-core kernel:
- K inverse FFTs at the likelihood box N_c (one residual per class);
- one central slice at N_c: the K classes are read at the same interpolation coordinates, so the
  coordinate and gather work is counted once;
- one insertion of the row into one class out to the band the next references are read at (the
  likelihood band lies within N_c/2): the Fourier points and accumulator voxels of inserting a
  box-N_c image, so t_insert(N_c).
    limit = rows × (K × t_iFFT(N_c) + t_slice(N_c) + t_insert(N_c)) / cores.
BOX is kept for the caller's bookkeeping (the limit at a fixed N_c does not depend on it).
SLICE_PADDING (default 1, what Fovea's references use) picks the slice kernel. Prints
`limit_seconds t_ifft t_slice t_insert` (µs)."""
import sys

kernels, box, nc, rows, k, cores = sys.argv[1], *map(int, sys.argv[2:7])
slice_padding = sys.argv[7] if len(sys.argv) > 7 else "1"
table = {}
for line in open(kernels):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 5 and cells[1].isdigit():
        table[(" ".join(cells[0].split(" ")[:3]), int(cells[1]), cells[2])] = float(cells[4])
try:
    t_ifft = table[("2-D FFT c2r,", nc, "–")]
    t_slice = table[("slice extraction (trilinear,", nc, slice_padding)]
    t_insert = table[("insertion with CTF", nc, "1")]
except (KeyError, IndexError) as missing:
    sys.exit(f"{kernels}: no kernel rate for {missing} (run fovea-bench-kernels with boxes {nc} and {box})")
limit = rows * (k * t_ifft + t_slice + t_insert) / cores / 1e6
print(f"{limit:.3f} {t_ifft:.1f} {t_slice:.1f} {t_insert:.1f}")
