"""`Target(project, env)`: one environment of a project as the place graf plans, syncs and exports.

It owns what the sequence needs, once: the desired resources (rendered, in graf's normal form),
the environment's scope on a Grafana it may share with other environments, the alert evaluation
interval, and the connection (opened on first use, closed by `close()` or a `with` block).
`graf.grafana` takes these as data and never renders.

    with Target(project, project.environment("prod"), url="http://127.0.0.1:3000") as target:
        plan = target.plan(prune=True)
        result = target.apply(plan)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING

from graf.config import Environment, Project
from graf.errors import GrafError
from graf.grafana.apply import ApplyResult, Outcome, apply
from graf.grafana.client import Grafana
from graf.grafana.kinds import KindSet, LiveResource
from graf.grafana.live import EarlyReads, read_plan, read_state
from graf.grafana.plan import Plan, Scope, rewritten_by_grafana
from graf.grafana.pool import DEFAULT_CONCURRENCY
from graf.grafana.rule_groups import GroupKey, group_of
from graf.resources import JSON, KIND_ORDER, Resource

if TYPE_CHECKING:
    from graf.grafana.export import Export


@dataclass(frozen=True)
class Synced:
    """What `sync` did: the plan it carried out and one outcome per write."""

    plan: Plan
    applied: ApplyResult


@dataclass(eq=False)
class Target:
    project: Project
    env: Environment
    url: str | None = None  # instead of --url / GRAFANA_URL / graf.yaml's grafana.url
    concurrency: int = DEFAULT_CONCURRENCY
    _api: Grafana | None = field(default=None, init=False, repr=False)

    # ------------------------------------------------------------------ what the code says

    @cached_property
    def _desired(self) -> tuple[Resource, ...]:
        return self._render()

    def _render(self, seen: Callable[[Resource], None] | None = None) -> tuple[Resource, ...]:
        from graf._render import render
        from graf.gcpause import gc_held

        with gc_held():  # a run's worth of fresh JSON trees, no cycles: see graf.gcpause
            out = [r.normalised() for r in render(self.project, self.env, seen=seen)]
        return tuple(sorted(out, key=lambda r: (KIND_ORDER.index(r.kind), r.uid)))

    def desired(self, only: Iterable[str] = ()) -> list[Resource]:
        """What the code says for this environment (only the kinds in `only`, when given), in graf's normal
        form: the shape graf compares and sends."""
        kinds = set(only)
        return [r for r in self._desired if not kinds or r.kind in kinds]

    @cached_property
    def scope(self) -> Scope:
        """This environment's share of its Grafana: its folder, minus what the project's other environments on
        the same Grafana (same grafana.url) render, so pruning one never deletes another's resources."""
        from graf._render import render

        others: set[tuple[str, str]] = set()
        group_intervals: dict[GroupKey, set[int]] = {}
        for other in self.project.environments.values():
            if other.name == self.env.name or other.grafana.url != self.env.grafana.url:
                continue
            for resource in render(self.project, other):
                others.add(resource.key)
                if resource.kind == "alert-rule":
                    group_intervals.setdefault(group_of(resource), set()).add(evaluation_interval(other))
        return Scope(folder=self.env.folder.uid, others=frozenset(others), project=self.project.name,
                     group_intervals={k: frozenset(v) for k, v in group_intervals.items()})

    @property
    def interval(self) -> int:
        """The environment's alerts.interval in seconds."""
        return evaluation_interval(self.env)

    # ------------------------------------------------------------------ the connection

    @property
    def api(self) -> Grafana:
        """The connection to this environment's Grafana, made on first use (nothing is sent until a read)."""
        if self._api is None:
            from graf.alerts.notifications import editable_in_ui
            from graf.context import RenderContext
            from graf.grafana.client import connect

            self._api = connect(self.env, url=self.url,
                                notifications_editable=editable_in_ui(RenderContext(self.project, self.env)))
        return self._api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()

    def __enter__(self) -> Target:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @cached_property
    def kinds(self) -> KindSet:
        """The transport per kind for this Grafana, found once per run (graf.grafana.discovery): the `/apis`
        resources for dashboards and folders where served (12.4+/13.x), the legacy `/api` otherwise."""
        from graf.grafana.discovery import detect

        return KindSet.for_server(detect(self.api))

    @property
    def requests(self) -> dict[str, int]:
        """Requests sent so far, by HTTP method."""
        return dict(self._api.requests) if self._api is not None else {}

    # ------------------------------------------------------------------ what graf does there

    def plan(self, *, only: Iterable[str] = (), prune: bool = False, force: bool = False,
             force_v2: bool = False, orphans: bool = False) -> Plan:
        """What sync would do, per resource: read Grafana, then the three-way decision (graf.grafana.plan).
        `force_v2`: replace dashboards a UI save stored as schema v2 with graf's classic JSON. `orphans`: also
        list the folder's dashboards the code no longer has ("would be deleted with --prune"), as `graf plan` does."""
        from graf.gcpause import gc_held

        only = tuple(only)
        early = self._early_reads(only)
        try:
            if early is not None:
                self.__dict__["_desired"] = self._render(early.want)  # reads start while the rest renders
            desired = self.desired(only)
            kinds = early.kinds() if early is not None else self.kinds
            with gc_held():
                return read_plan(self.api, desired, only=only, prune=prune, force=force,
                                 concurrency=self.concurrency, scope=self.scope, interval=self.interval, kinds=kinds,
                                 force_v2=force_v2, orphans=orphans, early=early)
        finally:
            if early is not None:
                early.close()

    def _early_reads(self, only: tuple[str, ...]) -> EarlyReads | None:
        """Reads to send while rendering, when the code is not rendered yet and the connection can be made (else
        the plain order, render then read, says what is wrong in the order it always did)."""
        if "_desired" in self.__dict__:
            return None
        try:
            api = self.api
        except GrafError:
            return None
        return EarlyReads(api, lambda: self.kinds, only, self.concurrency)

    def apply(self, plan: Plan, *, force: bool = False, on_outcome: Callable[[Outcome], None] | None = None,
              on_progress: Callable[[Outcome], None] | None = None) -> ApplyResult:
        """Carry out `plan`. Every secret its writes need is resolved before the first write (a missing
        variable raises with nothing written)."""
        from graf.grafana.secrets import resolve_secrets

        secrets = resolve_secrets(self.env, [c.desired for c in plan.writes if c.desired is not None])
        return apply(self.api, plan, secrets, force=force, concurrency=self.concurrency, project=self.project.name,
                     on_outcome=on_outcome, on_progress=on_progress, kinds=self.kinds)

    def sync(self, *, only: Iterable[str] = (), prune: bool = False, force: bool = False, force_v2: bool = False,
             on_outcome: Callable[[Outcome], None] | None = None) -> Synced:
        """Plan, then apply: Grafana in step with the code, edits made in Grafana left as conflicts."""
        plan = self.plan(only=only, prune=prune, force=force, force_v2=force_v2)
        return Synced(plan, self.apply(plan, force=force, on_outcome=on_outcome))

    def export(self, *, uids: Iterable[str] = (), include_unmanaged: bool = False,
               only: Iterable[str] = ()) -> Export:
        """What Grafana holds of this environment in graf's normal form, and which managed resources drifted."""
        from graf.grafana.export import export

        result = export(self.api, self.env.name, self.desired(), uids=uids, include_unmanaged=include_unmanaged,
                        concurrency=self.concurrency, scope=self.scope, kinds=self.kinds)
        return result.only(only) if only else result

    def live(self) -> list[Resource]:
        """The live resources graf manages here, in graf's normal form (no record, no server-owned fields):
        those in code that exist, and those carrying graf's record that the code no longer has."""
        desired = self.desired()
        state = read_state(self.api, desired, listed=True, concurrency=self.concurrency, kinds=self.kinds)
        wanted = {r.key for r in desired}
        by_key = {r.key: r for r in desired}
        return [Resource(r.kind, r.uid, _as_compared(r, by_key.get(r.key)), folder=r.folder, source="grafana")
                for r in state.present() if r.key in wanted or (r.meta.record is not None and self.scope.owns(r))]


def _as_compared(live: LiveResource, want: Resource | None) -> JSON:
    """The body graf compares: the code's own, where Grafana only rewrote what graf pushed (see
    `rewritten_by_grafana`), so `graf diff --env` agrees with `graf plan`."""
    return want.body if want is not None and rewritten_by_grafana(want, live) else live.body


def evaluation_interval(env: Environment) -> int:
    """`env`'s alerts.interval in seconds (graf.yaml's checks make it a non-zero multiple of 10s)."""
    from graf.units import parse_duration

    return int(parse_duration(env.alerts.interval))
