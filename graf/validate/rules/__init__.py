"""The lint rules: plain functions `(resource, ctx) -> Iterable[Finding]`, run in `RULES` order.

A new rule is a function, a line here, a code in `graf.validate.findings.CODES` and a test that
breaks a valid resource in exactly that way.
"""

from __future__ import annotations

from graf.validate import Rule
from graf.validate.rules import alerts, datasources, identity, layout, legacy, queries, schema, variables

RULES: tuple[Rule, ...] = (
    schema.matches_schema,
    identity.uid_is_valid,
    identity.has_title,
    identity.uid_is_unique,
    identity.panels_have_titles,
    identity.same_across_environments,
    layout.panel_ids,
    layout.grid,
    datasources.datasource_refs,
    datasources.correlation_links,
    variables.variables_defined_and_used,
    queries.queries_parse,
    alerts.condition_and_refids,
    alerts.interval_and_durations,
    alerts.folder_exists,
    legacy.legacy_constructs,
)
