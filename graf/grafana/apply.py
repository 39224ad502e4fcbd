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

from graf.errors import (
    Conflict,
    Forbidden,
    GrafanaError,
    NotFound,
    ServerError,
    Unauthorized,
    Unreachable,
    WriteUncertain,
)
from graf.grafana.client import Grafana
from graf.grafana.kinds import BY_NAME, LEGACY, KindIO, KindSet, LiveResource, Write
from graf.grafana.plan import Plan, PlannedChange, same_content, who
from graf.grafana.pool import DEFAULT_CONCURRENCY, run_all
from graf.grafana.record import record_for
from graf.grafana.rule_groups import GROUP, group_of, write_interval
from graf.grafana.secrets import with_secrets
from graf.resources import JSON, Resource, canonical

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


# Kinds Grafana writes without a version to check (§6): graf re-reads each right before its write.
UNVERSIONED = frozenset({"alert-rule", "contact-point", "policy"})


def _now(api: Grafana, io: KindIO, change: PlannedChange) -> LiveResource | None:
    """The resource as Grafana holds it now, in the form the plan saw it (contact-point secrets masked alike)."""
    from graf.grafana.live import mask_secrets

    return mask_secrets(io.read(api, change.uid), change.desired)


def _holds(change: PlannedChange, now: LiveResource | None, how: Write | None) -> bool:
    """True when `now` is exactly what this write would leave: the desired content, and graf's record of it
    where the kind holds one (another graf run of the same code wrote it, or this write landed)."""
    if now is None or change.desired is None or not same_content(change.desired, now):
        return False
    if how is None or how.record is None:
        return True
    return now.meta.record is not None and now.meta.record.hash == how.record.hash


def _as_planned(change: PlannedChange, now: LiveResource | None) -> bool:
    """True when `now` is still what the plan read: the same version where Grafana keeps one, else the same
    content and record."""
    planned = change.live
    if (now is None) or (planned is None):
        return (now is None) == (planned is None)
    if change.kind not in UNVERSIONED:
        return now.meta.version == planned.meta.version
    return (canonical(now.kind, now.body) == canonical(planned.kind, planned.body)
            and now.meta.record == planned.meta.record and now.meta.locked == planned.meta.locked)


def _changed_since_plan(change: PlannedChange, now: LiveResource | None) -> Conflict:
    if now is None:
        text = "deleted in Grafana since graf planned"
    elif change.live is None:
        text = f"created in Grafana by {who(now)} since graf planned, with other content"
    else:
        text = f"changed in Grafana by {who(now)} since graf planned"
    return Conflict(change.name, f"{text}; graf did not write it",
                    "run graf plan to see the change; graf export keeps it, graf sync --force overwrites it")


def _recheck(api: Grafana, io: KindIO, change: PlannedChange, how: Write | None, force: bool) -> bool:
    """For a kind Grafana writes without a version: re-read right before the write. True: nothing left to
    write (Grafana already holds exactly this); a change since the plan is a Conflict (unless --force)."""
    now = _now(api, io, change)
    if change.action == "delete":
        if now is None:
            return True
    elif _holds(change, now, how):
        return True
    if force:
        return False
    if not _as_planned(change, now):
        raise _changed_since_plan(change, now)
    return False


def _write_checked(api: Grafana, io: KindIO, change: PlannedChange, body: Resource, how: Write) -> None:
    """Write `body`; after an ambiguous failure, a 5xx, a conflict, or a create Grafana refuses, read back and
    decide what really happened: exactly this content is there (another run of graf wrote it, or this write
    landed) is done; still as planned after a lost answer is sent once more; anything else is the error."""
    try:
        io.write(api, body, how)
        return
    except (Unauthorized, Forbidden) as exc:
        raise exc
    except (WriteUncertain, Conflict, ServerError) as exc:
        error: GrafanaError = exc
    except GrafanaError as exc:
        if change.live is not None or isinstance(exc, Unreachable):
            raise
        error = exc  # a create refused, e.g. "uid is not unique": maybe a concurrent graf run created it
    now = _now(api, io, change)
    if _holds(change, now, how):
        return
    if isinstance(error, (WriteUncertain, ServerError)) and _as_planned(change, now):
        io.write(api, body, replace(how, live=now if now is not None else change.live))
        return
    raise error


def request(change: PlannedChange, secret: JSON | None, *, force: bool = False,
            project: str | None = None) -> tuple[Resource, Write]:
    """What graf writes for a create/update/adopt: the desired body with its secrets, and how: graf's record
    (where the kind holds one), the live copy read at plan time, --force."""
    desired = change.desired
    assert desired is not None
    record = (record_for(change.kind, desired.body, _version_after(change, force), project, change.uid)
              if BY_NAME[change.kind].holds_record else None)
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
          on_progress: Callable[[Outcome], None] | None = None, project: str | None = None,
          kinds: KindSet = LEGACY) -> ApplyResult:
    """Write every change of `plan` that needs a write; `secrets` come from `resolve_secrets`, resolved before.
    `project` (graf.yaml `name`) goes into graf's record on every write; `kinds` are this server's transports.

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
            io = kinds.get(change.kind)
            if change.action == "delete":
                if change.kind in UNVERSIONED and _recheck(api, io, change, None, force):
                    return Outcome(change, "applied")
                with contextlib.suppress(NotFound):  # already gone: what prune wanted
                    io.delete(api, change.uid)
            else:
                body, how = request(change, secrets.get(change.key), force=force, project=project)
                if change.kind in UNVERSIONED and _recheck(api, io, change, how, force):
                    return Outcome(change, "applied")
                _write_checked(api, io, change, body, how)
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
    for io in kinds:
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
    for io in reversed(kinds):
        batch([c for c in deletes if c.kind == io.name], concurrency)
    return ApplyResult(tuple(outcomes))
