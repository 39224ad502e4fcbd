"""Seeded fault injection for the test server, and a runner that syncs through the CLI until it converges.

`Chaos(seed, rate)` is installed as `GrafanaServer.chaos`: each request, with probability `rate`, gets one
fault drawn from `MIX`: 503 before the request is handled, the connection dropped before, 500 or a dropped
connection after a write landed (the answer lost), a slow answer (then the real one), or a redirect.
"""

from __future__ import annotations

import contextlib
import io
import random
import threading
import time
import traceback
from dataclasses import dataclass, field

from tests.grafana_server.server import Fault

# (name, weight): what a fault is, and how often among faults.
MIX: tuple[tuple[str, float], ...] = (("503 before", 0.25), ("drop before", 0.2), ("500 after", 0.2),
                                      ("drop after", 0.15), ("slow", 0.15), ("redirect", 0.05))
SLOW = 0.2  # seconds a slow answer waits


@dataclass
class Chaos:
    seed: int
    rate: float
    enabled: bool = True
    injected: dict[str, int] = field(default_factory=dict)
    requests: int = 0

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def __call__(self, method: str, path: str) -> Fault | None:
        if not self.enabled or path == "/api/health":
            return None
        with self._lock:
            self.requests += 1
            if self._random.random() >= self.rate:
                return None
            name = self._random.choices([n for n, _ in MIX], weights=[w for _, w in MIX])[0]
            if name == "redirect" and method == "GET":
                # A redirect is a misconfigured URL: permanent, so on a read it rightly stops the run (a test in
                # test_http_safety covers that); injected at random it is a write's answer, which must not count.
                name = "503 before"
            self.injected[name] = self.injected.get(name, 0) + 1
        if name == "slow":
            time.sleep(SLOW)
            return None
        status, after = {"503 before": (503, False), "drop before": (None, False), "500 after": (500, True),
                         "drop after": (None, True), "redirect": (302, False)}[name]
        return Fault(method, path, status, times=0, after=after)


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    crash: str = ""  # a traceback, if the CLI let an exception out


def graf_cli(*args: str) -> Run:
    """`graf <args>` in-process, output captured; an exception main() lets out is recorded, not raised."""
    from graf.cli import main

    out, err = io.StringIO(), io.StringIO()
    code, crash = 0, ""
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            code, crash = -1, traceback.format_exc()
    return Run(code, out.getvalue(), err.getvalue(), crash)
