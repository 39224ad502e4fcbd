"""Constructs from older Grafana that still load but get migrated: G701 legacy-panel,
G702 legacy-schema, G703 legacy-keys. Warnings: the dashboard works; the first save in the UI
rewrites it, so a diff against code becomes large."""

from __future__ import annotations

from collections.abc import Iterator

from graf.resources import Resource
from graf.validate.context import ValidationContext
from graf.validate.findings import Finding
from graf.validate.rules._base import dashboard_index, finding

# Angular panels: removed in Grafana 12, auto-migrated to their React successors since 11.
LEGACY_PANELS = {
    "graph": "timeseries",
    "singlestat": "stat",
    "table-old": "table",
    "grafana-singlestat-panel": "stat",
    "grafana-piechart-panel": "piechart",
    "grafana-worldmap-panel": "geomap",
}
MIN_SCHEMA_VERSION = 36  # Grafana 9.0: datasource refs as {type, uid} everywhere
LEGACY_KEYS = ("rows", "style", "hideControls", "sharedCrosshair")


def legacy_constructs(resource: Resource, ctx: ValidationContext) -> Iterator[Finding]:
    if resource.kind != "dashboard":
        return
    body = resource.body
    version = body.get("schemaVersion")
    if type(version) is int and version < MIN_SCHEMA_VERSION:
        yield finding(ctx, resource, ("schemaVersion",), "G702",
                      f"schemaVersion {version} < {MIN_SCHEMA_VERSION}: Grafana migrates it on load and rewrites it "
                      "on the first save")
    for key in LEGACY_KEYS:
        if key in body:
            yield finding(ctx, resource, (key,), "G703", f"{key!r} is a pre-5.0 key Grafana ignores or migrates")
    for at in dashboard_index(ctx, resource).panels:
        successor = LEGACY_PANELS.get(str(at.panel.get("type")))
        if successor:
            yield finding(ctx, resource, (*at.parts, "type"), "G701",
                          f"{at.panel['type']!r} is an Angular panel; Grafana 11+ migrates it to {successor!r} "
                          "on load (Grafana 12 has no Angular)")
