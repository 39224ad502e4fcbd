"""Resources as plain data, and the one canonical form every command compares.

A `Resource` is what graf puts into Grafana: its `kind`, `uid`, the folder it lives in and the
`body` Grafana's API takes. `canonical(kind, body)` removes what the server owns or changes on
its own, and `canonical_json` serialises it the same way everywhere (build output, plan, export,
diff), so two equal resources are byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

JSON = dict[str, Any]
Kind = Literal["folder", "datasource", "dashboard", "alert-rule", "contact-point", "policy"]

# Apply order: a dashboard needs its folder and datasources; a rule needs its folder.
KIND_ORDER: tuple[Kind, ...] = ("folder", "datasource", "dashboard", "alert-rule", "contact-point", "policy")

# Server-owned fields per kind, removed at the top level of the body.
VOLATILE: Mapping[str, Mapping[str, str]] = {
    "folder": {
        "id": "numeric id assigned by the server",
        "version": "bumped by the server on every save",
        "url": "derived from uid and title",
        "hasAcl": "permission flag of the reader",
        "canSave": "permission flag of the reader",
        "canEdit": "permission flag of the reader",
        "canAdmin": "permission flag of the reader",
        "canDelete": "permission flag of the reader",
        "created": "timestamp",
        "updated": "timestamp",
        "createdBy": "who, not what",
        "updatedBy": "who, not what",
        "parents": "derived from parentUid",
        "managedBy": "12.x storage metadata",
        "accessControl": "permission flags of the reader",
    },
    "datasource": {
        "id": "numeric id assigned by the server",
        "orgId": "organisation of the reader",
        "version": "bumped by the server on every save",
        "typeLogoUrl": "derived from the plugin",
        "typeName": "derived from the plugin",
        "readOnly": "set by file provisioning, not by the API body",
        "secureJsonFields": "which secrets are set; the values never come back",
        "secureJsonData": "secrets are never part of a compared or written body",
        "accessControl": "permission flags of the reader",
        "apiVersion": "plugin API version reported by the server",
    },
    "dashboard": {
        "id": "numeric id assigned by the server",
        "version": "bumped by the server on every save",
        "iteration": "set by the frontend on every change",
    },
    "alert-rule": {
        "id": "numeric id assigned by the server",
        "orgID": "organisation of the reader",
        "updated": "timestamp",
        "provenance": "how it was written (api, file, none), not what it says",
    },
    "contact-point": {"provenance": "how it was written, not what it says"},
    "policy": {"provenance": "how it was written, not what it says"},
}


# Server- or frontend-owned fields inside every dashboard panel (rows' nested panels too).
VOLATILE_PANEL: Mapping[str, str] = {
    "pluginVersion": "stamped by the frontend with the Grafana version on every UI save",
}


@dataclass(frozen=True)
class Resource:
    kind: Kind
    uid: str
    body: JSON = field(compare=True, hash=False)
    folder: str | None = None
    source: str = field(default="", compare=False)
    silenced: frozenset[str] = field(default=frozenset(), compare=False)  # graf validate codes not reported

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.uid)

    @property
    def title(self) -> str:
        return str(self.body.get("title") or self.body.get("name") or self.uid)

    def canonical(self) -> JSON:
        return canonical(self.kind, self.body)

    def canonical_json(self) -> str:
        return canonical_json(self.kind, self.body)

    def content_hash(self) -> str:
        return content_hash(self.kind, self.body)


def canonical(kind: str, body: Mapping[str, Any]) -> JSON:
    """The body without server-owned fields and without nulls, keys sorted, recursively."""
    volatile = VOLATILE.get(kind, {})
    out = {k: _normal(v) for k, v in sorted(body.items()) if k not in volatile and v is not None}
    if kind == "dashboard" and isinstance(out.get("panels"), list):
        out["panels"] = [_without_panel_volatile(p) for p in out["panels"]]
    return out


def _without_panel_volatile(panel: Any) -> Any:
    if not isinstance(panel, dict):
        return panel
    out = {k: v for k, v in panel.items() if k not in VOLATILE_PANEL}
    if isinstance(out.get("panels"), list):
        out["panels"] = [_without_panel_volatile(p) for p in out["panels"]]
    return out


def _normal(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _normal(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0])) if v is not None}
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def canonical_json(kind: str, body: Mapping[str, Any]) -> str:
    """Stable serialisation: sorted keys, 2-space indent, UTF-8 characters kept, trailing newline."""
    return json.dumps(canonical(kind, body), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def content_hash(kind: str, body: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON: equal for bodies that differ only in server-owned fields or key order."""
    return "sha256:" + hashlib.sha256(canonical_json(kind, body).encode()).hexdigest()
