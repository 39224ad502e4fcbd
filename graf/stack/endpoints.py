"""Where the app servers push: Loki's push API and Tempo's OTLP receiver on the monitoring server."""

from __future__ import annotations

from graf.config import Project


def loki_push_url(project: Project) -> str:
    stack = project.stack
    base = stack.agent_endpoints.get("loki") or f"http://{stack.server_address}:{stack.ports['loki']}"
    return base.rstrip("/") + "/loki/api/v1/push"


def otlp_traces_url(project: Project) -> str:
    """OTLP over HTTP (Spring Boot's default exporter): `<endpoint>/v1/traces`."""
    stack = project.stack
    base = stack.agent_endpoints.get("otlp") or f"http://{stack.server_address}:{stack.ports['otlp_http']}"
    return base.rstrip("/") + "/v1/traces"


def unpublished_warnings(project: Project) -> list[str]:
    """What an agent cannot reach when the ingest ports are not published and no endpoint replaces them."""
    stack = project.stack
    if stack.publish_ingest:
        if stack.server_address.startswith("127.") and len(stack.agent_endpoints) < 2:
            return [f"stack.server.address is {stack.server_address}: app servers cannot reach the monitoring "
                    "server there; set it to the server's private address"]
        return []
    return [f"stack.publish_ingest is false and stack.agent_endpoints.{name} is not set: the agent points at "
            f"{what} on {stack.server_address}, which the compose file binds to 127.0.0.1 only"
            for name, what in (("loki", "Loki's push port"), ("otlp", "Tempo's OTLP port"))
            if name not in stack.agent_endpoints]
