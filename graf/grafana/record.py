"""graf's record of what it pushed last, kept inside each resource it writes.

See README, "How graf tells code changes from UI edits". A `Record` holds the content hash of the
body graf pushed (`graf.resources.content_hash`, the one hash), where the server counts them the
version that push produced, and the graf project that pushed it. Where it sits in a body is the
kind's business (`graf.grafana.kinds`): a dashboard's top-level `graf` key, a datasource's
`jsonData.graf`, an alert rule's `graf` annotation, a contact point's `settings.graf`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graf.resources import JSON, MARKER, content_hash

__all__ = ["MARKER", "Record", "record_for"]


@dataclass(frozen=True)
class Record:
    """What graf pushed last: the hash of the body's normal form, where the server counts them the version,
    and the graf project (graf.yaml `name`) that pushed it, so one project never prunes another's resources."""

    hash: str
    version: int | None = None
    project: str | None = None

    def as_json(self) -> JSON:
        out: JSON = {"managedBy": "graf", "hash": self.hash}
        if self.version is not None:
            out["version"] = self.version
        if self.project is not None:
            out["project"] = self.project
        return out

    def as_text(self) -> str:
        """The record where only a string fits (a rule annotation, a contact-point setting)."""
        return f"{self.hash} {self.project}" if self.project else self.hash

    @classmethod
    def from_json(cls, value: Any) -> Record | None:
        if isinstance(value, str) and value.startswith("sha256:"):
            digest, _, pushed_by = value.partition(" ")
            return cls(hash=digest, project=pushed_by or None)
        if isinstance(value, Mapping) and isinstance(value.get("hash"), str):
            version, project = value.get("version"), value.get("project")
            return cls(hash=value["hash"], version=version if isinstance(version, int) else None,
                       project=project if isinstance(project, str) and project else None)
        return None

    def matches(self, kind: str, body: JSON) -> bool:
        """True when this record's hash is the hash of `body` (a live body in graf's normal form)."""
        return self.hash == content_hash(kind, body)


def record_for(kind: str, body: JSON, version: int | None = None, project: str | None = None) -> Record:
    return Record(hash=content_hash(kind, body), version=version, project=project)
