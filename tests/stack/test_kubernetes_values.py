"""The Kubernetes target's values files against the pinned charts (`../shared/reference/helm/`) and the
Loki and Tempo configuration references (`../shared/reference/config-docs/`); skipped without them.

Proven here: every key graf writes is one the chart's values.yaml has (or, in the maps the chart copies
into Loki's or Tempo's config, one the release's config reference has), the Loki values pass the chart's
values.schema.json, and a renamed key fails each check. Not proven: the charts' templates (no Helm here).
"""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from graf.stack.kubernetes import charts
from graf.stack.kubernetes.render import KubernetesFiles, render_kubernetes
from graf.stack.kubernetes.storage import object_store
from graf.stack.kubernetes.values import Settings
from graf.stack.sizing import PROFILES
from tests.reference import reference_path
from tests.stack.config_reference import known_keys, unknown_keys
from tests.stack.helm_values import (
    COMMENTED,
    FREE_FORM,
    chart_yaml,
    coalesced,
    defaults,
    pick,
    schema,
    unknown_values_keys,
)
from tests.stack.helpers import project

CHECKED = [c for c in charts.CHARTS if c.reference is not None]
LOKI_RELEASE = charts.LOKI.image_tag
TEMPO_RELEASE = charts.TEMPO.image_tag


def settings(path_style: bool = False) -> Settings:
    return Settings("monitoring", object_store("https://s3.eu-west-1.amazonaws.com", "eu-west-1", path_style, "shop"),
                    "kafka.kafka.svc.cluster.local:9092", "grafana.shop.example", 10_000)


def rendered(tmp_path: Path, profile: str = "small", path_style: bool = False) -> KubernetesFiles:
    return render_kubernetes(project(tmp_path), settings(path_style), profile)


def values_of(result: KubernetesFiles, chart: charts.Chart) -> list[dict[str, Any]]:
    """Every values file of `chart` (Alloy has one per environment), as read back from the written text."""
    names = [n for n in result.values if n == chart.values_file or n.startswith(f"{chart.release}-")]
    assert names
    return [yaml.safe_load(result.files[n]) for n in names]


VARIANTS = list(itertools.product(sorted(PROFILES), [False, True]))


@pytest.mark.parametrize(("profile", "path_style"), VARIANTS)
@pytest.mark.parametrize("chart", CHECKED, ids=lambda c: c.release)
def test_every_values_key_is_in_the_charts_defaults(tmp_path: Path, chart: charts.Chart, profile: str,
                                                    path_style: bool) -> None:
    tree = defaults(chart)
    for values in values_of(rendered(tmp_path, profile, path_style), chart):
        found = unknown_values_keys(values, tree, FREE_FORM.get(chart.release), commented=COMMENTED.get(chart.release))
        assert found == []


@pytest.mark.parametrize(("release", "path", "keys"),
                         [(r, p, k) for r, paths in COMMENTED.items() for p, k in paths.items()])
def test_keys_accepted_from_comments_are_in_the_values_comments(release: str, path: tuple[str, ...],
                                                                 keys: tuple[str, ...]) -> None:
    chart = next(c for c in charts.CHARTS if c.release == release)
    assert chart.reference is not None
    lines = reference_path(f"helm/{chart.reference}/values.yaml").read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == f"# {path[-1]}:")
    parent_line = max(i for i in range(at) if lines[i].strip() == f"{path[-2]}:")
    assert at - parent_line < 5  # the comment sits in the parent's block
    for key in keys:
        assert any(line.strip().startswith(f"#   {key}:") or line.strip().startswith(f"# {key}:")
                   for line in lines[at + 1:at + 1 + len(keys)]), key


@pytest.mark.parametrize(("profile", "path_style"), VARIANTS)
@pytest.mark.parametrize("chart", [charts.LOKI, charts.TEMPO], ids=lambda c: c.release)
def test_free_form_maps_use_only_config_reference_keys(tmp_path: Path, chart: charts.Chart, profile: str,
                                                       path_style: bool) -> None:
    [values] = values_of(rendered(tmp_path, profile, path_style), chart)
    for values_path, (product, config_path) in FREE_FORM[chart.release].items():
        tree: Any = known_keys(product, LOKI_RELEASE if product == "loki" else TEMPO_RELEASE)
        for key in config_path:
            tree = tree[key]
        assert unknown_keys(pick(values, values_path), tree) == [], values_path


def test_loki_values_pass_the_charts_schema(tmp_path: Path) -> None:
    [values] = values_of(rendered(tmp_path), charts.LOKI)
    jsonschema.Draft7Validator(schema(charts.LOKI)).validate(coalesced(defaults(charts.LOKI), values))


def test_a_wrong_type_fails_the_schema(tmp_path: Path) -> None:
    [values] = values_of(rendered(tmp_path), charts.LOKI)
    values["chunksCache"]["allocatedMemory"] = "512MB"
    with pytest.raises(jsonschema.ValidationError, match=r"'512MB' is not of type 'integer'"):
        jsonschema.Draft7Validator(schema(charts.LOKI)).validate(coalesced(defaults(charts.LOKI), values))


@pytest.mark.parametrize(("chart", "path", "renamed"), [
    (charts.LOKI, ("chunksCache", "allocatedMemory"), "allocatedMem"),
    (charts.LOKI, ("loki", "storage", "s3", "s3ForcePathStyle"), "forcePathStyle"),
    (charts.LOKI, ("loki", "storage", "bucketNames", "chunks"), "chunk"),
    (charts.TEMPO, ("ingest", "kafka", "address"), "addresses"),
    (charts.GRAFANA_CHART, ("admin", "existingSecret"), "existing_secret"),
    (charts.ALLOY, ("alloy", "configMap", "content"), "contents"),
], ids=lambda v: v.release if isinstance(v, charts.Chart) else None)
def test_a_renamed_values_key_fails(tmp_path: Path, chart: charts.Chart, path: tuple[str, ...], renamed: str) -> None:
    values = copy.deepcopy(values_of(rendered(tmp_path), chart)[0])
    parent = pick(values, path[:-1])
    parent[renamed] = parent.pop(path[-1])
    found = unknown_values_keys(values, defaults(chart), FREE_FORM.get(chart.release),
                                commented=COMMENTED.get(chart.release))
    assert found == [".".join((*path[:-1], renamed))]


@pytest.mark.parametrize(("chart", "path", "renamed"), [
    (charts.LOKI, ("loki", "structuredConfig", "limits_config", "retention_period"), "retention_periods"),
    (charts.TEMPO, ("storage", "trace", "s3", "forcepathstyle"), "force_path_style"),
    (charts.TEMPO, ("tempo", "structuredConfig", "live_store", "max_trace_idle"), "trace_idle_period"),
    (charts.TEMPO, ("metricsGenerator", "config", "processor", "span_metrics", "dimensions"), "dimension"),
], ids=lambda v: v.release if isinstance(v, charts.Chart) else None)
def test_a_renamed_config_key_fails(tmp_path: Path, chart: charts.Chart, path: tuple[str, ...], renamed: str) -> None:
    [values] = values_of(rendered(tmp_path), chart)
    parent = pick(values, path[:-1])
    parent[renamed] = parent.pop(path[-1])
    found = []
    for values_path, (product, config_path) in FREE_FORM[chart.release].items():
        tree: Any = known_keys(product, LOKI_RELEASE if product == "loki" else TEMPO_RELEASE)
        for key in config_path:
            tree = tree[key]
        found += unknown_keys(pick(values, values_path), tree)
    assert found and all(item.endswith(renamed) for item in found)


@pytest.mark.parametrize("chart", CHECKED, ids=lambda c: c.release)
def test_chart_versions_and_image_tags_are_the_referenced_releases(chart: charts.Chart) -> None:
    meta = chart_yaml(chart)
    assert (meta["name"], meta["version"], meta["appVersion"]) == (chart.chart, chart.version, chart.image_tag)


def test_install_script_installs_every_chart_pinned_in_order(tmp_path: Path) -> None:
    script = rendered(tmp_path).files["install.sh"]
    installs = [line.split() for line in script.splitlines() if line.startswith("helm upgrade --install")]
    assert [i[3] for i in installs] == [c.release for c in charts.CHARTS[:-1]] + ["alloy-dev", "alloy-prod"]
    for words in installs:
        chart = next(c for c in charts.CHARTS if c.ref == words[4])
        assert words[words.index("--version") + 1] == chart.version
        assert words[words.index("--values") + 1] in rendered(tmp_path).files
    assert "set -eu" in script


def _walk(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _walk(v, (*path, str(k)))] + [(path, value)]
    if isinstance(value, list):
        return [item for v in value for item in _walk(v, path)]
    return [(path, value)]


def test_only_grafanas_ingress_and_cluster_ip_services(tmp_path: Path) -> None:
    result = rendered(tmp_path)
    for name, values in result.values.items():
        for path, value in _walk(values):
            if path and path[-1] in ("ingress", "route") and isinstance(value, dict) and value.get("enabled"):
                assert (name, path) == ("grafana.yaml", ("ingress",))
            if path and path[-1] == "service" and isinstance(value, dict) and "type" in value:
                assert value["type"] == "ClusterIP", (name, path)
    assert result.values["grafana.yaml"]["ingress"]["hosts"] == ["grafana.shop.example"]


def test_credentials_only_as_variables_and_existing_secrets(tmp_path: Path) -> None:
    result = rendered(tmp_path)
    loki = result.values["loki.yaml"]["loki"]["storage"]["s3"]
    tempo = result.values["tempo.yaml"]["storage"]["trace"]["s3"]
    assert (loki["accessKeyId"], loki["secretAccessKey"]) == ("${S3_ACCESS_KEY_ID}", "${S3_SECRET_ACCESS_KEY}")
    assert (tempo["access_key"], tempo["secret_key"]) == ("${S3_ACCESS_KEY_ID}", "${S3_SECRET_ACCESS_KEY}")
    # Loki and Tempo expand them from the Secret the pods read.
    for component in ("write", "read", "backend"):
        assert "-config.expand-env=true" in result.values["loki.yaml"][component]["extraArgs"]
    for component in ("distributor", "liveStore", "blockBuilder", "querier", "queryFrontend", "backendWorker",
                      "backendScheduler", "metricsGenerator"):
        tempo = result.values["tempo.yaml"][component]
        assert tempo["extraEnvFrom"] == [{"secretRef": {"name": "graf-object-storage"}}], component
    assert result.values["grafana.yaml"]["admin"]["existingSecret"] == "grafana-admin"
    for path, value in (p for v in result.values.values() for p in _walk(v)):
        if path and any(word in path[-1].lower() for word in ("password", "secret", "key")) and isinstance(value, str):
            assert value.startswith("${") or path[-1] in ("existingSecret", "passwordKey", "userKey", "key"), path


def test_every_component_has_a_memory_request_and_limit(tmp_path: Path) -> None:
    result = rendered(tmp_path)
    loki, tempo = result.values["loki.yaml"], result.values["tempo.yaml"]
    for values, names in ((loki, ("write", "read", "backend", "gateway")),
                          (tempo, ("distributor", "liveStore", "blockBuilder", "querier", "queryFrontend",
                                   "backendScheduler", "backendWorker", "metricsGenerator", "memcached"))):
        for name in names:
            memory = values[name]["resources"]
            assert memory["requests"]["memory"] == memory["limits"]["memory"], name
    # The chart's 8192 MB chunks cache (9830Mi rendered) is sized down.
    assert loki["chunksCache"]["allocatedMemory"] <= 1024
    assert result.values["grafana.yaml"]["resources"]["limits"]["memory"]
    assert result.values["prometheus.yaml"]["server"]["resources"]["limits"]["memory"]
    assert all(v["alloy"]["resources"]["limits"]["memory"] for n, v in result.values.items() if n.startswith("alloy"))


def test_loki_is_single_tenant_simple_scalable_on_s3(tmp_path: Path) -> None:
    loki = rendered(tmp_path).values["loki.yaml"]
    assert loki["deploymentMode"] == "SimpleScalable"
    assert loki["loki"]["auth_enabled"] is False  # no X-Scope-OrgID needed by graf's datasource
    assert loki["singleBinary"]["replicas"] == 0 and loki["minio"]["enabled"] is False
    assert {c["object_store"] for c in loki["loki"]["schemaConfig"]["configs"]} == {"s3"}


def test_retention_by_time_and_size(tmp_path: Path) -> None:
    result = rendered(tmp_path)
    server = result.values["prometheus.yaml"]["server"]
    assert (server["retention"], server["retentionSize"]) == ("15d", "2GB")
    # graf.yaml's logs_size and traces_size become times, as on the box (graf.stack.sizing).
    keep = result.values["loki.yaml"]["loki"]["structuredConfig"]["limits_config"]["retention_period"]
    assert keep == f"{int(result.retention.logs_seconds // 3600)}h"
    assert result.values["loki.yaml"]["loki"]["structuredConfig"]["compactor"]["retention_enabled"] is True
    block = result.values["tempo.yaml"]["tempo"]["structuredConfig"]["backend_worker"]["compaction"]["block_retention"]
    assert block == f"{int(result.retention.traces_seconds // 3600)}h"


def test_generator_writes_to_the_metrics_store_with_the_environment(tmp_path: Path) -> None:
    tempo = rendered(tmp_path).values["tempo.yaml"]
    generator = tempo["metricsGenerator"]
    assert generator["enabled"] is True
    [write] = generator["config"]["storage"]["remote_write"]
    assert write["url"] == "http://prometheus-server.monitoring.svc.cluster.local/api/v1/write"
    assert generator["config"]["processor"]["span_metrics"]["dimensions"] == ["environment"]
    assert tempo["ingest"]["kafka"]["address"] == "kafka.kafka.svc.cluster.local:9092"
    assert tempo["liveStore"]["replicas"] == tempo["blockBuilder"]["replicas"] == \
        tempo["ingest"]["kafka"]["auto_create_topic_default_partitions"]


def test_alloy_labels_everything_with_the_environment(tmp_path: Path) -> None:
    result = rendered(tmp_path)
    for env in ("dev", "prod"):
        content = result.values[f"alloy-{env}.yaml"]["alloy"]["configMap"]["content"]
        assert content.count(f'environment = "{env}"') == 2  # logs and metrics
        assert f'value  = "{env}"' in content  # spans
        assert "{{" not in content  # the chart passes it through tpl


def test_datasource_urls_follow_the_charts_naming_rules() -> None:
    readme = reference_path("helm/README.md").read_text(encoding="utf-8")
    urls = charts.endpoints("<ns>")
    assert f"Grafana Loki datasource: `{urls['loki']}`" in readme
    assert f"Grafana Tempo datasource: `{urls['tempo']}`" in readme


def test_alloy_scrapes_annotated_pods_under_the_app_job(tmp_path: Path) -> None:
    content = rendered(tmp_path).values["alloy-prod.yaml"]["alloy"]["configMap"]["content"]
    assert 'job_name   = "spring-boot"' in content  # jobs.app of the example graf.yaml
    assert '"__meta_kubernetes_pod_annotation_prometheus_io_scrape"' in content
