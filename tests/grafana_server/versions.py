"""Which Grafana the test server plays: the version switch and what each release line changes.

Every property cites its section: `§n` alone is `grafana-api.md` (11.x), `13§n` is
`grafana-13-api.md`. Release attributions there come from PR merge dates; where the reference
marks one [unverified], the property says so too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DASHBOARD_GROUP = "dashboard.grafana.app"
FOLDER_GROUP = "folder.grafana.app"


@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        found = re.match(r"^v?(\d+)\.(\d+)(?:\.(\d+))?", text)
        if found is None:
            raise ValueError(f"not a Grafana version: {text!r}")
        return cls(int(found[1]), int(found[2]), int(found[3] or 0))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def at_least(self, major: int, minor: int = 0, patch: int = 0) -> bool:
        return (self.major, self.minor, self.patch) >= (major, minor, patch)

    # ------------------------------------------------------------------ /apis (13§4.1)

    @property
    def has_apis(self) -> bool:
        """13§3 / 13§4.1: the resource APIs exist from 12 (apis-migration.md)."""
        return self.major >= 12

    @property
    def dashboard_versions(self) -> tuple[str, ...]:
        """13§4.1 table: 12.x serves v0alpha1, v1beta1, v2alpha1, v2beta1; 13.x adds v1 and v2 (GA) and keeps
        "older versions, for conversion" (which ones exactly is [unverified]: assumed the 12.x set)."""
        if not self.has_apis:
            return ()
        older = ("v0alpha1", "v1beta1", "v2alpha1", "v2beta1")
        return (*older, "v1", "v2") if self.major >= 13 else older

    @property
    def dashboard_classic(self) -> str:
        """13§4.1: the version whose spec is classic JSON: v1 on 13.x, v1beta1 on 12.x."""
        return "v1" if self.major >= 13 else "v1beta1"

    @property
    def dashboard_v2(self) -> str:
        """13§4.1: schema v2 is v2 (GA) on 13.x; on 12.x the preview's newest, v2beta1."""
        return "v2" if self.major >= 13 else "v2beta1"

    @property
    def dashboard_preferred(self) -> str:
        """13§3.3: the discovery document names a preferred version (operators can change it); which one a
        default install prefers is [unverified]: assumed the classic GA version."""
        return self.dashboard_classic

    @property
    def folder_versions(self) -> tuple[str, ...]:
        """13§4.1 Folders: v1beta1 in 12.x, v1 in 13.x."""
        if not self.has_apis:
            return ()
        return ("v1",) if self.major >= 13 else ("v1beta1",)

    # ------------------------------------------------------------------ dashboards stored as v2

    @property
    def dynamic_dashboards(self) -> bool:
        """13§2 / 13§3.3: `dashboardNewLayouts` is GA and on by default in 13.x (a UI save stores v2); a
        public preview, off by default, in 12.x."""
        return self.major >= 13

    @property
    def legacy_get_of_v2(self) -> str:
        """13§3.1: a legacy GET of a v2-stored dashboard is 406 on 12.0-12.3, a lossy down-conversion (200)
        from 12.4 (PR #114812)."""
        return "convert" if self.at_least(12, 4) else "406"

    # ------------------------------------------------------------------ legacy API differences

    @property
    def legacy_save_through_resource_api(self) -> bool:
        """13§3.2: the legacy POST handler that writes through the resource API directly (PR #122027, merged
        around May 2026, so 13.1 or later [unverified]): stale saves are 409, client annotations dropped,
        managed-without-edits is 400, an empty title has its own message."""
        return self.at_least(13, 1)

    @property
    def stale_save_status(self) -> int:
        """13§3.2: 409 on the resource-API handler (13.1+ [unverified]); 412 version-mismatch on 11.x-13.0."""
        return 409 if self.legacy_save_through_resource_api else 412

    @property
    def datasource_uid_must_match(self) -> bool:
        """13§6: a PUT /api/datasources/uid/:uid whose body uid differs is 400 since PR #125398, backported
        to 11.6.15, 12.2.9, 12.3.7, 12.4.4 and 13.0.2 (and so in every 13.1+)."""
        fixed = {(11, 6): 15, (12, 2): 9, (12, 3): 7, (12, 4): 4, (13, 0): 2}
        line = (self.major, self.minor)
        if line in fixed:
            return self.patch >= fixed[line]
        return self.at_least(13, 1)

    @property
    def manager_rules(self) -> bool:
        """13§5 server rules on update (pkg/storage/unified/apistore/managed.go, PR #120521, March 2026, so
        13.0): a manager's kind or identity cannot be changed (403)."""
        return self.major >= 13
