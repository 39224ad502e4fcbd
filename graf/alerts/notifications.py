"""Where alerts go: one contact point per environment and the org's notification policy tree.

Grafana has one policy tree per organisation. When several environments share one Grafana (the
example: dev and prod on one monitoring server), each of them renders the *same* tree, with a
route for every environment on that Grafana, and the contact points those routes name. So
`graf sync --env dev` never drops prod's routes, and never points a route at a contact point that
does not exist yet. Environments on different Grafanas each get a tree of their own.

Secrets stay `${VAR}` placeholders in the body (`settings.url: "${ALERT_WEBHOOK_URL}"`); the
sync step resolves them into the request only (graf.grafana.secrets), never into build output.
"""

from __future__ import annotations

from graf.config import ContactPoint, Environment
from graf.context import RenderContext
from graf.errors import RenderError
from graf.resources import JSON
from graf.uids import make_uid
from graf.units import prom_duration

POLICY_UID = "policy"
SEVERITIES = ("critical", "warning", "info")
# (group_wait, repeat_interval) per severity: a critical page comes sooner and repeats more often.
SEVERITY_TIMING = {"critical": ("10s", "1h"), "warning": ("30s", "4h"), "info": ("1m", "24h")}
GROUP_BY = ["grafana_folder", "alertname"]


def sharing(ctx: RenderContext) -> list[Environment]:
    """The project's environments with alerting on the same Grafana as this one (this one included), in file order."""
    url = ctx.env.grafana.url
    return [env for env in ctx.project.environments.values() if env.grafana.url == url and env.alerts.managed]


def editable_in_ui(ctx: RenderContext) -> bool:
    """Whether the contact points and policy of this Grafana may be written editable (X-Disable-Provenance).

    They are shared by every environment on the Grafana, so they are editable only when all of
    those environments are: Grafana refuses to turn a locked (provenance "api") notification
    resource back into an editable one (403 invalidProvenance), so a locked prod and an editable
    dev writing the same tree with different provenance would fail on every other sync.
    """
    return all(env.alerts.editable_in_ui for env in sharing(ctx))


def contact_point_uid(ctx: RenderContext, point: ContactPoint) -> str:
    # Derived from the name, not the environment: two environments with the same contact point
    # share one resource, two different ones must have different names (checked below).
    return make_uid(ctx.project.name, "cp", point.name)


def contact_point(ctx: RenderContext, point: ContactPoint) -> JSON:
    settings: JSON
    if point.type == "email":
        settings = {"addresses": ";".join(point.addresses), "singleEmail": False}
    elif point.type == "slack":
        settings = {"url": str(point.url)}
    else:
        settings = {"url": str(point.url), "httpMethod": "POST"}
    return {"uid": contact_point_uid(ctx, point), "name": point.name, "type": point.type, "settings": settings,
            "disableResolveMessage": False}


def contact_points(ctx: RenderContext) -> list[JSON]:
    """The contact points of every environment on this Grafana; one per distinct name."""
    seen: dict[str, tuple[str, JSON]] = {}
    for env in sharing(ctx):
        point = env.alerts.contact_point
        if point is None:
            continue
        body = contact_point(ctx, point)
        if body["uid"] in seen and seen[body["uid"]][1] != body:
            first = seen[body["uid"]][0]
            raise RenderError(
                f"graf.yaml: environments.{env.name}.alerts.contact_point",
                f"differs from environment {first}'s contact point named {point.name!r} on the same Grafana",
                "give one of them another name",
            )
        seen.setdefault(body["uid"], (env.name, body))
    return [body for _, body in seen.values()]


def policy(ctx: RenderContext) -> JSON | None:
    """The org's policy tree: a route per environment (matched on its label), below it one per severity.

    None when no environment on this Grafana has a contact point: graf then leaves the tree alone.
    """
    routed = [(env, env.alerts.contact_point) for env in sharing(ctx) if env.alerts.contact_point is not None]
    if not routed:
        return None
    return {
        # Alerts without an environment label (rules made by hand in the UI) go to the first
        # environment's contact point rather than to Grafana's default e-mail receiver.
        "receiver": routed[0][1].name,
        "group_by": GROUP_BY,
        "group_wait": prom_duration("30s"),
        "group_interval": prom_duration("5m"),
        "repeat_interval": prom_duration("4h"),
        "routes": [_environment_route(ctx, env, point) for env, point in routed],
    }


def _environment_route(ctx: RenderContext, env: Environment, point: ContactPoint) -> JSON:
    return {
        "receiver": point.name,
        "object_matchers": [[ctx.labels.environment, "=", env.label]],
        "routes": [
            {"receiver": point.name, "object_matchers": [["severity", "=", severity]],
             "group_wait": prom_duration(SEVERITY_TIMING[severity][0]),
             "repeat_interval": prom_duration(SEVERITY_TIMING[severity][1])}
            for severity in SEVERITIES
        ],
    }
