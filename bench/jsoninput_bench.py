"""CPU per file of `graf.jsoninput.parse_json` on Node-Exporter-Full copies, against `json.loads` in the same run.

The copies are the ones bench/whole_validate.py writes (validate_bench.node_copy, every query distinct,
2-space indent, about 470 KB each). Four readers, each over every copy, ROUNDS times in turn; the
figure is the median CPU per file, and the ratio is against `json.loads` of the same bytes:
  json.loads            the baseline: the json module with no checks
  orjson.loads          the floor: orjson with no checks
  parse_json, plain     the json module's path alone (all that parse_json was before its fast path)
  parse_json            as graf reads a file: orjson when that is surely the same, else the plain path

    .venv/bin/python bench/jsoninput_bench.py [--count 40] [--rounds 7]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.validate_bench import copy_text, node_exporter_full  # noqa: E402


def cpu_per_file(read: Callable[[bytes], Any], files: list[bytes]) -> float:
    """CPU seconds per file for one pass, the collector held as graf validate holds it while loading."""
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        for raw in files:
            read(raw)
        return (time.process_time() - start) / len(files)
    finally:
        gc.enable()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    base = node_exporter_full()
    if base is None:
        return 0

    import orjson

    from graf import jsoninput

    files = [copy_text(base, i) for i in range(args.count)]
    fast = sum(jsoninput._parse_fast(raw) is not jsoninput._UNSURE for raw in files)
    for raw in files:  # the bench measures speed only if both paths give the same
        assert jsoninput.parse_json(raw, "copy") == jsoninput._parse_plain(raw, "copy") == json.loads(raw)
    readers: dict[str, Callable[[bytes], Any]] = {
        "json.loads": json.loads,
        "orjson.loads": orjson.loads,
        "parse_json, plain": lambda raw: jsoninput._parse_plain(raw, "copy"),
        "parse_json": lambda raw: jsoninput.parse_json(raw, "copy"),
    }
    times: dict[str, list[float]] = {name: [] for name in readers}
    for _ in range(args.rounds):
        for name, read in readers.items():
            times[name].append(cpu_per_file(read, files))
    print(f"{args.count} copies of node-exporter-full.json, {sum(map(len, files)) / len(files) / 1024:.0f} KiB each, "
          f"{fast} of them read by the fast path; median of {args.rounds} rounds, CPU per file; "
          f"load average {os.getloadavg()[0]:.2f}")
    baseline = statistics.median(times["json.loads"])
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"  {name:20} {median * 1000:6.2f} ms   {median / baseline:5.2f}x json.loads")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
