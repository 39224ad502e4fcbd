"""An in-process Grafana HTTP API test server (see server.py)."""

from tests.grafana_server.server import ADMIN_TOKEN, VIEWER_TOKEN, GrafanaServer

__all__ = ["ADMIN_TOKEN", "VIEWER_TOKEN", "GrafanaServer"]
