"""What a producer (dashboard, datasource or alert module) is given: one project and one environment."""

from __future__ import annotations

from dataclasses import dataclass

from graf.config import App, Datasource, Environment, Jobs, Labels, Project
from graf.uids import make_uid


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
