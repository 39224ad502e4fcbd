"""What graf.yaml's `stack` section and servers must satisfy for the stack graf renders to work.

Each rule takes the typed Project and raises a ConfigError at the key to change; `graf.load_project`
runs `RULES` after graf.config's own checks. They live here because they are about the stack
(size profiles, pinned images, published ports, what Loki and Tempo can keep), which graf.config
does not know.
"""

from __future__ import annotations

from collections.abc import Callable

from graf.config import DAY, Project
from graf.config.keys import KeyPath, error
from graf.stack.addresses import every_interface
from graf.stack.images import problem
from graf.stack.sizing import PROFILES
from graf.wording import VALUE_LIMIT, clip, did_you_mean


def profile(project: Project) -> None:
    name = project.stack.profile
    if name not in PROFILES:
        got = f"{clip(repr(name), VALUE_LIMIT)}{did_you_mean(name, PROFILES)}"
        raise error(project.path.name, ("stack", "profile"), f"expected one of {', '.join(PROFILES)}, got {got}")


def published_addresses(project: Project) -> None:
    """Nothing is published on every interface: the server's private address, or 127.0.0.1 behind a proxy."""
    stack = project.stack
    for at, value in ((("stack", "server", "address"), stack.server_address),
                      (("stack", "grafana_address"), stack.grafana_address)):
        if value is not None and every_interface(str(value)):
            raise error(project.path.name, at, f"{value!r} would publish on every interface",
                        "use the server's private address, or 127.0.0.1 behind a reverse proxy")


def images(project: Project) -> None:
    for service, image in project.stack.images.items():
        if (why := problem(service, image)) is not None:
            raise error(project.path.name, ("stack", "images", service), why)


def ports(project: Project) -> None:
    used: dict[int, str] = {}
    for name, port in project.stack.ports.items():
        if port in used:
            raise error(project.path.name, ("stack", "ports", name), f"port {port} is also stack.ports.{used[port]}")
        used[port] = name


def retention(project: Project) -> None:
    """At least an hour of anything, and a day of logs (Loki's index period); a size cap must hold that much."""
    kept, volume = project.stack.retention, project.stack.volume
    at: KeyPath = ("stack", "retention")
    for key, seconds in (("metrics", kept.metrics), ("logs", kept.logs), ("traces", kept.traces)):
        if seconds < 3600:
            raise error(project.path.name, (*at, key), f"{_duration(seconds)!r} is shorter than the 1h minimum")
    if kept.logs < DAY:
        raise error(project.path.name, (*at, "logs"),
                    f"{_duration(kept.logs)!r} is shorter than Loki's 24h minimum retention")
    # Loki and Tempo have no size cap: graf turns one into a time, which must cover a day (an hour for traces).
    if kept.logs_size is not None and kept.logs_size * 4 < volume.logs_per_day:
        raise error(project.path.name, (*at, "logs_size"),
                    "holds less than one day of logs at stack.volume.logs_per_day (Loki keeps at least 24h)")
    if kept.traces_size is not None and kept.traces_size * 24 < volume.traces_per_day:
        raise error(project.path.name, (*at, "traces_size"),
                    "holds less than one hour of traces at stack.volume.traces_per_day")


def server_ports(project: Project) -> None:
    """node_exporter and the apps on one server each need their own port."""
    for env in project.environments.values():
        for i, server in enumerate(env.servers):
            at: KeyPath = ("environments", env.name, "servers", i)
            taken = {server.node_exporter.port: "node_exporter"}
            for name in server.apps:
                port = project.apps[name].port
                if port in taken:
                    key = (*at, "node_exporter", "port") if taken[port] == "node_exporter" else (*at, "apps")
                    raise error(project.path.name, key, f"port {port} is used twice on host {server.host!r}: "
                                                        f"by {taken[port]} and by app {name!r} (apps.{name}.port)")
                taken[port] = f"app {name!r}"


def _duration(seconds: float) -> str:
    """Seconds as the shortest whole-unit duration (`12h`, `90m`), the way graf.yaml writes them."""
    for unit, size in (("d", DAY), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


RULES: tuple[Callable[[Project], None], ...] = (profile, published_addresses, images, ports, retention, server_ports)
