"""`graf validate` of 1,000 Node-Exporter-Full-size files as a user runs it: one whole graf process.

Writes COUNT copies of ../shared/reference/dashboards/node-exporter-full.json (or $GRAF_REFERENCE)
to a temporary folder, each with its own uid and title and every PromQL expression made
structurally distinct (a label name of its own), and runs `graf validate DIR --jobs 2` in a fresh
process with an empty verdict cache (cold), then again (warm: same queries, cache filled), then
with the cache off. Baseline, measured in the same run: `python -c` reading and parsing every
file with json (the least a validator must do). Targets: cold under 5 s wall and under 400 MB
peak RSS, warm rerun under 2 s. The findings of every run must be identical. The copies are
flushed to disk before the first run (a user's files were written long before they validate them).

    .venv/bin/python bench/whole_validate.py [--count 1000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._whole import GRAF, PYTHON, checked, measure, row  # noqa: E402
from bench.validate_bench import copy_text, node_exporter_full  # noqa: E402

READ_ALL = ("import json, pathlib, sys\n"
            "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.json')): json.loads(p.read_bytes())\n")


def write_copies(base: dict[str, Any], count: int, folder: Path) -> int:
    size = 0
    for i in range(count):
        path = folder / f"node-{i:04d}.json"
        path.write_bytes(copy_text(base, i))
        size += path.stat().st_size
    return size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    base = node_exporter_full()
    if base is None:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder, cache = Path(tmp) / "dashboards", Path(tmp) / "cache"
        folder.mkdir()
        size = write_copies(base, args.count, folder)
        os.sync()  # the kernel writes the 473 MB back now, not on the CPUs of the runs measured below
        print(f"{args.count} copies of node-exporter-full.json, every query distinct, {size / 1e6:.0f} MB on disk; "
              f"graf validate --jobs {args.jobs}; whole processes (wall, user+system CPU, peak RSS of the "
              "main process)")
        command = [*GRAF, "validate", str(folder), "--jobs", str(args.jobs), "--format", "json"]
        env = {"XDG_CACHE_HOME": str(cache)}
        baseline = checked(measure([PYTHON, "-c", READ_ALL, str(folder)]), "json read")
        cold = measure(command, env=env)
        warm = measure(command, env=env)
        plain = measure(command, env={**env, "GRAF_VALIDATE_CACHE": "0"})
        for run in (cold, warm, plain):
            if run.code not in (0, 1):
                checked(run, "graf validate")
        same = json.loads(cold.output) == json.loads(warm.output) == json.loads(plain.output)
        findings = len(json.loads(cold.output)["findings"])
        print(row("json.loads of every file (baseline)", baseline))
        print(row("graf validate, cold cache", cold, f"  {findings} findings"))
        print(row("graf validate, warm cache (unchanged)", warm))
        print(row("graf validate, cache off", plain))
        per_file = [run.cpu / args.count * 1000 for run in (cold, plain, baseline)]
        print(f"  CPU per file: cold {per_file[0]:.1f} ms, cache off {per_file[1]:.1f} ms, "
              f"json.loads {per_file[2]:.1f} ms; cold CPU / baseline CPU = "
              f"{cold.cpu / baseline.cpu:.1f}x (CPU: less noisy than wall on a shared machine)")
        print(f"  cold / baseline = {cold.wall / baseline.wall:.1f}x; "
              f"cold < 5 s: {'met' if cold.wall < 5 else 'NOT MET'}; "
              f"peak < 400 MB: {'met' if cold.rss_mb < 400 else 'NOT MET'}; "
              f"warm < 2 s: {'met' if warm.wall < 2 else 'NOT MET'}; "
              f"{cold.rss_mb / (size / 1e6):.2f} MB peak RSS per MB of input")
        print(f"  findings identical in all three runs: {'yes' if same else 'NO'}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
