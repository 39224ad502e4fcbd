"""A checked graf.yaml (plain data the schema accepted) -> the typed `Project`.

Defaults are filled in here, and values the schema only knows as strings (durations, sizes) are
parsed, each error at its key path. Rules between keys run after, in `checks`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from graf.config import keys
from graf.config.keys import KeyPath
from graf.config.model import (
    ALERT_BASE_INTERVAL,
    BUILTIN_DASHBOARDS,
    DATASOURCE_TYPES,
    STACK_PORTS,
    AlertRuleSettings,
    Alerts,
    App,
    ContactPoint,
    Dashboards,
    Datasource,
    Environment,
    Folder,
    GrafanaTarget,
    Jobs,
    Labels,
    NodeExporter,
    Project,
    Retention,
    ScrapeTarget,
    Secret,
    Server,
    Stack,
    Volume,
)
from graf.units import parse_duration, parse_size

_DEFAULT_DATASOURCE_URLS = {"prometheus": "http://prometheus:9090", "loki": "http://loki:3100",
                            "tempo": "http://tempo:3200"}


def _default_urls(stack: Mapping[str, Any]) -> Mapping[str, str]:
    """Datasource URLs where graf.yaml gives none: the compose stack's, or with `stack.target: kubernetes`
    the charts' gateway and query-frontend Services in `stack.namespace` (graf/stack/kubernetes/charts.py)."""
    if stack.get("target") != "kubernetes":
        return _DEFAULT_DATASOURCE_URLS
    from graf.stack.kubernetes.charts import endpoints

    urls = endpoints(stack.get("namespace", "monitoring"))
    return {logical: urls[logical] for logical in DATASOURCE_TYPES}


class _Builder:
    """Builds one file's objects; knows the file's name so every key path is formatted once, here."""

    def __init__(self, file: str) -> None:
        self.file = file

    def secret(self, value: str | None, at: KeyPath) -> Secret | None:
        return None if value is None else Secret(value[2:-1], keys.where(self.file, at))

    def parsed(self, raw: Mapping[str, Any], key: str, parse: Callable[[str], Any], at: KeyPath) -> Any:
        try:
            return parse(raw[key])
        except ValueError as exc:
            raise keys.error(self.file, (*at, key), str(exc)) from None

    def project(self, raw: dict[str, Any], path: Path) -> Project:
        apps = {name: self.app(name, spec) for name, spec in raw.get("apps", {}).items()}
        dashboards = _dashboards(raw.get("dashboards", {}))
        environments = {name: self.environment(raw, name, env_raw) for name, env_raw in raw["environments"].items()}
        return Project(path=path.resolve(), name=raw["name"], labels=Labels(**raw.get("labels", {})),
                       jobs=Jobs(**raw.get("jobs", {})), apps=apps, dashboards=dashboards,
                       stack=self.stack(raw.get("stack", {})), environments=environments)

    def app(self, name: str, spec: dict[str, Any]) -> App:
        fields: dict[str, Any] = {key: tuple(v) if isinstance(v, list) else v for key, v in spec.items()}
        return App(name=name, **fields)

    def environment(self, raw: dict[str, Any], name: str, env_raw: dict[str, Any]) -> Environment:
        at: KeyPath = ("environments", name)
        return Environment(
            name=name,
            label=env_raw.get("label", name),
            grafana=self.grafana(env_raw["grafana"], (*at, "grafana")),
            folder=Folder(**{"uid": f"graf-{name}", "title": f"{raw['name']} · {name}", **env_raw.get("folder", {})}),
            datasources=self.datasources(raw.get("datasources", {}), env_raw.get("datasources", {}), at,
                                         _default_urls(raw.get("stack", {}))),
            servers=tuple(self.server(spec, (*at, "servers", i)) for i, spec in enumerate(env_raw.get("servers", []))),
            alerts=self.alerts(raw.get("alerts", {}), env_raw.get("alerts", {}), (*at, "alerts"),
                               managed="alerts" in raw or "alerts" in env_raw),
            trace_sampling=env_raw.get("trace_sampling", 1.0),
            dashboards=_dashboards({**raw.get("dashboards", {}), **env_raw.get("dashboards", {})}),
        )

    def grafana(self, raw: dict[str, Any], at: KeyPath) -> GrafanaTarget:
        return GrafanaTarget(
            url=raw["url"].rstrip("/"),
            token=self.secret(raw.get("token"), (*at, "token")),
            user=raw.get("user"),
            password=self.secret(raw.get("password"), (*at, "password")),
            verify_tls=raw.get("verify_tls", True),
            timeout=float(raw.get("timeout", 10.0)),
        )

    def datasources(self, defaults: dict[str, Any], overrides: dict[str, Any], at: KeyPath,
                    default_urls: Mapping[str, str] = _DEFAULT_DATASOURCE_URLS) -> dict[str, Datasource]:
        out: dict[str, Datasource] = {}
        for logical in DATASOURCE_TYPES:
            spec = {"uid": logical, "url": default_urls[logical], "name": logical.capitalize(),
                    **defaults.get(logical, {}), **overrides.get(logical, {})}
            key: KeyPath = (*at, "datasources", logical)
            out[logical] = Datasource(
                logical=logical,
                uid=spec["uid"],
                url=spec["url"],
                name=spec["name"],
                basic_auth_user=spec.get("basic_auth_user"),
                basic_auth_password=self.secret(spec.get("basic_auth_password"), (*key, "basic_auth_password")),
                bearer_token=self.secret(spec.get("bearer_token"), (*key, "bearer_token")),
                trace_id_regex=spec.get("trace_id_regex"),
                timeout=spec.get("timeout"),
            )
        return out

    def server(self, spec: dict[str, Any], at: KeyPath) -> Server:
        node = spec.get("node_exporter", {})
        node_at: KeyPath = (*at, "node_exporter")
        return Server(
            host=spec["host"],
            address=spec["address"],
            apps=tuple(spec.get("apps", [])),
            node_exporter=NodeExporter(
                port=node.get("port", 9100),
                listen_address=node.get("listen_address"),
                tls=node.get("tls", False),
                basic_auth_user=node.get("basic_auth_user"),
                basic_auth_password=self.secret(node.get("basic_auth_password"), (*node_at, "basic_auth_password")),
                basic_auth_password_hash=self.secret(node.get("basic_auth_password_hash"),
                                                     (*node_at, "basic_auth_password_hash")),
            ),
            scrape=tuple(self.scrape_target(t, (*at, "scrape", i)) for i, t in enumerate(spec.get("scrape", []))),
        )

    def scrape_target(self, spec: dict[str, Any], at: KeyPath) -> ScrapeTarget:
        return ScrapeTarget(
            job=spec["job"],
            port=spec["port"],
            path=spec.get("path", "/metrics"),
            scheme=spec.get("scheme", "http"),
            basic_auth_user=spec.get("basic_auth_user"),
            basic_auth_password=self.secret(spec.get("basic_auth_password"), (*at, "basic_auth_password")),
            bearer_token=self.secret(spec.get("bearer_token"), (*at, "bearer_token")),
        )

    def stack(self, raw: dict[str, Any]) -> Stack:
        server = raw.get("server", {})
        return Stack(
            profile=raw.get("profile", "small"),
            server_host=server.get("host", "monitoring"),
            server_address=server.get("address", "127.0.0.1"),
            grafana_address=raw.get("grafana_address"),
            images=dict(raw.get("images", {})),
            retention=self.retention(raw.get("retention", {}), ("stack", "retention")),
            volume=Volume(**{key: self.parsed(raw["volume"], key, parse_size, ("stack", "volume"))
                             for key in ("logs_per_day", "traces_per_day") if key in raw.get("volume", {})}),
            ports={**STACK_PORTS, **raw.get("ports", {})},
            publish_ingest=raw.get("publish_ingest", True),
            agent_endpoints=dict(raw.get("agent_endpoints", {})),
            metrics_generator=raw.get("metrics_generator", True),
            scrape_interval=raw.get("scrape_interval", "15s"),
            target=raw.get("target", "compose"),
            namespace=raw.get("namespace", "monitoring"),
        )

    def retention(self, raw: dict[str, Any], at: KeyPath) -> Retention:
        values: dict[str, Any] = {}
        for key in ("metrics", "logs", "traces"):
            if key in raw:
                values[key] = self.parsed(raw, key, parse_duration, at)
            if f"{key}_size" in raw:
                values[f"{key}_size"] = self.parsed(raw, f"{key}_size", parse_size, at)
        return Retention(**values)

    def alerts(self, defaults: dict[str, Any], overrides: dict[str, Any], at: KeyPath, *, managed: bool) -> Alerts:
        merged = {**defaults, **overrides}
        rules: dict[str, AlertRuleSettings] = {}
        for name in {**defaults.get("rules", {}), **overrides.get("rules", {})}:
            spec = {**defaults.get("rules", {}).get(name, {}), **overrides.get("rules", {}).get(name, {})}
            rules[name] = AlertRuleSettings(enabled=spec.get("enabled", True), threshold=spec.get("threshold"),
                                            for_=spec.get("for"), severity=spec.get("severity"))
        contact = merged.get("contact_point")
        contact_point = None
        if contact is not None:
            contact_point = ContactPoint(
                type=contact["type"],
                name=contact.get("name", "graf"),
                url=self.secret(contact.get("url"), (*at, "contact_point", "url")),
                addresses=tuple(contact.get("addresses", [])),
            )
        interval = merged.get("interval", "1m")
        seconds = parse_duration(interval)
        if seconds == 0 or seconds % ALERT_BASE_INTERVAL:
            raise keys.error(self.file, (*at, "interval") if "interval" in overrides else ("alerts", "interval"),
                             f"{interval!r} is not a non-zero multiple of {ALERT_BASE_INTERVAL}s",
                             "Grafana evaluates rules on a 10s tick, e.g. 30s, 1m")
        return Alerts(
            managed=managed,
            interval=interval,
            runbook_url=merged.get("runbook_url"),
            editable_in_ui=merged.get("editable_in_ui", False),
            rules=rules,
            contact_point=contact_point,
            modules=tuple(Path(m) for m in merged.get("modules", [])),
        )


def _dashboards(raw: Mapping[str, Any]) -> Dashboards:
    return Dashboards(
        builtin=tuple(raw.get("builtin", BUILTIN_DASHBOARDS)),
        modules=tuple(Path(m) for m in raw.get("modules", [])),
        files=tuple(raw.get("files", [])),
    )


def build_project(raw: dict[str, Any], path: Path) -> Project:
    """The typed Project for `raw`, which `schema.check` has accepted; ConfigError for a value that does not parse."""
    return _Builder(path.name).project(raw, path)
