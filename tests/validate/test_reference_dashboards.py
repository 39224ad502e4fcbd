"""The real community dashboards in ../shared/reference/dashboards: zero errors, and warnings only
for the legacy constructs named here."""

from __future__ import annotations

from collections import Counter

import pytest

from graf.validate import validate
from graf.validate.load import load_dashboards
from tests.reference import REFERENCE, reference_dashboards, reference_path

# File -> the warnings it is allowed, by code, with the legacy construct each one is.
EXPECTED_WARNINGS: dict[str, Counter[str]] = {
    # JVM (Micrometer) 4701, a Grafana 8.1 export edited by hand:
    "jvm-micrometer.json": Counter({
        "G302": 35,  # `"datasource": "prometheus"` name strings (pre-8.3 form) on panels, variables, annotations
        "G701": 25,  # Angular `graph` panels
        "G702": 1,   # schemaVersion 30
        "G703": 1,   # top-level `style: dark`
        "G405": 1,   # a row still repeating by `persistence_counts`, a variable the dashboard no longer has
    }),
}


def _names() -> list[str]:
    return sorted(p.name for p in (REFERENCE / "dashboards").glob("*.json")) or ["(reference data absent)"]


@pytest.mark.parametrize("name", _names())
def test_community_dashboard_has_no_errors_and_only_named_legacy_warnings(name: str) -> None:
    assert name in reference_dashboards()
    loaded = load_dashboards([reference_path(f"dashboards/{name}")])
    assert loaded.findings == [] and len(loaded.resources) == 1
    findings = validate(loaded.resources)
    assert [f for f in findings if f.severity == "error"] == []
    assert Counter(f.rule for f in findings) == EXPECTED_WARNINGS.get(name, Counter())


def test_queries_of_every_language_are_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    """Zero findings must mean checked, not skipped: count the PromQL and LogQL checks made."""
    from graf.validate import logql, promql

    calls: Counter[str] = Counter()
    real_promql, real_logql = promql.Checker.check, logql.check
    real_dashboard = promql.dashboard_verdicts
    # Checker.check: what promql.check calls (variable queries); a dashboard's targets and annotations
    # are checked together by dashboard_verdicts
    monkeypatch.setattr(promql.Checker, "check", lambda *a: (calls.update(["promql"]), real_promql(*a))[1])
    monkeypatch.setattr(promql, "dashboard_verdicts",
                        lambda exprs, *a: (calls.update({"promql": len(exprs)}), real_dashboard(exprs, *a))[1])
    monkeypatch.setattr(logql, "check", lambda *a: (calls.update(["logql"]), real_logql(*a))[1])
    loaded = load_dashboards([reference_path("dashboards")])
    validate(loaded.resources)
    # every Prometheus target, annotation and label_values() of the eight (286 in node-exporter-full alone);
    # the Loki targets of mlt, spring-boot-observability and traces-in-dashboards
    assert calls["promql"] == 434
    assert calls["logql"] == 4
