"""graf's datasources: identity from graf.yaml, correlation links, credentials only as ${VAR}."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from graf.config import load_project
from graf.context import RenderContext
from graf.datasources import loki, prometheus, tempo
from graf.datasources.loki import DEFAULT_TRACE_ID_REGEX
from graf.resources import canonical

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN = "00f067aa0ba902b7"


def project_with(tmp_path: Path, example_project: Path, change: Callable[[dict[str, Any]], None]) -> RenderContext:
    raw = yaml.safe_load(example_project.read_text())
    change(raw)
    path = tmp_path / "graf.yaml"
    path.write_text(yaml.safe_dump(raw))
    project = load_project(path)
    return RenderContext(project, project.environment("prod"))


@pytest.fixture
def ctx(example_project: Path) -> RenderContext:
    project = load_project(example_project)
    return RenderContext(project, project.environment("prod"))


def test_identity_comes_from_graf_yaml(ctx: RenderContext) -> None:
    for module, logical in ((prometheus, "prometheus"), (loki, "loki"), (tempo, "tempo")):
        body = module.datasource(ctx)
        ds = ctx.datasource(logical)
        assert (body["uid"], body["name"], body["type"], body["url"]) == (ds.uid, ds.name, logical, ds.url)
        assert body["access"] == "proxy"
        assert "secureJsonData" not in body and "basicAuth" not in body  # no credentials configured


def test_prometheus_links_exemplars_to_tempo(ctx: RenderContext) -> None:
    data = prometheus.datasource(ctx)["jsonData"]
    assert data["exemplarTraceIdDestinations"] == [
        {"name": "trace_id", "datasourceUid": "tempo", "urlDisplayLabel": "View trace"}]
    assert data["timeInterval"] == "15s"  # the stack's scrape interval


def test_tempo_links_to_logs_by_service_and_environment_labels_of_the_shipper(
        tmp_path: Path, example_project: Path) -> None:
    def relabel(raw: dict[str, Any]) -> None:
        raw["labels"].update(service="svc", environment="env")
        raw["datasources"]["loki"]["uid"] = "logs-uid"

    ctx = project_with(tmp_path, example_project, relabel)
    logs = tempo.datasource(ctx)["jsonData"]["tracesToLogsV2"]
    assert logs["datasourceUid"] == "logs-uid"
    assert logs["tags"] == [{"key": "service.name", "value": "svc"}, {"key": "deployment.environment", "value": "env"}]
    assert (logs["spanStartTimeShift"], logs["spanEndTimeShift"]) == ("-5m", "5m")
    assert logs["filterByTraceID"] is True and logs["customQuery"] is False


def test_tempo_span_metrics_only_with_the_metrics_generator(tmp_path: Path, example_project: Path,
                                                             ctx: RenderContext) -> None:
    on = tempo.datasource(ctx)["jsonData"]
    assert on["serviceMap"] == {"datasourceUid": "prometheus"}
    assert on["tracesToMetrics"]["datasourceUid"] == "prometheus"
    assert all("{$__tags" in q["query"] for q in on["tracesToMetrics"]["queries"])
    # $__tags: the span's service and environment, as the labels Tempo's metrics generator writes
    # (graf/stack/tempo.py adds deployment.environment as a dimension; Tempo names it deployment_environment)
    assert on["tracesToMetrics"]["tags"] == [{"key": "service.name", "value": "service"},
                                             {"key": "deployment.environment", "value": "deployment_environment"}]

    off_ctx = project_with(tmp_path, example_project, lambda raw: raw["stack"].update(metrics_generator=False))
    off = tempo.datasource(off_ctx)["jsonData"]
    assert "serviceMap" not in off and "tracesToMetrics" not in off
    assert off["tracesToLogsV2"]["datasourceUid"] == "loki"


def test_span_metrics_queries_parse_as_promql(ctx: RenderContext) -> None:
    import promql_parser

    for q in tempo.datasource(ctx)["jsonData"]["tracesToMetrics"]["queries"]:
        promql_parser.parse(q["query"].replace("$__tags", 'service="shop-api"'))


@pytest.mark.parametrize("line", [
    # JSON (logstash-logback-encoder / Spring Boot structured logging)
    f'{{"@timestamp":"2025-01-01T10:00:00Z","level":"ERROR","traceId":"{TRACE}","spanId":"{SPAN}","message":"x"}}',
    f'{{"level": "INFO", "traceId" : "{TRACE}"}}',
    # Spring Boot >= 3.2 default pattern: [traceId-spanId]
    f"2025-01-01T10:00:00.000Z ERROR 4242 --- [shop-api] [nio-8081-exec-1] [{TRACE}-{SPAN}] c.e.OrderController"
    " : failed",
    # Spring Boot 3.0/3.1 pattern: [app,traceId,spanId]
    f"2025-01-01 10:00:00.000 ERROR [shop-api,{TRACE},{SPAN}] 4242 --- [nio-8081-exec-1] c.e.Order : failed",
    # graf's Spring settings for plain logs: logging.pattern.correlation = "[traceId=… spanId=…] "
    f"2025-01-01T10:00:00.000Z ERROR 4242 --- [shop-api] [nio-8081-exec-1] [traceId={TRACE} spanId={SPAN}] c.e.O : x",
    f"level=error trace_id={TRACE} span_id={SPAN} msg=failed",
    f"traceId={TRACE} message",
])
def test_default_trace_id_regex_finds_the_trace_id(line: str) -> None:
    match = re.search(DEFAULT_TRACE_ID_REGEX, line)
    assert match is not None and match.group(1) == TRACE


@pytest.mark.parametrize("line", [
    "2025-01-01T10:00:00.000Z  INFO 4242 --- [shop-api] [           main] c.e.ShopApplication : Started",
    '{"level":"INFO","message":"no trace here","thread":"main"}',
])
def test_default_trace_id_regex_ignores_lines_without_one(line: str) -> None:
    assert re.search(DEFAULT_TRACE_ID_REGEX, line) is None


def test_loki_derived_field_links_to_tempo_with_the_configured_regex(tmp_path: Path, example_project: Path,
                                                                     ctx: RenderContext) -> None:
    field = loki.datasource(ctx)["jsonData"]["derivedFields"][0]
    assert field["matcherRegex"] == DEFAULT_TRACE_ID_REGEX
    assert (field["datasourceUid"], field["url"], field["matcherType"]) == ("tempo", "${__value.raw}", "regex")

    custom = r"tid=(\w+)"
    ctx2 = project_with(tmp_path, example_project,
                        lambda raw: raw["datasources"]["loki"].update(trace_id_regex=custom))
    assert loki.datasource(ctx2)["jsonData"]["derivedFields"][0]["matcherRegex"] == custom


def test_credentials_are_var_references_in_secure_json_data_only(
        tmp_path: Path, example_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROM_PASSWORD", "s3cret-prom")
    monkeypatch.setenv("TEMPO_TOKEN", "s3cret-tempo")

    def auth(raw: dict[str, Any]) -> None:
        raw["datasources"]["prometheus"].update(basic_auth_user="grafana", basic_auth_password="${PROM_PASSWORD}",
                                                timeout=30)
        raw["datasources"]["tempo"]["bearer_token"] = "${TEMPO_TOKEN}"

    ctx = project_with(tmp_path, example_project, auth)
    prom, tmp = prometheus.datasource(ctx), tempo.datasource(ctx)
    assert prom["basicAuth"] is True and prom["basicAuthUser"] == "grafana"
    assert prom["secureJsonData"] == {"basicAuthPassword": "${PROM_PASSWORD}"}
    assert prom["jsonData"]["timeout"] == 30
    assert tmp["jsonData"]["httpHeaderName1"] == "Authorization"
    assert tmp["secureJsonData"] == {"httpHeaderValue1": "Bearer ${TEMPO_TOKEN}"}
    text = json.dumps([prom, tmp])
    assert "s3cret" not in text
    # what graf compares, writes and exports never holds even the reference
    assert "secureJsonData" not in canonical("datasource", prom)


def test_keys_match_grafana_provisioning_examples(ctx: RenderContext) -> None:
    """Every correlation key graf writes appears in Grafana's own examples (reference/datasources.md)."""
    from tests.reference import reference_path

    text = reference_path("datasources.md").read_text(encoding="utf-8")
    data = tempo.datasource(ctx)["jsonData"]
    for key in [*data, *data["tracesToLogsV2"], *data["tracesToMetrics"]]:
        assert f"`{key}`" in text, key
    for key in loki.datasource(ctx)["jsonData"]["derivedFields"][0]:
        assert f"`{key}`" in text, key
