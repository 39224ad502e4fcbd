"""Reading Grafana: the live state of given resources, concurrently, in graf's normal form.

Takes data only (the desired resources, a scope, an interval): what the code says is
`graf.target.Target`'s business, never rendered here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graf.errors import GrafanaError, ServerError, Unreachable
from graf.grafana.client import Grafana
from graf.grafana.kinds import LEGACY, KindIO, KindSet, LiveResource
from graf.grafana.kinds.contact_point import REDACTED
from graf.grafana.plan import Plan, Scope, plan
from graf.grafana.pool import DEFAULT_CONCURRENCY, run_all
from graf.grafana.record import Record
from graf.grafana.rule_groups import GROUP, GroupKey, read_interval, rule_groups
from graf.grafana.secrets import placeholders
from graf.resources import KIND_ORDER, Resource


@dataclass(frozen=True)
class LiveState:
    resources: Mapping[tuple[str, str], LiveResource | None]
    groups: Mapping[GroupKey, int | None] = field(default_factory=dict)  # interval (s) of the desired rules' groups
    # With `tolerant` reads: what could not be read, key (a group's: ("alert-rule-group", "folder/title")) -> why.
    unread: Mapping[tuple[str, str], str] = field(default_factory=dict)

    @property
    def pushed(self) -> dict[tuple[str, str], Record | None]:
        return {k: (v.meta.record if v is not None else None) for k, v in self.resources.items()}

    def present(self) -> list[LiveResource]:
        return [v for _, v in sorted(self.resources.items(), key=lambda kv: (KIND_ORDER.index(kv[0][0]), kv[0][1]))
                if v is not None]


SWITCH_INTERVAL = 0.0001  # seconds; the interpreter's default is 0.005


class EarlyReads:
    """Reads sent while the code still renders, so a sync waits on Grafana and renders at the same time.

    Made before rendering: the server's kinds are found (graf.grafana.discovery) in the pool right away, every
    `/apis` list of a selected kind starts as soon as they are known, and `want(resource)`, called as each
    resource is rendered, sends the one GET that `read_state` would send for it. `read_state(early=...)` then
    takes these answers instead of asking again, and sends the rest through the same pool, so no more than
    `concurrency` requests are ever in flight and the requests are the ones a plain read sends. A failed
    discovery is raised by `kinds()`, after rendering, where a plain read would raise it.
    """

    def __init__(self, api: Grafana, find_kinds: Callable[[], KindSet], only: Iterable[str],
                 concurrency: int = DEFAULT_CONCURRENCY) -> None:
        # While the main thread renders, an answer waits for the GIL at every blocking call on its way in
        # (status line, headers, body): up to one switch interval (5 ms) each. At 0.1 ms the pool keeps its
        # requests in flight during rendering (500 module dashboards: 1.05 -> 0.92 s, bench/whole_sync.py).
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, SWITCH_INTERVAL))
        self.api = api
        self.only = frozenset(only)
        self.pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="graf")
        self._kinds: Future[KindSet] = self.pool.submit(find_kinds)
        self._waiting: list[tuple[str, str]] = []
        self._listed = False
        self.reads: dict[tuple[str, str], Future[Any]] = {}
        self.lists: dict[str, Future[Any]] = {}

    def want(self, resource: Resource) -> None:
        """Start reading `resource`'s live copy, where it is read one by one (else its kind's list has it)."""
        self._waiting.append(resource.key)
        if self._kinds.done():
            self._send()

    def kinds(self) -> KindSet:
        """The server's kinds; after the reads waiting on them are sent. Discovery's error, if any, is raised."""
        kinds = self._kinds.result()
        self._send()
        return kinds

    def _send(self) -> None:
        if self._kinds.exception() is not None:
            self._waiting.clear()
            return
        kinds = self._kinds.result()
        if not self._listed:
            self._listed = True
            self.lists = {io.name: self.pool.submit(_attempt, partial(_list_all, io, self.api)) for io in kinds
                          if io.list_all is not None and (not self.only or io.name in self.only)}
        for kind, uid in self._waiting:
            if (kind, uid) in self.reads or (self.only and kind not in self.only):
                continue
            io = kinds.get(kind)
            if io.list_all is None:
                self.reads[(kind, uid)] = self.pool.submit(_attempt, partial(io.read, self.api, uid))
        self._waiting.clear()

    def close(self) -> None:
        """Drop what has not started (after an error); requests in flight end within their timeout."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        sys.setswitchinterval(self._switch_interval)


def read_state(api: Grafana, desired: Sequence[Resource], *, only: Iterable[str] = (), listed: bool = False,
               intervals: bool = False, concurrency: int = DEFAULT_CONCURRENCY, kinds: KindSet = LEGACY,
               tolerant: bool = False, removed_in: Scope | None = None, early: EarlyReads | None = None,
               on_read: Callable[[Any], None] | None = None) -> LiveState:
    """Live copies of every desired resource (a missing one is None), plus, with `listed`, every resource
    Grafana lists for the selected kinds (to find graf-managed ones the code no longer has), and with
    `intervals` the evaluation interval of each group the desired alert rules belong to.

    A kind whose transport lists whole objects (`list_all`: the `/apis` resources) is read with its
    paginated list; the others with one GET per resource. All reads share one bounded pool.

    With `tolerant`, a read that still fails after its retries (a 5xx, a dropped connection) leaves that
    resource (for a failed list, every desired one of its kind) in `unread` instead of failing the whole read,
    so a sync makes progress on the rest; when every read fails, the first error is raised (the server is
    down, not flaky).

    Without `listed`, `removed_in` still finds the resources the code no longer has, cheaply: the dashboards of
    its folder (an /api/search answer), every datasource, alert rule and contact point Grafana lists (one list
    each), then a GET for each not in code and not another environment's; where a list carries whole objects,
    at no cost. The plan shows graf's among them as deleted with --prune.

    With `early` (tolerant reads only), the reads it already sent are taken from it and the rest share its pool.
    `on_read` is called with each answer (a LiveResource, None, a list, ...) as the wait for the next goes on."""
    assert early is None or tolerant, "early reads are tolerant reads"
    pool = early.pool if early is not None else None
    chosen = [k for k in kinds if not set(only) or k.name in set(only)]
    names = {k.name for k in chosen}
    listing = [k for k in chosen if k.list_all is not None]
    one_by_one = [k for k in chosen if k.list_all is None]
    targets: set[tuple[str, str]] = {r.key for r in desired if r.kind in {k.name for k in one_by_one}}
    if listed:
        for uids in run_all(lambda k: [(k.name, uid) for uid in k.list_uids(api)], one_by_one, concurrency,
                            pool=pool):
            targets.update(uids)
    elif removed_in is not None:
        targets.update(_not_in_code(api, [k for k in one_by_one if k.holds_record], removed_in, concurrency, pool))
    keys = sorted(targets, key=lambda k: (KIND_ORDER.index(k[0]), k[1]))
    groups = rule_groups(r for r in desired if r.kind in names) if intervals else []
    reads: list[Callable[[], Any]] = [partial(kinds.get(k).read, api, uid) for k, uid in keys]
    reads += [partial(read_interval, api, group_folder, group) for group_folder, group in groups]
    reads += [partial(_list_all, io, api) for io in listing]
    sent: dict[int, Future[Any]] = {}
    if early is not None:  # the reads it sent already, by their place in `reads`
        sent = {i: early.reads[key] for i, key in enumerate(keys) if key in early.reads}
        lists_at = len(keys) + len(groups)
        sent.update({lists_at + j: early.lists[io.name] for j, io in enumerate(listing) if io.name in early.lists})
    rest = [read for i, read in enumerate(reads) if i not in sent]
    answered = iter(run_all((lambda read: _attempt(read)) if tolerant else (lambda read: read()), rest, concurrency,
                            pool=pool))
    found = []
    for i in range(len(reads)):
        found.append(sent[i].result() if i in sent else next(answered))
        if on_read is not None:
            on_read(found[-1])
    failed = [f for f in found if isinstance(f, _Unread)]
    if failed and len(failed) == len(found):
        raise failed[0].error
    unread: dict[tuple[str, str], str] = {}
    live: dict[tuple[str, str], LiveResource | None] = {}
    for key, value in zip(keys, found[:len(keys)], strict=True):
        if isinstance(value, _Unread):
            unread[key] = value.error.one_line()
        else:
            live[key] = value
    group_found = found[len(keys):len(keys) + len(groups)]
    for (group_folder, group), value in zip(groups, group_found, strict=True):
        if isinstance(value, _Unread):
            unread[(GROUP, f"{group_folder}/{group}")] = value.error.one_line()
    for io, items in zip(listing, found[len(keys) + len(groups):], strict=True):
        if isinstance(items, _Unread):
            unread.update({r.key: items.error.one_line() for r in desired if r.kind == io.name})
            continue
        by_uid = {item.uid: item for item in items}
        live.update({r.key: by_uid.get(r.uid) for r in desired if r.kind == io.name})
        if listed or (removed_in is not None and io.holds_record):
            live.update({(io.name, uid): item for uid, item in by_uid.items()})
    by_key = {r.key: r for r in desired}
    resources = {key: mask_secrets(value, by_key.get(key)) for key, value in
                 sorted(live.items(), key=lambda kv: (KIND_ORDER.index(kv[0][0]), kv[0][1]))}
    intervals_read = {g: v for g, v in zip(groups, group_found, strict=True) if not isinstance(v, _Unread)}
    return LiveState(resources, intervals_read, unread)


def _not_in_code(api: Grafana, kinds: Sequence[KindIO], scope: Scope, concurrency: int,
                 pool: Executor | None = None) -> set[tuple[str, str]]:
    """Keys Grafana lists for `kinds` that may be graf's: the dashboards of the scope's folder only (a folder
    search instead of every dashboard), every resource of the other kinds, none another environment renders."""
    def listed(io: KindIO) -> list[tuple[str, str]]:
        if io.name == "dashboard":
            return [("dashboard", uid) for uid in _dashboards_in(api, scope.folder)] if scope.folder else []
        return [(io.name, uid) for uid in io.list_uids(api)]

    return {key for keys in run_all(listed, kinds, concurrency, pool=pool) for key in keys
            if key not in scope.others}


def _dashboards_in(api: Grafana, folder: str) -> list[str]:
    """The uids of the dashboards in one folder (a single /api/search page: 5000 is Grafana's maximum)."""
    hits = api.get("/search", what="dashboards", params={"type": "dash-db", "folderUIDs": folder, "limit": 5000})
    return sorted({h["uid"] for h in hits if isinstance(h, dict) and isinstance(h.get("uid"), str) and h["uid"]}
                  if isinstance(hits, list) else set())


def _list_all(io: KindIO, api: Grafana) -> list[LiveResource]:
    assert io.list_all is not None
    return io.list_all(api)


@dataclass(frozen=True)
class _Unread:
    error: GrafanaError


def _attempt(read: Callable[[], Any]) -> Any:
    """`read()`, or `_Unread` when it failed after its retries in a way another request may not (5xx, timeouts,
    dropped connections). Credentials or permissions refused fail every request: those are raised."""
    try:
        return read()
    except (ServerError, Unreachable) as exc:
        return _Unread(exc)


def mask_secrets(live: LiveResource | None, want: Resource | None) -> LiveResource | None:
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


def read_plan(api: Grafana, desired: Sequence[Resource], *, only: Iterable[str] = (), prune: bool = False,
              force: bool = False, concurrency: int = DEFAULT_CONCURRENCY, scope: Scope | None = None,
              interval: int | None = None, kinds: KindSet = LEGACY, force_v2: bool = False,
              orphans: bool = False, early: EarlyReads | None = None) -> Plan:
    """Read, then plan. `interval` (seconds, `Target.interval`): also plan the desired rules' groups'
    evaluation interval; None leaves the groups alone. `orphans` (without `prune`): also find the graf-managed
    resources of the scope the code no longer has (a folder search and one list per kind on the legacy API), to
    show them as pending."""
    state = read_state(api, desired, only=only, listed=prune, intervals=interval is not None,
                       concurrency=concurrency, kinds=kinds, tolerant=True,
                       removed_in=(scope or Scope()) if orphans and not prune else None, early=early,
                       on_read=_hashed)
    return plan(desired, state.resources, state.pushed, prune=prune, force=force, scope=scope, interval=interval,
                groups=state.groups, force_v2=force_v2, unread=state.unread)


def _hashed(answer: Any) -> None:
    """The live body's hash made while later answers are still on their way, so the plan that follows (which
    compares it with graf's record) does not hash every body after the last answer."""
    if isinstance(answer, LiveResource) and answer.meta.record is not None:
        answer.body_hash  # noqa: B018 - computed and kept (a cached_property)
