"""Reading Grafana: the live state of what graf manages, concurrently, in graf's canonical shape.

`read_live(project, env, *, url=None)` is the entry point other commands (e.g. `graf diff`) use:
the live, canonical resources graf manages for one environment, graf's marker removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graf.config import Environment, Project
from graf.grafana.client import Grafana
from graf.grafana.kinds import KINDS, REDACTED, LiveResource, Record, kind, normalised, rule_group_interval_read
from graf.grafana.plan import GroupKey, Plan, Scope, group_of, plan, rule_groups
from graf.grafana.pool import DEFAULT_CONCURRENCY, run_all
from graf.grafana.secrets import placeholders
from graf.resources import KIND_ORDER, Resource


def desired_resources(project: Project, env: Environment, only: Iterable[str] = ()) -> list[Resource]:
    """What the code says, in the shape graf compares and sends (server defaults dropped)."""
    from graf.render import render

    kinds = set(only)
    out = [normalised(r) for r in render(project, env) if not kinds or r.kind in kinds]
    return sorted(out, key=lambda r: (KIND_ORDER.index(r.kind), r.uid))


@dataclass(frozen=True)
class LiveState:
    resources: Mapping[tuple[str, str], LiveResource | None]
    groups: Mapping[GroupKey, int | None] = field(default_factory=dict)  # interval (s) of the desired rules' groups

    @property
    def pushed(self) -> dict[tuple[str, str], Record | None]:
        return {k: (v.meta.record if v is not None else None) for k, v in self.resources.items()}

    def present(self) -> list[LiveResource]:
        return [v for _, v in sorted(self.resources.items(), key=lambda kv: (KIND_ORDER.index(kv[0][0]), kv[0][1]))
                if v is not None]


def read_state(api: Grafana, desired: Sequence[Resource], *, only: Iterable[str] = (), listed: bool = False,
               intervals: bool = False, concurrency: int = DEFAULT_CONCURRENCY) -> LiveState:
    """Live copies of every desired resource (a missing one is None), plus, with `listed`, every resource
    Grafana lists for the selected kinds (to find graf-managed ones the code no longer has), and with
    `intervals` the evaluation interval of each group the desired alert rules belong to."""
    kinds = [k for k in KINDS if not set(only) or k.name in set(only)]
    targets: set[tuple[str, str]] = {r.key for r in desired if any(k.name == r.kind for k in kinds)}
    if listed:
        for uids in run_all(lambda k: [(k.name, uid) for uid in k.list_uids(api)], kinds, concurrency):
            targets.update(uids)
    keys = sorted(targets, key=lambda k: (KIND_ORDER.index(k[0]), k[1]))
    groups = rule_groups(r for r in desired if r.key in targets) if intervals else []
    # One pool for both: the group reads go in flight with the resource reads.
    reads: list[Callable[[], Any]] = [partial(kind(k).read, api, uid) for k, uid in keys]
    reads += [partial(rule_group_interval_read, api, folder, group) for folder, group in groups]
    found = run_all(lambda read: read(), reads, concurrency)
    by_key = {r.key: r for r in desired}
    resources = {key: _mask_secrets(live, by_key.get(key)) for key, live in zip(keys, found[:len(keys)], strict=True)}
    return LiveState(resources, dict(zip(groups, found[len(keys):], strict=True)))


def _mask_secrets(live: LiveResource | None, want: Resource | None) -> LiveResource | None:
    """Contact-point settings graf holds as `${VAR}` (or Grafana shows as [REDACTED]) compare as the placeholder:
    graf cannot see the value and must never export it."""
    if live is None or live.kind != "contact-point" or not isinstance(live.body.get("settings"), dict):
        return live
    wanted = placeholders(want.body) if want is not None else {}
    settings = dict(live.body["settings"])
    for key, value in settings.items():
        if key in wanted:
            settings[key] = "${" + wanted[key] + "}"
        elif value == REDACTED:
            settings[key] = REDACTED
    body = {**live.body, "settings": settings}
    return LiveResource(live.kind, live.uid, body, folder=live.folder, source=live.source, meta=live.meta)


def scope_of(project: Project, env: Environment) -> Scope:
    """`env`'s share of a Grafana: its folder, minus what the project's other environments on the same
    Grafana (same grafana.url) render, so pruning one environment never deletes another's resources."""
    from graf.render import render

    others: set[tuple[str, str]] = set()
    group_intervals: dict[GroupKey, set[int]] = {}
    for other in project.environments.values():
        if other.name == env.name or other.grafana.url != env.grafana.url:
            continue
        for resource in render(project, other):
            others.add(resource.key)
            if resource.kind == "alert-rule":
                group_intervals.setdefault(group_of(resource), set()).add(evaluation_interval(other))
    return Scope(folder=env.folder.uid, others=frozenset(others), project=project.name,
                 group_intervals={k: frozenset(v) for k, v in group_intervals.items()})


def evaluation_interval(env: Environment) -> int:
    """The environment's alerts.interval in seconds (config.py checks it is a non-zero multiple of 10s)."""
    from graf.units import parse_duration

    return int(parse_duration(env.alerts.interval))


def notifications_editable(project: Project, env: Environment) -> bool:
    """Whether this Grafana's shared contact points and policy tree are written editable in the UI."""
    from graf.alerts.notifications import editable_in_ui
    from graf.context import RenderContext

    return editable_in_ui(RenderContext(project, env))


def read_plan(api: Grafana, desired: Sequence[Resource], *, only: Iterable[str] = (), prune: bool = False,
              force: bool = False, concurrency: int = DEFAULT_CONCURRENCY, scope: Scope | None = None,
              interval: int | None = None) -> Plan:
    """Read, then plan. `interval` (seconds, `evaluation_interval(env)`): also plan the desired rules' groups'
    evaluation interval; None leaves the groups alone."""
    state = read_state(api, desired, only=only, listed=prune, intervals=interval is not None,
                       concurrency=concurrency)
    return plan(desired, state.resources, state.pushed, prune=prune, force=force, scope=scope, interval=interval,
                groups=state.groups)


def read_live(project: Project, env: Environment, *, url: str | None = None,
              concurrency: int = DEFAULT_CONCURRENCY) -> list[Resource]:
    """The live, canonical resources graf manages in `env`: those in code that exist, and those carrying graf's
    record that the code no longer has. Bodies are graf's shape (no marker, no server-owned fields)."""
    from graf.grafana.client import connect

    api = connect(env, url=url)
    try:
        desired = desired_resources(project, env)
        state = read_state(api, desired, listed=True, concurrency=concurrency)
        wanted = {r.key for r in desired}
        scope = scope_of(project, env)
        return [Resource(r.kind, r.uid, r.body, folder=r.folder, source="grafana")
                for r in state.present() if r.key in wanted or (r.meta.record is not None and scope.owns(r))]
    finally:
        api.close()
