"""Whole-process measuring for the bench scripts: a test Grafana in its own process, graf as a subprocess.

`serve(version, latency)` starts tests/grafana_server in a child Python (so its request handling does
not share the measured process's interpreter) and talks to it over stdin/stdout: `count` answers
"<requests> <writes>", `reset` zeroes the counts; closing stdin stops it. `measure(args)` runs one
command and returns its wall seconds, CPU seconds and peak RSS in MB, read from the child's own
rusage (os.wait4), so earlier children never inflate a later figure. Children run with bytecode
caching on (PYTHONDONTWRITEBYTECODE removed), as an installed graf and a team's modules run: the
first run of a command writes __pycache__, so every bench measures a warm-up run first.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GRAF = [PYTHON, "-m", "graf"]

_SERVER = """\
import sys
sys.path.insert(0, {root!r})
from tests.grafana_server import GrafanaServer
server = GrafanaServer(latency={latency!r}, version={version!r}).start()
print(server.url, server.token, flush=True)
for line in sys.stdin:
    if line.strip() == "count":
        print(server.count(), sum(server.writes().values()), flush=True)
    elif line.strip() == "reset":
        server.reset_counts()
        print("ok", flush=True)
server.stop()
"""


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    rss_mb: float
    code: int
    output: str


class Server:
    def __init__(self, process: subprocess.Popen[str], url: str, token: str) -> None:
        self.process, self.url, self.token = process, url, token

    def _ask(self, command: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def counts(self) -> tuple[int, int]:
        requests, writes = self._ask("count").split()
        return int(requests), int(writes)

    def reset(self) -> None:
        self._ask("reset")


@contextmanager
def serve(version: str = "11.6.0", latency: float = 0.02) -> Iterator[Server]:
    code = _SERVER.format(root=str(ROOT), latency=latency, version=version)
    process = subprocess.Popen([PYTHON, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url, token = process.stdout.readline().split()
        yield Server(process, url, token)
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(args: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None) -> Run:
    """One run of `args`: wall, user+system CPU and peak RSS of that process alone."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        process = subprocess.Popen(args, cwd=cwd, env={**environment, **(env or {})}, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode, out.read())


def checked(run: Run, what: str) -> Run:
    if run.code != 0:
        raise SystemExit(f"{what} failed (exit {run.code}):\n{run.output[-2000:]}")
    return run


def row(name: str, run: Run, extra: str = "") -> str:
    return f"  {name:<44} {run.wall:7.2f} s wall {run.cpu:6.2f} s CPU {run.rss_mb:7.1f} MB peak{extra}"
