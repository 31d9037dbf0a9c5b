#!/usr/bin/env python3
"""The stated per-cycle limit of a focused-classification cycle (issue 7 item 2).

usage: limit.py KERNELS.md BOX NC ROWS K CORES [SLICE_PADDING]

KERNELS.md is the table printed by fovea-bench-kernels (µs per image per core). The irreducible
per-row work of one cycle is one inverse FFT at the likelihood box N_c and one central slice at N_c
per row and class, and one insertion of the row's image (box N, padding 1) into one class, out to
the radius the next cycle's references are read at (the likelihood band, ≤ N_c/2, plus 4 pixels
for the interpolation): the kernel's full-radius insertion time scaled by the area fraction
f = min(1, ((N_c/2 + 4)/(N/2))²):
    limit = rows × (K × (t_iFFT(N_c) + t_slice(N_c)) + f · t_insert(N)) / cores.
SLICE_PADDING (default 1, what Fovea's references use) picks the slice kernel. Prints
`limit_seconds t_ifft t_slice t_insert_band` (µs)."""
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
    t_insert = table[("insertion with CTF", box, "1")]
except (KeyError, IndexError) as missing:
    sys.exit(f"{kernels}: no kernel rate for {missing} (run fovea-bench-kernels with boxes {nc} and {box})")
t_insert *= min(1.0, ((nc / 2 + 4) / (box / 2)) ** 2)
limit = rows * (k * (t_ifft + t_slice) + t_insert) / cores / 1e6
print(f"{limit:.3f} {t_ifft:.1f} {t_slice:.1f} {t_insert:.1f}")
