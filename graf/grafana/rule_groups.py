"""Alert-rule groups: which group a rule is in, and a group's evaluation interval in Grafana.

A group is not a resource: Grafana ignores any interval in a rule written on its own, so graf plans
each desired rule's group's interval (graf.grafana.plan.plan_groups) and sets it after the rules.
Sources: grafana-api.md §6 (`/api/v1/provisioning/folder/{uid}/rule-groups/{group}`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graf.grafana.client import Grafana
from graf.grafana.kinds.base import path
from graf.resources import Resource

GROUP = "alert-rule-group"
GroupKey = tuple[str, str]  # (folder uid, group title)


def group_of(rule: Resource) -> GroupKey:
    return (str(rule.body.get("folderUID") or rule.folder or ""), str(rule.body.get("ruleGroup") or ""))


def rule_groups(desired: Iterable[Resource]) -> list[GroupKey]:
    """The (folder, group) of every desired alert rule, sorted: the groups whose interval graf manages."""
    return sorted({group_of(r) for r in desired if r.kind == "alert-rule"})


def _group_path(folder_uid: str, group: str) -> str:
    return f"/v1/provisioning/folder/{path(folder_uid)}/rule-groups/{path(group)}"


def read_interval(api: Grafana, folder_uid: str, group: str) -> int | None:
    """The evaluation interval (seconds) of a rule group; None when the group has no rules (§6: 404)."""
    data = api.get(_group_path(folder_uid, group), what=f"{GROUP}/{folder_uid}/{group}", missing_ok=True)
    interval = data.get("interval") if isinstance(data, dict) else None
    return interval if isinstance(interval, int) and not isinstance(interval, bool) else None


def write_interval(api: Grafana, folder_uid: str, group: str, interval: int) -> Any:
    """Set a group's interval and nothing else: `rules` is left out, so Grafana keeps the group's rules
    (§6: a PUT with rules replaces the group and deletes the rules it does not list)."""
    return api.put(_group_path(folder_uid, group), {"title": group, "folderUid": folder_uid, "interval": interval},
                   what=f"{GROUP}/{folder_uid}/{group}", headers=api.provenance_headers)
