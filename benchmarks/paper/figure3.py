"""Formats figure3.sh's results (covariance R per scenario, per-particle tests) as Markdown."""
import datetime, json, os, sys

out, particles = sys.argv[1], sys.argv[2]
def load(name):
    path = os.path.join(out, name)
    return json.load(open(path)) if os.path.exists(path) else None

def num(x, fmt=".2f"):
    return "undefined" if x is None else format(x, fmt)

print(f"\n## Preprint Figure 3 reproduced — {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC\n")
print(f"Command: `benchmarks/paper/figure3.sh --particles {particles}` — scenarios 2 and 3 at SNR 0.100, "
      "2-D focus on side A's arm + hand, C2 expansion, 4 classes. **R**: normalised covariance of ROI occupancies across "
      "the 4 class volumes (each class first scaled to the full map's mass inside the leg mask; occupancy = mass in the "
      "ROI / the component's mass in it); the occupancy range over the classes is given for each ROI, because R of an ROI "
      "whose occupancy does not vary (the feet in scenario 2, the far foot in both: every focused class averages the far "
      "side) is the correlation of noise — over 4 classes uniform on [−1, 1]. **Noise test**: each ROI's occupancy noise from the class half maps, F test of the spread across classes against it (3 and 4 degrees of freedom; p per ROI); **R gated**: R kept between ROIs that vary beyond noise (p < 0.01), 0 where one does not (`fovea covariance` prints both). **Per unit**: each asymmetric unit's class against the true presence of the "
      "near foot (same side), the far foot and the far hand (other side): χ² test of independence (p from the χ² "
      "distribution; 2000 permutations), Cramér's V. Preprint: scenario 3 R(near hand, near foot) ≈ 1 and far foot "
      "≈ 0; scenario 2 off-diagonal ≈ 0.\n")
print("| scenario | occupancy range: near hand / near foot / far foot | noise test p: near hand / near foot / far foot | R raw: (hand, near foot) / (hand, far foot) / (near foot, far foot) | **R gated**: same pairs | near foot: χ², p, V | far foot: χ², p, V | far hand: χ², p, V |")
print("|---|---|---|---|---|---|---|---|")
for s in (2, 3):
    r = load(f"s{s}-R.json")
    if not r:
        continue
    R, occ = r["R"], r["occupancy"]
    ranges = " / ".join(f"{min(c[i] for c in occ):.2f}–{max(c[i] for c in occ):.2f}" for i in range(3))
    def test(name):
        t = load(f"s{s}-{name}.json")
        if not t:
            return "–"
        if t["degreesOfFreedom"] == 0:
            return "the truth does not vary"
        return f"{t['chiSquare']:.0f}, {num(t['pValue'], '.2g')} (perm. {num(t['permutationPValue'], '.2g')}), {num(t['cramersV'])}"
    noise = r.get("noiseTest") or {}
    pvals = " / ".join(num(x, ".2g") for x in noise.get("pValue", [None] * 3))
    G = noise.get("Rgated") or [[None] * 3] * 3
    pairs = lambda M: f"{num(M[0][1])} / {num(M[0][2])} / {num(M[1][2])}"
    print(f"| {s} | {ranges} | {pvals} | {pairs(R)} | **{pairs(G)}** | {test('nearfoot')} | {test('farfoot')} | {test('farhand')} |")
