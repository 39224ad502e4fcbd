"""loki/config.yaml: Loki 3.4 single binary on the filesystem, bounded memory, retention by the compactor.

Loki's hidden memory default: every cache not configured gets an embedded 100MB cache, and five
query caches copy the results cache (`applyEmbeddedCacheConfig`, stack research 1.1). All seven
are sized here from the profile, and the WAL replay ceiling (default 4GB) sits at 60% of the
container limit so a restart after an OOM does not OOM again.
"""

from __future__ import annotations

from typing import Any

from graf.stack._yaml import GENERATED, dump
from graf.stack.sizing import EffectiveRetention, Profile, hours

DATA = "/loki"
_COPIED_CACHES = ("index_stats_results_cache", "volume_results_cache", "series_results_cache",
                  "label_results_cache", "instant_metric_results_cache")


def _cache(size_mb: int) -> dict[str, Any]:
    return {"cache": {"embedded_cache": {"enabled": True, "max_size_mb": size_mb}}}


def loki_config(profile: Profile, retention: EffectiveRetention) -> dict[str, Any]:
    keep = hours(retention.logs_seconds)
    return {
        "auth_enabled": False,  # one tenant; Loki has no authentication of its own (stack research 9.5)
        "server": {"http_listen_port": 3100, "grpc_listen_port": 9096, "log_level": "info"},
        "common": {
            "instance_addr": "127.0.0.1",
            "path_prefix": DATA,
            "storage": {"filesystem": {"chunks_directory": f"{DATA}/chunks", "rules_directory": f"{DATA}/rules"}},
            "replication_factor": 1,
            "ring": {"kvstore": {"store": "inmemory"}},
        },
        "schema_config": {"configs": [{"from": "2024-01-01", "store": "tsdb", "object_store": "filesystem",
                                       "schema": "v13", "index": {"prefix": "index_", "period": "24h"}}]},
        "ingester": {"wal": {"enabled": True, "dir": f"{DATA}/wal",
                             "replay_memory_ceiling": f"{profile.loki_replay_ceiling_mb}MB"}},
        "compactor": {
            "working_directory": f"{DATA}/compactor",
            "compaction_interval": "10m",
            "retention_enabled": True,
            "retention_delete_delay": "2h",
            "retention_delete_worker_count": 10,
            "delete_request_store": "filesystem",
        },
        "limits_config": {
            "retention_period": keep,
            "max_query_length": hours(retention.logs_seconds + 3600),  # a query over the whole retention fits
            "ingestion_rate_mb": profile.loki_ingestion_mb,
            "ingestion_burst_size_mb": profile.loki_ingestion_mb * 2,
            "per_stream_rate_limit": "1MB",
            "per_stream_rate_limit_burst": "5MB",
            "max_global_streams_per_user": profile.loki_max_streams,
            "max_label_names_per_series": 15,
            "max_line_size": "256KB",
            "max_line_size_truncate": True,
            "reject_old_samples": True,
            "reject_old_samples_max_age": "168h",
            "max_query_series": 500,
            "max_entries_limit_per_query": 5000,
            "max_query_parallelism": profile.loki_query_parallelism,
            "tsdb_max_query_parallelism": profile.loki_query_parallelism * 4,
            "split_queries_by_interval": "1h",
            "query_timeout": "1m",
            "max_concurrent_tail_requests": 5,
            "allow_structured_metadata": True,
            "volume_enabled": True,
        },
        "querier": {"max_concurrent": profile.loki_max_concurrent},
        "frontend": {"max_outstanding_per_tenant": 256, "encoding": "protobuf"},
        "query_range": {
            "cache_results": True,
            "results_cache": _cache(profile.loki_results_cache_mb),
            **{name: _cache(profile.loki_small_cache_mb) for name in _COPIED_CACHES},
        },
        "chunk_store_config": {"chunk_cache_config": {"embedded_cache": {"enabled": True,
                                                                         "max_size_mb": profile.loki_chunk_cache_mb}}},
        "pattern_ingester": {"enabled": False},
        "analytics": {"reporting_enabled": False},
    }


def loki_yaml(profile: Profile, retention: EffectiveRetention) -> str:
    return dump(loki_config(profile, retention), GENERATED)
