"""How long `graf diff` takes on two builds of 500 dashboards (target: under 2 s).

Writes two build trees (DIR/<env>/dashboard/<uid>.json, canonical JSON as `graf build` writes)
made from the real dashboards in ../shared/reference/dashboards (synthetic ones when that folder
is absent), then times reading + diffing + rendering for: a typical pull request (10 dashboards
edited), and the worst case (every dashboard edited, so every file is parsed and diffed).
"""

from __future__ import annotations

import copy
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graf.diff import diff_sets, render_json, render_markdown, render_terminal  # noqa: E402
from graf.diff.sources import load_pair  # noqa: E402
from graf.gcpause import gc_paused  # noqa: E402
from graf.resources import canonical_json  # noqa: E402

DASHBOARDS = 500
ENVS = ("dev", "prod")
REFERENCE = Path(os.environ.get("GRAF_REFERENCE", ROOT.parent / "shared" / "reference")) / "dashboards"
TARGET_SECONDS = 2.0


def templates() -> tuple[str, list[dict[str, Any]]]:
    files = sorted(REFERENCE.glob("*.json")) if REFERENCE.is_dir() else []
    if files:
        bodies = [json.loads(f.read_text(encoding="utf-8")) for f in files]
        return f"{len(files)} reference dashboards", [b.get("dashboard", b) for b in bodies]
    return "synthetic dashboards", [_synthetic(n) for n in (8, 24, 60)]


def _synthetic(panels: int) -> dict[str, Any]:
    return {"title": "Synthetic", "schemaVersion": 39, "templating": {"list": [
        {"name": "instance", "type": "query", "query": "label_values(up, instance)"}]},
        "panels": [{"id": i, "type": "timeseries", "title": f"Panel {i}",
                    "gridPos": {"x": (i % 2) * 12, "y": (i // 2) * 8, "w": 12, "h": 8},
                    "targets": [{"refId": "A", "expr": f'sum(rate(metric_{i}_total{{instance="$instance"}}[5m]))'}]}
                   for i in range(panels)]}


def panels_of(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in body.get("panels", []):
        yield panel
        yield from panel.get("panels", []) if panel.get("type") == "row" else []


def edit(body: dict[str, Any]) -> None:
    """A typical review-sized edit: one query changed, one panel moved, the version bumped."""
    with_targets = [p for p in panels_of(body) if any("expr" in t for t in p.get("targets", []))]
    if with_targets:
        target = next(t for t in with_targets[0]["targets"] if "expr" in t)
        target["expr"] = target["expr"] + " * 2"
    movable = [p for p in panels_of(body) if "gridPos" in p and p.get("type") != "row"]
    if movable:
        movable[-1]["gridPos"]["x"] = (movable[-1]["gridPos"].get("x", 0) + 6) % 24
    body["version"] = body.get("version", 0) + 1


def write_builds(base: Path, bases: list[dict[str, Any]], edited: Callable[[int], bool]) -> int:
    size = 0
    for side in ("old", "new"):
        for n in range(DASHBOARDS):
            env = ENVS[n % len(ENVS)]
            body = copy.deepcopy(bases[n % len(bases)])
            body["uid"] = f"bench-{n:04d}"
            if side == "new" and edited(n):
                edit(body)
            path = base / side / env / "dashboard" / f"bench-{n:04d}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            text = canonical_json("dashboard", body)
            path.write_text(text, encoding="utf-8")
            size += len(text)
    return size


def timed(old: Path, new: Path) -> tuple[float, float, float, Any]:
    with gc_paused():  # as `graf diff` runs
        return _timed(old, new)


def _timed(old: Path, new: Path) -> tuple[float, float, float, Any]:
    start = time.perf_counter()
    pair = load_pair(old, new)
    loaded = time.perf_counter()
    result = diff_sets(pair.old, pair.new, old_label="old", new_label="new", unchanged=pair.unchanged)
    diffed = time.perf_counter()
    render_terminal(result)
    render_markdown(result)
    render_json(result)
    rendered = time.perf_counter()
    return loaded - start, diffed - loaded, rendered - diffed, result


def main() -> int:
    label, bases = templates()
    print(f"graf diff bench: two builds of {DASHBOARDS} dashboards from {label}")
    worst = 0.0
    for name, edited in (("typical PR, 10 dashboards edited", lambda n: n % 50 == 0),
                         ("worst case, all 500 dashboards edited", lambda n: True)):
        with tempfile.TemporaryDirectory(prefix="graf-diff-bench-") as tmp:
            size = write_builds(Path(tmp), bases, edited)
            read, diff, render, result = timed(Path(tmp) / "old", Path(tmp) / "new")
        total = read + diff + render
        worst = max(worst, total)
        lines = sum(len(r.changes) for r in result.resources)
        print(f"  {name}: {size / 2 / 1e6:.1f} MB per build; read {read:.2f} s, diff {diff:.2f} s, "
              f"render 3 formats {render:.2f} s, total {total:.2f} s "
              f"({len(result.resources)} changed, {result.unchanged} unchanged, {lines} lines)")
    verdict = "ok" if worst < TARGET_SECONDS else "TOO SLOW"
    print(f"  slowest {worst:.2f} s, target < {TARGET_SECONDS:.0f} s: {verdict}")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
