"""graf's record of what it pushed last, kept inside each resource it writes.

See README, "How graf tells code changes from UI edits". A `Record` holds the content hash of the
body graf pushed (`graf.resources.content_hash`, the one hash), the uid of the resource it was
written for, where the server counts them the version that push produced, and the graf project
that pushed it. Where it sits in a body is the kind's business (`graf.grafana.kinds`): a
dashboard's top-level `graf` key, a datasource's `jsonData.graf`, an alert rule's `graf`
annotation, a contact point's `settings.graf`.

The uid binds the record to its resource: a copy made in the UI ("Save as", duplicate) keeps the
record but under another uid, so it is never graf's. Records written before the uid was recorded
have none; they still count where the content hash matches (the hashed body holds the uid too).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graf.resources import JSON, MARKER, content_hash, normal_hash

__all__ = ["MARKER", "Record", "record_for"]

_UID = "uid="


@dataclass(frozen=True)
class Record:
    """What graf pushed last: the hash of the body's normal form, the uid it was written for (None on records
    older than that field), where the server counts them the version, and the graf project (graf.yaml `name`)
    that pushed it, so one project never prunes another's resources."""

    hash: str
    version: int | None = None
    project: str | None = None
    uid: str | None = None

    def as_json(self) -> JSON:
        out: JSON = {"managedBy": "graf", "hash": self.hash}
        if self.version is not None:
            out["version"] = self.version
        if self.project is not None:
            out["project"] = self.project
        if self.uid is not None:
            out["uid"] = self.uid
        return out

    def as_text(self) -> str:
        """The record where only a string fits (a rule annotation, a contact-point setting):
        `sha256:… [project] [uid=…]`."""
        parts = [self.hash, *([self.project] if self.project else []), *([_UID + self.uid] if self.uid else [])]
        return " ".join(parts)

    @classmethod
    def from_json(cls, value: Any, *, uid: str | None = None) -> Record | None:
        """The record in `value` (either form), or None. With `uid` (the resource's), a record written for
        another uid is None: it came with a copy and does not make the copy graf's."""
        record = cls._parse(value)
        if record is None or (uid is not None and record.uid is not None and record.uid != uid):
            return None
        return record

    @classmethod
    def _parse(cls, value: Any) -> Record | None:
        if isinstance(value, str) and value.startswith("sha256:"):
            digest, *rest = value.split(" ")
            bound = next((p[len(_UID):] for p in rest if p.startswith(_UID)), None)
            project = next((p for p in rest if p and not p.startswith(_UID)), None)
            return cls(hash=digest, project=project, uid=bound or None)
        if isinstance(value, Mapping) and isinstance(value.get("hash"), str):
            version, project, bound = value.get("version"), value.get("project"), value.get("uid")
            return cls(hash=value["hash"], version=version if isinstance(version, int) else None,
                       project=project if isinstance(project, str) and project else None,
                       uid=bound if isinstance(bound, str) and bound else None)
        return None

    @property
    def bound(self) -> bool:
        """True when the record names the uid it was written for (every record graf writes now)."""
        return self.uid is not None

    def matches(self, kind: str, body: JSON) -> bool:
        """True when this record's hash is the hash of `body`, a live body in graf's normal form (every kind's
        `normalise` gives one): hashed as it is, since normalising it again changes nothing (canonical is
        idempotent)."""
        return self.hash == normal_hash(body)


def record_for(kind: str, body: JSON, version: int | None = None, project: str | None = None,
               uid: str | None = None) -> Record:
    """graf's record for pushing `body`; `uid` defaults to the body's own."""
    if uid is None and isinstance(body.get("uid"), str) and body["uid"]:
        uid = body["uid"]
    return Record(hash=content_hash(kind, body), version=version, project=project, uid=uid)
