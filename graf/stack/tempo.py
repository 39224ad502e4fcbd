"""tempo/tempo.yaml: Tempo single binary, OTLP in, local blocks, span metrics out to Prometheus.

Two traps of the original setup are closed here: the HTTP port is 3200, explicitly (Tempo <= 2.7
defaults to 80, and the setup ran 3100 inside while publishing 3200), and the OTLP receivers
listen on 0.0.0.0 (since 2.7 they default to localhost, unreachable from outside the container).

Two layouts: Tempo 2.x (the pinned 2.10; also 2.7-2.9) and Tempo 3.x, which rejects the
`ingester` and `compactor` sections and `metrics_generator.traces_storage` (config-docs README,
facts 3-4). `TEMPO3_MOVES` says where each setting graf renders went; the 3.x config is the 2.x
one with those moves applied, so both say the same thing and `graf stack upgrade-check` can name
every change.
"""

from __future__ import annotations

from typing import Any

from graf.stack._yaml import GENERATED, dump
from graf.stack.sizing import MIB, EffectiveRetention, Profile, hours

HTTP_PORT = 3200
DATA = "/var/tempo"

Path = tuple[str, ...]
# Tempo 2.x key -> its Tempo 3.0 counterpart (verified on Tempo 3.0.3: config-docs README, fact 4).
TEMPO3_MOVES: dict[Path, Path] = {
    ("ingester", "trace_idle_period"): ("live_store", "max_trace_idle"),
    ("ingester", "max_block_bytes"): ("live_store", "max_block_bytes"),
    ("ingester", "max_block_duration"): ("live_store", "max_block_duration"),
    ("compactor", "compaction", "block_retention"): ("backend_worker", "compaction", "block_retention"),
}
# Tempo 2.x sections Tempo 3 has no place for, and why graf drops them rather than moves them.
TEMPO3_DROPS: dict[Path, str] = {
    ("ingester", "lifecycler"): "Tempo 3 has no ingester; the verified Tempo 3 config runs on the live-store "
                                "ring's defaults",
    ("metrics_generator", "traces_storage"): "Tempo 3 removed it (graf does not enable the local-blocks processor)",
}


def tempo_config(profile: Profile, retention: EffectiveRetention, *, metrics_generator: bool,
                 major: int = 2) -> dict[str, Any]:
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
    return to_tempo3(config) if major >= 3 else config


def to_tempo3(config: dict[str, Any]) -> dict[str, Any]:
    """The Tempo 3 form of a Tempo 2 config: settings moved (`TEMPO3_MOVES`), the rest of the removed
    sections dropped (`TEMPO3_DROPS`); a section left empty goes too."""
    out = _copy(config)
    for old, new in TEMPO3_MOVES.items():
        value = _pop(out, old)
        if value is not None:
            _put(out, new, value)
    for old in TEMPO3_DROPS:
        _pop(out, old)
    return out


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _pop(config: dict[str, Any], path: Path) -> Any:
    """Remove `path` and return its value (None when absent); parents left empty are removed too."""
    parent = config
    for key in path[:-1]:
        child = parent.get(key)
        if not isinstance(child, dict):
            return None
        parent = child
    value = parent.pop(path[-1], None)
    if len(path) > 1 and not parent:
        _pop(config, path[:-1])
    return value


def _put(config: dict[str, Any], path: Path, value: Any) -> None:
    for key in path[:-1]:
        config = config.setdefault(key, {})
    config[path[-1]] = value


def tempo_yaml(profile: Profile, retention: EffectiveRetention, *, metrics_generator: bool, major: int = 2) -> str:
    return dump(tempo_config(profile, retention, metrics_generator=metrics_generator, major=major), GENERATED)
