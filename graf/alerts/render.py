"""Every alerting resource of one environment: its rules, and the contact points and policy of its Grafana.

Rule families are modules with `rules(ctx) -> list[JSON]` (ProvisionedAlertRule bodies), one
rule group each, in the environment's folder. graf.yaml's `alerts.rules.<name>` turns rules on
and off and sets thresholds per environment.
"""

from __future__ import annotations

from graf.alerts import host, http, instances, jvm, logs, notifications
from graf.context import RenderContext
from graf.resources import Resource

FAMILIES = (instances, http, jvm, host, logs)


def resources(ctx: RenderContext) -> list[Resource]:
    out = []
    for family in FAMILIES:
        for body in family.rules(ctx):
            out.append(Resource("alert-rule", body["uid"], body, folder=ctx.folder_uid, source=family.__name__))
    for body in notifications.contact_points(ctx):
        out.append(Resource("contact-point", body["uid"], body, source="graf.yaml: alerts.contact_point"))
    tree = notifications.policy(ctx)
    if tree is not None:
        out.append(Resource("policy", notifications.POLICY_UID, tree, source=notifications.__name__))
    return out
