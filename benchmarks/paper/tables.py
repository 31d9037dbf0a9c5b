"""Formats benchmarks/paper/results.tsv as the preprint's Tables 1 and 2 with its numbers beside ours.
Usage: tables.py results.tsv particles cycles ranks seconds [modes] [command]  (prints Markdown).
modes: the focus modes run ("2d 3d" unless given; "subtract" adds a column the preprint has not);
command: the run.sh command line to quote. Each Table 1 row carries the dataset's ideal-observer
ceiling (kappa, `fovea kappa --ceiling`); rows measured before results.tsv had a ceiling show "–"."""
import csv, datetime, platform, subprocess, sys

PREPRINT_T1 = {  # (scenario, mode) -> kappa at SNR 0.100, 0.050, 0.025, 0.013, 0.006
    (1, "2d"): [0.99, 0.96, 0.87, 0.72, 0.47], (1, "3d"): [0.91, 0.85, 0.74, 0.57, 0.36],
    (2, "2d"): [0.85, 0.73, 0.42, 0.21, 0.09], (2, "3d"): [0.70, 0.56, 0.41, 0.17, 0.08],
    (3, "2d"): [0.87, 0.75, 0.46, 0.21, 0.08], (3, "3d"): [0.71, 0.61, 0.39, 0.17, 0.09],
}
PREPRINT_T2 = {"2d": [0.23, 0.11, 0.01, 0.00, 0.00], "3d": [-0.01, 0.00, 0.01, 0.01, 0.00]}
SNRS = ["0.100", "0.050", "0.025", "0.013", "0.006"]

path, particles, cycles, ranks, seconds = sys.argv[1:6]
modes = (sys.argv[6] if len(sys.argv) > 6 else "2d 3d").split()
command = sys.argv[7] if len(sys.argv) > 7 else \
    f"benchmarks/paper/run.sh --particles {particles} --cycles {cycles} --ranks {ranks}"
MODE_NAMES = {"2d": "2-D", "3d": "3-D", "subtract": "subtract"}
latest = {}
for row in csv.DictReader(open(path), delimiter="\t"):
    if row["particles"] == particles:
        latest[(row["table"], int(row["scenario"]), f"{float(row['snr']):.3f}", row["mode"])] = row

# The day this invocation started (seconds is its run time): rows dated before it are an earlier run's.
started = f"{datetime.datetime.utcnow() - datetime.timedelta(seconds=int(seconds)):%Y-%m-%d}"
older = set()

def cell(key, preprint):
    """Ours in bold, the preprint's in brackets (none for subtract, which the preprint did not run);
    a row dated before this invocation started is marked † (an earlier binary; this invocation did not run that cell)."""
    row = latest.get(key)
    ours = f"**{float(row['kappa']):.3f}**" if row else "–"
    if row and row["date"] < started:
        ours += "†"
        older.add(row["date"])
    return f"{ours} ({preprint:.2f})" if preprint is not None else ours

def ceiling(table, scenario, snr):
    """The ideal-observer ceiling kappa of the dataset, from any mode's row of that cell."""
    for mode in modes:
        value = (latest.get((table, scenario, snr, mode)) or {}).get("ceiling")
        if value and value != "-":
            return f"{float(value):.3f}"
    return "–"

cpu = subprocess.run(["sh", "-c", "lscpu | awk -F: '/Model name/ {print $2}'"], capture_output=True, text=True).stdout.strip()
print(f"\n## Preprint Tables 1 and 2 reproduced — {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC\n")
print(f"Command: `{command}` "
      f"({int(seconds) // 60} min on {cpu}, {ranks} ranks). Kappa per asymmetric unit (`fovea kappa`), "
      "Fovea in bold, the preprint in brackets, the dataset's ideal-observer ceiling (kappa, "
      "`fovea kappa --ceiling`) beside. Humanoid datasets of `fovea simulate --particles`, "
      "C2 expansion, 2 classes (scenario 1) or 4 (scenarios 2, 3), classification resolution 20 Å, "
      "outer radius 190 Å; 2-D masking with the arm + hand sphere, 3-D masking and subtraction with the "
      "arm + hand mask.\n")
print("Table 1 — focus on one arm + hand\n")
print("| scenario | SNR | ceiling | " + " | ".join(MODE_NAMES[m] for m in modes) + " |")
print("|---" * (3 + len(modes)) + "|")
for scenario in (1, 2, 3):
    for i, snr in enumerate(SNRS):
        cells = [cell(("1", scenario, snr, m), PREPRINT_T1.get((scenario, m), [None] * 5)[i]) for m in modes]
        print(f"| {scenario} | {snr} | {ceiling('1', scenario, snr)} | " + " | ".join(cells) + " |")
print("\nTable 2 — scenario 1, mask on the leg (the wrong region; the leg never changes, so the ceiling is chance)\n")
print("| SNR | " + " | ".join(MODE_NAMES[m] for m in modes) + " |")
print("|---" * (1 + len(modes)) + "|")
for i, snr in enumerate(SNRS):
    print(f"| {snr} | " + " | ".join(cell(("2", 1, snr, m), PREPRINT_T2.get(m, [None] * 5)[i]) for m in modes) + " |")
if older:
    print(f"\n† measured on {', '.join(sorted(older))} by an earlier binary (not run by this invocation).")

