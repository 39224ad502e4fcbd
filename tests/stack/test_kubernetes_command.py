"""`graf stack render --target kubernetes` and `graf stack plan-capacity` at the command line, and the
datasources snippet: a graf.yaml using it builds (so sync and check run unchanged against the cluster)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from graf import cli as cli_module
from graf._render import render
from graf.stack.kubernetes.capacity import Expected, choice, disk_gb, fits, profile_capacity
from graf.stack.sizing import PROFILES, effective_retention
from tests.stack.helpers import project, write_project

HOST = "grafana.shop.example"


def _invoke(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli_module.cli, ["--config", str(config), *args])


def test_render_kubernetes_writes_values_install_script_and_snippet(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    out = tmp_path / "k8s"
    result = _invoke(config, "stack", "render", "--target", "kubernetes", "--grafana-host", HOST,
                     "--s3-endpoint", "http://minio.storage:9000", "--s3-path-style", "--out", str(out))
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"loki.yaml", "tempo.yaml", "prometheus.yaml", "grafana.yaml", "alloy-dev.yaml", "alloy-prod.yaml",
            "install.sh", "SIZING.md", "graf-datasources.yaml"} <= names
    loki = yaml.safe_load((out / "loki.yaml").read_text())
    assert loki["loki"]["storage"]["s3"]["endpoint"] == "minio.storage:9000"
    assert loki["loki"]["storage"]["s3"]["insecure"] is True and loki["loki"]["storage"]["s3"]["s3ForcePathStyle"]
    assert "install.sh" in result.output


@pytest.mark.skipif(shutil.which("sh") is None, reason="no sh")
def test_install_script_is_valid_shell_and_stops_without_credentials(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    out = tmp_path / "k8s"
    assert _invoke(config, "stack", "render", "--target", "kubernetes", "--grafana-host", HOST,
                   "--out", str(out)).exit_code == 0
    script = out / "install.sh"
    sh = shutil.which("sh")
    assert sh is not None
    assert subprocess.run([sh, "-n", str(script)], capture_output=True, timeout=30).returncode == 0
    # Without the variables it stops before any helm or kubectl call (PATH holds neither).
    ran = subprocess.run([sh, str(script)], capture_output=True, text=True, timeout=30,
                         env={"PATH": "/nonexistent"})
    assert ran.returncode != 0 and "S3_ACCESS_KEY_ID" in ran.stderr


@pytest.mark.parametrize(("args", "field"), [
    ((), "--grafana-host"),  # the example's grafana.url is an IP address: no ingress host
    (("--grafana-host", HOST, "--s3-endpoint", "ftp://store"), "--s3-endpoint"),
    (("--grafana-host", HOST, "--bucket-prefix", "Shop_Logs"), "--bucket-prefix"),
])
def test_bad_kubernetes_settings_are_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...], field: str) -> None:
    config = write_project(tmp_path)
    result = subprocess.run([sys.executable, "-m", "graf", "--config", str(config), "stack", "render", "--target",
                             "kubernetes", "--out", str(tmp_path / "k8s"), *args],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert field in line and "Traceback" not in result.stderr
    assert not (tmp_path / "k8s").exists()


def test_datasources_snippet_builds_for_an_environment(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    out = tmp_path / "k8s"
    assert _invoke(config, "stack", "render", "--target", "kubernetes", "--grafana-host", HOST,
                   "--namespace", "obs", "--out", str(out)).exit_code == 0
    snippet = yaml.safe_load((out / "graf-datasources.yaml").read_text())

    def on_kubernetes(data: dict[str, Any]) -> None:
        data["environments"]["prod"]["datasources"] = snippet["datasources"]

    (tmp_path / "p").mkdir()
    moved = project(tmp_path / "p", on_kubernetes)
    urls = {name: ds.url for name, ds in moved.environment("prod").datasources.items()}
    assert urls == {"prometheus": "http://prometheus-server.obs.svc.cluster.local",
                    "loki": "http://loki-gateway.obs.svc.cluster.local",
                    "tempo": "http://tempo-query-frontend.obs.svc.cluster.local:3200"}
    # The datasources graf sync would push to prod's Grafana (graf check queries through them).
    pushed = {r.body["type"]: r.body["url"] for r in render(moved, moved.environment("prod"))
              if r.kind == "datasource"}
    assert pushed == {"prometheus": urls["prometheus"], "loki": urls["loki"], "tempo": urls["tempo"]}


def test_profile_capacity_follows_the_budget_rule() -> None:
    series, logs, spans = profile_capacity(PROFILES["small"])
    # stack.md 3.2: (384M / 2 - 50 MB) / 4 KB per series; the measured 1 GB/day and 80 spans/s points.
    assert series == (384 // 2 - 50) * 1024 // 4
    assert (logs, spans) == (1.0, 80.0)
    assert profile_capacity(PROFILES["large"])[1:] == (4.0, 320.0)


def test_capacity_picks_the_smallest_target_that_fits() -> None:
    assert choice(Expected(10_000, 1.0, 78)) == "small"  # stack.md 7's assumed scale
    assert choice(Expected(60_000, 1.0, 78)) == "medium"
    assert choice(Expected(10_000, 3.0, 78)) == "large"
    assert choice(Expected(10_000, 1.0, 1_000)) == "kubernetes"
    assert choice(Expected(1_000_000, 50.0, 5_000)) == "kubernetes"
    over = {f.target: f.over for f in fits(Expected(200_000, 1.0, 10))}
    assert over == {"small": ("series",), "medium": ("series",), "large": ("series",)}


def test_disk_for_the_retention(tmp_path: Path) -> None:
    retention = effective_retention(project(tmp_path).stack)
    disk = disk_gb(Expected(10_000, 1.0, 80), retention)
    # 10k series / 15 s * 2 B * 15 days; 1 GB/day / 4 for the logs' days; 0.45 GB/day for the traces' days
    assert disk["metrics"] == pytest.approx(10_000 / 15 * 86400 * 2 * 15 / 1024**3)
    assert disk["logs"] == pytest.approx(retention.logs_seconds / 86400 / 4)
    assert disk["traces"] == pytest.approx(0.45 * retention.traces_seconds / 86400)


def test_plan_capacity_command(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    small = _invoke(config, "stack", "plan-capacity")
    assert small.exit_code == 0, small.output
    assert small.output.splitlines()[-1] == "target: the small box (graf stack render --profile small)"
    big = _invoke(config, "stack", "plan-capacity", "--series", "500000", "--logs-gb-day", "30",
                  "--spans-per-second", "2000")
    assert big.exit_code == 0
    assert "small box (2048 MiB): holds 36352 series, 1 GB/day, 80 spans/s: too small for series, logs, spans" \
        in big.output
    assert big.output.splitlines()[-1] == "target: kubernetes (graf stack render --target kubernetes)"


def _on_kubernetes(data: dict[str, Any]) -> None:
    """graf.yaml for a stack on Kubernetes: `stack.target`, and no datasource URLs given."""
    data["stack"]["target"] = "kubernetes"
    data["stack"]["namespace"] = "obs"
    del data["datasources"]


def test_stack_target_kubernetes_makes_the_default_urls_in_cluster(tmp_path: Path) -> None:
    moved = project(tmp_path, _on_kubernetes)
    for env in moved.environments.values():
        assert {n: ds.url for n, ds in env.datasources.items()} == {
            "prometheus": "http://prometheus-server.obs.svc.cluster.local",
            "loki": "http://loki-gateway.obs.svc.cluster.local",
            "tempo": "http://tempo-query-frontend.obs.svc.cluster.local:3200"}
    (tmp_path / "c").mkdir()
    compose = project(tmp_path / "c", lambda d: d.__delitem__("datasources"))
    assert compose.environment("prod").datasources["loki"].url == "http://loki:3100"  # the compose default stays


def test_a_given_url_wins_over_the_kubernetes_default(tmp_path: Path) -> None:
    def given(data: dict[str, Any]) -> None:
        _on_kubernetes(data)
        data["environments"]["prod"]["datasources"] = {"loki": {"url": "http://loki.elsewhere:3100"}}

    env = project(tmp_path, given).environment("prod")
    assert env.datasources["loki"].url == "http://loki.elsewhere:3100"
    assert env.datasources["tempo"].url == "http://tempo-query-frontend.obs.svc.cluster.local:3200"


def test_stack_target_picks_what_render_writes(tmp_path: Path) -> None:
    config = write_project(tmp_path, _on_kubernetes)
    out = tmp_path / "out"
    result = _invoke(config, "stack", "render", "--grafana-host", HOST, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "install.sh").exists() and not (out / "docker-compose.yml").exists()
    assert "--namespace obs" in (out / "install.sh").read_text()


@pytest.mark.parametrize(("key", "value"), [("target", "helm"), ("namespace", "Obs_Space")])
def test_bad_stack_target_settings_name_the_key(tmp_path: Path, key: str, value: str) -> None:
    config = write_project(tmp_path, lambda d: d["stack"].__setitem__(key, value))
    result = subprocess.run([sys.executable, "-m", "graf", "--config", str(config), "stack", "plan-capacity"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"stack.{key}" in result.stderr and "Traceback" not in result.stderr


def test_kubernetes_limits_start_from_the_large_profile(tmp_path: Path) -> None:
    config = write_project(tmp_path)
    for args, streams in (((), PROFILES["large"].loki_max_streams), (("--profile", "small"), 1000)):
        out = tmp_path / f"k8s{len(args)}"
        assert _invoke(config, "stack", "render", "--target", "kubernetes", "--grafana-host", HOST,
                       "--out", str(out), *args).exit_code == 0
        loki = yaml.safe_load((out / "loki.yaml").read_text())
        assert loki["loki"]["structuredConfig"]["limits_config"]["max_global_streams_per_user"] == streams
