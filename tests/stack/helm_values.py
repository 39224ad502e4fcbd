"""The charts' values trees (`../shared/reference/helm/<chart>/values.yaml`) and a walk of rendered values.

`unknown_values_keys(rendered, defaults)` returns every key path of a rendered values file that the
chart's defaults do not have. Where the defaults leave a map empty (`resources: {}`) or unset (`~`), the
chart takes whatever is put there, so the walk stops; maps the chart passes verbatim into Loki's or
Tempo's own config (`FREE_FORM`) are checked against the config reference instead
(tests/stack/config_reference.py).
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from graf.stack.kubernetes import charts
from tests.reference import reference_json, reference_path

Path = tuple[str, ...]
# values path -> (product, path in that product's configuration reference)
FREE_FORM: dict[str, dict[Path, tuple[str, Path]]] = {
    "loki": {("loki", "structuredConfig"): ("loki", ()), ("loki", "schemaConfig"): ("loki", ("schema_config",))},
    "tempo": {("tempo", "structuredConfig"): ("tempo", ()),
              ("storage", "trace", "s3"): ("tempo", ("storage", "trace", "s3")),
              ("metricsGenerator", "config"): ("tempo", ("metrics_generator",))},
}
# Keys a chart documents only as a comment in its values.yaml (`# bucketNames:` under loki.storage):
# accepted with the keys the comment lists, and test_kubernetes_values checks the comment is there.
COMMENTED: dict[str, dict[Path, tuple[str, ...]]] = {
    "loki": {("loki", "storage", "bucketNames"): ("chunks", "ruler")},
}
SCHEMAS = {"loki": "loki-community/values.schema.json"}  # the other charts ship no values.schema.json


def defaults(chart: charts.Chart) -> dict[str, Any]:
    assert chart.reference is not None
    loaded = yaml.safe_load(reference_path(f"helm/{chart.reference}/values.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def chart_yaml(chart: charts.Chart) -> dict[str, Any]:
    assert chart.reference is not None
    loaded = yaml.safe_load(reference_path(f"helm/{chart.reference}/Chart.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def schema(chart: charts.Chart) -> Any | None:
    relative = SCHEMAS.get(chart.release)
    return reference_json(f"helm/{relative}") if relative else None


def unknown_values_keys(rendered: dict[str, Any], tree: Any, free: dict[Path, Any] | None = None,
                        path: Path = (), commented: dict[Path, tuple[str, ...]] | None = None) -> list[str]:
    found: list[str] = []
    for key, value in rendered.items():
        here = (*path, key)
        if free and here in free:
            continue
        if commented and here in commented:
            extra = sorted(set(value) - set(commented[here])) if isinstance(value, dict) else ["(not a map)"]
            found += [".".join((*here, k)) for k in extra]
            continue
        if not isinstance(tree, dict) or key not in tree:
            found.append(".".join(here))
            continue
        default = tree[key]
        if isinstance(value, dict) and isinstance(default, dict) and default:
            found += unknown_values_keys(value, default, free, here, commented)
        elif isinstance(value, dict) and default not in ({}, None):
            found.append(".".join(here))  # a map where the chart has a scalar or a list
    return found


def pick(values: dict[str, Any], path: Path) -> Any:
    for key in path:
        values = values[key]
    return values


def coalesced(chart_defaults: dict[str, Any], rendered: dict[str, Any]) -> dict[str, Any]:
    """What Helm validates against the schema: the defaults with the values file merged over them."""
    out = copy.deepcopy(chart_defaults)

    def merge(into: dict[str, Any], other: dict[str, Any]) -> None:
        for key, value in other.items():
            if isinstance(value, dict) and isinstance(into.get(key), dict):
                merge(into[key], value)
            else:
                into[key] = value

    merge(out, rendered)
    return out
