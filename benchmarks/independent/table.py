#!/usr/bin/env python3
"""results.tsv of benchmarks/independent/run.sh -> the dated Markdown table appended to RESULTS.md.

usage: table.py RESULTS.tsv COMMAND SECONDS LOAD_BEFORE

One row per data kind and SNR (the latest result of each program); columns: the ideal-observer ceiling,
Fovea 2d / 3d / subtract, RELION's 3-D masking, the lowest Fovea mode minus RELION, then any other
program (runs made with TAG) in the order first seen."""
import csv
import datetime
import os
import subprocess
import sys

path, command, seconds, load = sys.argv[1:5]
rows = list(csv.DictReader(open(path), delimiter="\t"))
latest, programs, keys = {}, [], []
for r in rows:
    key = (r["kind"], r["snr"], r["particles"])
    if key not in keys:
        keys.append(key)
    latest[key + (r["program"],)] = r
    if r["program"] not in programs:
        programs.append(r["program"])
standard = ["fovea-2d", "fovea-3d", "fovea-subtract", "relion"]
extra = [p for p in programs if p not in standard]
model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
memory = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))) // 2**20
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
print(f"\n## Independent RELION-projected humanoid set: Fovea vs RELION 3-D masking ({now})\n")
print(f"Command: `{command.strip()}` ({seconds} s for what this invocation ran). Machine: {model}, {os.cpu_count()} cores,")
print(f"{memory + 1} GiB, shared; load average before/after: {load} / {' '.join(open('/proc/loadavg').read().split()[:3])}.")
print("Data: scenario 1 (arms), box 80 at 5.24 Å, particles projected by `relion_project --ctf` from `fovea simulate`'s")
print("state maps (each side's arm a fair coin), noise added by `benchmarks/independent/make_data.py` (SNR over the whole")
print("box as Fovea's simulator defines it; *realistic*: contrast spread 0.3, per-micrograph noise spread 0.3 and colour")
print("b ≤ 400 Å², background-normalised). K = 2, C2 expansion, kappa per asymmetric unit (`fovea kappa`); ceiling: the")
print("ideal observer on these very images (make_data.py's ceiling.star). RELION: `relion_refine_mpi --skip_align --K 2")
print("--tau2_fudge 4` with the soft arm+hand solvent mask, 1 leader + 2 workers (+ `--norm --scale` on realistic sets).\n")
head = ["data", "SNR", "particles", "ceiling", "Fovea 2d", "Fovea 3d", "Fovea subtract", "RELION 3-D mask", "min Fovea − RELION"] + extra
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for key in keys:
    def kappa(program):
        r = latest.get(key + (program,))
        return float(r["kappa"]) if r else None
    ceiling = next((latest[key + (p,)]["ceiling"] for p in programs if key + (p,) in latest), "-")
    cells = [kappa(p) for p in standard]
    fovea = [c for c in cells[:3] if c is not None]
    gap = f"{min(fovea) - cells[3]:+.3f}" if fovea and cells[3] is not None else "-"
    text = [f"{c:.3f}" if c is not None else "-" for c in cells]
    more = [f"{kappa(p):.3f}" if kappa(p) is not None else "-" for p in extra]
    print("| " + " | ".join([key[0], key[1], key[2], f"{float(ceiling):.3f}" if ceiling != "-" else "-"] + text + [gap] + more) + " |")
