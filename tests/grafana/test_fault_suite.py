"""The fault suite (issue 12): `graf sync` of the example project against the test server while it injects
faults (503 before, dropped connections, 500 after a write landed, slow answers, redirects), seed by seed.

Invariants after every run: no traceback; no duplicate resource; no false UI conflict (graf's own writes,
landed or not, are never "edited in Grafana"); every run writes all it could read; and each seed converges
within MAX_RUNS runs, after which a
clean run (no faults) writes nothing. `make test` runs SEEDS seeds at RATE; GRAF_FAULT_SEEDS and
GRAF_FAULT_RATES (comma-separated) run more, and GRAF_FAULT_REPORT=1 prints the figures.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from graf.config import load_project
from graf.target import Target
from tests.conftest import EXAMPLE
from tests.grafana.faults import Chaos, graf_cli
from tests.grafana_server import GrafanaServer

SEEDS = int(os.environ.get("GRAF_FAULT_SEEDS", "6"))
RATES = [float(r) for r in os.environ.get("GRAF_FAULT_RATES", "0.2,0.4").split(",")]
# At 40% about half the runs meet a read that fails all four attempts (one resource left unread), so a
# streak of such runs is possible: 12 keeps the suite from flaking while bounding convergence.
MAX_RUNS = 12
SHOW = bool(os.environ.get("GRAF_FAULT_REPORT"))  # read at import: tests run with GRAF_* variables cleared


def desired(config: Path, env: str) -> list:
    project = load_project(config)
    return Target(project, project.environment(env)).desired()


def assert_no_duplicates(server: GrafanaServer, wanted: list) -> None:
    uids = Counter(r.kind for r in wanted)
    assert set(server.state.dashboards) <= {r.uid for r in wanted if r.kind == "dashboard"}
    names = [d.fields["name"] for d in server.state.datasources.values()]
    assert len(names) == len(set(names)) and len(names) <= uids["datasource"]
    assert set(server.state.rules) <= {r.uid for r in wanted if r.kind == "alert-rule"}
    points = [p["name"] for p in server.state.contact_points.values()]
    assert len(points) == len(set(points)) <= uids["contact-point"]
    assert len(server.state.folders) <= uids["folder"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("faults")
    shutil.copy(EXAMPLE, root / "graf.yaml")
    return root / "graf.yaml"


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("seed", range(SEEDS))
def test_sync_under_faults_converges_without_tracebacks_duplicates_or_false_conflicts(
        project: Path, seed: int, rate: float, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graf.grafana.client.BACKOFF", 0.01)
    wanted = desired(project, "dev")
    with GrafanaServer() as server:
        monkeypatch.setenv("GRAFANA_URL", server.url)
        monkeypatch.setenv("GRAFANA_TOKEN", server.token)
        monkeypatch.setenv("ALERT_WEBHOOK_URL", "https://hooks.example.com/T0")
        chaos = Chaos(seed, rate)
        server.chaos = chaos
        runs = 0
        while True:
            runs += 1
            run = graf_cli("--config", str(project), "sync", "--env", "dev")
            assert not run.crash, run.crash
            assert "Traceback" not in run.err
            assert run.code in (0, 1), run.out + run.err
            assert "edited in Grafana" not in run.out + run.err and "since graf planned" not in run.out + run.err
            assert "someone else" not in run.out + run.err
            for line in run.err.splitlines():
                assert len(line) < 400
            assert_no_duplicates(server, wanted)
            if SHOW:
                print(f"  seed {seed} rate {rate:.0%} run {runs}: {(run.out.splitlines() or [''])[-1]} "
                      f"{run.err.strip()[:300]}")
            if run.code == 0:
                break
            assert runs < MAX_RUNS, f"seed {seed} at {rate:.0%} did not converge in {MAX_RUNS} runs: {run.err}"
        chaos.enabled = False
        server.reset_counts()
        clean = graf_cli("--config", str(project), "sync", "--env", "dev")
        assert clean.code == 0 and server.writes() == {}, clean.out + clean.err
        assert "0 applied" in clean.out
        assert set(server.state.dashboards) == {r.uid for r in wanted if r.kind == "dashboard"}
        assert set(server.state.rules) == {r.uid for r in wanted if r.kind == "alert-rule"}
    line = (f"seed {seed} rate {rate:.0%}: converged in {runs} run(s); {chaos.requests} requests, "
            f"faults {dict(sorted(chaos.injected.items()))}")
    if SHOW:
        print(line)
