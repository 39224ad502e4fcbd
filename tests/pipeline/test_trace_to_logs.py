"""The Tempo datasource's trace-to-logs link, built the way Grafana builds it, finds the app's log lines.

Grafana (public/app/features/explore/TraceView/createSpanLink.tsx, `getFormattedTags` and
`getQueryForLoki`) turns a span into a Loki query: for each of the span's tags that the
datasource's `tracesToLogsV2.tags` lists, `<mapped name or key>="<span's value>"`, joined by
", " into the stream selector; with `filterByTraceID` a line filter on the trace id follows.
The span's tags come from the rendered Spring settings (spring.application.name is its
`service.name`, `management.opentelemetry.resource-attributes` its `deployment.environment`), the
stream labels from the rendered Alloy and Promtail configs. If a label, its value or a mapping
drifts on either side, the link would open an empty log view: this test fails instead.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml

from graf._render import render
from graf.config import Project, load_project
from graf.stack.agent import render_agent
from tests.conftest import EXAMPLE

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def span_tags(project: Project, env: str, host: str, app: str) -> list[dict[str, str]]:
    """The resource attributes the app's spans carry, from the application.yml graf renders."""
    settings = yaml.safe_load(render_agent(project, env, host, "alloy")[f"spring/{app}/application.yml"])
    attributes = settings["management"]["opentelemetry"]["resource-attributes"]
    return [{"key": "service.name", "value": settings["spring"]["application"]["name"]},
            *({"key": k, "value": str(v)} for k, v in attributes.items())]


def formatted_tags(all_tags: list[dict[str, str]], tags_to_use: list[dict[str, Any]]) -> str:
    """Grafana's `getFormattedTags`: the span's tags that the datasource lists, mapped name first."""
    out = []
    for tag in all_tags:
        wanted = next((t for t in tags_to_use if t["key"] == tag["key"]), None)
        if wanted is not None:
            out.append(f'{wanted.get("value") or wanted["key"]}="{tag["value"]}"')
    return ", ".join(out)


def loki_query(options: dict[str, Any], tags: str, trace_id: str) -> str | None:
    """Grafana's `getQueryForLoki` (no custom query): the tag selector, then the trace id filter."""
    if options.get("customQuery"):
        return str(options["query"])
    if not tags:
        return None
    expr = "{" + tags + "}"
    if options.get("filterByTraceID"):
        expr += (f' | label_format log_line_contains_trace_id=`{{{{ contains "{trace_id}" __line__  }}}}`'
                 f' | log_line_contains_trace_id="true" or trace_id="{trace_id}"')
    return expr


def streams(project: Project, env: str, host: str, shipper: str) -> list[dict[str, str]]:
    """The label sets of the streams a server's shipper sends (file targets' static labels)."""
    files = render_agent(project, env, host, shipper)  # type: ignore[arg-type]
    if shipper == "alloy":
        rows = re.findall(r"^\s+(\{\"__path__\".*\}),$", files["alloy/config.alloy"], flags=re.M)
        return [{k: v for k, v in json.loads("{" + row[1:-1].replace('" = "', '": "') + "}").items()
                 if k != "__path__"} for row in rows]
    config = yaml.safe_load(files["promtail/config.yml"])
    return [{k: v for k, v in static["labels"].items() if k != "__path__"}
            for scrape in config["scrape_configs"] for static in scrape.get("static_configs", [])]


def selector(expr: str) -> dict[str, str]:
    inside = expr[expr.index("{") + 1:expr.index("}")]
    return dict(re.findall(r'([A-Za-z_][A-Za-z0-9_]*)="([^"]*)"', inside))


@pytest.fixture(scope="module")
def example() -> Project:
    return load_project(EXAMPLE)


@pytest.mark.parametrize("shipper", ["alloy", "promtail"])
def test_the_link_from_a_span_selects_the_apps_log_stream(example: Project, shipper: str) -> None:
    for env in example.environments.values():
        tempo = next(r for r in render(example, env) if r.kind == "datasource" and r.body.get("type") == "tempo")
        options = tempo.body["jsonData"]["tracesToLogsV2"]
        for server in env.servers:
            for app in server.apps:
                tags = formatted_tags(span_tags(example, env.name, server.host, app), options["tags"])
                expr = loki_query(options, tags, TRACE_ID)
                assert expr is not None, f"{env.name}/{server.host}: the span carries none of the mapped tags"
                wanted = selector(expr)
                assert len(wanted) == len(options["tags"]), (expr, options["tags"])  # every mapping applies
                found = [s for s in streams(example, env.name, server.host, shipper)
                         if all(s.get(k) == v for k, v in wanted.items())]
                assert found, f"{env.name}/{server.host}/{app} ({shipper}): {expr} selects no stream"
                assert TRACE_ID in expr


def test_a_mapping_to_a_label_no_shipper_sets_is_caught(example: Project) -> None:
    env = example.environment("prod")
    server = env.servers[0]
    options = {"filterByTraceID": True, "tags": [{"key": "service.name", "value": "service"}]}
    expr = loki_query(options, formatted_tags(span_tags(example, "prod", server.host, server.apps[0]),
                                              options["tags"]), TRACE_ID)
    assert expr is not None
    wanted = selector(expr)
    assert not [s for s in streams(example, "prod", server.host, "alloy")
                if all(s.get(k) == v for k, v in wanted.items())]
