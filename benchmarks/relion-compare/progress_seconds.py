#!/usr/bin/env python3
"""Mean seconds per cycle from a Fovea run's progress.jsonl (all cycles; and cycles 2.. when > 1)."""
import json
import sys
seconds = [json.loads(line)["seconds"] for line in open(sys.argv[1]) if line.strip()]
later = seconds[1:] or seconds
print(f"{sum(seconds) / len(seconds):.2f} {sum(later) / len(later):.2f} {len(seconds)}")
