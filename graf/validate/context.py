"""What rules know beyond the one resource they look at: the other resources of the run.

Two modes. *Rendered*: the resources of one environment, so datasource uids, folders and the
alert evaluation interval are known and checked. *Standalone* (`graf validate FILE...`): loose
dashboard files, so only what a file can prove about itself is checked, and datasource
template variables or export placeholders stand in for datasources.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from graf.errors import PATH_SEPARATOR
from graf.resources import JSON, Resource

# Datasource uids Grafana provides itself: annotations, mixed panels, dashboard-reuse, expressions.
BUILTIN_DATASOURCES = frozenset({"grafana", "-- Grafana --", "-- Mixed --", "-- Dashboard --", "__expr__"})
BUILTIN_DATASOURCE_TYPES = frozenset({"datasource", "grafana", "__expr__"})
# Grafana's folder and dashboard uids live in one table (folders are dashboards with is_folder).
SHARED_UID_KINDS = frozenset({"folder", "dashboard"})


@dataclass
class ValidationContext:
    resources: Sequence[Resource]
    env: str | None = None
    datasources: Mapping[str, JSON] | None = None  # uid -> body; None when standalone
    folders: frozenset[str] | None = None
    alert_interval: str | None = None  # the environment's rule-group evaluation interval
    environment_label: str | None = None  # every query must match on it (graf.yaml labels.environment)
    # (uid space, uid) -> (environment, Grafana URL, resource) rendered by an earlier environment
    # that syncs to the same Grafana: both pushes land on one object there.
    shared: Mapping[tuple[str, str], tuple[str, str, Resource]] = field(default_factory=dict)
    files: frozenset[int] = frozenset()  # ids of resources read from files, named by their file
    _memo: dict[tuple[str, int], Any] = field(default_factory=dict, repr=False)

    @classmethod
    def rendered(cls, env: str, resources: Sequence[Resource], alert_interval: str | None = None,
                 environment_label: str | None = None,
                 shared: Mapping[tuple[str, str], tuple[str, str, Resource]] | None = None) -> ValidationContext:
        return cls(
            resources=resources,
            env=env,
            datasources={r.uid: r.body for r in resources if r.kind == "datasource"},
            folders=frozenset(r.uid for r in resources if r.kind == "folder"),
            alert_interval=alert_interval,
            environment_label=environment_label,
            shared=shared or {},
        )

    @classmethod
    def standalone(cls, resources: Sequence[Resource]) -> ValidationContext:
        return cls(resources=resources)

    @property
    def is_standalone(self) -> bool:
        return self.datasources is None

    def with_files(self, files: Sequence[Resource]) -> ValidationContext:
        """This environment plus dashboard files checked against it (`graf validate --env prod FILE`)."""
        return replace(self, resources=[*self.resources, *files], files=frozenset(id(r) for r in files), _memo={})

    def label(self, resource: Resource) -> str:
        """How a resource is named at the start of every path: `prod/shop-prod-jvm`, or its file."""
        if self.env is None:
            return resource.source or f"{resource.kind}/{resource.uid}"
        if id(resource) in self.files:
            return f"{self.env}:{resource.source}"
        name = f"{self.env}/{resource.uid}" if resource.kind == "dashboard" else \
            f"{self.env}/{resource.kind}/{resource.uid}"
        if resource.source.endswith((".py", ".json")):
            return f"{name} ({resource.source})"  # a team's module or file: say which file to open
        return name

    def path(self, resource: Resource, parts: Sequence[str | int] = ()) -> str:
        """The human path of `parts` (a JSON path in the body) inside `resource`."""
        from graf.validate.paths import describe

        return PATH_SEPARATOR.join([self.label(resource), *describe(resource.kind, resource.body, parts)])

    def memo(self, name: str, body: JSON, build: Any) -> Any:
        """Per-run cache of derived data (a dashboard's panel index) shared by all rules."""
        key = (name, id(body))
        if key not in self._memo:
            self._memo[key] = build(body)
        return self._memo[key]

    @cached_property
    def uid_counts(self) -> Counter[tuple[str, str]]:
        return Counter((uid_space(r.kind), r.uid) for r in self.resources)

    @cached_property
    def datasource_names(self) -> dict[str, JSON]:
        return {str(b.get("name")): b for b in (self.datasources or {}).values()}

    @cached_property
    def default_datasource(self) -> JSON | None:
        for body in (self.datasources or {}).values():
            if body.get("isDefault"):
                return body
        return None


def uid_space(kind: str) -> str:
    """Kinds whose uids must not clash with each other share a space."""
    return "folder/dashboard" if kind in SHARED_UID_KINDS else kind
