"""What graf.yaml says, as frozen dataclasses: `Project`, its `Environment`s, and `Secret` references.

Only `graf.config.build` makes these from a checked file; everything else in graf reads them.
Secrets stay `Secret(name)` references; only the edges that send them (Grafana client, stack
renderer) resolve them, and nothing ever prints their value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from graf.errors import ConfigError
from graf.wording import did_you_mean

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
class ScrapeTarget:
    """Another exporter on one app server (graf.yaml `servers[].scrape`): scraped as job `job` with the
    environment and host labels, like node_exporter; passwords and tokens are ${VAR} references."""

    job: str
    port: int
    path: str = "/metrics"
    scheme: Literal["http", "https"] = "http"
    basic_auth_user: str | None = None
    basic_auth_password: Secret | None = None
    bearer_token: Secret | None = None


@dataclass(frozen=True)
class Server:
    host: str
    address: str
    apps: tuple[str, ...] = ()
    node_exporter: NodeExporter = field(default_factory=NodeExporter)
    scrape: tuple[ScrapeTarget, ...] = ()


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
class Dashboards:
    """Which dashboards an environment gets: built-ins by name, the team's modules, JSON files (globs,
    `{env}` is the environment's name). A file or module whose uid is a built-in's replaces that built-in
    in the environment (an adopted UI edit), so the other dashboards keep linking to it."""

    builtin: tuple[str, ...] = BUILTIN_DASHBOARDS
    modules: tuple[Path, ...] = ()
    files: tuple[str, ...] = ()


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
    # graf.yaml's `dashboards`, each key overridden by `environments.<env>.dashboards` where given.
    dashboards: Dashboards = field(default_factory=Dashboards)


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
    profile: str = "small"  # a size profile of graf.stack.sizing, checked by graf.stack.rules
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
    target: str = "compose"  # compose | kubernetes: what `graf stack render` writes, and default datasource URLs
    namespace: str = "monitoring"  # the Kubernetes target's namespace

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
