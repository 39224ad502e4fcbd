"""The pure three-way comparison: code (desired) vs what graf last pushed (record) vs Grafana (live).

`plan(desired, live, pushed)` decides one `PlannedChange` per resource and does no I/O; `read_plan`
in `graf.grafana.live` gathers its inputs. The decision table (README, "How graf tells code
changes from UI edits"):

  in code, not live                         create
  live, not in code, graf's record          delete with --prune (kept and listed otherwise)
  live, not in code, no record              not graf's: never touched, not listed
  live, record written for another uid      not graf's (a copy made in the UI): as if no record
  live, not in code, edited, --prune        conflict (--force: delete, only if the record names this uid)
  locked (provisioned / read-only)          skipped, never written
  could not be read (5xx, dropped, timeout) unread: not written this run; the rest goes on
  live == code, record matches              unchanged (no request at all)
  live == code, no or stale record          adopt: graf writes its record, content unchanged
  live != code, live == what graf pushed    update (by content hash: a matching version is not enough)
  live != code, code == what graf pushed,   unchanged: Grafana rewrote parts of graf's body on save
    nobody saved since (version)              (e.g. /apis migrates schemaVersion), nothing to do
  live != code, edited since graf's push    conflict (--force: update); also a resource deleted and
                                            re-created with the same uid and other content
  live != code, no record                   conflict: not created by graf (--force: take over)
  live != code, stored as schema v2         conflict: a UI save on Grafana 13 converted it; --force is
                                            not enough, --force-v2 replaces it and loses its v2 layout

Alert-rule groups are not resources: Grafana ignores any interval in a rule written on its own, so
the evaluation interval (`alerts.interval`) is planned per group of the desired rules, as an
`alert-rule-group` change after the rules (`plan_groups`): an update when the live interval
differs, nothing when it is equal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

from graf.grafana.kinds import BY_NAME, LiveResource
from graf.grafana.record import Record
from graf.grafana.rule_groups import GROUP, GroupKey, group_of
from graf.resources import KIND_ORDER, Resource, normal_hash

Action = Literal["create", "update", "adopt", "delete", "unchanged", "conflict", "skipped", "orphan", "unread"]
WRITES: frozenset[str] = frozenset({"create", "update", "adopt", "delete"})
# §6: a group created by its first rule gets DefaultRuleEvaluationInterval, 6 x the 10s scheduler tick.
DEFAULT_GROUP_INTERVAL = 60
SYMBOLS: Mapping[str, str] = {"create": "+", "update": "~", "adopt": "=", "delete": "-", "unchanged": " ",
                              "conflict": "!", "skipped": "s", "orphan": "?", "unread": "x"}


@dataclass(frozen=True)
class RuleGroup:
    """An alert-rule group's evaluation interval: what the environment wants and what Grafana has (None: no
    group yet; the first rule written creates it with Grafana's default)."""

    folder: str
    title: str
    interval: int  # seconds
    live_interval: int | None = None

    @property
    def key(self) -> GroupKey:
        return (self.folder, self.title)


@dataclass(frozen=True)
class PlannedChange:
    kind: str
    uid: str
    action: Action
    reason: str
    desired: Resource | None = None
    live: LiveResource | None = None
    group: RuleGroup | None = None  # set on alert-rule-group changes only

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.uid)

    @property
    def title(self) -> str:
        if self.group is not None:
            return self.group.title
        source = self.desired or self.live
        return source.title if source is not None else self.uid

    @property
    def name(self) -> str:
        return f"{self.kind}/{self.uid}"


@dataclass(frozen=True)
class Plan:
    changes: tuple[PlannedChange, ...]

    @property
    def writes(self) -> tuple[PlannedChange, ...]:
        return tuple(c for c in self.changes if c.action in WRITES)

    @property
    def conflicts(self) -> tuple[PlannedChange, ...]:
        return tuple(c for c in self.changes if c.action == "conflict")

    @property
    def unread(self) -> tuple[PlannedChange, ...]:
        """Resources (and rule groups) Grafana did not let graf read this run: not written, planned next run."""
        return tuple(c for c in self.changes if c.action == "unread")

    @property
    def pending(self) -> bool:
        """True when `graf sync` would write something, a conflict needs a decision, or a resource removed from
        the code waits for --prune (so a CI gate on `graf plan` sees a deletion too)."""
        return bool(self.writes or self.conflicts or any(c.action == "orphan" for c in self.changes))

    def counts(self) -> Counter[str]:
        return Counter(c.action for c in self.changes)

    def summary(self) -> str:
        counts = self.counts()
        order = ("create", "update", "adopt", "delete", "unchanged", "conflict", "skipped", "orphan", "unread")
        return ", ".join(f"{counts[a]} {_LABELS.get(a, 'to ' + a if a in WRITES else a)}" for a in order
                         if counts[a]) or "nothing"


_LABELS: Mapping[str, str] = {"orphan": "would be deleted with --prune"}


def who(live: LiveResource) -> str:
    who = live.meta.updated_by or "someone"
    return f"{who} at {live.meta.updated}" if live.meta.updated else who


def untouched(record: Record, live: LiveResource) -> bool:
    """True when live is what graf pushed: the content hash of the live body is the record's.

    The version alone proves nothing: a dashboard deleted and re-created with the same uid, or a copy
    made with "Save as", starts again at version 1, the version graf records for a create.
    """
    if record.hash == live.body_hash:
        return True
    if not (record.bound and record.version is not None and record.version == live.meta.version):
        return False
    # Grafana rewrites some bodies on save (an org's first datasource becomes its default, §5; /apis migrates a
    # dashboard's schemaVersion), so the version graf's push produced also says "nobody saved since", but only
    # where a re-created resource cannot carry it too: a re-created one restarts at version 1 with graf's
    # record copied in its JSON, while /apis objects graf wrote carry graf's manager annotations as well.
    return live.kind == "datasource" or record.version > 1 or live.meta.graf_manager


def rewritten_by_grafana(want: Resource, live: LiveResource) -> bool:
    """True when `live` differs from `want` only by what Grafana itself rewrote when graf saved it: the code
    is what graf pushed last, and nobody saved since (e.g. a `/apis` write migrates the schemaVersion)."""
    record = live.meta.record
    return record is not None and _saved_only_by_graf(record, live) and record.hash == normal_hash(want.body)


def _saved_only_by_graf(record: Record, live: LiveResource) -> bool:
    """No save since graf's push: the version (generation on /apis) is the one graf's record predicted."""
    return record.version is not None and live.meta.version is not None and record.version == live.meta.version


def same_content(want: Resource, live: Resource) -> bool:
    """Equal bodies: both sides are in graf's normal form already (Target.desired, each kind's normalise)."""
    if want.kind == "dashboard" and want.folder is not None and live.folder != want.folder:
        return False  # placement is the code's too: a dashboard moved to another folder is moved back
    return want.body == live.body  # both in graf's normal form (Target.desired, each kind's normalise)


def plan(desired: Iterable[Resource], live: Mapping[tuple[str, str], LiveResource | None],
         pushed: Mapping[tuple[str, str], Record | None], *, prune: bool = False, force: bool = False,
         scope: Scope | None = None, interval: int | None = None,
         groups: Mapping[GroupKey, int | None] | None = None, force_v2: bool = False,
         unread: Mapping[tuple[str, str], str] | None = None) -> Plan:
    """One PlannedChange per resource in code or graf-managed in Grafana, sorted in apply order.

    A graf-managed resource the code no longer has is this environment's to prune only when it is
    inside `scope` (its folder, and not rendered by another environment on the same Grafana).
    With `interval` (the environment's alerts.interval in seconds) and `groups` (the live interval of
    each group of the desired rules, as read), the groups' intervals are planned too (`plan_groups`).
    `unread` (key -> why) are the resources and groups a read failed for: each is an `unread` change, never
    a create or a delete, since graf does not know what Grafana holds.
    """
    unread = unread or {}
    wanted = {r.key: r for r in desired}
    scope = scope or Scope()
    changes = []
    present = {k for k, v in live.items() if v is not None and (k in wanted or scope.owns(v))}
    for key in sorted((set(wanted) | present) - set(unread), key=_order):
        change = _decide(wanted.get(key), live.get(key), pushed.get(key), prune=prune, force=force,
                         force_v2=force_v2)
        if change is not None:
            changes.append(change)
    for key, why in unread.items():
        if key[0] != GROUP:
            changes.append(PlannedChange(key[0], key[1], "unread", f"could not read it ({why}); not written this "
                                         "run, graf sync again plans it", wanted.get(key)))
    if interval is not None:
        changes.extend(plan_groups(changes, interval, groups or {}, scope, unread))
    changes.sort(key=lambda c: _order(c.key))
    return Plan(tuple(changes))


def plan_groups(changes: Iterable[PlannedChange], interval: int, groups: Mapping[GroupKey, int | None],
                scope: Scope, unread: Mapping[tuple[str, str], str] | None = None) -> list[PlannedChange]:
    """An `alert-rule-group` update for each group of the desired rules whose interval is not `interval`.

    A group that does not exist yet gets Grafana's default when its first rule is created, so it is planned
    only when one of its rules is written. A group holding a rule provisioned from a file, or shared with
    another environment on this Grafana that wants another interval, is skipped: writing it would fail, or
    each environment's sync would undo the other's.
    """
    rules: dict[GroupKey, list[PlannedChange]] = {}
    for change in changes:
        if change.kind == "alert-rule" and change.desired is not None:
            rules.setdefault(group_of(change.desired), []).append(change)
    out = []
    for key, members in sorted(rules.items()):
        why = (unread or {}).get((GROUP, f"{key[0]}/{key[1]}"))
        if why is not None:
            out.append(PlannedChange(GROUP, f"{key[0]}/{key[1]}", "unread", f"could not read its interval ({why}); "
                                     "not written this run", group=RuleGroup(key[0], key[1], interval)))
            continue
        live = groups.get(key)
        current = DEFAULT_GROUP_INTERVAL if live is None else live
        if current == interval or (live is None and not any(c.action in WRITES for c in members)):
            continue
        group = RuleGroup(key[0], key[1], interval, live)
        uid = f"{key[0]}/{key[1]}"
        was = f"{current}s" if live is not None else f"{current}s (Grafana's default for a new group)"
        others = sorted(scope.group_intervals.get(key, frozenset()) - {interval})
        planned = partial(PlannedChange, GROUP, uid, group=group)
        if others:
            out.append(planned("skipped", f"evaluation interval {was} → {interval}s, but another environment on this "
                               f"Grafana renders rules into this group with {', '.join(f'{o}s' for o in others)}; "
                               "give them the same alerts.interval"))
        elif any(c.live is not None and c.live.meta.locked for c in members):
            out.append(planned("skipped", f"evaluation interval {was} → {interval}s, but a rule of the group is "
                               "provisioned from a file; graf never writes the group"))
        else:
            out.append(planned("update", f"evaluation interval {was} → {interval}s"))
    return out


FOLDER_SCOPED = frozenset({"dashboard", "alert-rule"})


@dataclass(frozen=True)
class Scope:
    """What one environment may call its own among the graf-managed resources a Grafana lists.

    Environments can share a Grafana (dev and prod on one monitoring server), and so can graf
    projects: a dashboard or rule outside this environment's folder, anything another environment
    of the project renders, or anything whose record names another project belongs to someone
    else and is never an orphan here.
    """

    folder: str | None = None
    others: frozenset[tuple[str, str]] = frozenset()
    project: str | None = None
    # The intervals the other environments on this Grafana want for the rule groups they render.
    group_intervals: Mapping[GroupKey, frozenset[int]] = field(default_factory=dict, hash=False)

    def owns(self, live: Resource) -> bool:
        if live.key in self.others:
            return False
        meta = getattr(live, "meta", None)
        record = meta.record if meta is not None else None
        if record is not None and record.project and self.project and record.project != self.project:
            return False  # pushed by another graf project sharing this Grafana
        return live.kind not in FOLDER_SCOPED or self.folder is None or live.folder == self.folder


def _order(key: tuple[str, str]) -> tuple[int, int, str]:
    if key[0] == GROUP:  # right after the rules: a group's interval is set once its rules are written
        return (KIND_ORDER.index("alert-rule"), 1, key[1])
    return (KIND_ORDER.index(key[0]) if key[0] in KIND_ORDER else len(KIND_ORDER), 0, key[1])


def _decide(want: Resource | None, live: LiveResource | None, record: Record | None, *,
            prune: bool, force: bool, force_v2: bool = False) -> PlannedChange | None:
    kind, uid = (want or live).kind, (want or live).uid  # type: ignore[union-attr]
    change = partial(PlannedChange, kind, uid)
    markable = BY_NAME[kind].holds_record
    if live is None:
        return change("create", "not in Grafana", want)
    if want is None:
        if record is None:
            return None  # not graf's: never touched, not listed
        if not prune:
            return change("orphan", "would be deleted with --prune: graf-managed but no longer in code", None, live)
        if live.meta.locked:
            return change("skipped", f"{live.meta.locked}; graf never deletes it", None, live)
        if untouched(record, live):
            return change("delete", "graf-managed, no longer in code", None, live)
        if not record.bound:
            # A record older than the uid binding, on a body graf did not push: an edit or a copy, graf
            # cannot tell which, so it never deletes it, not even with --force.
            return change("conflict", f"no longer in code and differs from what graf pushed (last saved by "
                          f"{who(live)}); its record is too old to tell an edit from a copy, so graf never "
                          "deletes it: delete it in Grafana if it is graf's", None, live)
        if not force:
            return change("conflict", f"no longer in code, but edited in Grafana by {who(live)} since "
                          "graf pushed it; graf export keeps the edit, --force deletes it", None, live)
        return change("delete", f"--force: graf-managed, no longer in code, edited by {who(live)}", None, live)
    same = same_content(want, live)
    if live.meta.locked:
        note = "same as code" if same else "differs from code"
        return change("skipped", f"{live.meta.locked}; {note}; graf never writes it", want, live)
    if same:
        if markable and (record is None or record.hash != live.body_hash):
            return change("adopt", "same as code; graf records it as managed (no content change)", want, live)
        return change("unchanged", "same as code", want, live)
    if live.meta.stored_as:
        if force_v2:
            return change("update", f"--force-v2: replaces the schema {live.meta.stored_as} dashboard {who(live)} "
                          "saved with graf's classic JSON (its v2-only layout is lost)", want, live)
        return change("conflict", f"stored as a schema {live.meta.stored_as} dashboard by a save in Grafana "
                      f"(last by {who(live)}); {_keeps(kind, uid)} keeps it as it is; graf sync --force-v2 "
                      "replaces it with graf's classic JSON and loses what only v2 holds (tabs, rows, auto grid, "
                      "conditional visibility)", want, live)
    if not markable:
        return change("update", "differs from code", want, live)
    if rewritten_by_grafana(want, live):
        return change("unchanged", "as graf pushed it (Grafana rewrote parts of it when saving, e.g. its "
                      "schemaVersion)", want, live)
    if record is None:
        if force:
            return change("update", f"--force: takes over what {who(live)} saved (not created by graf)", want, live)
        return change("conflict", f"differs from code and carries no graf record (graf did not create "
                      f"it, or a save in the UI dropped the record; last saved by {who(live)}); "
                      f"graf export --uid {uid} keeps it, --force overwrites it", want, live)
    if untouched(record, live):
        return change("update", "code changed since graf's last push", want, live)
    if force:
        return change("update", f"--force: overwrites the edit {who(live)} made in Grafana", want, live)
    return change("conflict", f"edited in Grafana by {who(live)} since graf pushed it; "
                  f"{_keeps(kind, uid)} keeps the edit, graf sync --force overwrites it", want, live)


def _keeps(kind: str, uid: str) -> str:
    """The command that takes a UI edit into the code: a dashboard is adopted in one step (graf.adopt)."""
    return f"graf export --adopt {uid}" if kind == "dashboard" else f"graf export --uid {uid}"
