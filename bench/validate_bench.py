"""How long `graf validate` takes on 1,000 dashboards the size of Node Exporter Full.

Reads node-exporter-full.json from ../shared/reference/dashboards (or $GRAF_REFERENCE) and makes
1,000 copies with their own uid and title. Two runs:
  same queries   — like one dashboard rendered for many environments (queries repeat, the
                   PromQL cache hits);
  unique queries — every PromQL expression of every copy made structurally distinct (a label
                   name of its own; label values alone do not count, see promql.normal_form),
                   so no query is parsed from the cache.
The naive baseline re-creates the jsonschema validator for every dashboard (jsonschema.validate,
which also re-checks the schema), walks with jsonschema only and parses every query afresh; it
is timed on a sample and scaled to 1,000, because at its speed the full run takes minutes.

    python bench/validate_bench.py [COUNT]
"""

from __future__ import annotations

import copy
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REFERENCE = Path(os.environ.get("GRAF_REFERENCE", ROOT.parent / "shared" / "reference"))
NODE_EXPORTER_FULL = REFERENCE / "dashboards" / "node-exporter-full.json"
NAIVE_SAMPLE = 40


def node_exporter_full() -> dict[str, Any] | None:
    """The reference Node Exporter Full dashboard; None (and a line saying why) in a clone without it."""
    if not NODE_EXPORTER_FULL.is_file():
        print(f"skipped: {NODE_EXPORTER_FULL} not found (a clone without ../shared/reference; set GRAF_REFERENCE)")
        return None
    loaded: dict[str, Any] = json.loads(NODE_EXPORTER_FULL.read_text(encoding="utf-8"))
    return loaded


def copies(base: dict[str, Any], count: int, *, unique_queries: bool) -> list[Any]:
    from graf.resources import Resource

    out = []
    for i in range(count):
        body = node_copy(base, i, unique_queries=unique_queries)
        out.append(Resource("dashboard", body["uid"], body, source=f"node-{i:04d}.json"))
    return out


def node_copy(base: dict[str, Any], i: int, *, unique_queries: bool) -> dict[str, Any]:
    """Copy `i` of Node Exporter Full: its own uid and title, and with `unique_queries` every PromQL
    expression structurally its own."""
    body = copy.deepcopy(base)
    body["uid"] = f"node-{i:04d}"
    body["title"] = f"Node Exporter Full #{i}"
    if unique_queries:
        for panel in _panels(body):
            for target in panel.get("targets", []):
                if "expr" in target:
                    # a label *name* of its own: label values alone would share a cache entry
                    target["expr"] = target["expr"].replace('job="$job"', f'job="$job",copy_{i}="1"')
    return body


def copy_text(base: dict[str, Any], i: int) -> bytes:
    """`node_copy` number `i` with every query distinct, as `json.dumps(indent=2)` writes it (non-ASCII as `\\u`
    escapes, like the published Node Exporter Full): what `graf validate` finds on disk."""
    return json.dumps(node_copy(base, i, unique_queries=True), indent=2).encode()


def _panels(body: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for panel in body.get("panels", []):
        out.append(panel)
        out.extend(panel.get("panels", []))
    return out


def timed(run: Any) -> tuple[float, Any]:
    """Wall-clock seconds (the machine is shared, so `cpu_seconds` below is printed too)."""
    global cpu_seconds
    start, cpu = time.perf_counter(), time.process_time()
    result = run()
    cpu_seconds = time.process_time() - cpu
    return time.perf_counter() - start, result


cpu_seconds = 0.0


def graf_run(resources: list[Any], jobs: int = 1) -> Any:
    """What `graf validate` does once its input is loaded: freeze it for the GC, then validate."""
    import gc

    from graf.validate import validate
    from graf.validate.promql import _error, _parsed

    _error.cache_clear()
    _parsed.cache_clear()
    gc.freeze()
    try:
        return validate(resources, jobs=jobs)
    finally:
        gc.unfreeze()


def naive_run(resources: list[Any]) -> Any:
    """Per dashboard: a new validator (jsonschema.validate), jsonschema's full walk, no query cache."""
    import jsonschema

    from graf.validate import ValidationContext, promql
    from graf.validate.rules import RULES
    from graf.validate.schema import schema

    findings = []
    for resource in resources:
        jsonschema.validate(resource.body, schema("dashboard"), cls=jsonschema.Draft202012Validator)
        promql._error.cache_clear()
        promql._parsed.cache_clear()
        ctx = ValidationContext.standalone([resource])
        for rule in RULES[1:]:  # RULES[0] is the schema rule, replaced by the line above
            findings.extend(rule(resource, ctx))
    return findings


def schema_only(resources: list[Any]) -> dict[str, float]:
    import jsonschema

    from graf.validate.schema import fast_check, schema, validator

    sample = resources[:NAIVE_SAMPLE]
    out = {}
    out["graf fast path"], _ = timed(lambda: [fast_check("dashboard")(r.body) for r in sample])
    out["jsonschema, one cached validator"], _ = timed(
        lambda: [validator("dashboard").is_valid(r.body) for r in sample])
    out["jsonschema.validate per dashboard"], _ = timed(
        lambda: [jsonschema.validate(r.body, schema("dashboard"), cls=jsonschema.Draft202012Validator) for r in sample])
    return {k: v / len(sample) * 1000 for k, v in out.items()}


def main() -> int:
    base = node_exporter_full()
    if base is None:
        return 0
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    targets = sum(len(p.get("targets", [])) for p in _panels(base))
    print(f"{count} dashboards like node-exporter-full.json ({NODE_EXPORTER_FULL.stat().st_size // 1024} KiB, "
          f"{len(_panels(base))} panels, {targets} PromQL targets each); {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")

    cpus = os.cpu_count() or 1
    for label, unique in (("same queries", False), ("unique queries", True)):
        resources = copies(base, count, unique_queries=unique)
        graf_run(resources[:2])  # import and compile outside the timing
        one_process = 0.0
        for jobs in sorted({1, cpus}):
            seconds, findings = timed(lambda resources=resources, jobs=jobs: graf_run(resources, jobs))
            errors = sum(f.severity == "error" for f in findings)
            if jobs == 1:
                one_process, cpu = seconds, f", {cpu_seconds:6.2f} s CPU"
            else:
                cpu = ""
            print(f"  graf validate, {label}, {jobs} process{'es' if jobs > 1 else ''}: {seconds:6.2f} s wall{cpu}"
                  f"  ({seconds / count * 1000:5.2f} ms/dashboard, {len(findings)} findings, {errors} errors)  "
                  f"target < 5 s: {'met' if seconds < 5 else 'NOT met'}")
        if unique:
            sample = resources[:NAIVE_SAMPLE]
            naive_seconds, _ = timed(lambda sample=sample: naive_run(sample))
            naive_total = naive_seconds / len(sample) * count
            print(f"  naive (validator re-created per dashboard, no fast path, no cache, 1 process): "
                  f"{naive_total:6.1f} s for {count} (timed on {len(sample)}: {naive_seconds / len(sample) * 1000:.1f} "
                  f"ms/dashboard)  ratio naive / graf (1 process): {naive_total / one_process:.1f}x")
    print("  schema step alone, ms per dashboard:")
    for name, ms in schema_only(copies(base, NAIVE_SAMPLE, unique_queries=False)).items():
        print(f"    {name:<36} {ms:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
