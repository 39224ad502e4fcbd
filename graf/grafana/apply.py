"""Carry out a Plan: writes in `KINDS` order (folders first), deletes in reverse, one Outcome per change.

Within a kind, writes run concurrently on the bounded pool. A write sends graf's record (the hash
of the body, and for dashboards the version the save will produce) inside the resource, and a
dashboard or datasource update carries the version read at plan time, so a save made in the UI
between plan and apply is refused by Grafana (412 / 409) instead of being overwritten.

An alert-rule group's interval is set after the rules (a PUT of the interval alone, never of the
group's rules), and not attempted when a rule of that group failed.

A failure on one resource is recorded and the rest go on; when Grafana is unreachable or rejects
the credentials, the remaining writes are not attempted. Running sync again converges: it plans
from what Grafana holds now.

A write whose answer was lost (`WriteUncertain`: the connection dropped after the request went
out), answered 5xx, or that Grafana calls a conflict is read back before it is judged: when the resource now
carries the record of exactly this write, it landed (graf's own retried write is never reported as
someone else's edit); when it is still as the plan saw it, the write is sent once more.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from graf.errors import Conflict, GrafanaError, NotFound, ServerError, Unauthorized, Unreachable, WriteUncertain
from graf.grafana.client import Grafana
from graf.grafana.kinds import KINDS, Write, kind
from graf.grafana.plan import Plan, PlannedChange
from graf.grafana.pool import DEFAULT_CONCURRENCY, run_all
from graf.grafana.record import record_for
from graf.grafana.rule_groups import GROUP, group_of, write_interval
from graf.grafana.secrets import with_secrets
from graf.resources import JSON, Resource

WriteStatus = Literal["applied", "failed", "not attempted"]


@dataclass(frozen=True)
class Outcome:
    change: PlannedChange
    status: WriteStatus
    error: str = ""

    @property
    def line(self) -> str:
        text = f"{self.change.action:<8} {self.change.name}"
        if self.status == "applied":
            return text
        return f"{text}  {self.status.upper()}: {self.error}" if self.error else f"{text}  {self.status}"


@dataclass(frozen=True)
class ApplyResult:
    outcomes: tuple[Outcome, ...]

    @property
    def applied(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "applied")

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status != "applied")


def _fatal(error: GrafanaError) -> bool:
    """Errors that every further request would hit as well."""
    return isinstance(error, (Unreachable, Unauthorized)) and not isinstance(error, WriteUncertain)


def _write_checked(api: Grafana, change: PlannedChange, body: Resource, how: Write) -> None:
    """Write `body`; after an ambiguous failure, a 5xx or a conflict, read back and decide what really happened."""
    io = kind(change.kind)
    try:
        io.write(api, body, how)
        return
    except (WriteUncertain, Conflict, ServerError) as exc:
        error: GrafanaError = exc
    if how.record is None:
        raise error
    now = io.read(api, change.uid)
    if now is not None and now.meta.record is not None and now.meta.record.hash == how.record.hash:
        return  # it landed: what Grafana holds is exactly this write
    as_planned = (now is None) == (change.live is None) and (
        now is None or change.live is None or now.meta.version == change.live.meta.version)
    if isinstance(error, (WriteUncertain, ServerError)) and as_planned:
        io.write(api, body, replace(how, live=now if now is not None else change.live))
        return
    raise error


def request(change: PlannedChange, secret: JSON | None, *, force: bool = False,
            project: str | None = None) -> tuple[Resource, Write]:
    """What graf writes for a create/update/adopt: the desired body with its secrets, and how: graf's record
    (where the kind holds one), the live copy read at plan time, --force."""
    desired = change.desired
    assert desired is not None
    io = kind(change.kind)
    record = (record_for(change.kind, desired.body, _version_after(change, force), project, change.uid)
              if io.holds_record
              else None)
    body = Resource(desired.kind, desired.uid, with_secrets(desired.body, secret), folder=desired.folder,
                    source=desired.source)
    return body, Write(record=record, live=change.live, force=force)


def _version_after(change: PlannedChange, force: bool) -> int | None:
    """The version Grafana will store for this write, where its rules make it known in advance."""
    live_version = change.live.meta.version if change.live is not None else None
    if change.kind == "dashboard":  # §3.2: a create stores 1, an update (or overwrite) E.version + 1
        return 1 if change.live is None else (live_version or 0) + 1
    if change.kind == "datasource":  # §5: create 1; PUT stores body.version + 1, or 1 when no version is sent
        return 1 if change.live is None or force or live_version is None else live_version + 1
    return None


def apply(api: Grafana, plan: Plan, secrets: Mapping[tuple[str, str], JSON], *, force: bool = False,
          concurrency: int = DEFAULT_CONCURRENCY, on_outcome: Callable[[Outcome], None] | None = None,
          on_progress: Callable[[Outcome], None] | None = None, project: str | None = None) -> ApplyResult:
    """Write every change of `plan` that needs a write; `secrets` come from `resolve_secrets`, resolved before.
    `project` (graf.yaml `name`) goes into graf's record on every write.

    `on_progress` is called as each write finishes; `on_outcome` per kind, in plan order."""
    outcomes: list[Outcome] = []
    stop: list[str] = []
    failed_groups: set[tuple[str, str]] = set()

    def run(change: PlannedChange) -> Outcome:
        if stop:
            return Outcome(change, "not attempted", stop[0])
        if change.group is not None and change.group.key in failed_groups:
            return Outcome(change, "not attempted", "a rule of the group failed")
        try:
            if change.group is not None:
                write_interval(api, change.group.folder, change.group.title, change.group.interval)
                return Outcome(change, "applied")
            io = kind(change.kind)
            if change.action == "delete":
                with contextlib.suppress(NotFound):  # already gone: what prune wanted
                    io.delete(api, change.uid)
            else:
                _write_checked(api, change, *request(change, secrets.get(change.key), force=force, project=project))
        except GrafanaError as exc:
            if _fatal(exc):
                stop.append(f"stopped after: {exc.one_line()}")
            return Outcome(change, "failed", exc.one_line())
        return Outcome(change, "applied")

    def tick(_: PlannedChange, outcome: Outcome) -> None:
        if on_progress is not None:
            on_progress(outcome)

    def batch(changes: list[PlannedChange], width: int) -> None:
        # Results come back in plan order, so the report reads the same on every run.
        for outcome in run_all(run, changes, width, on_done=tick):
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)

    writes = [c for c in plan.writes if c.action != "delete"]
    deletes = [c for c in plan.writes if c.action == "delete"]
    for io in KINDS:
        changes = [c for c in writes if c.kind == io.name]
        if io.name == "datasource":
            # One at a time, the default first: Grafana makes the first datasource of an org the default
            # and a new default clears the old flag (§5), which concurrent creates would race on.
            changes.sort(key=lambda c: not (c.desired is not None and c.desired.body.get("isDefault")))
            batch(changes, 1)
        else:
            batch(changes, concurrency)
        if io.name == "alert-rule":
            failed_groups.update(group_of(o.change.desired) for o in outcomes
                                 if o.status != "applied" and o.change.kind == "alert-rule" and o.change.desired)
            batch([c for c in writes if c.kind == GROUP], concurrency)
    for io in reversed(KINDS):
        batch([c for c in deletes if c.kind == io.name], concurrency)
    return ApplyResult(tuple(outcomes))
