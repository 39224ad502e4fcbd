"""What a producer (dashboard, datasource or alert module) is given: one project and one environment.

Every `dashboard(ctx)`, `datasource(ctx)` and `rules(ctx)` gets a `RenderContext` and nothing
else, so the same module renders every environment of graf.yaml. It is read-only and cheap:
build what you need from it, do no I/O and keep no state between calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from graf.config import App, Datasource, Environment, Jobs, Labels, Project
from graf.uids import make_uid


@dataclass(frozen=True)
class RenderContext:
    """The project and the one environment being rendered, with shortcuts a module needs most.

    `ctx.project` is graf.yaml as a whole (`ctx.project.name`, `ctx.project.dashboards.builtin`, ...);
    `ctx.env` is the environment being rendered (`ctx.env.name` such as "prod", `ctx.env.label`, the
    value its series carry in the environment label, `ctx.env.folder`, `ctx.env.dashboards`: the dashboards
    this environment gets).
    """

    project: Project
    env: Environment

    @property
    def labels(self) -> Labels:
        """Label names of graf.yaml's `labels` (`ctx.labels.environment`, `.application`, `.instance`,
        `.host`, `.service`, `.level`): the names scrape jobs and the log shipper write, so a query
        built from them matches what the stack stores."""
        return self.project.labels

    @property
    def jobs(self) -> Jobs:
        """Job names of graf.yaml's `jobs`: `ctx.jobs.app` (Spring Boot), `.node` (node_exporter), `.logs`."""
        return self.project.jobs

    @property
    def apps(self) -> tuple[App, ...]:
        """The Spring Boot apps of graf.yaml's `apps` (name, port, metrics path, log format ...)."""
        return tuple(self.project.apps.values())

    def datasource(self, logical: str) -> Datasource:
        """This environment's datasource `prometheus`, `loki` or `tempo` (its uid, url and name)."""
        return self.env.datasources[logical]

    def ref(self, logical: str) -> dict[str, str]:
        """The `{type, uid}` reference a panel target or rule query uses for graf's own datasource."""
        return self.env.datasources[logical].ref

    def uid(self, name: str) -> str:
        """The stable uid of a dashboard or rule named `name` in this environment: `<project>-<env>-<name>`,
        made legal for Grafana (see graf.uids.make_uid)."""
        return make_uid(self.project.name, self.env.name, name)

    @property
    def folder_uid(self) -> str:
        """The uid of the environment's Grafana folder, where its dashboards and rules go."""
        return self.env.folder.uid
