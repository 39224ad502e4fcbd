"""The five built-in dashboards as rendered for every environment of the example graf.yaml."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml

from graf._render import render
from graf.check import panel_queries, variable_defaults
from graf.config import Project, load_project
from graf.dashboards._grafanalib import SCHEMA_VERSION
from graf.resources import JSON, Resource
from graf.variables import variable_names
from tests.reference import reference_path

BUILTIN = ("overview", "jvm", "node", "latency", "logs", "monitoring")
SERVER_JOBS = {"prometheus", "loki", "tempo", "grafana"}  # the stack's own scrape jobs (graf/stack/prometheus.py)
ENVS = ("dev", "prod")
APP_DASHBOARDS = ("overview", "jvm", "latency", "logs")


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(Path(__file__).resolve().parents[2] / "graf.yaml")


@pytest.fixture(scope="module")
def rendered(project: Project) -> dict[str, list[Resource]]:
    return {env: render(project, project.environment(env)) for env in ENVS}


def dashboards(rendered: dict[str, list[Resource]], env: str) -> dict[str, JSON]:
    return {r.uid.rsplit("-", 1)[-1]: r.body for r in rendered[env] if r.kind == "dashboard"}


def all_panels(body: JSON) -> Iterator[JSON]:
    for panel in body["panels"]:
        yield panel
        yield from panel.get("panels", [])


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}[{i}]")


def selectors(expr: str) -> list[Any]:
    found: list[Any] = []

    def visit(node: Any) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            found.append(node)

    promql_parser.walk(promql_parser.parse(expr), pre_visit=visit)
    return found


def test_every_environment_has_the_five_dashboards_with_stable_uids(
        project: Project, rendered: dict[str, list[Resource]]) -> None:
    for env in ENVS:
        uids = sorted(r.uid for r in rendered[env] if r.kind == "dashboard")
        assert uids == sorted(f"shop-{env}-{name}" for name in BUILTIN)
        assert all(r.folder == f"shop-{env}" for r in rendered[env] if r.kind == "dashboard")
    again = render(project, project.environment("prod"))
    assert [r.canonical_json() for r in again] == [r.canonical_json() for r in rendered["prod"]]


@pytest.mark.parametrize("env", ENVS)
def test_current_model_no_nulls_no_legacy_keys(rendered: dict[str, list[Resource]], env: str) -> None:
    for name, body in dashboards(rendered, env).items():
        assert body["schemaVersion"] == SCHEMA_VERSION
        for key in ("rows", "style", "sharedCrosshair", "hideControls", "gnetId", "id", "version", "__inputs"):
            assert key not in body, (name, key)
        for path, value in walk(body):
            assert value is not None, f"{name}{path} is null"
        for panel in all_panels(body):
            for key in ("span", "height", "minSpan", "error", "editable", "cacheTimeout", "columns", "fontSize",
                        "styles", "thresholdType"):
                assert key not in panel, (name, panel["title"], key)
            for target in panel.get("targets", []):
                for key in ("query", "metric", "step", "intervalFactor", "target"):
                    assert not (target["datasource"]["type"] == "prometheus" and key in target), (name, key)
            for step in panel.get("fieldConfig", {}).get("defaults", {}).get("thresholds", {}).get("steps", []):
                assert set(step) <= {"color", "value"}
        for variable in body["templating"]["list"]:
            assert not {"useTags", "tagsQuery", "tagValuesQuery", "auto_min"} & set(variable)


@pytest.mark.parametrize("env", ENVS)
def test_datasource_refs_are_grafs_own(project: Project, rendered: dict[str, list[Resource]], env: str) -> None:
    own = {json.dumps(ds.ref, sort_keys=True) for ds in project.environment(env).datasources.values()}
    for name, body in dashboards(rendered, env).items():
        for path, value in walk(body):
            if path.endswith(".datasource") and not path.startswith(".annotations"):
                assert json.dumps(value, sort_keys=True) in own, f"{name}{path}: {value}"


@pytest.mark.parametrize("env", ENVS)
def test_layout_ids_and_grid(rendered: dict[str, list[Resource]], env: str) -> None:
    for name, body in dashboards(rendered, env).items():
        panels = list(all_panels(body))
        ids = [p["id"] for p in panels]
        assert len(ids) == len(set(ids)), name
        titles = [p["title"] for p in panels]
        assert len(titles) == len(set(titles)), f"{name}: duplicate panel titles"
        boxes = []
        for p in panels:
            g = p["gridPos"]
            assert g["x"] >= 0 and g["w"] >= 1 and g["x"] + g["w"] <= 24, (name, p["title"], g)
            boxes.append((g["x"], g["y"], g["x"] + g["w"], g["y"] + g["h"], p["title"]))
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), f"{name}: {a} overlaps {b}"


@pytest.mark.parametrize("env", ENVS)
def test_every_panel_has_description_and_unit(rendered: dict[str, list[Resource]], env: str) -> None:
    for name, body in dashboards(rendered, env).items():
        for p in all_panels(body):
            if p["type"] in ("row", "text"):
                continue
            assert p.get("description", "").strip(), (name, p["title"])
            if p["type"] in ("timeseries", "stat"):
                assert p["fieldConfig"]["defaults"].get("unit"), (name, p["title"])


@pytest.mark.parametrize("env", ENVS)
def test_variables_default_to_the_environment_and_are_all_used(
        project: Project, rendered: dict[str, list[Resource]], env: str) -> None:
    label = project.environment(env).label
    for name, body in dashboards(rendered, env).items():
        variables = {v["name"]: v for v in body["templating"]["list"]}
        assert variables["environment"]["current"]["value"] == label
        assert "instance" in variables or name == "monitoring"  # one server: no instance to choose
        if name in APP_DASHBOARDS:
            assert variables["application"]["current"]["value"] == "$__all"
        text = json.dumps([body["panels"], body["links"], [v.get("query") for v in variables.values()]])
        used = variable_names(text)
        assert set(variables) <= used, f"{name}: unused {set(variables) - used}"


@pytest.mark.parametrize("env", ENVS)
def test_links_reach_the_other_dashboards_keeping_the_environment(rendered: dict[str, list[Resource]],
                                                                  env: str) -> None:
    boards = dashboards(rendered, env)
    for name, body in boards.items():
        targets = {link["url"].split("?")[0] for link in body["links"]}
        assert targets == {f"/d/shop-{env}-{other}" for other in BUILTIN if other != name}
        assert all("${environment:queryparam}" in link["url"] and link["keepTime"] for link in body["links"])


@pytest.mark.parametrize("env", ENVS)
def test_every_promql_parses_after_substitution_and_filters_by_environment(
        project: Project, rendered: dict[str, list[Resource]], env: str) -> None:
    lb, jobs = project.labels, project.jobs
    queries = panel_queries(rendered[env])
    assert len(queries) > 100
    for q in queries:
        try:
            found = selectors(q.query)
        except ValueError as exc:  # promql-parser raises ValueError with the parse error
            pytest.fail(f"{q.where}: {exc}\n{q.query}")
        # The Monitoring server dashboard selects the server's own series (and draws its limits as constants).
        server = q.dashboard_uid == f"shop-{env}-monitoring"
        assert found or (server and re.fullmatch(r"[\s\S]*vector\(\d+\)[\s\S]*", q.query)), q.where
        label = project.stack.server_host if server else project.environment(env).label
        allowed = {jobs.node, *SERVER_JOBS} if server else {jobs.node, jobs.app}
        for selector in found:
            matchers = {(m.name, str(m.op), m.value) for m in selector.matchers.matchers}
            assert (lb.environment, "MatchOp.Equal", label) in matchers, q.where
            jobs_used = {job for n, _, v in matchers if n == "job" for job in v.split("|")}
            assert jobs_used and jobs_used <= allowed, q.where


@pytest.mark.parametrize("env", ENVS)
def test_variable_queries_parse(rendered: dict[str, list[Resource]], env: str) -> None:
    """`label_values(<selector>, label)` of every Prometheus variable has a valid selector."""
    for name, body in dashboards(rendered, env).items():
        defaults = variable_defaults(body)
        for v in body["templating"]["list"]:
            if v.get("datasource", {}).get("type") != "prometheus":
                continue
            match = re.fullmatch(r"label_values\((.+), (\w+)\)", v["query"])
            assert match, (name, v["query"])
            from graf.variables import substitute

            promql_parser.parse(substitute(match.group(1), defaults))


def _metric_names_in_reference() -> set[str]:
    """Every metric name metrics.md spells out, with `a_{b,c}` and `a_<Field>_b` forms expanded."""
    text = reference_path("metrics.md").read_text(encoding="utf-8")
    names: set[str] = set()
    for token in re.findall(r"[a-z][a-z0-9_]*(?:\{[a-z0-9_,]+\}[a-z0-9_]*)?", text):
        brace = re.fullmatch(r"([a-z0-9_]*)\{([a-z0-9_,]+)\}([a-z0-9_]*)", token)
        if brace:
            names.update(brace.group(1) + part + brace.group(3) for part in brace.group(2).split(","))
        else:
            names.add(token)
    for field in re.findall(r"`([A-Z][A-Za-z_]+)`", text):
        names.add(f"node_memory_{field}_bytes")
    for suffix in re.findall(r"…(_[a-z_]+)", text):  # "`…_errs_total`" in the network line
        names.update(f"node_network_{direction}{suffix}" for direction in ("receive", "transmit"))
    return names


SUFFIXES = ("_count", "_sum", "_bucket", "_max", "_total")


def _metric_names_in_captures() -> set[str]:
    """Every metric name in the real /metrics captures of Prometheus, Loki, Tempo and node_exporter."""
    names: set[str] = set()
    for capture in ("prometheus-2.42", "loki-3.7.6", "tempo-2.10.8", "node-exporter-1.5"):
        text = reference_path(f"exposition/{capture}-metrics.txt").read_text(encoding="utf-8")
        names.update(re.findall(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", text, re.MULTILINE))
    return names


def test_metric_names_are_the_ones_micrometer_and_node_exporter_expose(rendered: dict[str, list[Resource]]) -> None:
    """...and, on the Monitoring server dashboard, the ones the stack's components expose."""
    app_side = _metric_names_in_reference()
    server_side = app_side | _metric_names_in_captures()
    unknown = set()
    for q in panel_queries(rendered["prod"]):
        known = server_side if q.dashboard_uid == "shop-prod-monitoring" else app_side
        for selector in selectors(q.query):
            name = selector.name
            if name and name != "up" and name not in known and not any(
                    name.endswith(s) and name[: -len(s)] in known for s in SUFFIXES):
                unknown.add(name)
    assert unknown == set()


def test_latency_degrades_to_average_and_max_without_histograms(tmp_path: Path, example_project: Path) -> None:
    raw = yaml.safe_load(example_project.read_text())
    for app in raw["apps"].values():
        app["percentiles_histogram"] = False
    path = tmp_path / "graf.yaml"
    path.write_text(yaml.safe_dump(raw))
    project = load_project(path)
    resources = render(project, project.environment("prod"))
    boards = {r.uid: r.body for r in resources if r.kind == "dashboard"}
    for uid in ("shop-prod-latency", "shop-prod-overview"):
        targets = [t for p in all_panels(boards[uid]) for t in p.get("targets", [])]
        exprs = " ".join(t.get("expr", "") for t in targets)
        assert "_bucket" not in exprs and "histogram_quantile" not in exprs, uid
        assert not any(t.get("exemplar") for t in targets), uid
        assert "Average latency" in json.dumps(boards[uid])
    about = next(p for p in boards["shop-prod-latency"]["panels"] if p["type"] == "text")
    assert "percentiles-histogram.http.server.requests=true" in about["options"]["content"]
    assert "summaries" in about["options"]["content"]


def test_latency_percentiles_carry_exemplars_with_histograms(rendered: dict[str, list[Resource]]) -> None:
    latency = dashboards(rendered, "prod")["latency"]
    panels = {p["title"]: p for p in all_panels(latency)}
    for title in ("Latency percentiles", "p50 by URI", "p90 by URI", "p99 by URI"):
        for target in panels[title]["targets"]:
            assert target["exemplar"] is True
            assert "histogram_quantile(" in target["expr"] and "http_server_requests_seconds_bucket" in target["expr"]
    assert "/prometheus-provider" in panels["Requests per second"]["targets"][0]["expr"]  # scrapes left out
    slowest = panels["Slowest endpoints"]
    assert all(t.get("instant") for t in slowest["targets"])


def test_overview_has_error_logs_and_trace_search(rendered: dict[str, list[Resource]]) -> None:
    overview = dashboards(rendered, "prod")["overview"]
    panels = {p["title"]: p for p in all_panels(overview)}
    logs = panels["Recent error logs"]
    assert logs["type"] == "logs" and logs["datasource"] == {"type": "loki", "uid": "loki"}
    assert 'job="app-logs", environment="$environment"' in logs["targets"][0]["expr"]
    assert 'level=~"(?i)error|fatal"' in logs["targets"][0]["expr"]
    traces = panels["Failed or slow traces"]
    target = traces["targets"][0]
    assert target["datasource"] == {"type": "tempo", "uid": "tempo"} and target["queryType"] == "traceql"
    assert 'resource.deployment.environment="$environment"' in target["query"]
    assert "duration>1500ms" in target["query"]  # prod's http_p99_latency alert threshold


def test_logs_dashboard_filters_by_application_host_level_and_text(rendered: dict[str, list[Resource]]) -> None:
    logs = dashboards(rendered, "prod")["logs"]
    variables = {v["name"]: v for v in logs["templating"]["list"]}
    assert variables["search"]["type"] == "textbox"
    assert all(v["datasource"] == {"type": "loki", "uid": "loki"} for k, v in variables.items() if k != "search")
    for panel in all_panels(logs):
        for target in panel.get("targets", []):
            expr = target["expr"]
            assert expr.startswith(("{job=", "sum")) and 'environment="$environment"' in expr
            assert 'application=~"$application"' in expr and '|~ "(?i)$search"' in expr


def test_label_and_job_names_all_come_from_graf_yaml(tmp_path: Path, example_project: Path) -> None:
    """Rename every label and job in graf.yaml: no query, legend or variable keeps an old name."""
    raw = yaml.safe_load(example_project.read_text())
    raw["labels"] = {"environment": "env", "application": "app_name", "instance": "instance", "host": "hostname",
                     "service": "svc", "level": "severity"}
    raw["jobs"] = {"node": "hosts", "app": "java", "logs": "applogs"}
    path = tmp_path / "graf.yaml"
    path.write_text(yaml.safe_dump(raw))
    project = load_project(path)
    resources = render(project, project.environment("prod"))
    boards = [r.body for r in resources if r.kind == "dashboard"]
    text = "\n".join(v for _, v in walk(boards) if isinstance(v, str))  # every string, unescaped
    for old in ('{environment="', ', environment="', 'environment=~"', "application=~", 'job="node"',
                'job="spring-boot"', 'job="app-logs"', "host=~", "level=~", "{{application}}",
                "by (level) (count_over_time", ", environment)", ", application)", ", host)", ", level)"):
        assert old not in text, old
    for new in ('env="$environment"', 'app_name=~"$application"', 'job="hosts"', 'job="java"', 'job="applogs"',
                'hostname=~"$instance"', "severity=~", "{{app_name}}", "{{severity}}", "label_values(up, env)",
                "by (level) (rate(logback_events_total"):  # the last: Micrometer's own tag, not a graf label
        assert new in text, new
    for q in panel_queries(resources):
        for selector in selectors(q.query):
            names = {m.name for m in selector.matchers.matchers}
            assert {"env", "job"} <= names, q.where
