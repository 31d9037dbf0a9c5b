#!/usr/bin/env python3
"""Peak resident memory of every process whose command line contains MARKER, split at the moment
PROGRESS (a run's progress.jsonl) reaches CYCLES lines: the cycles' peak, then the final pass's; and
the process's CPU seconds (user + system) when each progress line appeared, so the CPU seconds of the
cycles 2..CYCLES are known even on a machine shared with other work. Polls /proc every 0.2 s until no
such process is left (after one was seen) and prints one line per process:
'pid cycles_peak_MiB final_peak_MiB cpu_s_per_cycle_2_to_n'. Usage: sample_rss.py MARKER PROGRESS CYCLES"""
import os, sys, time

marker, progress, cycles = sys.argv[1], sys.argv[2], int(sys.argv[3])
peaks = {}  # pid -> [cycles peak kB, final peak kB]
cpu_at = {}  # pid -> {progress lines: CPU seconds when they were first seen}
tick = os.sysconf('SC_CLK_TCK')
seen = False
while True:
    try:
        with open(progress) as f:
            lines = sum(1 for _ in f)
    except OSError:
        lines = 0
    final = lines >= cycles
    alive = 0
    for pid in os.listdir('/proc'):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                arguments = f.read().decode(errors='replace').split('\0')
            # The fovea processes themselves (not mpirun, a shell or /usr/bin/time around them).
            if not os.path.basename(arguments[0]).startswith('fovea') or 'classify' not in arguments \
                    or not any(marker in a for a in arguments):
                continue
            with open(f'/proc/{pid}/status') as f:
                rss = next(int(l.split()[1]) for l in f if l.startswith('VmRSS:'))
        except (OSError, StopIteration):
            continue
        try:
            with open(f'/proc/{pid}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
            cpu_at.setdefault(pid, {}).setdefault(lines, (int(fields[11]) + int(fields[12])) / tick)
        except (OSError, IndexError, ValueError):
            pass
        alive += 1
        seen = True
        entry = peaks.setdefault(pid, [0, 0])
        entry[1 if final else 0] = max(entry[1 if final else 0], rss)
    if seen and alive == 0:
        break
    time.sleep(0.2)
for pid, (a, b) in sorted(peaks.items()):
    if a or b:
        marks = cpu_at.get(pid, {})
        per_cycle = (marks[cycles] - marks[1]) / (cycles - 1) if 1 in marks and cycles in marks and cycles > 1 else float('nan')
        print(pid, round(a / 1024), round(b / 1024), '%.2f' % per_cycle)
