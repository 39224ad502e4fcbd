"""An in-process Grafana HTTP API test server (see server.py); `GrafanaServer(version=...)` picks the Grafana played."""

from tests.grafana_server.server import ADMIN_TOKEN, VIEWER_TOKEN, GrafanaServer, kind_of
from tests.grafana_server.state import UiRefused

# Release lines to run scenarios against (grafana-13-api.md §1): 11.6 (the default), 12.4, 13.x.
VERSIONS = ("11.6.0", "12.4.10", "13.1.0")

__all__ = ["ADMIN_TOKEN", "VERSIONS", "VIEWER_TOKEN", "GrafanaServer", "UiRefused", "kind_of"]
