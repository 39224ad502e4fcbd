"""Real Prometheus, promtool and node_exporter (Debian packages) as processes on free 127.0.0.1 ports.

Each starter waits until the process answers, and the caller stops it (the fixtures in tests do,
in a `finally`). A missing binary skips the test with the package to install.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PACKAGES = {
    "prometheus": "prometheus",
    "promtool": "prometheus",
    "prometheus-node-exporter": "prometheus-node-exporter",
}


def binary(name: str) -> str:
    path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
    if path is None:
        pytest.skip(f"{name} not installed (apt-get install {PACKAGES.get(name, name)})")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 20.0, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def node_exporter() -> Iterator[str]:
    """A real node_exporter on 127.0.0.1; yields its `host:port`."""
    port = free_port()
    address = f"127.0.0.1:{port}"
    process = subprocess.Popen(
        [binary("prometheus-node-exporter"), f"--web.listen-address={address}",
         "--collector.disable-defaults", "--collector.cpu", "--collector.meminfo", "--collector.loadavg",
         "--collector.filesystem", "--collector.diskstats", "--collector.netdev", "--collector.uname",
         "--collector.stat", "--collector.time", "--collector.filefd", "--collector.vmstat"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://{address}/metrics", process=process)
        yield address
    finally:
        _stop(process)


@dataclass
class Prometheus:
    url: str
    workdir: Path

    def query(self, expr: str) -> dict[str, Any]:
        """The JSON answer of an instant query (status, data or error)."""
        data = urllib.parse.urlencode({"query": expr}).encode()
        try:
            with urllib.request.urlopen(f"{self.url}/api/v1/query", data=data, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return json.loads(exc.read())

    def wait_for(self, expr: str, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Poll `expr` until it returns at least one series; the series."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = self.query(expr)
            if answer.get("status") == "success" and answer["data"]["result"]:
                return list(answer["data"]["result"])
            time.sleep(0.5)
        raise TimeoutError(f"{expr} returned no series within {timeout}s")


@contextmanager
def prometheus(config: str, workdir: Path, *extra_flags: str) -> Iterator[Prometheus]:
    """A real Prometheus with `config` (prometheus.yml text) on 127.0.0.1; stopped afterwards."""
    port = free_port()
    config_file = workdir / "prometheus.yml"
    config_file.write_text(config, encoding="utf-8")
    process = subprocess.Popen(
        [binary("prometheus"), f"--config.file={config_file}", f"--storage.tsdb.path={workdir / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", *extra_flags],
        stdout=subprocess.DEVNULL, stderr=(workdir / "prometheus.log").open("wb"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/-/ready", process=process)
        yield Prometheus(url, workdir)
    finally:
        _stop(process)


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([binary("promtool"), *args], capture_output=True, text=True, timeout=60)
