"""The diff as plain data: what every renderer (terminal, markdown, JSON) formats.

A `Diff` lists the resources that differ between two sides (`old` and `new`), each a
`ResourceDiff` with one `Change` per changed leaf, moved panel or added/removed item. Nothing
here knows about colours or markup.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

PATH_SEPARATOR = " › "

Op = Literal["changed", "added", "removed", "moved", "resized", "renamed", "reordered", "shifted", "renumbered"]
ResourceStatus = Literal["added", "removed", "changed"]
WordOp = Literal["=", "-", "+"]


class _Missing:
    """The value on a side where a key or item does not exist (not the same as JSON null)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Change:
    """One line of a resource's diff.

    `subject` names the dashboard part the line is about (`panel "Heap used"`, `variable "instance"`,
    `row "CPU"`; empty for the resource itself), `path` the key path inside it (`targets[A].expr`).
    `old`/`new` are the values (MISSING where absent); for a move, the (x, y) positions, for a resize
    the (w, h) sizes, for a reorder the identities in old and new order. A `shifted` line (many
    panels moved vertically by the same offset) has the panels' names in `old` and the offset in
    `new`; a `renumbered` line has (name, old id, new id) triples in `old`.
    `words` is an inline word diff when both values are long strings. `note` carries extra
    context: where an added/removed panel sits, the rows a panel moved between.
    """

    op: Op
    subject: str = ""
    path: str = ""
    old: Any = MISSING
    new: Any = MISSING
    words: tuple[tuple[WordOp, str], ...] | None = None
    note: str = ""

    @property
    def where(self) -> str:
        """The human path: `panel "Heap used" › targets[A].expr`."""
        return PATH_SEPARATOR.join(part for part in (self.subject, self.path) if part)


@dataclass(frozen=True)
class ResourceDiff:
    env: str
    kind: str
    uid: str
    title: str
    status: ResourceStatus
    changes: tuple[Change, ...] = ()
    summary: str = ""  # for an added or removed resource: what it holds ("12 panels")

    @property
    def name(self) -> str:
        """`dashboard/shop-prod-jvm`: how every graf message names a resource."""
        return f"{self.kind}/{self.uid}"


@dataclass(frozen=True)
class Diff:
    """Every resource that differs, in a stable order (env, kind order, uid)."""

    old_label: str
    new_label: str
    resources: tuple[ResourceDiff, ...] = ()
    unchanged: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.resources

    def counts(self) -> Counter[str]:
        return Counter(r.status for r in self.resources)

    def summary(self) -> str:
        """`2 changed, 1 added, 0 removed, 40 unchanged` (only the non-zero parts)."""
        counts = self.counts()
        parts = [f"{counts[s]} {s}" for s in ("changed", "added", "removed") if counts[s]]
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        return ", ".join(parts) if parts else "no resources"
