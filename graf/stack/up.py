"""`graf stack up` at the edge: docker compose, and waiting for Grafana to answer.

`docker` is looked up on PATH; no client, no compose plugin or no reachable engine is an
`EnvironmentMissing` (exit 2) with one line saying which.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

from graf.errors import EnvironmentMissing, StackError


def _run(args: Sequence[str], cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=timeout)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def check_docker() -> str:
    """The docker client's path, once the compose plugin and a running engine are confirmed."""
    docker = shutil.which("docker")
    if docker is None:
        raise EnvironmentMissing("docker", "not installed (graf stack up runs docker compose)",
                                 "install Docker Engine with the compose plugin, or copy the rendered folder to "
                                 "the monitoring server and run docker compose up -d there")
    if _run([docker, "compose", "version"]).returncode != 0:
        raise EnvironmentMissing("docker compose", "the compose plugin is not installed",
                                 "install docker-compose-plugin")
    info = _run([docker, "info", "--format", "{{.ServerVersion}}"])
    if info.returncode != 0 or not info.stdout.strip():
        raise EnvironmentMissing("docker", f"no Docker engine reachable: {_last_line(info.stderr)}",
                                 "start the docker service, or check DOCKER_HOST")
    return docker


def missing_variables(folder: Path, names: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """Secret variables neither in the environment nor set (non-empty) in `folder/.env`."""
    present = {k for k, v in environ.items() if v}
    env_file = folder / ".env"
    if env_file.is_file():
        for line in env_file.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.strip().partition("=")
            if sep and not key.startswith("#") and value.strip().strip("'\""):
                present.add(key.strip().removeprefix("export "))
    return [name for name in names if name not in present]


def compose_up(docker: str, folder: Path, timeout: float = 600) -> None:
    result = _run([docker, "compose", "up", "-d", "--remove-orphans"], cwd=folder, timeout=timeout)
    if result.returncode != 0:
        raise StackError(str(folder / "docker-compose.yml"), f"docker compose up failed: {_last_line(result.stderr)}")


def wait_for_grafana(url: str, timeout: float = 180, interval: float = 2.0) -> float:
    """Seconds until `url/api/health` answers 200 with database ok; StackError when it does not in time."""
    health = url.rstrip("/") + "/api/health"
    start = time.monotonic()
    last = "no answer"
    while True:
        try:
            with urllib.request.urlopen(health, timeout=5) as response:
                body = json.loads(response.read() or b"{}")
                if response.status == 200 and body.get("database", "ok") == "ok":
                    return time.monotonic() - start
                last = f"database {body.get('database')!r}"
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
        except (OSError, ValueError) as exc:
            last = str(getattr(exc, "reason", exc))
        if time.monotonic() - start + interval > timeout:
            raise StackError(health, f"Grafana not healthy after {timeout:.0f}s ({last})",
                             "docker compose ps / docker compose logs grafana in the stack folder")
        time.sleep(interval)
