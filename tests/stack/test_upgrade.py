"""`graf stack upgrade-check`: what graf renders differently for newer images, held against the references."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from graf.stack.images import NEWER, PINNED
from graf.stack.tempo import TEMPO3_MOVES
from graf.stack.upgrade import parse_targets, report_lines, upgrade_check
from tests.stack.config_reference import known_keys, unknown_keys
from tests.stack.helpers import project


def _graf(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graf", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env=dict(os.environ))


def _nested(path: str) -> dict:
    out: dict = {}
    node = out
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = 1
    return out


def test_pinned_tempo_to_tempo_3(tmp_path: Path) -> None:
    report = upgrade_check(project(tmp_path), parse_targets(None))
    assert report.images == (("tempo", PINNED["tempo"], NEWER["tempo"]),)
    tempo = [c for c in report.changes if c.file == "tempo/tempo.yaml"]
    moved = {(c.path, c.moved_to) for c in tempo if c.kind == "moved"}
    assert moved == {(".".join(a), ".".join(b)) for a, b in TEMPO3_MOVES.items()}
    assert all(c.old == c.new for c in tempo if c.kind == "moved")  # same settings, new place
    assert {c.path for c in tempo if c.kind == "removed"} == {"ingester.lifecycler", "metrics_generator.traces_storage"}
    assert not [c for c in tempo if c.kind in ("added", "changed")]
    compose = {(c.kind, c.path) for c in report.changes if c.file == "docker-compose.yml"}
    assert compose == {("changed", "services.tempo.image"), ("removed", "services.tempo.healthcheck"),
                       ("changed", "services.grafana.depends_on.tempo.condition")}
    assert not [c for c in report.changes if c.file in ("loki/config.yaml", "prometheus/prometheus.yml")]
    assert any("finish_on_shutdown_timeout" in note for note in report.notes)


def test_every_change_agrees_with_both_references(tmp_path: Path) -> None:
    """What upgrade-check says leaves is unknown to Tempo 3.0.3's reference and known to 2.10.8's; where it
    says a setting arrives is known to 3.0.3's. The command says nothing the references contradict."""
    report = upgrade_check(project(tmp_path), parse_targets(None))
    old, new = known_keys("tempo", "2.10.8"), known_keys("tempo", "3.0.3")
    for change in (c for c in report.changes if c.file == "tempo/tempo.yaml"):
        assert unknown_keys(_nested(change.path), old) == [], change
        assert unknown_keys(_nested(change.path), new) != [], change
        if change.kind == "moved":
            assert unknown_keys(_nested(change.moved_to), new) == [], change


def test_back_from_tempo_3_and_nothing_to_compare(tmp_path: Path) -> None:
    on_3 = project(tmp_path, lambda d: d["stack"].update(images={"tempo": NEWER["tempo"]}))
    back = upgrade_check(on_3, {"tempo": PINNED["tempo"]})
    assert {(c.path, c.moved_to) for c in back.changes if c.kind == "moved"} == {
        (".".join(b), ".".join(a)) for a, b in TEMPO3_MOVES.items()}
    same = upgrade_check(on_3, parse_targets(None))
    assert same.changes == () and report_lines(same) == [
        "the images in use are the newest graf renders for: nothing to compare"]


def test_command_exit_codes_and_one_line_errors(tmp_path: Path) -> None:
    from tests.stack.helpers import write_project

    write_project(tmp_path)
    changed = _graf("stack", "upgrade-check", cwd=tmp_path)
    assert changed.returncode == 3
    assert changed.stdout.splitlines()[0] == f"tempo: {PINNED['tempo']} -> {NEWER['tempo']}"
    assert ("  moved    tempo/tempo.yaml: compactor.compaction.block_retention -> "
            "backend_worker.compaction.block_retention (72h)") in changed.stdout
    same = _graf("stack", "upgrade-check", "--to", f"tempo={PINNED['tempo']}", cwd=tmp_path)
    assert same.returncode == 0
    for args, expected in (
            (("--to", "nonsense"), "error: --to: 'nonsense' is not SERVICE=IMAGE"),
            (("--to", "mimir=grafana/mimir:2.0.0"), "error: --to mimir: unknown service"),
            (("--to", "tempo=grafana/tempo:latest"), "error: --to tempo: 'grafana/tempo:latest' is not pinned")):
        bad = _graf("stack", "upgrade-check", *args, cwd=tmp_path)
        assert bad.returncode == 2 and bad.stdout == ""
        assert len(bad.stderr.splitlines()) == 1 and bad.stderr.startswith(expected), bad.stderr
