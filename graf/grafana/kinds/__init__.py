"""One file per kind, each meeting the `KindIO` protocol (graf.grafana.kinds.base), and the ordered `KINDS`.

Apply in `KINDS` order (a dashboard needs its folder and datasources, a rule its folder), delete in
reverse. Every kind here is the legacy `/api` implementation; a test checks each meets the protocol.
"""

from __future__ import annotations

from collections.abc import Mapping

from graf.grafana.kinds import alert_rule, contact_point, dashboard, datasource, folder, policy
from graf.grafana.kinds.base import KindIO, LiveMeta, LiveResource, Write

__all__ = ["BY_NAME", "KINDS", "KindIO", "LiveMeta", "LiveResource", "Write", "kind"]

KINDS: tuple[KindIO, ...] = (folder.LEGACY, datasource.LEGACY, dashboard.LEGACY, alert_rule.LEGACY,
                             contact_point.LEGACY, policy.LEGACY)
BY_NAME: Mapping[str, KindIO] = {k.name: k for k in KINDS}


def kind(name: str) -> KindIO:
    return BY_NAME[name]
