"""The labels every LogQL query selects on are exactly the labels the rendered log shippers attach.

The Alloy and Promtail configs are parsed as rendered (`graf stack agent`), for every server of
every environment; a label renamed on either side fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from graf.config import Project, load_project
from graf.stack.agent import render_agent
from tests.conftest import EXAMPLE
from tests.pipeline.logql import logql, stream_labels

# Labels a shipper adds on its own, which no query needs: loki.source.file / Promtail's file target.
SHIPPER_OWN = {"filename"}


def alloy_labels(text: str) -> set[str]:
    """Labels of every stream an Alloy config sends: its file targets' labels and its stage.labels."""
    labels: set[str] = {"filename"}
    for row in re.findall(r"^\s+(\{\"__path__\".*\}),$", text, flags=re.M):
        labels.update(k for k in json.loads("{" + row[1:-1].replace('" = "', '": "') + "}") if k != "__path__")
    for block in re.findall(r"stage\.labels \{\s*values = \{([^}]*)\}", text):
        labels.update(re.findall(r'"([^"]+)"\s*=', block))
    return labels


def promtail_labels(text: str) -> set[str]:
    config = yaml.safe_load(text)
    labels: set[str] = {"filename"}
    for scrape in config["scrape_configs"]:
        for static in scrape.get("static_configs", []):
            labels.update(k for k in static.get("labels", {}) if k != "__path__")
        for stage in scrape.get("pipeline_stages", []):
            labels.update((stage.get("labels") or {}) if isinstance(stage, dict) else {})
    return labels


def shipped(project: Project, shipper: str) -> dict[str, set[str]]:
    """host -> labels its shipper attaches, for every server of every environment."""
    out = {}
    for env in project.environments.values():
        for server in env.servers:
            files = render_agent(project, env.name, server.host, shipper)  # type: ignore[arg-type]
            out[server.host] = (alloy_labels(files["alloy/config.alloy"]) if shipper == "alloy"
                                else promtail_labels(files["promtail/config.yml"]))
    return out


def mismatches(selected: set[str], attached: set[str]) -> dict[str, set[str]]:
    return {"selected but never attached": selected - attached,
            "attached but never selected": attached - selected - SHIPPER_OWN}


@pytest.fixture(scope="module")
def example() -> Project:
    return load_project(EXAMPLE)


def test_the_parsers_see_stream_labels() -> None:
    expr = 'sum by (level, host) (count_over_time({job="app-logs", environment=~"p\\"rod"} |~ "{x=\\"y\\"}" [5m]))'
    assert stream_labels(expr) == {"job", "environment", "level", "host"}


@pytest.mark.parametrize("shipper", ["alloy", "promtail"])
def test_every_selected_label_is_attached_and_every_attached_one_selected(example: Project, shipper: str) -> None:
    queries = logql(example)
    assert len(queries) >= 10 and any(q.where.endswith("tracesToLogsV2.tags") for q in queries)
    selected = set().union(*(q.labels for q in queries))
    for host, attached in shipped(example, shipper).items():
        assert mismatches(selected, attached) == {"selected but never attached": set(),
                                                  "attached but never selected": set()}, host
        unknown = {q.where: sorted(q.labels - attached) for q in queries if q.labels - attached}
        assert unknown == {}, host


def test_a_renamed_label_fails(example: Project) -> None:
    """Rename `service_name` in the rendered Alloy config only: the comparison names it on both sides."""
    text = render_agent(example, "prod", "prod-app-1")["alloy/config.alloy"].replace('"service_name"', '"service"')
    selected = set().union(*(q.labels for q in logql(example)))
    assert mismatches(selected, alloy_labels(text)) == {"selected but never attached": {"service_name"},
                                                        "attached but never selected": {"service"}}


def test_a_label_renamed_in_graf_yaml_moves_both_sides(tmp_path: Path) -> None:
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    raw["labels"].update(host="hostname", service="svc")
    path = tmp_path / "graf.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    project = load_project(path)
    selected = set().union(*(q.labels for q in logql(project)))
    assert {"hostname", "svc"} <= selected and not {"host", "service_name"} & selected
    for attached in shipped(project, "alloy").values():
        assert mismatches(selected, attached) == {"selected but never attached": set(),
                                                  "attached but never selected": set()}
