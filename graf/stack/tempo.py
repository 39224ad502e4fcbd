"""tempo/tempo.yaml: Tempo 2.7 single binary, OTLP in, local blocks, span metrics out to Prometheus.

Two traps of the original setup are closed here: the HTTP port is 3200, explicitly (Tempo <= 2.7
defaults to 80, and the setup ran 3100 inside while publishing 3200), and the OTLP receivers
listen on 0.0.0.0 (since 2.7 they default to localhost, unreachable from outside the container).
"""

from __future__ import annotations

from typing import Any

from graf.stack._yaml import GENERATED, dump
from graf.stack.sizing import MIB, EffectiveRetention, Profile, hours

HTTP_PORT = 3200
DATA = "/var/tempo"


def tempo_config(profile: Profile, retention: EffectiveRetention, *, metrics_generator: bool) -> dict[str, Any]:
    config: dict[str, Any] = {
        "stream_over_http_enabled": True,
        "server": {"http_listen_port": HTTP_PORT, "grpc_listen_port": 9095, "log_level": "info"},
        "distributor": {"receivers": {"otlp": {"protocols": {"grpc": {"endpoint": "0.0.0.0:4317"},
                                                             "http": {"endpoint": "0.0.0.0:4318"}}}}},
        "ingester": {
            "trace_idle_period": "10s",
            "max_block_bytes": profile.tempo_max_block_mb * MIB,
            "max_block_duration": "5m",
            "lifecycler": {"ring": {"kvstore": {"store": "inmemory"}, "replication_factor": 1}},
        },
        "compactor": {"compaction": {"block_retention": hours(retention.traces_seconds)}},
        "querier": {"max_concurrent_queries": profile.tempo_querier_concurrency},
        "query_frontend": {"max_outstanding_per_tenant": 200,
                           "search": {"concurrent_jobs": profile.tempo_search_jobs},
                           "metrics": {"concurrent_jobs": profile.tempo_search_jobs}},
        "storage": {"trace": {"backend": "local", "wal": {"path": f"{DATA}/wal"},
                              "local": {"path": f"{DATA}/blocks"},
                              "pool": {"max_workers": 10, "queue_depth": 1000}}},
        "overrides": {"defaults": {
            "ingestion": {"rate_limit_bytes": profile.tempo_rate_limit_mb * MIB,
                          "burst_size_bytes": profile.tempo_rate_limit_mb * 2 * MIB,
                          "max_traces_per_user": profile.tempo_max_live_traces},
            "global": {"max_bytes_per_trace": 5 * 1000 * 1000},
        }},
        "usage_report": {"reporting_enabled": False},
    }
    if metrics_generator:
        config["metrics_generator"] = {
            "registry": {"external_labels": {"source": "tempo"}},
            "storage": {"path": f"{DATA}/generator/wal",
                        "remote_write": [{"url": "http://prometheus:9090/api/v1/write", "send_exemplars": True}]},
            "traces_storage": {"path": f"{DATA}/generator/traces"},
        }
        config["overrides"]["defaults"]["metrics_generator"] = {
            "processors": ["service-graphs", "span-metrics"],
            "max_active_series": profile.tempo_max_active_series,
        }
    return config


def tempo_yaml(profile: Profile, retention: EffectiveRetention, *, metrics_generator: bool) -> str:
    return dump(tempo_config(profile, retention, metrics_generator=metrics_generator), GENERATED)
