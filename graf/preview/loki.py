"""Loki's query_range API for the preview: the newest lines of a logs panel, or a LogQL metric's series.

The HTTP edge beside `graf.check.PrometheusHTTP`, with the same conventions: a query Loki rejects
is an answer (`status: error`), an unreachable Loki or a 401/403 is a `GrafError`.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from graf.check import RANGE_SECONDS, _auth_headers
from graf.config import Datasource
from graf.errors import GrafError
from graf.resources import JSON

LINES = 30  # per query: a panel shows the newest that fit


class LokiHTTP:
    def __init__(self, url: str, datasource: Datasource | None = None, timeout: float = 15.0,
                 now: Callable[[], float] = time.time, range_seconds: float = RANGE_SECONDS) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.now = now
        self.range_seconds = range_seconds
        self.headers = _auth_headers(datasource) if datasource is not None else {}

    def fetch(self, expr: str, instant: bool) -> JSON:
        """Loki's whole answer to `expr` over the range: streams for a log query, a matrix for a metric one."""
        end = self.now()
        params = {"query": expr, "start": str(int((end - self.range_seconds) * 1e9)), "end": str(int(end * 1e9)),
                  "limit": str(LINES), "direction": "backward",
                  "step": str(max(15, int(self.range_seconds) // 240))}
        request = urllib.request.Request(f"{self.url}/loki/api/v1/query_range?{urllib.parse.urlencode(params)}",
                                         headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            text = exc.read().decode("utf-8", "replace").strip()
            if exc.code in (400, 422):
                return {"status": "error", "error": text.splitlines()[0][:300] if text else f"HTTP {exc.code}"}
            hint = "check the datasource's credentials in graf.yaml" if exc.code in (401, 403) else ""
            raise GrafError(self.url, f"Loki answered HTTP {exc.code} {exc.reason}", hint) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise GrafError(self.url, f"cannot reach Loki: {reason}",
                            "pass --loki URL (e.g. through an SSH tunnel to the monitoring server)") from None
        return body if isinstance(body, dict) else {"status": "error", "error": "unexpected answer"}
