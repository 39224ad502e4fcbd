"""The protocol every kind meets, once per transport: `KindIO`, a frozen dataclass of functions.

    list_uids(api) -> [uid]                        every uid of the kind Grafana lists
    read(api, uid) -> LiveResource | None          GET, then `normalise`; a 404 gives None
    write(api, resource, how) -> answer            `prepare`, then create or update
    delete(api, uid)
    prepare(resource, how) -> JSON                 graf's body (+ its record) -> the request Grafana takes
    normalise(answer) -> LiveResource | None       what Grafana answers -> graf's normal form + server facts

    list_all(api) -> [LiveResource]                optional: every live object in a few paginated reads

`api` is the HTTP client (graf.grafana.client.Grafana), which speaks both APIs. Each kind has a
legacy `/api` implementation (`<kind>.LEGACY`); dashboards and folders also have one over the
`/apis` resources of Grafana 12.4+/13.x (`dashboard_apis`, `folder_apis`). Which one a run uses is
chosen once from the server (graf.grafana.discovery, `KindSet.for_server`), never by branches
inside these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote

from graf.errors import GrafanaError
from graf.grafana.client import Grafana
from graf.grafana.record import MARKER, Record
from graf.resources import JSON, Kind, Resource, normal_hash


@dataclass(frozen=True)
class LiveMeta:
    """Server-side facts about a live resource: never part of its body or hash."""

    version: int | None = None
    updated_by: str | None = None
    updated: str | None = None
    locked: str | None = None  # why graf must never write it: "provisioned", "read-only", ...
    record: Record | None = None
    resource_version: str | None = None  # /apis: the optimistic-locking token sent back on update
    stored_as: str | None = None  # /apis: the schema v2 version a dashboard is stored as (a UI save on 13)
    # /apis: graf's manager annotations are on the object (metadata a UI import or re-create does not copy)
    graf_manager: bool = False


@dataclass(frozen=True)
class LiveResource(Resource):
    meta: LiveMeta = field(default_factory=LiveMeta, compare=False)

    @cached_property
    def body_hash(self) -> str:
        """`normal_hash(self.body)`, kept once computed: a live body is in graf's normal form (every kind's
        `normalise` makes one) and nothing changes it after the read. A plan compares it with graf's record."""
        return normal_hash(self.body)


@dataclass(frozen=True)
class Write:
    """How one write goes: graf's record to put in the body (None where the kind holds none), the live copy
    read at plan time (None: a create), and whether --force overwrites an edit made since."""

    record: Record | None = None
    live: LiveResource | None = None
    force: bool = False

    @property
    def exists(self) -> bool:
        return self.live is not None

    @property
    def live_version(self) -> int | None:
        return self.live.meta.version if self.live is not None else None


@dataclass(frozen=True)
class KindIO:
    """One kind over one transport (see the module docstring). `holds_record`: the kind has a free field
    where graf keeps its `Record`; folders and the policy tree do not, graf owns them by identity."""

    name: Kind
    list_uids: Callable[[Grafana], list[str]]
    read: Callable[[Grafana, str], LiveResource | None]
    write: Callable[[Grafana, Resource, Write], Any]
    delete: Callable[[Grafana, str], None]
    prepare: Callable[[Resource, Write], JSON]
    normalise: Callable[[JSON], LiveResource | None]
    holds_record: bool
    # Every live resource of the kind in a few paginated requests, where the transport lists whole objects
    # (then plan reads the list instead of one GET per resource).
    list_all: Callable[[Grafana], list[LiveResource]] | None = None
    transport: str = "/api (legacy)"


def what(kind: str, uid: str) -> str:
    """How errors name the resource."""
    return f"{kind}/{uid}"


def path(uid: str) -> str:
    """A uid as one path segment."""
    return quote(uid, safe="")


def uids(items: Any) -> list[str]:
    """The sorted uids of a list answer, ignoring anything that is not an object with a uid."""
    if not isinstance(items, list):
        return []
    return sorted({i["uid"] for i in items if isinstance(i, dict) and isinstance(i.get("uid"), str) and i["uid"]})


def upsert(api: Grafana, collection: str, resource: Resource, payload: JSON, *, exists: bool,
           headers: Mapping[str, str] | None = None) -> Any:
    """POST a new resource to `collection`, or PUT an existing one to `collection/<uid>`."""
    where = what(resource.kind, resource.uid)
    if exists:
        return api.put(f"{collection}/{path(resource.uid)}", payload, what=where, headers=headers)
    return api.post(collection, payload, what=where, headers=headers)


def with_record(body: JSON, key: str, value: Any) -> JSON:
    """`body` with graf's record `value` added to the object under `key` (annotations, settings, jsonData)."""
    return {**body, key: {**(body.get(key) or {}), MARKER: value}}


def provenance_lock(data: JSON) -> str | None:
    """Alerting resources provisioned from files are never written (§6)."""
    return "provisioned from a file (provenance 'file')" if data.get("provenance") == "file" else None


def obj(value: Any) -> dict[str, Any]:
    """`value` when the server answered an object there, else an empty one (a field of the wrong type is absent)."""
    return value if isinstance(value, dict) else {}


def text(value: Any) -> str | None:
    """`value` when it is a non-empty string, else None (uids, folder uids, names from a server answer)."""
    return value if isinstance(value, str) and value else None


def integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@contextmanager
def reading(kind: str) -> Iterator[None]:
    """Around a kind's `normalise`: an answer it cannot read (a shape no Grafana sends, nesting too deep to
    normalise) becomes one GrafanaError naming the kind instead of a traceback."""
    try:
        yield
    except (TypeError, AttributeError, ValueError, KeyError, IndexError, RecursionError) as exc:
        raise GrafanaError(kind, f"Grafana answered a {kind} in a shape graf cannot read ({type(exc).__name__})",
                           "check that grafana.url points at Grafana itself") from None
