"""`graf check`: run every Prometheus query of an environment's dashboards against a Prometheus.

A panel whose query errors, or returns no series, is a dead panel: it shows "No data" to
whoever opens the dashboard. `panel_queries` (pure) finds the queries and substitutes the
dashboard's variables with their defaults (the environment's label value, `.*` for All) and
Grafana's built-ins with sane values; `check` evaluates them through a `QueryRunner`, the one
HTTP edge (`PrometheusHTTP`, stdlib only).

Why one module past 300 lines: finding the queries and the one HTTP edge that checks Prometheus's
answers (no redirects, bounded, shape-checked) change together; Loki and Tempo are in check_logs.
"""

from __future__ import annotations

import base64
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

from graf.config import Datasource, Environment, Labels
from graf.errors import PATH_SEPARATOR, GrafError
from graf.jsoninput import BadJSON, parse_json
from graf.resources import JSON, Resource
from graf.urls import check_url, redact
from graf.variables import substitute

QueryStatus = Literal["ok", "empty", "error"]
RANGE_SECONDS = 3600  # the window a range query looks at: Grafana's default `now-1h`
MAX_WORKERS = 4


@dataclass(frozen=True)
class PanelQuery:
    """One Prometheus target of one panel, as written and as it will be sent."""

    dashboard_uid: str
    dashboard_title: str
    panel_title: str
    panel_id: int | None
    ref_id: str
    expr: str
    query: str
    instant: bool

    @property
    def where(self) -> str:
        return f'dashboard/{self.dashboard_uid}{PATH_SEPARATOR}panel "{self.panel_title}"{PATH_SEPARATOR}{self.ref_id}'


@dataclass(frozen=True)
class Answer:
    """What Prometheus said: the number of series returned, or the error it gave."""

    series: int = 0
    error: str = ""


@dataclass(frozen=True)
class QueryResult:
    query: PanelQuery
    answer: Answer

    @property
    def status(self) -> QueryStatus:
        if self.answer.error:
            return "error"
        return "ok" if self.answer.series else "empty"


QueryRunner = Callable[[str, bool], Answer]  # (promql, instant) -> Answer

# Grafana's Prometheus variable query `label_values(<selector>, <label>)` (the selector is optional).
LABEL_VALUES = re.compile(r"\s*label_values\(\s*(?:(?P<selector>.+?)\s*,\s*)?(?P<label>[A-Za-z_]\w*)\s*\)\s*")
SIMPLE_SELECTOR = re.compile(r"\s*(?P<name>[A-Za-z_:][\w:]*)?\s*(?:\{(?P<matchers>.*)\})?\s*")


# ---------------------------------------------------------------------------- pure part


def variable_defaults(dashboard: JSON) -> dict[str, str]:
    """Each template variable's default as Grafana would send it in a query.

    A single value stays as it is; All becomes the variable's `allValue` (or `.*`); several
    selected values become a regex alternation `(a|b)`, what Grafana sends for `=~`.
    """
    out: dict[str, str] = {}
    for variable in dashboard.get("templating", {}).get("list", []):
        name = variable.get("name")
        if not isinstance(name, str) or variable.get("type") == "datasource":
            continue
        current = variable.get("current") or {}
        value = current.get("value")
        if variable.get("type") in ("textbox", "constant") and value is None:
            value = variable.get("query", "")
        if isinstance(value, list):
            value = value[0] if len(value) == 1 else "(" + "|".join(map(str, value)) + ")"
        if value is None or value == "$__all" or (isinstance(value, str) and value in ("All", "")
                                                   and variable.get("includeAll")):
            value = variable.get("allValue") or ".*"
        out[name] = str(value)
    return out


def _dashboards(resources: Iterable[Resource]) -> Iterator[tuple[Resource, JSON, dict[str, str]]]:
    """Each dashboard with its body and its variables' default values."""
    for resource in resources:
        if resource.kind == "dashboard":
            yield resource, resource.body, variable_defaults(resource.body)


def datasource_types(resources: Iterable[Resource]) -> dict[str, str]:
    """The type of each rendered datasource by its name and by its uid: what a datasource given as a string
    names (a dashboard file, or a part a module wrote as JSON, may keep one; Grafana resolves it)."""
    out: dict[str, str] = {}
    for resource in resources:
        kind = resource.body.get("type") if resource.kind == "datasource" else None
        if isinstance(kind, str):
            for key in (resource.body.get("name"), resource.uid):
                if isinstance(key, str):
                    out.setdefault(key, kind)
    return out


def datasource_type(ds: Any, types: Mapping[str, str]) -> str | None:
    """The type a panel's or query's datasource reference names: a ref's own, a string's through `types`."""
    if isinstance(ds, dict):
        kind = ds.get("type")
        return kind if isinstance(kind, str) else None
    return types.get(ds) if isinstance(ds, str) else None


def panel_queries(resources: Iterable[Resource]) -> list[PanelQuery]:
    """Every Prometheus target of every dashboard (hidden ones included), variables substituted."""
    out: list[PanelQuery] = []
    resources = list(resources)
    types = datasource_types(resources)
    for resource, body, defaults in _dashboards(resources):
        for panel in _panels(body.get("panels", [])):
            panel_ds = panel.get("datasource")
            for target in panel.get("targets", []) or []:
                ds = target.get("datasource") or panel_ds
                expr = target.get("expr")
                if not _is_prometheus(ds, types) or not isinstance(expr, str) or not expr.strip():
                    continue
                out.append(PanelQuery(
                    dashboard_uid=resource.uid, dashboard_title=str(body.get("title", resource.uid)),
                    panel_title=str(panel.get("title", "")), panel_id=panel.get("id"),
                    ref_id=str(target.get("refId", "?")), expr=expr, query=substitute(expr, defaults),
                    instant=bool(target.get("instant")) and not target.get("range"),
                ))
    return out


def variable_queries(resources: Iterable[Resource]) -> list[PanelQuery]:
    """A query per Prometheus `label_values(selector, label)` variable: do its values exist?

    An empty variable is a dead dropdown (and usually a label the scrape or the app never sets).
    The selector is asked for series that carry the label, grouped by it, over the same window.
    """
    out: list[PanelQuery] = []
    resources = list(resources)
    types = datasource_types(resources)
    for resource, body, defaults in _dashboards(resources):
        for variable in body.get("templating", {}).get("list", []):
            query = variable.get("query")
            query = query.get("query") if isinstance(query, dict) else query
            if variable.get("type") != "query" or not _is_prometheus(variable.get("datasource"), types) \
                    or not isinstance(query, str):
                continue
            expr = _label_values_expr(query)
            if expr is None:
                continue
            out.append(PanelQuery(
                dashboard_uid=resource.uid, dashboard_title=str(body.get("title", resource.uid)),
                panel_title=f"variable ${variable.get('name')}", panel_id=None, ref_id="query", expr=query,
                query=substitute(expr, defaults), instant=False,
            ))
    return out


SCRAPE_DASHBOARD = "Scrape targets"


def scrape_queries(labels: Labels, env: Environment) -> list[PanelQuery]:
    """One `up == 1` query per exporter graf.yaml lists under the environment's servers (`servers[].scrape`): empty
    when Prometheus does not scrape it with graf's labels, or cannot reach it."""
    out = []
    for server in env.servers:
        for target in server.scrape:
            expr = (f'up{{{labels.environment}="{env.label}", job="{target.job}", {labels.host}="{server.host}"}} '
                    "== 1")
            out.append(PanelQuery("scrape", SCRAPE_DASHBOARD, f"{target.job} on {server.host}", None, "up", expr,
                                  expr, instant=True))
    return out


def _label_values_expr(query: str) -> str | None:
    """`label_values(sel, label)` as PromQL returning one series per value; None for other forms."""
    match = LABEL_VALUES.fullmatch(query)
    if match is None or match.group("selector") is None:
        return None
    selector, label = match.group("selector"), match.group("label")
    simple = SIMPLE_SELECTOR.fullmatch(selector)
    if simple is None or not (simple.group("name") or simple.group("matchers")):
        return None
    matchers = [m for m in [(simple.group("matchers") or "").strip(), f'{label}!=""'] if m]
    return f"group by ({label}) ({simple.group('name') or ''}{{{', '.join(matchers)}}})"


def _panels(panels: list[JSON]) -> Iterable[JSON]:
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels", []) or [])


def _is_prometheus(ds: Any, types: Mapping[str, str] | None = None) -> bool:
    if ds is None:
        return True  # no datasource at all: Grafana uses the default one, graf's Prometheus
    return datasource_type(ds, types or {}) == "prometheus"


def check(queries: list[PanelQuery], run: QueryRunner, workers: int = MAX_WORKERS) -> list[QueryResult]:
    """Evaluate every query (a few at a time); results in the order of `queries`."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        answers = list(pool.map(lambda q: run(q.query, q.instant), queries))
    return [QueryResult(q, a) for q, a in zip(queries, answers, strict=True)]


def failures(results: Iterable[QueryResult]) -> list[QueryResult]:
    return [r for r in results if r.status != "ok"]


# ---------------------------------------------------------------------------- the HTTP edge


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed: it would resend the datasource's credentials (and turn the POST
    into a GET); urllib then raises the 3xx as an HTTPError, reported with its Location."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)
MAX_ANSWER_BYTES = 64 * 1024 * 1024
MAX_SHOWN = 300  # characters of a server's error text in a result line


class PrometheusHTTP:
    """Instant and range queries against Prometheus's HTTP API, with the datasource's auth if it has any."""

    def __init__(self, url: str, datasource: Datasource | None = None, timeout: float = 15.0,
                 now: Callable[[], float] = time.time, range_seconds: float = RANGE_SECONDS) -> None:
        self.url, userinfo = _split_userinfo(check_url(url, "Prometheus URL").rstrip("/"))
        self.shown = redact(url.rstrip("/"))
        self.range_seconds = range_seconds
        self.timeout = timeout
        self.now = now
        self.headers = _auth_headers(datasource) if datasource is not None else {}
        if userinfo and not self.headers:  # urllib cannot send `user:password@` itself
            self.headers = {"Authorization": "Basic " + base64.b64encode(userinfo.encode()).decode()}

    def __call__(self, expr: str, instant: bool) -> Answer:
        return _answer(self.fetch(expr, instant), self.shown)

    def fetch(self, expr: str, instant: bool) -> JSON:
        """Prometheus's whole answer (`status`, `data` or `error`) to an instant query, or a range
        query over the last `range_seconds`; a query Prometheus rejects is an answer, not an exception."""
        end = self.now()
        if instant:
            path, params = "/api/v1/query", {"query": expr, "time": f"{end:.3f}"}
        else:
            step = max(15, int(self.range_seconds) // 240)
            params = {"query": expr, "start": f"{end - self.range_seconds:.3f}", "end": f"{end:.3f}",
                      "step": str(step)}
            path = "/api/v1/query_range"
        return self._post(path, params)

    def _post(self, path: str, params: Mapping[str, str]) -> JSON:
        request = urllib.request.Request(
            self.url + path, data=urllib.parse.urlencode(params).encode(), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", **self.headers},
        )
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                raw = response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as exc:
            return self._http_error(exc, path)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise GrafError(self.shown, f"cannot reach Prometheus: {_bounded(str(reason))}",
                            "pass --prometheus URL (e.g. through an SSH tunnel to the monitoring server)") from None
        body = _parse(raw, f"{self.shown}{path}")
        _answer(body, f"{self.shown}{path}")  # the shape is checked before anyone reads it
        return body  # type: ignore[no-any-return]

    def _http_error(self, exc: urllib.error.HTTPError, path: str) -> JSON:
        if 300 <= exc.code < 400:
            location = redact(str(exc.headers.get("Location", "")) if exc.headers else "") or "nowhere"
            raise GrafError(f"{self.shown}{path}", f"Prometheus answered HTTP {exc.code}, a redirect to {location}",
                            "graf does not follow redirects (the credentials would go along): "
                            "give the final URL with --prometheus") from None
        body = _json_or_none(exc.read(MAX_ANSWER_BYTES))
        if exc.code in (400, 422, 503) and isinstance(body, dict) and body.get("error"):
            return {"status": "error", "error": _bounded(f"{body.get('errorType', 'error')}: {body['error']}")}
        hint = "check the datasource's credentials in graf.yaml" if exc.code in (401, 403) else ""
        raise GrafError(self.shown, f"Prometheus answered HTTP {exc.code} {_bounded(str(exc.reason))}", hint) from None


def _split_userinfo(url: str) -> tuple[str, str]:
    """(`url` without `user:password@`, the unquoted `user:password`, "" when there is none)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url, ""
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    plain = f"{urllib.parse.unquote(user)}:{urllib.parse.unquote(password)}"
    return urllib.parse.urlunsplit(parts._replace(netloc=host)), plain


def _parse(raw: bytes, where: str) -> Any:
    if len(raw) > MAX_ANSWER_BYTES:
        raise GrafError(where, f"the answer is larger than {MAX_ANSWER_BYTES // (1024 * 1024)} MB")
    try:
        return parse_json(raw, where)
    except BadJSON as exc:
        raise GrafError(where, f"the answer is not Prometheus's JSON ({exc.message})",
                        "is this the URL of Prometheus itself?") from None


def _answer(body: Any, where: str) -> Answer:
    """Prometheus's `{"status", "data": {"resultType", "result"}}`, checked before it is counted."""
    if not isinstance(body, dict) or body.get("status") not in ("success", "error"):
        raise GrafError(where, "the answer is not a Prometheus query result (no status)",
                        "is this the URL of Prometheus itself?")
    if body["status"] != "success":
        return Answer(error=_bounded(str(body.get("error", "unexpected answer"))))
    data = body.get("data")
    if not isinstance(data, dict):
        raise GrafError(where, "the answer's data is not an object")
    if data.get("resultType") in ("scalar", "string"):
        return Answer(series=1)
    result = data.get("result")
    if not isinstance(result, list) or not all(isinstance(series, dict) for series in result):
        raise GrafError(where, "the answer's data.result is not a list of series")
    return Answer(series=sum(1 for series in result if series.get("values") or series.get("value")))


def _bounded(text: str) -> str:
    """A server's text on one line of bounded length."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_SHOWN else line[: MAX_SHOWN - 3] + "..."


def _json_or_none(raw: bytes) -> Any:
    try:
        return parse_json(raw, "answer")
    except BadJSON:
        return None


def _auth_headers(datasource: Datasource) -> dict[str, str]:
    """Authorization for a Prometheus behind auth; secrets resolved here, at send time, never shown."""
    if datasource.bearer_token is not None:
        return {"Authorization": f"Bearer {datasource.bearer_token.resolve()}"}
    if datasource.basic_auth_user and datasource.basic_auth_password is not None:
        pair = f"{datasource.basic_auth_user}:{datasource.basic_auth_password.resolve()}"
        return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
    return {}
