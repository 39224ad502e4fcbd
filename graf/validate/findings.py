"""Findings are data: what a rule found, where, and how bad it is.

Every code is listed once in `CODES` with its name, default severity and a one-line summary;
the README's table of lint codes is this catalogue (a test keeps the two in step). Codes are
stable: a rule may change its wording, never its code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from graf.errors import ValidationError
from graf.wording import printable

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    severity: Severity
    summary: str


@dataclass(frozen=True, order=True)
class Finding:
    """`path` is the human path (`prod/shop-prod-jvm › panel "Heap used" (id 4) › targets[A].expr`)."""

    path: str
    rule: str
    severity: Severity
    message: str

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "rule": self.rule, "name": CODES[self.rule].name,
                "severity": self.severity, "message": self.message}

    def one_line(self) -> str:
        return printable(f"{self.severity}: {self.rule} {self.path}: {self.message}")


def _codes(*codes: Code) -> dict[str, Code]:
    return {c.code: c for c in codes}


CODES: dict[str, Code] = _codes(
    Code("G001", "schema", "error", "the body does not match graf's JSON Schema for its kind"),
    Code("G002", "unreadable", "error", "a file given to `graf validate` is not JSON or not a dashboard"),
    Code("G003", "silence-unknown", "error", "a resource silences a code that does not exist"),
    Code("G101", "uid-invalid", "error", "uid longer than 40 characters or with characters other than A-Z a-z 0-9 - _"),
    Code("G102", "title-empty", "error", "dashboard, folder, datasource or alert rule without a title or name"),
    Code("G103", "uid-duplicate", "error", "two resources share a uid (dashboards and folders share one namespace)"),
    Code("G104", "panel-title-empty", "warning", "a panel that shows queries has no title"),
    Code("G105", "environment-clash", "error", "two environments that sync to one Grafana render the same uid "
                                               "differently, so each sync overwrites the other"),
    Code("G201", "panel-id-missing", "error", "a panel or row has no numeric id"),
    Code("G202", "panel-id-duplicate", "error", "two panels of one dashboard have the same id"),
    Code("G203", "grid-overlap", "error", "two panels cover the same grid cells"),
    Code("G204", "grid-bounds", "error", "gridPos outside the 24-column grid (x+w > 24, negative, or zero size)"),
    Code("G205", "grid-missing", "error", "a panel or row has no gridPos"),
    Code("G206", "element-missing", "error", "a schema v2 layout item refers to an element that is not in the "
                                              "dashboard's elements"),
    Code("G301", "datasource-unknown", "error", "a datasource uid (or a datasource variable's type) that is not "
                                                "among the rendered datasources"),
    Code("G302", "datasource-name", "error", "a datasource name string where a {type, uid} ref is expected "
                                             "(warning for standalone files: legacy form)"),
    Code("G303", "datasource-type", "error", "a datasource ref whose type differs from the datasource's type"),
    Code("G304", "correlation-unknown", "error", "a correlation link (traces to logs/metrics, service map, derived "
                                                 "field, exemplar) to a datasource that does not exist or has the "
                                                 "wrong type"),
    Code("G401", "variable-undefined", "error", "a template variable used but not defined"),
    Code("G402", "variable-unused", "warning", "a template variable defined but never used"),
    Code("G403", "variable-duplicate", "error", "two template variables with the same name"),
    Code("G404", "import-placeholder", "error", "an export-for-sharing placeholder (`${DS_PROMETHEUS}` from __inputs) "
                                                "in a rendered dashboard: only the UI's import replaces it"),
    Code("G405", "repeat-undefined", "warning", "a panel or row repeats by a variable that is not defined (the "
                                                "repeat does nothing)"),
    Code("G501", "promql-invalid", "error", "PromQL that does not parse after variable substitution"),
    Code("G502", "logql-selector", "error", "LogQL without a valid stream selector (unbalanced braces, no matcher)"),
    Code("G503", "query-unfiltered", "warning", "a rendered query that does not match on the environment label, so "
                                                "it reads every environment"),
    Code("G601", "alert-condition", "error", "an alert rule's condition names a refId that is not in its data"),
    Code("G602", "alert-refid", "error", "an alert expression refers to a missing refId, or a refId repeats"),
    Code("G603", "alert-interval", "error", "the evaluation interval is not a positive multiple of 10s"),
    Code("G604", "alert-duration", "error", "`for` / `keep_firing_for` is not a duration"),
    Code("G605", "alert-folder", "error", "an alert rule's folderUID is not one of the rendered folders"),
    Code("G701", "legacy-panel", "warning", "an Angular-era panel type (graph, singlestat, table-old, …) that "
                                            "Grafana 11+ migrates on load"),
    Code("G702", "legacy-schema", "warning", "schemaVersion older than 36: Grafana migrates it on load and the "
                                             "first save rewrites it"),
    Code("G703", "legacy-keys", "warning", "pre-5.0 dashboard keys (rows, style, hideControls, sharedCrosshair)"),
)


def errors(findings: Iterable[Finding], *, strict: bool = False) -> list[Finding]:
    """The findings that fail a run: errors, and warnings too when `strict`."""
    return [f for f in findings if f.severity == "error" or strict]


def strict(findings: Iterable[Finding]) -> list[Finding]:
    """`--strict`: every warning becomes an error."""
    return [Finding(f.path, f.rule, "error", f.message) for f in findings]


class InvalidResources(ValidationError):
    """Raised by `graf build` when validation finds errors; carries them all for the command to show."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        n = len(findings)
        super().__init__("", f"{n} validation error{'' if n == 1 else 's'}; nothing written", "see graf validate")
        self.findings = tuple(findings)
