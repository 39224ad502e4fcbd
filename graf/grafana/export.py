"""Live -> canonical JSON files, laid out like `graf build` (`<env>/<kind>/<uid>.json`), plus a drift report.

Exported bodies are graf's shape: server-owned fields, graf's marker and secrets removed
(datasource secrets never come back from Grafana; a contact-point setting Grafana counts as secure,
graf.grafana.secure_fields, is `${VAR}` where the code has that placeholder and `[REDACTED]`
everywhere else, whatever the server answered). Every file path is built from server data (the
uid): a uid that is not a plain file name is reported and left out (`Export.errors`), never written.
So exporting what graf synced gives files byte-equal to `graf build`, and a file
exported with `--all` and placed where graf.yaml lists dashboard files is adopted on the next sync.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graf.grafana.client import Grafana
from graf.grafana.kinds import LEGACY, KindSet
from graf.grafana.live import read_state
from graf.grafana.plan import Scope, rewritten_by_grafana, same_content, untouched, who
from graf.grafana.pool import DEFAULT_CONCURRENCY
from graf.grafana.secure_fields import redact_settings
from graf.resources import Resource

# A uid that is safe as one file name on every system: Grafana's own uid alphabet plus dots, never a
# leading dot (no `.`, `..` or hidden file), bounded.
SAFE_UID = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9_.\-]{0,199}")
# Exported kinds whose files may hold credentials (a contact point's non-secret-looking settings): 0600.
PRIVATE_KINDS = frozenset({"contact-point", "datasource"})


@dataclass(frozen=True)
class Drift:
    """A managed resource whose live copy differs from the code."""

    kind: str
    uid: str
    title: str
    by: str
    edited_outside_graf: bool

    @property
    def line(self) -> str:
        how = f"edited in Grafana by {self.by}" if self.edited_outside_graf else "code changed since the last sync"
        return f"{self.kind}/{self.uid} ({self.title}): {how}"


@dataclass(frozen=True)
class Export:
    env: str
    resources: tuple[Resource, ...]
    drift: tuple[Drift, ...]
    unmanaged: tuple[str, ...]  # uids exported with --all that graf does not manage yet
    errors: tuple[str, ...] = ()  # one line per resource left out (a uid that is no safe file name)

    def only(self, kinds: Iterable[str]) -> Export:
        """This export narrowed to `kinds`."""
        chosen = set(kinds)
        return Export(self.env, tuple(r for r in self.resources if r.kind in chosen),
                      tuple(d for d in self.drift if d.kind in chosen), self.unmanaged, self.errors)

    def files(self) -> dict[str, str]:
        return {f"{self.env}/{r.kind}/{r.uid}.json": r.canonical_json() for r in self.resources}

    def private(self) -> frozenset[str]:
        """The relative paths of `files()` that may hold credentials: written 0600."""
        return frozenset(f"{self.env}/{r.kind}/{r.uid}.json" for r in self.resources if r.kind in PRIVATE_KINDS)


def safe_uid(uid: str) -> bool:
    return bool(SAFE_UID.fullmatch(uid))


def exported_body(live: Resource) -> Resource:
    """`live` as export writes it: contact-point secrets redacted."""
    body = live.body
    if live.kind == "contact-point" and isinstance(body.get("settings"), dict):
        body = {**body, "settings": redact_settings(str(body.get("type") or ""), body["settings"])}
    return Resource(live.kind, live.uid, body, folder=live.folder, source="grafana")


def export(api: Grafana, env_name: str, desired: Sequence[Resource], *, uids: Iterable[str] = (),
           include_unmanaged: bool = False, concurrency: int = DEFAULT_CONCURRENCY,
           scope: Scope | None = None, kinds: KindSet = LEGACY) -> Export:
    """Read what graf manages for this environment (and with `include_unmanaged` every dashboard nobody
    manages), in graf's canonical shape. What `scope` gives another environment is left out."""
    scope = scope or Scope()

    wanted_uids = set(uids)
    state = read_state(api, desired, listed=True, concurrency=concurrency, kinds=kinds)
    by_key = {r.key: r for r in desired}
    chosen: list[Resource] = []
    drift: list[Drift] = []
    unmanaged: list[str] = []
    errors: list[str] = []
    for live in state.present():
        if live.key not in by_key and live.meta.record is not None and not scope.owns(live):
            continue  # graf-managed for another environment on this Grafana
        managed = live.key in by_key or live.meta.record is not None
        if wanted_uids and live.uid not in wanted_uids:
            continue
        if not managed and not wanted_uids and not (include_unmanaged and live.kind == "dashboard"):
            continue
        if not safe_uid(live.uid):
            errors.append(f"{live.kind}/{live.uid[:80]!r}: the uid is not a plain file name (letters, digits, "
                          "'-', '_', '.'), so graf does not export it")
            continue
        if not managed:
            unmanaged.append(f"{live.kind}/{live.uid}")
        want = by_key.get(live.key)
        body = live.body
        if want is not None and rewritten_by_grafana(want, live):
            body = want.body  # nobody edited it since graf's push: no churn from Grafana's own rewrites
        elif live.meta.stored_as:  # a schema v2 dashboard: exported as stored, never as its lossy classic copy
            from graf.grafana.kinds.dashboard_apis import read_stored

            body = read_stored(api, live.uid, live.meta.stored_as) or body
        chosen.append(exported_body(Resource(live.kind, live.uid, body, folder=live.folder, source="grafana")))
        if want is not None and not same_content(want, live) and not rewritten_by_grafana(want, live):
            record = live.meta.record
            outside = record is None or not untouched(record, live)
            drift.append(Drift(live.kind, live.uid, live.title, who(live), outside))
    return Export(env_name, tuple(chosen), tuple(drift), tuple(unmanaged), tuple(errors))
