"""Grafana's side of a graf rule, for tests: steps B (reduce last, drop NaN) and C (threshold) over A's result.

The real Prometheus answers step A; this applies the rule's own B and C models (read from the
rule body, not restated) so a test sees which series the rule would fire for.
"""

from __future__ import annotations

import math
from typing import Any

from graf.resources import JSON


def step(rule: JSON, ref_id: str) -> JSON:
    return next(q for q in rule["data"] if q["refId"] == ref_id)


def query(rule: JSON) -> str:
    return str(step(rule, "A")["model"]["expr"])


def firing(rule: JSON, result: list[dict[str, Any]]) -> dict[tuple[tuple[str, str], ...], float]:
    """Label set -> value of every series of an instant-query `result` the rule's condition holds for."""
    reduce, threshold = step(rule, "B")["model"], step(rule, "C")["model"]
    assert reduce["type"] == "reduce" and reduce["expression"] == "A" and reduce["reducer"] == "last"
    assert threshold["type"] == "threshold" and threshold["expression"] == "B"
    assert rule["condition"] == "C"
    evaluator = threshold["conditions"][0]["evaluator"]
    limit = evaluator["params"][0]
    compare = {"gt": lambda v: v > limit, "lt": lambda v: v < limit}[evaluator["type"]]
    out = {}
    for series in result:
        value = float(series["value"][1])
        if reduce["settings"]["mode"] == "dropNN" and math.isnan(value):
            continue
        if compare(value):
            out[tuple(sorted(series["metric"].items()))] = value
    return out
