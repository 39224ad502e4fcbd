"""`graf check --loki URL --tempo URL`: the Loki and Tempo panels of an environment's dashboards, run for real.

Like the Prometheus check (graf/check.py, whose `PanelQuery`/`Answer`/`check` this reuses): the
pure part finds each Loki target (LogQL) and Tempo target (TraceQL search) of every panel, with
the dashboard's variables at their defaults; `LokiHTTP` and `TempoHTTP` are the HTTP edges.
A LogQL query runs over the last hour (`/loki/api/v1/query_range`, or `/loki/api/v1/query` when
instant); a TraceQL search over the last hour (`/api/search?q=`). Data is a stream, series or
trace returned; Loki and Tempo answer a bad query with HTTP 400 and the reason as plain text.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from graf.check import (
    RANGE_SECONDS,
    Answer,
    PanelQuery,
    _auth_headers,
    datasource_type,
    datasource_types,
    variable_defaults,
)
from graf.config import Datasource
from graf.errors import GrafError
from graf.resources import JSON, Resource
from graf.variables import substitute

SEARCH_LIMIT = 20
ERROR_CHARS = 300


def _panels(panels: Iterable[JSON]) -> Iterator[JSON]:
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels") or [])


def datasource_queries(resources: Iterable[Resource], kind: str, field: str) -> list[PanelQuery]:
    """Every target of datasource type `kind` (`loki`, `tempo`) in every dashboard, its `field` substituted."""
    out: list[PanelQuery] = []
    resources = list(resources)
    types = datasource_types(resources)
    for resource in resources:
        if resource.kind != "dashboard":
            continue
        body = resource.body
        defaults = variable_defaults(body)
        for panel in _panels(body.get("panels", [])):
            for target in panel.get("targets") or []:
                ds = target.get("datasource") or panel.get("datasource")
                text = target.get(field)
                if datasource_type(ds, types) != kind or not isinstance(text, str) \
                        or not text.strip():
                    continue
                out.append(PanelQuery(
                    dashboard_uid=resource.uid, dashboard_title=str(body.get("title", resource.uid)),
                    panel_title=str(panel.get("title", "")), panel_id=panel.get("id"),
                    ref_id=str(target.get("refId", "?")), expr=text, query=substitute(text, defaults),
                    instant=target.get("queryType") == "instant" or bool(target.get("instant")),
                ))
    return out


def loki_queries(resources: Iterable[Resource]) -> list[PanelQuery]:
    return datasource_queries(resources, "loki", "expr")


def tempo_queries(resources: Iterable[Resource]) -> list[PanelQuery]:
    return datasource_queries(resources, "tempo", "query")


class _HTTPGet:
    name = ""
    option = ""

    def __init__(self, url: str, datasource: Datasource | None = None, timeout: float = 15.0,
                 now: Callable[[], float] = time.time) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.now = now
        self.headers = _auth_headers(datasource) if datasource is not None else {}

    def _get(self, path: str, params: dict[str, str]) -> Any | Answer:
        """The JSON body of a successful answer, or the error Answer of a rejected query."""
        request = urllib.request.Request(f"{self.url}{path}?{urllib.parse.urlencode(params)}", headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code in (400, 422):
                text = exc.read().decode("utf-8", "replace").strip()
                return Answer(error=" ".join(text.split())[:ERROR_CHARS] or f"HTTP {exc.code}")
            hint = "check the datasource's credentials in graf.yaml" if exc.code in (401, 403) else ""
            raise GrafError(self.url, f"{self.name} answered HTTP {exc.code} {exc.reason}", hint) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise GrafError(self.url, f"cannot reach {self.name}: {reason}",
                            f"pass {self.option} URL (e.g. through an SSH tunnel to the monitoring server)") from None


class LokiHTTP(_HTTPGet):
    """LogQL queries against Loki's HTTP API (times in nanoseconds)."""

    name, option = "Loki", "--loki"

    def __call__(self, expr: str, instant: bool) -> Answer:
        end = int(self.now() * 1e9)
        if instant:
            body = self._get("/loki/api/v1/query", {"query": expr, "time": str(end), "limit": "100"})
        else:
            body = self._get("/loki/api/v1/query_range", {
                "query": expr, "start": str(end - RANGE_SECONDS * 10**9), "end": str(end), "limit": "100"})
        if isinstance(body, Answer):
            return body
        if not isinstance(body, dict) or body.get("status") != "success":
            return Answer(error=f"unexpected answer from Loki: {str(body)[:ERROR_CHARS]}")
        result = body.get("data", {}).get("result", [])
        return Answer(series=sum(1 for r in result if r.get("values") or r.get("value")))


class TempoHTTP(_HTTPGet):
    """TraceQL searches against Tempo's HTTP API (times in seconds)."""

    name, option = "Tempo", "--tempo"

    def __call__(self, query: str, instant: bool) -> Answer:
        end = int(self.now())
        body = self._get("/api/search", {"q": query, "limit": str(SEARCH_LIMIT),
                                         "start": str(end - RANGE_SECONDS), "end": str(end)})
        if isinstance(body, Answer):
            return body
        if not isinstance(body, dict) or not isinstance(body.get("traces", []), list):
            return Answer(error=f"unexpected answer from Tempo: {str(body)[:ERROR_CHARS]}")
        return Answer(series=len(body.get("traces") or []))
