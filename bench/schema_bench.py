"""CPU per file of the dashboard schema check on Node-Exporter-Full copies, and what each tier costs to build.

The copies are validate_bench.node_copy's (every query distinct), each read from its own JSON text
by graf.jsoninput.parse_json, as graf validate reads a file. Three checks of graf's dashboard schema,
each over every copy, ROUNDS times in turn; the figure is the median CPU per file, the ratio is
against the closures in the same run:
  jsonschema            the authority (Draft202012Validator.is_valid), on a sample of the copies
  closures              graf.validate.compiled: the fast path for a kind's first GENERATE_AFTER bodies
  generated             graf.validate.codegen: the schema written out as Python, from then on
Building a tier is paid once per process (per worker with --jobs): its median CPU is printed too.

    .venv/bin/python bench/schema_bench.py [--count 40] [--rounds 7]
"""

from __future__ import annotations

import argparse
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

JSONSCHEMA_SAMPLE = 4


def cpu_per_file(check: Callable[[Any], bool], bodies: list[Any]) -> float:
    start = time.process_time()
    for body in bodies:
        check(body)
    return (time.process_time() - start) / len(bodies)


def cpu_to_build(build: Callable[[], Any], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        build()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    base = node_exporter_full()
    if base is None:
        return 0

    import jsonschema

    from graf import jsoninput
    from graf.validate import codegen, compiled, schema

    root = schema.schema("dashboard")
    bodies = [jsoninput.parse_json(copy_text(base, i), "copy") for i in range(args.count)]
    checks: dict[str, tuple[Callable[[Any], bool], list[Any]]] = {
        "jsonschema": (jsonschema.Draft202012Validator(root).is_valid, bodies[:JSONSCHEMA_SAMPLE]),
        "closures": (compiled.compile_schema(root), bodies),
        "generated": (codegen.compile_schema(root), bodies),
    }
    for check, sample in checks.values():  # the bench measures speed only if every check gives the same
        assert all(check(body) is True for body in sample)
    broken = json.loads(json.dumps(bodies[0]))
    broken["panels"][-1]["gridPos"]["w"] = "24"
    assert not any(check(broken) for check, _ in checks.values())
    times: dict[str, list[float]] = {name: [] for name in checks}
    for _ in range(args.rounds):
        for name, (check, sample) in checks.items():
            times[name].append(cpu_per_file(check, sample))
    builds = {"closures": cpu_to_build(lambda: compiled.compile_schema(root), args.rounds),
              "generated": cpu_to_build(lambda: codegen.compile_schema(root), args.rounds)}
    print(f"{args.count} copies of node-exporter-full.json (jsonschema on {JSONSCHEMA_SAMPLE}); median of "
          f"{args.rounds} rounds, CPU per file; load average {os.getloadavg()[0]:.2f}")
    baseline = statistics.median(times["closures"])
    for name, samples in times.items():
        median = statistics.median(samples)
        built = f"   built in {builds[name] * 1000:5.1f} ms" if name in builds else ""
        print(f"  {name:12} {median * 1000:7.3f} ms   {median / baseline:5.2f}x closures{built}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
