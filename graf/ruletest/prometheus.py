"""A real Prometheus for one `graf test` run: started on a free 127.0.0.1 port over an empty temp
storage, given the test series by remote write, queried with the rules' own PromQL, stopped by PID.

One Prometheus serves every test group of the run: each group's series are shifted to a time
window of their own (`Backend.place`), far enough apart that no range selector or lookback of
one group reaches into another's samples.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graf.errors import EnvironmentMissing, GrafError
from graf.ruletest import remote_write

# Points per query_range request: Prometheus refuses more than 11,000.
_MAX_POINTS = 10_000


class QueryError(GrafError):
    """Prometheus refused or failed a query; the rule goes to its execErrState."""


@dataclass(frozen=True)
class Sample:
    labels: tuple[tuple[str, str], ...]
    value: float


def find_binary(name: str = "prometheus") -> str:
    path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
    if path is None:
        raise EnvironmentMissing(name, "not installed; graf test evaluates PromQL with the real Prometheus",
                                 "apt-get install prometheus")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Prometheus:
    """HTTP access to the running test Prometheus."""

    def __init__(self, url: str) -> None:
        self.url = url

    def write(self, series: Sequence[tuple[Sequence[tuple[str, str]], Sequence[tuple[int, float | None]]]]) -> None:
        body = remote_write.snappy_block(remote_write.encode(series))
        request = urllib.request.Request(
            f"{self.url}/api/v1/write", data=body, method="POST",
            headers={"Content-Encoding": "snappy", "Content-Type": "application/x-protobuf",
                     "X-Prometheus-Remote-Write-Version": "0.1.0"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:300]
            raise GrafError("prometheus", f"remote write refused: {exc.code} {detail}") from exc

    def _get(self, path: str, params: dict[str, str]) -> Any:
        data = urllib.parse.urlencode(params).encode()
        try:
            with urllib.request.urlopen(f"{self.url}{path}", data=data, timeout=60) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            try:
                answer = json.loads(exc.read())
            except ValueError:
                raise QueryError("prometheus", f"HTTP {exc.code}") from exc
        if answer.get("status") != "success":
            raise QueryError("prometheus", f"{answer.get('errorType', 'error')}: {answer.get('error', '')}")
        return answer["data"]

    def query(self, expr: str, at: float) -> list[Sample]:
        """The instant vector (or scalar) of `expr` at `at` (seconds since the epoch)."""
        data = self._get("/api/v1/query", {"query": expr, "time": _ts(at)})
        if data["resultType"] == "scalar":
            return [Sample((), float(data["result"][1]))]
        if data["resultType"] != "vector":
            raise QueryError("prometheus", f"an alert query must return a vector, got a {data['resultType']}")
        return [Sample(tuple(sorted(item["metric"].items())), float(item["value"][1])) for item in data["result"]]

    def query_steps(self, expr: str, start: float, steps: int, step: float) -> list[list[Sample]] | QueryError:
        """`expr` at start, start+step, ... (`steps` times): what an instant query gives at each, in few requests.

        A range query evaluates the expression as an instant query at every step, so the answer is
        the same; when it fails as a whole, the caller asks step by step to find which fail.
        """
        out: list[list[Sample]] = [[] for _ in range(steps)]
        for first in range(0, steps, _MAX_POINTS):
            last = min(steps, first + _MAX_POINTS) - 1
            try:
                data = self._get("/api/v1/query_range", {"query": expr, "start": _ts(start + first * step),
                                                         "end": _ts(start + last * step), "step": _ts(step)})
            except QueryError as exc:
                return exc
            for item in data["result"]:
                labels = tuple(sorted(item.get("metric", {}).items()))
                for at, value in item["values"]:
                    index = round((float(at) - start) / step)
                    out[index].append(Sample(labels, float(value)))
        return out


def _ts(seconds: float) -> str:
    return f"{seconds:.3f}"


@contextmanager
def running(binary: str | None = None) -> Iterator[Prometheus]:
    """A Prometheus process with an empty storage in a temp folder; stopped (by its PID) and removed after."""
    path = binary or find_binary()
    with tempfile.TemporaryDirectory(prefix="graf-test-prometheus-") as workdir:
        config = Path(workdir) / "prometheus.yml"
        config.write_text("global: {}\n", encoding="utf-8")
        port = _free_port()
        log = (Path(workdir) / "prometheus.log").open("wb")
        process = subprocess.Popen(
            [path, f"--config.file={config}", f"--storage.tsdb.path={Path(workdir) / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}", "--web.enable-remote-write-receiver",
             # The test series sit decades in the past; time retention must not delete them.
             "--storage.tsdb.retention.time=200y"],
            stdout=subprocess.DEVNULL, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(url, process, Path(workdir) / "prometheus.log")
            yield Prometheus(url)
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
            raise GrafError("prometheus", f"exited with {process.returncode} on start: {' '.join(tail)[:300]}")
        try:
            with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise GrafError("prometheus", f"not ready within {timeout:g}s")
