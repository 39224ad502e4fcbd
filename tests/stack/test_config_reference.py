"""Every key graf renders into loki/config.yaml and tempo/tempo.yaml exists in the configuration
reference of the release it runs on (`../shared/reference/config-docs/`; skipped without it).

Loki 3.7.6, Tempo 2.10.8 and Tempo 3.0.3 reject unknown keys (config-docs README, fact 8), so a key
missing from the reference is a config the real binary refuses to start with. The checker itself is
held against the release verifiers' transcript in the same README.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from graf.stack.images import NEWER, PINNED, version
from graf.stack.server import render_server
from graf.stack.sizing import PROFILES
from tests.reference import reference_path
from tests.stack.config_reference import known_keys, unknown_keys
from tests.stack.helpers import project


def _release(image: str) -> str:
    ver = version(image)
    assert ver is not None
    return ".".join(map(str, ver))


LOKI = _release(PINNED["loki"])
TEMPO = _release(PINNED["tempo"])
TEMPO_NEWER = _release(NEWER["tempo"])


def _rendered(tmp_path: Path, profile: str, generator: bool, tempo_image: str | None = None) -> dict[str, Any]:
    def mutate(d: dict[str, Any]) -> None:
        d["stack"]["metrics_generator"] = generator
        if tempo_image:
            d["stack"]["images"] = {"tempo": tempo_image}

    files = render_server(project(tmp_path, mutate), profile).files
    return {"loki": yaml.safe_load(files["loki/config.yaml"]), "tempo": yaml.safe_load(files["tempo/tempo.yaml"])}


VARIANTS = list(itertools.product(sorted(PROFILES), [True, False]))


@pytest.mark.parametrize(("profile", "generator"), VARIANTS)
def test_every_loki_key_is_in_the_pinned_loki_reference(tmp_path: Path, profile: str, generator: bool) -> None:
    loki = _rendered(tmp_path, profile, generator)["loki"]
    assert unknown_keys(loki, known_keys("loki", LOKI)) == []


@pytest.mark.parametrize(("profile", "generator"), VARIANTS)
def test_every_tempo_key_is_in_the_pinned_tempo_reference(tmp_path: Path, profile: str, generator: bool) -> None:
    tempo = _rendered(tmp_path, profile, generator)["tempo"]
    assert "ingester" in tempo  # the 2.x layout
    assert unknown_keys(tempo, known_keys("tempo", TEMPO)) == []


@pytest.mark.parametrize(("profile", "generator"), VARIANTS)
def test_tempo_3_config_uses_only_tempo_3_keys(tmp_path: Path, profile: str, generator: bool) -> None:
    tempo = _rendered(tmp_path, profile, generator, NEWER["tempo"])["tempo"]
    assert unknown_keys(tempo, known_keys("tempo", TEMPO_NEWER)) == []


def _rejected_by_verifier(binary: str, config: str) -> set[str]:
    """Field names a release's verifier rejected in the README transcript (`field X not found in type`)."""
    lines = reference_path("config-docs/README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(f"$ {binary} -config.file={config} "))
    rejected: set[str] = set()
    for line in lines[start + 1:]:
        if line.strip().startswith("$") or line.strip() == "```":
            break
        rejected.update(re.findall(r"field (\w+) not found in type", line))
    return rejected


def test_the_checker_rejects_what_tempo_3_rejected(tmp_path: Path) -> None:
    """graf's Tempo 2 config against the Tempo 3.0.3 reference: exactly the three fields the real 3.0.3
    verifier refused in the config it was given (the same layout graf renders)."""
    tempo2 = _rendered(tmp_path, "small", True)["tempo"]
    found = unknown_keys(tempo2, known_keys("tempo", TEMPO_NEWER))
    assert found == ["ingester", "compactor", "metrics_generator.traces_storage"]
    assert {path.rsplit(".", 1)[-1] for path in found} == _rejected_by_verifier("tempo-3.0.3", "tempo.yaml")
    # From the reference pages alone, without the files the verifiers accepted, the verdict is the same.
    assert unknown_keys(tempo2, known_keys("tempo", TEMPO_NEWER, with_verified=False)) == found


def test_renamed_removed_and_unknown_keys_fail(tmp_path: Path) -> None:
    loki = _rendered(tmp_path, "small", True)["loki"]
    loki["limits_config"]["retention_periods"] = loki["limits_config"].pop("retention_period")  # a typo
    loki["compactor"]["shared_store"] = "filesystem"  # Loki 2.x; removed in 3.0
    loki["unknown_key"] = 1  # what the README's verifier run rejected (fact 8)
    assert unknown_keys(loki, known_keys("loki", LOKI)) == [
        "compactor.shared_store", "limits_config.retention_periods", "unknown_key"]
    tempo = _rendered(tmp_path, "small", True)["tempo"]
    tempo["storage"]["trace"]["wal"]["paths"] = tempo["storage"]["trace"]["wal"].pop("path")
    tempo["overrides"]["defaults"]["ingestion"]["max_traces"] = 1
    assert unknown_keys(tempo, known_keys("tempo", TEMPO)) == [
        "storage.trace.wal.paths", "overrides.defaults.ingestion.max_traces"]


def test_tempo_2_keys_known_only_from_the_verifier_run(tmp_path: Path) -> None:
    """Tempo 2.10.8's pages do not list `stream_over_http_enabled`; its verifier accepted it (README,
    tempo.yaml exit 0). Anything else missing from the pages would show up here."""
    tempo = _rendered(tmp_path, "small", True)["tempo"]
    assert unknown_keys(tempo, known_keys("tempo", TEMPO, with_verified=False)) == ["stream_over_http_enabled"]
