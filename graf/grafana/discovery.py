"""What Grafana graf talks to, found once per run: its version and which `/apis` versions it serves.

Sources: grafana-13-api.md §4.1 (dashboards are `dashboard.grafana.app` v1 on 13.x, v1beta1 on
12.x; folders `folder.grafana.app` v1 on 13.x, v1beta1 on 12.x; read the group's discovery
document and use what is served) and §8 (`/api/health` is unchanged and carries the version).

The choice per kind: the `/apis` resources for dashboards and folders where the server serves a
classic-JSON version of them (v1, else v1beta1), the legacy `/api` otherwise (11.x; 12.x without
them). Everything else (datasources, alerting) stays on the legacy API: their resource APIs are
behind toggles that default to off (§6) or in beta (§7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graf.errors import NotFound
from graf.grafana.client import Grafana

DASHBOARD_GROUP = "dashboard.grafana.app"
FOLDER_GROUP = "folder.grafana.app"
# Classic-JSON versions in the order graf prefers them (§4.1): GA first, then 12.x's beta.
CLASSIC_VERSIONS = ("v1", "v1beta1")


@dataclass(frozen=True)
class ServerInfo:
    """The Grafana of this run: its version text and the `/apis` version used per kind (None: legacy `/api`)."""

    version: str = ""
    dashboards: str | None = None
    folders: str | None = None

    @property
    def major(self) -> int:
        found = re.match(r"^v?(\d+)", self.version)
        return int(found[1]) if found else 0

    def transport(self, kind: str) -> str:
        """How graf talks to Grafana about `kind`, for `graf plan -v`."""
        chosen = {"dashboard": (DASHBOARD_GROUP, self.dashboards), "folder": (FOLDER_GROUP, self.folders)}.get(kind)
        if chosen is not None and chosen[1] is not None:
            return f"/apis/{chosen[0]}/{chosen[1]}"
        return "/api (legacy)"


def detect(api: Grafana) -> ServerInfo:
    """Ask `/api/health`, then (12+) the `/apis` group list once: two read-only requests."""
    health = api.get("/health", what="Grafana's /api/health")
    version = str(health.get("version") or "") if isinstance(health, dict) else ""
    info = ServerInfo(version=version)
    if info.major and info.major < 12:
        return info  # §4.1: the resource APIs exist from 12
    try:
        groups = api.get("/apis", what="Grafana's /apis")
    except NotFound:
        return info
    served = {str(g.get("name")): {v.get("version") for v in _list(g, "versions") if isinstance(v, dict)}
              for g in _list(groups, "groups") if isinstance(g, dict)}
    return ServerInfo(version=version, dashboards=_classic(served.get(DASHBOARD_GROUP, set())),
                      folders=_classic(served.get(FOLDER_GROUP, set())))


def _classic(served: set[Any]) -> str | None:
    return next((v for v in CLASSIC_VERSIONS if v in served), None)


def _list(document: Any, key: str) -> list[Any]:
    value = document.get(key) if isinstance(document, dict) else None
    return value if isinstance(value, list) else []
