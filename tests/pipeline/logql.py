"""Every LogQL expression graf renders, and the labels each one selects on.

Sources: the Loki targets of every dashboard panel and the Loki variables' `label_values(...)`
(variables substituted with their defaults, as Grafana would send them), the Loki alert rules'
queries, and the Tempo datasource's trace-to-logs tags (each tag's value is a Loki label Grafana's
query builder puts in the stream selector).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from graf._render import render
from graf.check import variable_defaults
from graf.config import Project
from graf.resources import JSON, Resource
from graf.variables import substitute

OP = r"(?:=~|!~|!=|=)"
STRING = r'"(?:[^"\\]|\\.)*"'
MATCHER = rf"\s*([A-Za-z_][A-Za-z0-9_]*)\s*{OP}\s*{STRING}\s*"
SELECTOR = re.compile(rf"\{{((?:{MATCHER},)*{MATCHER})\}}")
GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")
LABEL_VALUES = re.compile(r"^label_values\((?:(.*),\s*)?(\w+)\)$", re.DOTALL)


@dataclass(frozen=True)
class LogQL:
    where: str
    expr: str  # as sent: variables substituted
    labels: frozenset[str]  # stream labels it selects on, groups by or asks values of


def stream_labels(expr: str) -> set[str]:
    """Label names of every stream selector in `expr`, and of its `by (...)` groupings."""
    found: set[str] = set()
    for selector in SELECTOR.finditer(expr):
        found.update(re.findall(MATCHER, selector.group(1) + ","))
    for grouping in GROUPING.finditer(expr):
        found.update(name.strip() for name in grouping.group(1).split(",") if name.strip())
    return found


def _panels(panels: Iterable[JSON]) -> Iterator[JSON]:
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels") or [])


def _is_loki(ds: Any) -> bool:
    return isinstance(ds, dict) and ds.get("type") == "loki"


def _from_dashboard(resource: Resource) -> Iterator[LogQL]:
    body = resource.body
    defaults = variable_defaults(body)
    for panel in _panels(body.get("panels", [])):
        for target in panel.get("targets") or []:
            if _is_loki(target.get("datasource") or panel.get("datasource")) and target.get("expr"):
                expr = substitute(target["expr"], defaults)
                yield LogQL(f"{resource.uid} › {panel.get('title')} [{target.get('refId')}]", expr,
                            frozenset(stream_labels(expr)))
    for variable in body.get("templating", {}).get("list", []):
        if _is_loki(variable.get("datasource")) and isinstance(variable.get("query"), str):
            match = LABEL_VALUES.match(variable["query"])
            assert match, f"{resource.uid} › ${variable['name']}: not label_values(...): {variable['query']}"
            selector = substitute(match.group(1) or "", defaults)
            where = f"{resource.uid} › variable ${variable['name']}"
            if selector:
                yield LogQL(where, selector, frozenset({*stream_labels(selector), match.group(2)}))
            else:
                yield LogQL(where, "", frozenset({match.group(2)}))


def _from_rule(resource: Resource) -> Iterator[LogQL]:
    for query in resource.body.get("data", []):
        model = query.get("model", {})
        if _is_loki(model.get("datasource")):
            yield LogQL(f"{resource.uid} [{query['refId']}]", model["expr"], frozenset(stream_labels(model["expr"])))


def _from_tempo(resource: Resource) -> Iterator[LogQL]:
    tags = resource.body.get("jsonData", {}).get("tracesToLogsV2", {}).get("tags", [])
    yield LogQL(f"{resource.uid} › tracesToLogsV2.tags", "", frozenset(t.get("value") or t["key"] for t in tags))


def logql(project: Project) -> list[LogQL]:
    out: list[LogQL] = []
    for env in project.environments.values():
        for resource in render(project, env):
            if resource.kind == "dashboard":
                out.extend(_from_dashboard(resource))
            elif resource.kind == "alert-rule":
                out.extend(_from_rule(resource))
            elif resource.kind == "datasource" and resource.body.get("type") == "tempo":
                out.extend(_from_tempo(resource))
    return out
