"""Every alerting resource of one environment: its rules, and the contact points and policy of its Grafana.

Rule families are modules with `rules(ctx) -> list[JSON]` (ProvisionedAlertRule bodies), one
rule group each, in the environment's folder. graf.yaml's `alerts.rules.<name>` turns built-in
rules on and off and sets thresholds per environment; `alerts.modules` adds the team's own
modules with the same contract (a body without `folderUID` goes to the environment's folder,
and every rule gets the environment label).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graf import team
from graf.alerts import host, http, instances, jvm, logs, notifications
from graf.context import RenderContext
from graf.errors import RenderError
from graf.jsonvalue import check_json
from graf.resources import JSON, Resource
from graf.uids import UID_RULE, is_uid

FAMILIES = (instances, http, jvm, host, logs)


def resources(ctx: RenderContext) -> list[Resource]:
    """Nothing for an environment whose graf.yaml has no `alerts` section (neither top-level nor its own)."""
    if not ctx.env.alerts.managed:
        return []
    out = []
    for family in FAMILIES:
        for body in family.rules(ctx):
            out.append(Resource("alert-rule", body["uid"], body, folder=ctx.folder_uid, source=family.__name__))
    for path in ctx.env.alerts.modules:
        source = str(path)
        for i, rule in enumerate(_team_rules(ctx, path)):
            body = _placed(ctx, _checked(rule, f"{source}: rules(ctx)[{i}]"))
            out.append(Resource("alert-rule", body["uid"], body, folder=body["folderUID"], source=source))
    for body in notifications.contact_points(ctx):
        out.append(Resource("contact-point", body["uid"], body, source="graf.yaml: alerts.contact_point"))
    tree = notifications.policy(ctx)
    if tree is not None:
        out.append(Resource("policy", notifications.POLICY_UID, tree, source=notifications.__name__))
    return out


def _team_rules(ctx: RenderContext, path: Path) -> list[Any]:
    source = str(path)
    module = team.load(ctx.project.root, path, kind="alert rule module", key="alerts.modules")
    rules = team.call(module, "rules", ctx, source, ctx.project.root)
    if not isinstance(rules, (list, tuple)):
        raise RenderError(source, f"rules(ctx) returned {type(rules).__name__}, expected a list",
                          "return a list of alert rule bodies")
    check_json(list(rules), f"{source}: rules(ctx)")
    return [r for r in rules if r is not None]


def _checked(rule: Any, where: str) -> JSON:
    if not isinstance(rule, dict):
        raise RenderError(where, f"expected an alert rule body (dict), got {type(rule).__name__}")
    uid = rule.get("uid")
    if not is_uid(uid):
        raise RenderError(where, f"uid {uid!r} is not a valid uid ({UID_RULE})",
                          "use uid=ctx.uid('<name>')")
    for key in ("title", "ruleGroup", "condition", "data"):
        if not rule.get(key):
            raise RenderError(f"{where} › {key}", f"alert rule {uid} has no {key}")
    return rule


def _placed(ctx: RenderContext, rule: JSON) -> JSON:
    labels = {ctx.labels.environment: ctx.env.label, **(rule.get("labels") or {})}
    return {**rule, "folderUID": rule.get("folderUID") or ctx.folder_uid, "labels": labels}
