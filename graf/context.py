"""What a producer (dashboard, datasource or alert module) is given: one project and one environment."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from graf.config import App, Datasource, Environment, Jobs, Labels, Project

MAX_UID = 40
_UID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def make_uid(*parts: str) -> str:
    """A Grafana-legal uid (letters, digits, '-', '_'; at most 40) from parts, stable across runs.

    Too-long uids keep a readable prefix and end in 8 hex digits of a hash of the full name, so
    two long names never collide by truncation.
    """
    full = "-".join(_UID_UNSAFE.sub("-", p).strip("-") for p in parts if p)
    if len(full) <= MAX_UID:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:8]
    return f"{full[: MAX_UID - 9].rstrip('-')}-{digest}"


@dataclass(frozen=True)
class RenderContext:
    project: Project
    env: Environment

    @property
    def labels(self) -> Labels:
        return self.project.labels

    @property
    def jobs(self) -> Jobs:
        return self.project.jobs

    @property
    def apps(self) -> tuple[App, ...]:
        return tuple(self.project.apps.values())

    def datasource(self, logical: str) -> Datasource:
        return self.env.datasources[logical]

    def ref(self, logical: str) -> dict[str, str]:
        """The `{type, uid}` reference a panel target or rule query uses for graf's own datasource."""
        return self.env.datasources[logical].ref

    def uid(self, name: str) -> str:
        """The stable uid of a dashboard or rule named `name` in this environment."""
        return make_uid(self.project.name, self.env.name, name)

    @property
    def folder_uid(self) -> str:
        return self.env.folder.uid
