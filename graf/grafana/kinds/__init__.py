"""One file per kind, each meeting the `KindIO` protocol (graf.grafana.kinds.base), and the ordered sets.

Apply in `KINDS` order (a dashboard needs its folder and datasources, a rule its folder), delete in
reverse. `KINDS` is every kind over the legacy `/api`; `KindSet.for_server` swaps in the `/apis`
implementation of dashboards and folders where the server serves it (once per run, from
graf.grafana.discovery). A test checks each implementation meets the protocol.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from graf.grafana.discovery import ServerInfo
from graf.grafana.kinds import alert_rule, contact_point, dashboard, datasource, folder, policy
from graf.grafana.kinds.base import KindIO, LiveMeta, LiveResource, Write

__all__ = ["BY_NAME", "KINDS", "KindIO", "KindSet", "LiveMeta", "LiveResource", "Write", "kind"]

KINDS: tuple[KindIO, ...] = (folder.LEGACY, datasource.LEGACY, dashboard.LEGACY, alert_rule.LEGACY,
                             contact_point.LEGACY, policy.LEGACY)
BY_NAME: Mapping[str, KindIO] = {k.name: k for k in KINDS}


def kind(name: str) -> KindIO:
    return BY_NAME[name]


@dataclass(frozen=True)
class KindSet:
    """The kinds of one run, in apply order, each over the transport chosen for this server."""

    kinds: tuple[KindIO, ...] = KINDS
    server: ServerInfo | None = None

    def __iter__(self) -> Iterator[KindIO]:
        return iter(self.kinds)

    def __reversed__(self) -> Iterator[KindIO]:
        return reversed(self.kinds)

    def get(self, name: str) -> KindIO:
        return next(k for k in self.kinds if k.name == name)

    @classmethod
    def for_server(cls, server: ServerInfo) -> KindSet:
        """`/apis` for dashboards and folders where `server` serves a classic-JSON version, legacy otherwise.
        Their modules are imported only then: on a legacy server this runs between /api/health's answer and the
        first read."""
        chosen: dict[str, KindIO] = {}
        if server.dashboards:
            from graf.grafana.kinds import dashboard_apis

            chosen["dashboard"] = dashboard_apis.kind_io(server.dashboards)
        if server.folders:
            from graf.grafana.kinds import folder_apis

            chosen["folder"] = folder_apis.kind_io(server.folders)
        return cls(tuple(chosen.get(k.name) or k for k in KINDS), server)


LEGACY = KindSet()
