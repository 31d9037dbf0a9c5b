#!/usr/bin/env python3
"""Per (scenario, SNR, mode, T, particles): kappa over the seeds (mean, min, max), the ceiling, the
mean pairwise kappa between seeds (agreement JSON written by run.sh) and the seeds that collapsed.
Usage: summary.py RESULTS_TSV WORK_DIR   (the last row of each (cell, T, seed, particles) counts)."""
import csv, json, os, sys
from collections import OrderedDict

rows = OrderedDict()
with open(sys.argv[1]) as f:
    for r in csv.DictReader(f, delimiter="\t"):
        rows[(r["scenario"], r["snr"], r["mode"], r["T"], r["particles"], r["seed"])] = r
groups = OrderedDict()
for key, r in rows.items():
    groups.setdefault(key[:5], []).append(r)
print("| scenario | SNR | mode | T | particles | seeds | kappa mean | min | max | ceiling | seed agreement (mean pairwise kappa) | smallest class % (lowest seed) | collapsed seeds |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for (scenario, snr, mode, t, particles), group in groups.items():
    kappas = [float(r["kappa"]) for r in group]
    collapsed = [r["seed"] for r in group if r["collapsed"] == "yes"]
    path = os.path.join(sys.argv[2], f"agreement-s{scenario}-snr{snr}-{mode}-T{t}.json")
    agreement = "—"
    if os.path.exists(path):
        k = json.load(open(path))["pairwiseKappa"]
        pairs = [k[a][b] for a in range(len(k)) for b in range(len(k)) if a < b and k[a][b] is not None]
        if pairs:
            agreement = "%.3f (min %.3f)" % (sum(pairs) / len(pairs), min(pairs))
    print(f"| {scenario} | {snr} | {mode} | {t} | {particles} | {len(group)} | {sum(kappas) / len(kappas):.3f} | "
          f"{min(kappas):.3f} | {max(kappas):.3f} | {group[0]['ceiling']} | {agreement} | "
          f"{min(float(r['smallest_class_pct']) for r in group):.1f} | "
          f"{', '.join(collapsed) if collapsed else 'none'} |")
