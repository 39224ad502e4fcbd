"""graf.yaml -> Project: typed, validated, frozen.

Loading goes YAML -> JSON Schema (`config_schema.ROOT`) -> dataclasses. Every error is a
`ConfigError` whose path names the file and the key path (`graf.yaml: environments.prod.grafana.url`).
Secrets stay `Secret(name)` references; only the edges that send them (Grafana client, stack
renderer) resolve them, and nothing ever prints their value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from graf.config_schema import check
from graf.errors import ConfigError
from graf.units import parse_duration, parse_size
from graf.wording import did_you_mean, type_of

CONFIG_NAME = "graf.yaml"
DATASOURCE_TYPES: Mapping[str, str] = {"prometheus": "prometheus", "loki": "loki", "tempo": "tempo"}
BUILTIN_DASHBOARDS = ("overview", "jvm", "node", "latency", "logs")
ALERT_BASE_INTERVAL = 10  # seconds: Grafana's scheduler tick ([unified_alerting] min_interval)


@dataclass(frozen=True)
class Secret:
    """A `${NAME}` reference to an environment variable; `str()` never shows a value."""

    name: str
    where: str = ""

    def resolve(self, environ: Mapping[str, str] | None = None) -> str:
        value = (os.environ if environ is None else environ).get(self.name)
        if not value:
            raise ConfigError(
                self.where or "${" + self.name + "}",
                f"environment variable {self.name} is not set",
                f"export {self.name}=... before running graf",
            )
        return value

    def __str__(self) -> str:
        return "${" + self.name + "}"


@dataclass(frozen=True)
class Labels:
    environment: str = "environment"
    application: str = "application"
    instance: str = "instance"
    host: str = "host"
    service: str = "service_name"
    level: str = "level"


@dataclass(frozen=True)
class Jobs:
    node: str = "node"
    app: str = "spring-boot"
    logs: str = "app-logs"


@dataclass(frozen=True)
class App:
    name: str
    metrics_path: str = "/actuator/prometheus"
    port: int = 8080
    log_files: tuple[str, ...] = ()
    log_format: Literal["json", "plain"] = "json"
    percentiles_histogram: bool = True


@dataclass(frozen=True)
class Datasource:
    """One of graf's datasources as one environment's Grafana reaches it."""

    logical: str  # prometheus | loki | tempo: the name dashboards and rules use in code
    uid: str
    url: str
    name: str
    basic_auth_user: str | None = None
    basic_auth_password: Secret | None = None
    bearer_token: Secret | None = None
    trace_id_regex: str | None = None
    timeout: int | None = None

    @property
    def type(self) -> str:
        return DATASOURCE_TYPES[self.logical]

    @property
    def ref(self) -> dict[str, str]:
        return {"type": self.type, "uid": self.uid}


@dataclass(frozen=True)
class GrafanaTarget:
    url: str
    token: Secret | None = None
    user: str | None = None
    password: Secret | None = None
    verify_tls: bool = True
    timeout: float = 10.0


@dataclass(frozen=True)
class Folder:
    uid: str
    title: str


@dataclass(frozen=True)
class NodeExporter:
    """node_exporter on one app server; `listen_address` defaults to the server's address."""

    port: int = 9100
    listen_address: str | None = None
    tls: bool = False
    basic_auth_user: str | None = None
    basic_auth_password: Secret | None = None
    # The bcrypt hash node_exporter's web config needs (a ${VAR} too: graf never hashes a password).
    basic_auth_password_hash: Secret | None = None


@dataclass(frozen=True)
class Server:
    host: str
    address: str
    apps: tuple[str, ...] = ()
    node_exporter: NodeExporter = field(default_factory=NodeExporter)


@dataclass(frozen=True)
class AlertRuleSettings:
    enabled: bool = True
    threshold: float | None = None
    for_: str | None = None
    severity: str | None = None


@dataclass(frozen=True)
class ContactPoint:
    type: Literal["webhook", "slack", "email"]
    name: str = "graf"
    url: Secret | None = None
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alerts:
    # graf manages alerting only where graf.yaml asks for it: an `alerts` section at the top level
    # or in the environment (`alerts: {}` gives the built-in rules with their defaults).
    managed: bool = False
    interval: str = "1m"
    runbook_url: str | None = None
    editable_in_ui: bool = False
    rules: Mapping[str, AlertRuleSettings] = field(default_factory=dict)
    contact_point: ContactPoint | None = None
    modules: tuple[Path, ...] = ()  # the team's own rule modules, each with rules(ctx) -> list[JSON]


@dataclass(frozen=True)
class Environment:
    name: str
    label: str
    grafana: GrafanaTarget
    folder: Folder
    datasources: Mapping[str, Datasource]
    servers: tuple[Server, ...] = ()
    alerts: Alerts = field(default_factory=Alerts)
    trace_sampling: float = 1.0


@dataclass(frozen=True)
class Dashboards:
    builtin: tuple[str, ...] = BUILTIN_DASHBOARDS
    modules: tuple[Path, ...] = ()
    files: tuple[str, ...] = ()


STACK_PORTS: Mapping[str, int] = {"grafana": 3000, "prometheus": 9090, "loki": 3100, "tempo": 3200,
                                  "otlp_grpc": 4317, "otlp_http": 4318}
DAY = 86400


@dataclass(frozen=True)
class Retention:
    """How long (seconds) and how much (bytes) each store keeps; `None` size: time only."""

    metrics: float = 15 * DAY
    metrics_size: int = 2 * 1024**3
    logs: float = 7 * DAY
    logs_size: int | None = None
    traces: float = 3 * DAY
    traces_size: int | None = None


@dataclass(frozen=True)
class Volume:
    """Expected daily volume, used to turn a size cap into a retention time where the store has none."""

    logs_per_day: int = 1024**3  # raw log bytes shipped per day
    traces_per_day: int = 450 * 1024**2  # Tempo block bytes per day (stack research: 10 traces/s)


@dataclass(frozen=True)
class Stack:
    profile: Literal["small", "medium", "large"] = "small"
    server_host: str = "monitoring"
    server_address: str = "127.0.0.1"
    grafana_address: str | None = None  # where Grafana is published; default: server_address
    images: Mapping[str, str] = field(default_factory=dict)
    retention: Retention = field(default_factory=Retention)
    volume: Volume = field(default_factory=Volume)
    ports: Mapping[str, int] = field(default_factory=lambda: dict(STACK_PORTS))
    publish_ingest: bool = True
    agent_endpoints: Mapping[str, str] = field(default_factory=dict)
    metrics_generator: bool = True
    scrape_interval: str = "15s"

    @property
    def grafana_bind(self) -> str:
        return self.grafana_address or self.server_address


@dataclass(frozen=True)
class Project:
    path: Path
    name: str
    labels: Labels
    jobs: Jobs
    apps: Mapping[str, App]
    dashboards: Dashboards
    stack: Stack
    environments: Mapping[str, Environment]

    @property
    def root(self) -> Path:
        return self.path.parent

    def environment(self, name: str) -> Environment:
        try:
            return self.environments[name]
        except KeyError:
            raise ConfigError(
                f"{self.path.name}: environments",
                f"unknown environment {name!r}{did_you_mean(name, self.environments)}",
                f"known: {', '.join(self.environments)}",
            ) from None

    def select(self, names: tuple[str, ...] | list[str] = ()) -> list[Environment]:
        """The named environments in the order given, or all of them in file order."""
        return [self.environment(n) for n in names] if names else list(self.environments.values())


# ---------------------------------------------------------------------------- loading


def find_config(start: Path | None = None) -> Path:
    """graf.yaml in `start` or its nearest parent, like git finds its repository."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(
        CONFIG_NAME,
        f"not found in {here} or any parent folder",
        "run graf inside a graf project or pass --config FILE",
    )


def load_project(path: Path | str | None = None) -> Project:
    """Read, validate and type graf.yaml (found from the current folder upwards when no path is given)."""
    config_path = Path(path) if path is not None else find_config()
    raw = _read_yaml(config_path)
    check(raw, config_path)
    return _build_project(raw, config_path)


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), "file not found", "pass --config with an existing graf.yaml") from None
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(where, f"YAML syntax error: {problem}") from None
    if data is None:
        raise ConfigError(str(path), "file is empty", "see README.md, 'Configuration reference'")
    if not isinstance(data, dict):
        raise ConfigError(str(path), f"expected a mapping at the top level, got {type_of(data, 'yaml')}")
    return data


# ---------------------------------------------------------------------------- typed objects


def _secret(value: str | None, where: str) -> Secret | None:
    if value is None:
        return None
    return Secret(value[2:-1], where)


def _build_project(raw: dict[str, Any], path: Path) -> Project:
    file = path.name
    labels = Labels(**raw.get("labels", {}))
    jobs = Jobs(**raw.get("jobs", {}))
    apps = {name: App(name=name, **{k: tuple(v) if isinstance(v, list) else v for k, v in spec.items()})
            for name, spec in raw.get("apps", {}).items()}
    dashboards_raw = raw.get("dashboards", {})
    dashboards = Dashboards(
        builtin=tuple(dashboards_raw.get("builtin", BUILTIN_DASHBOARDS)),
        modules=tuple(Path(m) for m in dashboards_raw.get("modules", [])),
        files=tuple(dashboards_raw.get("files", [])),
    )
    defaults_ds = raw.get("datasources", {})
    defaults_alerts = raw.get("alerts", {})
    environments: dict[str, Environment] = {}
    for env_name, env_raw in raw["environments"].items():
        where = f"{file}: environments.{env_name}"
        environments[env_name] = Environment(
            name=env_name,
            label=env_raw.get("label", env_name),
            grafana=_grafana(env_raw["grafana"], f"{where}.grafana"),
            folder=Folder(**{"uid": f"graf-{env_name}", "title": f"{raw['name']} · {env_name}",
                             **env_raw.get("folder", {})}),
            datasources=_datasources(defaults_ds, env_raw.get("datasources", {}), where),
            servers=_servers(env_raw.get("servers", []), apps, f"{where}.servers"),
            alerts=_alerts(defaults_alerts, env_raw.get("alerts", {}), f"{where}.alerts",
                           managed="alerts" in raw or "alerts" in env_raw),
            trace_sampling=env_raw.get("trace_sampling", 1.0),
        )
    stack = _stack(raw.get("stack", {}), f"{file}: stack")
    _check_durations(raw, file)
    _check_hosts(environments, file)
    return Project(path=path.resolve(), name=raw["name"], labels=labels, jobs=jobs, apps=apps,
                   dashboards=dashboards, stack=stack, environments=environments)


def _grafana(raw: dict[str, Any], where: str) -> GrafanaTarget:
    if "password" in raw and "user" not in raw:
        raise ConfigError(f"{where}.password", "a password needs a user", f"add {where.split(': ')[1]}.user")
    return GrafanaTarget(
        url=raw["url"].rstrip("/"),
        token=_secret(raw.get("token"), f"{where}.token"),
        user=raw.get("user"),
        password=_secret(raw.get("password"), f"{where}.password"),
        verify_tls=raw.get("verify_tls", True),
        timeout=float(raw.get("timeout", 10.0)),
    )


_DEFAULT_DATASOURCE_URLS = {"prometheus": "http://prometheus:9090", "loki": "http://loki:3100",
                            "tempo": "http://tempo:3200"}


def _datasources(defaults: dict[str, Any], overrides: dict[str, Any], where: str) -> dict[str, Datasource]:
    out: dict[str, Datasource] = {}
    for logical in DATASOURCE_TYPES:
        spec = {"uid": logical, "url": _DEFAULT_DATASOURCE_URLS[logical], "name": logical.capitalize(),
                **defaults.get(logical, {}), **overrides.get(logical, {})}
        key = f"{where}.datasources.{logical}"
        out[logical] = Datasource(
            logical=logical,
            uid=spec["uid"],
            url=spec["url"],
            name=spec["name"],
            basic_auth_user=spec.get("basic_auth_user"),
            basic_auth_password=_secret(spec.get("basic_auth_password"), f"{key}.basic_auth_password"),
            bearer_token=_secret(spec.get("bearer_token"), f"{key}.bearer_token"),
            trace_id_regex=spec.get("trace_id_regex"),
            timeout=spec.get("timeout"),
        )
        if spec.get("trace_id_regex") is not None:
            _check_trace_regex(spec["trace_id_regex"], f"{key}.trace_id_regex")
    return out


def _check_trace_regex(pattern: str, where: str) -> None:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ConfigError(where, f"not a valid regular expression: {exc}") from None
    if compiled.groups != 1:
        raise ConfigError(where, f"needs exactly one capture group for the trace id, has {compiled.groups}")


def _servers(raw: list[dict[str, Any]], apps: Mapping[str, App], where: str) -> tuple[Server, ...]:
    servers = []
    seen: dict[str, int] = {}
    addresses: dict[str, int] = {}
    for i, spec in enumerate(raw):
        key = f"{where}[{i}]"
        if spec["host"] in seen:
            raise ConfigError(f"{key}.host", f"duplicate host {spec['host']!r} (also servers[{seen[spec['host']]}])")
        seen[spec["host"]] = i
        if spec["address"] in addresses:
            raise ConfigError(f"{key}.address",
                              f"duplicate address {spec['address']!r} (also servers[{addresses[spec['address']]}])")
        addresses[spec["address"]] = i
        for app in spec.get("apps", []):
            if app not in apps:
                raise ConfigError(f"{key}.apps", f"unknown app {app!r}{did_you_mean(app, apps)}",
                                  "define it under apps:")
        servers.append(Server(
            host=spec["host"],
            address=spec["address"],
            apps=tuple(spec.get("apps", [])),
            node_exporter=_node_exporter(spec.get("node_exporter", {}), f"{key}.node_exporter"),
        ))
        _check_server_ports(servers[-1], apps, key)
    return tuple(servers)


def _node_exporter(raw: dict[str, Any], where: str) -> NodeExporter:
    node = NodeExporter(
        port=raw.get("port", 9100),
        listen_address=raw.get("listen_address"),
        tls=raw.get("tls", False),
        basic_auth_user=raw.get("basic_auth_user"),
        basic_auth_password=_secret(raw.get("basic_auth_password"), f"{where}.basic_auth_password"),
        basic_auth_password_hash=_secret(raw.get("basic_auth_password_hash"), f"{where}.basic_auth_password_hash"),
    )
    if node.basic_auth_user and node.basic_auth_password is None:
        raise ConfigError(f"{where}.basic_auth_password", "basic_auth_user needs a basic_auth_password: ${VAR}",
                          "Prometheus reads it from a secret file")
    if (node.basic_auth_password or node.basic_auth_password_hash) and not node.basic_auth_user:
        raise ConfigError(f"{where}.basic_auth_user", "a basic-auth password needs a basic_auth_user")
    return node


def _check_server_ports(server: Server, apps: Mapping[str, App], key: str) -> None:
    """node_exporter and the apps on one server each need their own port."""
    taken = {server.node_exporter.port: "node_exporter"}
    for name in server.apps:
        port = apps[name].port
        if port in taken:
            where = f"{key}.node_exporter.port" if taken[port] == "node_exporter" else f"{key}.apps"
            raise ConfigError(where, f"port {port} is used twice on host {server.host!r}: by {taken[port]} and by "
                                     f"app {name!r} (apps.{name}.port)")
        taken[port] = f"app {name!r}"


def _check_hosts(environments: Mapping[str, Environment], file: str) -> None:
    """A host belongs to one environment: the same host in two would be scraped twice with two labels."""
    owner: dict[str, str] = {}
    for env in environments.values():
        for i, server in enumerate(env.servers):
            where = f"environments.{env.name}.servers[{i}]"
            if server.host in owner:
                raise ConfigError(f"{file}: {where}.host",
                                  f"duplicate host {server.host!r} (also {owner[server.host]})")
            owner[server.host] = where


def _stack(raw: dict[str, Any], where: str) -> Stack:
    from graf.stack.addresses import every_interface

    server = raw.get("server", {})
    address = server.get("address", "127.0.0.1")
    for key, value in (("server.address", address), ("grafana_address", raw.get("grafana_address"))):
        if value is not None and every_interface(str(value)):
            raise ConfigError(f"{where}.{key}", f"{value!r} would publish on every interface",
                              "use the server's private address, or 127.0.0.1 behind a reverse proxy")
    from graf.stack.images import problem

    for service, image in raw.get("images", {}).items():
        if (why := problem(service, image)) is not None:
            raise ConfigError(f"{where}.images.{service}", why)
    ports = {**STACK_PORTS, **raw.get("ports", {})}
    used: dict[int, str] = {}
    for name, port in ports.items():
        if port in used:
            raise ConfigError(f"{where}.ports.{name}", f"port {port} is also stack.ports.{used[port]}")
        used[port] = name
    retention = _retention(raw.get("retention", {}), f"{where}.retention")
    volume = _volume(raw.get("volume", {}), f"{where}.volume")
    _check_size_caps(retention, volume, f"{where}.retention")
    return Stack(
        profile=raw.get("profile", "small"),
        server_host=server.get("host", "monitoring"),
        server_address=address,
        grafana_address=raw.get("grafana_address"),
        images=dict(raw.get("images", {})),
        retention=retention,
        volume=volume,
        ports=ports,
        publish_ingest=raw.get("publish_ingest", True),
        agent_endpoints=dict(raw.get("agent_endpoints", {})),
        metrics_generator=raw.get("metrics_generator", True),
        scrape_interval=raw.get("scrape_interval", "15s"),
    )


def _parsed(raw: dict[str, Any], key: str, parse: Any, where: str) -> Any:
    try:
        return parse(raw[key])
    except ValueError as exc:
        raise ConfigError(f"{where}.{key}", str(exc)) from None


def _retention(raw: dict[str, Any], where: str) -> Retention:
    default = Retention()
    values: dict[str, Any] = {}
    for key in ("metrics", "logs", "traces"):
        if key in raw:
            values[key] = _parsed(raw, key, parse_duration, where)
            if values[key] < 3600:
                raise ConfigError(f"{where}.{key}", f"{raw[key]!r} is shorter than the 1h minimum")
        if f"{key}_size" in raw:
            values[f"{key}_size"] = _parsed(raw, f"{key}_size", parse_size, where)
    if values.get("logs", default.logs) < DAY:
        raise ConfigError(f"{where}.logs", f"{raw['logs']!r} is shorter than Loki's 24h minimum retention")
    return Retention(**values)


def _check_size_caps(retention: Retention, volume: Volume, where: str) -> None:
    """Loki and Tempo have no size cap: graf turns one into a time, which must cover a day (an hour for traces)."""
    if retention.logs_size is not None and retention.logs_size * 4 < volume.logs_per_day:
        raise ConfigError(f"{where}.logs_size", "holds less than one day of logs at stack.volume.logs_per_day "
                                                "(Loki keeps at least 24h)")
    if retention.traces_size is not None and retention.traces_size * 24 < volume.traces_per_day:
        raise ConfigError(f"{where}.traces_size", "holds less than one hour of traces at stack.volume.traces_per_day")


def _volume(raw: dict[str, Any], where: str) -> Volume:
    return Volume(**{key: _parsed(raw, key, parse_size, where) for key in ("logs_per_day", "traces_per_day")
                     if key in raw})


def _alerts(defaults: dict[str, Any], overrides: dict[str, Any], where: str, *, managed: bool = True) -> Alerts:
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
            url=_secret(contact.get("url"), f"{where}.contact_point.url"),
            addresses=tuple(contact.get("addresses", [])),
        )
        if contact_point.type in ("webhook", "slack") and contact_point.url is None:
            raise ConfigError(f"{where}.contact_point.url", f"a {contact_point.type} contact point needs a url")
        if contact_point.type == "email" and not contact_point.addresses:
            raise ConfigError(f"{where}.contact_point.addresses", "an email contact point needs addresses")
    interval = merged.get("interval", "1m")
    if parse_duration(interval) == 0 or parse_duration(interval) % ALERT_BASE_INTERVAL:
        file = where.split(": ")[0]
        raise ConfigError(f"{where}.interval" if "interval" in overrides else f"{file}: alerts.interval",
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


def _check_durations(raw: dict[str, Any], file: str) -> None:
    """Durations the schema only knows as strings: check they parse."""
    interval = raw.get("stack", {}).get("scrape_interval")
    if interval is not None:
        try:
            parse_duration(interval)
        except ValueError as exc:
            raise ConfigError(f"{file}: stack.scrape_interval", str(exc)) from None
