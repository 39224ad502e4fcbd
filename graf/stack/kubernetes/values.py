"""One Helm values dict per chart. Pure: project + settings in, dicts out.

Loki's and Tempo's own settings come from the compose target's builders (graf/stack/loki.py and
tempo.py) and go into the charts' free-form `loki.structuredConfig` / `tempo.structuredConfig`, so
the same limits, retention and caches hold on both targets and the same config-reference test
checks them. What the chart owns (ports, storage, ring, receivers) is set through its own keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graf.config import Environment, Project
from graf.stack.kubernetes import charts, sizing
from graf.stack.kubernetes.storage import ACCESS_KEY, SECRET, SECRET_KEY, ObjectStore
from graf.stack.loki import loki_config
from graf.stack.sizing import EffectiveRetention, Profile, hours, prometheus_duration, prometheus_size
from graf.stack.tempo import tempo_config

EXPAND_ENV = "-config.expand-env=true"
ADMIN_SECRET = "grafana-admin"
# Loki sections graf's builder writes for the single binary that the chart owns in simple-scalable mode.
_LOKI_CHART_OWNED = ("auth_enabled", "server", "common", "schema_config", "query_range", "chunk_store_config")
# Tempo sections the chart writes from its own keys (ports, receivers, storage, generator, reporting).
_TEMPO_CHART_OWNED = ("server", "distributor", "storage", "metrics_generator", "usage_report",
                      "stream_over_http_enabled")


@dataclass(frozen=True)
class Settings:
    namespace: str
    store: ObjectStore
    kafka: str  # Tempo 3's ingest queue (host:port), not bundled by the chart
    grafana_host: str  # the one ingress
    series: int  # expected active series: sizes Prometheus


def _secret_env() -> dict[str, Any]:
    return {"extraArgs": [EXPAND_ENV], "extraEnvFrom": [{"secretRef": {"name": SECRET}}]}


def loki_values(profile: Profile, retention: EffectiveRetention, s: Settings) -> dict[str, Any]:
    built = loki_config(profile, retention)
    structured = {k: v for k, v in built.items() if k not in _LOKI_CHART_OWNED}
    structured["compactor"] = {k: v for k, v in built["compactor"].items() if k != "working_directory"}
    structured["compactor"]["delete_request_store"] = "s3"
    write = sizing.SIZES["loki"]["write"].mib
    structured["ingester"] = {"wal": {"replay_memory_ceiling": f"{int(write * 0.6)}MB"}}
    store = s.store
    sizes = sizing.SIZES["loki"]

    def target(name: str) -> dict[str, Any]:
        return {"replicas": 3, "resources": sizing.resources(sizes[name].mib), **_secret_env()}

    return {
        "deploymentMode": "SimpleScalable",
        "loki": {
            "image": {"tag": charts.LOKI.image_tag},
            "auth_enabled": False,  # one tenant, as on the box; the chart's default needs X-Scope-OrgID everywhere
            "schemaConfig": {"configs": [{"from": "2024-01-01", "store": "tsdb", "object_store": "s3",
                                          "schema": "v13", "index": {"prefix": "index_", "period": "24h"}}]},
            "storage": {
                "type": "s3",
                # Commented out in the chart's values.yaml ("Please provide these values if you are using
                # object storage"); the admin bucket is for Grafana Enterprise Logs only.
                "bucketNames": {"chunks": store.buckets["loki_chunks"], "ruler": store.buckets["loki_ruler"]},
                "s3": {"endpoint": store.endpoint, "region": store.region, "accessKeyId": f"${{{ACCESS_KEY}}}",
                       "secretAccessKey": f"${{{SECRET_KEY}}}", "s3ForcePathStyle": store.path_style,
                       "insecure": store.insecure},
            },
            "structuredConfig": structured,
        },
        "write": {**target("write"), "persistence": {"size": "10Gi"}},
        "read": target("read"),
        "backend": {**target("backend"), "persistence": {"size": "10Gi"}},
        "singleBinary": {"replicas": 0},
        "gateway": {"enabled": True, "resources": sizing.resources(sizes["gateway"].mib),
                    "service": {"type": "ClusterIP"}},
        "chunksCache": {"enabled": True, "allocatedMemory": sizes["chunksCache"].mib},
        "resultsCache": {"enabled": True, "allocatedMemory": sizes["resultsCache"].mib},
        "minio": {"enabled": False},
        "lokiCanary": {"enabled": False},  # a DaemonSet pushing test lines into the team's logs
        "test": {"enabled": False},  # needs the canary
    }


def tempo_values(project: Project, profile: Profile, retention: EffectiveRetention, s: Settings) -> dict[str, Any]:
    built = tempo_config(profile, retention, metrics_generator=True, major=3)
    store = s.store
    sizes = sizing.SIZES["tempo"]
    partitions = 3

    def component(name: str, replicas: int | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"resources": sizing.resources(sizes[name].mib), **_secret_env()}
        if replicas is not None:
            out["replicas"] = replicas
        return out

    generator = {k: v for k, v in built["metrics_generator"].items() if k != "storage"}
    generator["storage"] = {"remote_write": [{"url": charts.endpoints(s.namespace)["prometheus_write"],
                                              "send_exemplars": True}]}
    # Span metrics and service graphs carry the environment Alloy stamps on every span.
    label = project.labels.environment
    generator["processor"] = {"span_metrics": {"dimensions": [label]}, "service_graphs": {"dimensions": [label]}}
    return {
        "tempo": {"image": {"tag": charts.TEMPO.image_tag},
                  "structuredConfig": {k: v for k, v in built.items() if k not in _TEMPO_CHART_OWNED}},
        "reportingEnabled": False,
        "ingest": {"kafka": {"address": s.kafka, "auto_create_topic_default_partitions": partitions}},
        "storage": {"trace": {"backend": "s3", "s3": {
            "bucket": store.buckets["tempo"], "endpoint": store.endpoint, "region": store.region,
            "access_key": f"${{{ACCESS_KEY}}}", "secret_key": f"${{{SECRET_KEY}}}",
            "insecure": store.insecure, "forcepathstyle": store.path_style}}},
        "traces": {"otlp": {"grpc": {"enabled": True}, "http": {"enabled": True}}},
        "distributor": component("distributor", 2),
        "liveStore": component("liveStore", partitions),  # one per Kafka partition (helm README)
        "blockBuilder": component("blockBuilder", partitions),
        "querier": component("querier", 2),
        "queryFrontend": component("queryFrontend", 1),
        "backendScheduler": component("backendScheduler"),
        "backendWorker": component("backendWorker", 1),
        "metricsGenerator": {**component("metricsGenerator", 1), "enabled": True, "config": generator},
        "memcached": {"resources": sizing.resources(sizes["memcached"].mib)},
        "gateway": {"enabled": False},
    }


def prometheus_values(retention: EffectiveRetention, s: Settings) -> dict[str, Any]:
    """prometheus-community/prometheus: one server with the remote-write receiver (Tempo's generator and
    Alloy write to it); no Alertmanager (Grafana alerts), no bundled exporters (Alloy runs on the nodes)."""
    return {
        "server": {
            "image": {"tag": charts.PROMETHEUS.image_tag},
            "retention": prometheus_duration(retention.metrics_seconds),
            "retentionSize": prometheus_size(retention.metrics_bytes),
            "extraFlags": ["web.enable-lifecycle", "web.enable-remote-write-receiver",
                           "enable-feature=exemplar-storage"],
            "resources": sizing.resources(sizing.prometheus_mib(s.series)),
            "persistentVolume": {"size": f"{max(8, -(-retention.metrics_bytes * 5 // 4 // 1024**3))}Gi"},
            "service": {"type": "ClusterIP"},
        },
        "alertmanager": {"enabled": False},
        "kube-state-metrics": {"enabled": False},
        "prometheus-node-exporter": {"enabled": False},
        "prometheus-pushgateway": {"enabled": False},
    }


def grafana_values(s: Settings) -> dict[str, Any]:
    """Grafana: the only thing with an ingress. Datasources and dashboards come from `graf sync`, not from
    provisioning (provisioned ones are read-only, and graf would report them instead of managing them)."""
    return {
        "image": {"tag": charts.GRAFANA_CHART.image_tag},
        "admin": {"existingSecret": ADMIN_SECRET, "userKey": "admin-user", "passwordKey": "admin-password"},
        "resources": sizing.resources(sizing.SIZES["grafana"]["grafana"].mib),
        "persistence": {"enabled": True, "size": "2Gi"},
        "service": {"type": "ClusterIP"},
        "ingress": {"enabled": True, "hosts": [s.grafana_host], "path": "/", "pathType": "Prefix"},
        "grafana.ini": {"analytics": {"check_for_updates": False}},
        # The same settings as the compose target's, as Grafana environment variables (`env` is an open map).
        "env": {"GF_SERVER_ROOT_URL": f"https://{s.grafana_host}/", "GF_USERS_ALLOW_SIGN_UP": "false",
                "GF_AUTH_ANONYMOUS_ENABLED": "false", "GF_ANALYTICS_REPORTING_ENABLED": "false"},
    }


def alloy_config(project: Project, env: Environment, s: Settings) -> str:
    """Alloy for the environment's cluster (one replica reading pods through the API): pod logs to Loki,
    OTLP to Tempo, pod metrics to Prometheus, each with the environment's label (the one dashboards and
    alert rules filter on)."""
    urls = charts.endpoints(s.namespace)
    label = project.labels.environment
    value = env.label
    return f"""// Written by graf for environment {env.name}; do not edit (graf stack render --target kubernetes).
discovery.kubernetes "pods" {{
  role = "pod"
}}

discovery.relabel "pods" {{
  targets = discovery.kubernetes.pods.targets
  rule {{
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }}
  rule {{
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    target_label  = "{project.labels.application}"
  }}
}}

loki.source.kubernetes "pods" {{
  targets    = discovery.relabel.pods.output
  forward_to = [loki.write.default.receiver]
}}

loki.write "default" {{
  endpoint {{
    url = "{urls['loki_push']}"
  }}
  external_labels = {{ {label} = "{value}" }}
}}

// Metrics from pods that ask for it (prometheus.io/scrape, prometheus.io/path), under the app job's name
// so graf's dashboards and alert rules find them as they do on the box.
discovery.relabel "metrics" {{
  targets = discovery.relabel.pods.output
  rule {{
    source_labels = ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"]
    action        = "keep"
    regex         = "true"
  }}
  rule {{
    source_labels = ["__meta_kubernetes_pod_annotation_prometheus_io_path"]
    target_label  = "__metrics_path__"
    regex         = "(.+)"
  }}
}}

prometheus.scrape "pods" {{
  targets    = discovery.relabel.metrics.output
  job_name   = "{project.jobs.app}"
  forward_to = [prometheus.remote_write.default.receiver]
}}

prometheus.remote_write "default" {{
  endpoint {{
    url = "{urls['prometheus_write']}"
  }}
  external_labels = {{ {label} = "{value}" }}
}}

otelcol.receiver.otlp "default" {{
  grpc {{ }}
  http {{ }}
  output {{
    traces = [otelcol.processor.attributes.environment.input]
  }}
}}

otelcol.processor.attributes "environment" {{
  action {{
    key    = "{label}"
    value  = "{value}"
    action = "upsert"
  }}
  output {{
    traces = [otelcol.exporter.otlp.tempo.input]
  }}
}}

otelcol.exporter.otlp "tempo" {{
  client {{
    endpoint = "{urls['otlp_grpc']}"
    tls {{
      insecure = true
    }}
  }}
}}
"""


def alloy_values(project: Project, env: Environment, s: Settings) -> dict[str, Any]:
    return {
        "image": {"tag": charts.ALLOY.image_tag},
        "controller": {"type": "deployment", "replicas": 1},
        "alloy": {
            "configMap": {"create": True, "content": alloy_config(project, env, s)},
            "resources": sizing.resources(sizing.SIZES["alloy"]["alloy"].mib),
            "enableReporting": False,
            # OTLP from the apps; ClusterIP only, reached in-cluster.
            "extraPorts": [{"name": "otlp-grpc", "port": 4317, "targetPort": 4317, "protocol": "TCP"},
                           {"name": "otlp-http", "port": 4318, "targetPort": 4318, "protocol": "TCP"}],
        },
        "service": {"type": "ClusterIP"},
    }


def retention_note(retention: EffectiveRetention) -> str:
    return (f"metrics {prometheus_duration(retention.metrics_seconds)} or {prometheus_size(retention.metrics_bytes)}, "
            f"logs {hours(retention.logs_seconds)}, traces {hours(retention.traces_seconds)}")
