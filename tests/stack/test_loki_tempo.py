"""loki/config.yaml and tempo/tempo.yaml: retention, bounded memory, the ports and receivers that matter."""

from __future__ import annotations

from pathlib import Path

import yaml

from graf.stack.server import render_server
from graf.stack.sizing import MIB, PROFILES
from tests.stack.helpers import project


def _files(tmp_path: Path, profile: str | None = None, mutate=None) -> dict[str, dict]:
    files = render_server(project(tmp_path, mutate), profile).files
    return {"loki": yaml.safe_load(files["loki/config.yaml"]), "tempo": yaml.safe_load(files["tempo/tempo.yaml"])}


def test_loki_retention_by_the_compactor(tmp_path: Path) -> None:
    loki = _files(tmp_path)["loki"]
    assert loki["compactor"]["retention_enabled"] is True
    assert loki["compactor"]["delete_request_store"] == "filesystem"
    assert loki["compactor"]["working_directory"].startswith("/loki/")
    assert loki["limits_config"]["retention_period"] == "168h"
    assert loki["schema_config"]["configs"][0]["index"]["period"] == "24h"  # retention needs it
    assert loki["common"]["path_prefix"] == "/loki" and loki["analytics"]["reporting_enabled"] is False


def test_loki_size_cap_becomes_its_retention(tmp_path: Path) -> None:
    loki = _files(tmp_path, mutate=lambda d: d["stack"]["retention"].update(logs="30d", logs_size="1GB"))["loki"]
    assert loki["limits_config"]["retention_period"] == "96h"  # 1 GiB / (1 GiB/day / 4)


def test_loki_memory_bounded_per_profile(tmp_path: Path) -> None:
    for name, profile in PROFILES.items():
        loki = _files(tmp_path, name)["loki"]
        ceiling = loki["ingester"]["wal"]["replay_memory_ceiling"]
        assert ceiling == f"{int(profile.limits_mib['loki'] * 0.6)}MB"
        caches = [loki["chunk_store_config"]["chunk_cache_config"]["embedded_cache"]["max_size_mb"]]
        caches += [v["cache"]["embedded_cache"]["max_size_mb"] for k, v in loki["query_range"].items()
                   if k.endswith("_cache")]
        assert len(caches) == 7  # chunk, results and the five Loki would copy from results
        assert sum(caches) == profile.loki_cache_total_mb <= profile.limits_mib["loki"] // 4
        assert loki["querier"]["max_concurrent"] == profile.loki_max_concurrent
        assert loki["pattern_ingester"]["enabled"] is False


def test_tempo_ports_receivers_retention(tmp_path: Path) -> None:
    tempo = _files(tmp_path)["tempo"]
    assert tempo["server"]["http_listen_port"] == 3200
    assert tempo["distributor"]["receivers"]["otlp"]["protocols"] == {"grpc": {"endpoint": "0.0.0.0:4317"},
                                                                      "http": {"endpoint": "0.0.0.0:4318"}}
    assert tempo["compactor"]["compaction"]["block_retention"] == "72h"
    assert tempo["storage"]["trace"]["backend"] == "local"
    assert tempo["ingester"]["max_block_bytes"] == PROFILES["small"].tempo_max_block_mb * MIB


def test_tempo_metrics_generator_writes_to_prometheus(tmp_path: Path) -> None:
    tempo = _files(tmp_path)["tempo"]
    remote = tempo["metrics_generator"]["storage"]["remote_write"]
    assert remote == [{"url": "http://prometheus:9090/api/v1/write", "send_exemplars": True}]
    generator = tempo["overrides"]["defaults"]["metrics_generator"]
    assert generator["processors"] == ["service-graphs", "span-metrics"]
    assert generator["max_active_series"] == PROFILES["small"].tempo_max_active_series
    off = _files(tmp_path, mutate=lambda d: d["stack"].update(metrics_generator=False))["tempo"]
    assert "metrics_generator" not in off and "metrics_generator" not in off["overrides"]["defaults"]


def test_tempo_trace_size_cap(tmp_path: Path) -> None:
    tempo = _files(tmp_path, mutate=lambda d: d["stack"]["retention"].update(traces="7d", traces_size="900MB"))
    assert tempo["tempo"]["compactor"]["compaction"]["block_retention"] == "48h"  # 900 MiB at 450 MiB/day


def test_tempo_3_layout_keeps_every_setting(tmp_path: Path) -> None:
    """Tempo 3 rejects `ingester`, `compactor` and `metrics_generator.traces_storage`; their settings move
    to the live-store and the backend worker with the same values (config-docs README, facts 3-4)."""
    tempo2 = _files(tmp_path)["tempo"]
    tempo3 = _files(tmp_path, mutate=lambda d: d["stack"].update(images={"tempo": "grafana/tempo:3.0.3"}))["tempo"]
    assert not {"ingester", "compactor"} & set(tempo3) and "traces_storage" not in tempo3["metrics_generator"]
    assert tempo3["live_store"] == {"max_trace_idle": tempo2["ingester"]["trace_idle_period"],
                                    "max_block_bytes": tempo2["ingester"]["max_block_bytes"],
                                    "max_block_duration": tempo2["ingester"]["max_block_duration"]}
    assert tempo3["backend_worker"] == {"compaction": {"block_retention": "72h"}}  # else Tempo 3 keeps 336h
    unchanged = {k: v for k, v in tempo2.items() if k not in ("ingester", "compactor", "metrics_generator")}
    assert {k: tempo3[k] for k in unchanged} == unchanged
    assert tempo3["metrics_generator"]["storage"] == tempo2["metrics_generator"]["storage"]
