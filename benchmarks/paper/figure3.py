"""Formats figure3.sh's results (covariance R per scenario, per-particle tests) as Markdown."""
import datetime, json, os, sys

out, particles = sys.argv[1], sys.argv[2]
def load(name):
    path = os.path.join(out, name)
    return json.load(open(path)) if os.path.exists(path) else None

print(f"\n## Preprint Figure 3 reproduced — {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC\n")
print(f"Command: `benchmarks/paper/figure3.sh --particles {particles}` — scenarios 2 and 3 at SNR 0.100, "
      "2-D focus on side A's arm + hand, C2 expansion, 4 classes. R: normalised covariance of ROI occupancies across the "
      "4 class volumes (each class first scaled to the full map's mass inside the leg mask; ROI occupancy = mass in the "
      "ROI / the component's mass in it). Per-particle: each unit's class against the true presence of the near foot "
      "(side under the mask) and of the far foot (the other side); χ² test and 2000 permutations. Preprint: scenario 3 "
      "R(near hand, near foot) ≈ 1, far foot ≈ 0; scenario 2 all off-diagonal ≈ 0.\n")
print("| scenario | R(near hand, near foot) | R(near hand, far foot) | R(near foot, far foot) | near foot: χ², p, Cramér's V | far foot: χ², p, Cramér's V |")
print("|---|---|---|---|---|---|")
for s in (2, 3):
    r = load(f"s{s}-R.json"); near = load(f"s{s}-nearfoot.json"); far = load(f"s{s}-farfoot.json")
    if not r:
        continue
    R = r["R"]
    def test(t):
        return f"{t['chiSquare']:.1f}, {t['pValue']:.2g} (perm. {t['permutationPValue']:.3g}), {t['cramersV']:.2f}" if t else "–"
    print(f"| {s} | {R[0][1]:.2f} | {R[0][2]:.2f} | {R[1][2]:.2f} | {test(near)} | {test(far)} |")
