"""A live body's hash is made as its answer arrives (graf.grafana.live, `on_read`) and kept on the LiveResource
(`body_hash`): the plan then compares graf's record with it instead of hashing every body after the last answer.
Held to the plain definition: the record checked against the hash of the live body as it is, never the code's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graf.grafana.kinds import LiveMeta, LiveResource
from graf.grafana.live import _hashed
from graf.grafana.plan import Plan, plan
from graf.grafana.record import Record
from graf.project import load_project
from graf.resources import Resource, content_hash, normal_hash
from graf.target import Target
from tests.grafana.conftest import Project
from tests.grafana_server import GrafanaServer

BODY = {"uid": "d", "title": "D", "schemaVersion": 41, "panels": [{"id": 1, "type": "timeseries", "title": "P"}]}
EDITED = {**BODY, "title": "D edited in the UI"}
# Equal to BODY for Python (True == 1) but not the same JSON: a record of the live JSON must be checked on it.
TRUE_FOR_ONE = {**BODY, "graphTooltip": True}
ONE_FOR_TRUE = {**BODY, "graphTooltip": 1}


def _live(body: dict[str, Any], record_of: dict[str, Any] | None, version: int = 2) -> LiveResource:
    record = Record(content_hash("dashboard", record_of), version=1, project="shop", uid="d") if record_of else None
    return LiveResource("dashboard", "d", dict(body), folder="f", meta=LiveMeta(version=version, record=record))


CASES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None, str]] = {
    # name: (code, live body, body graf's record was made for, action)
    "recorded and same": (BODY, BODY, BODY, "unchanged"),
    "same, no record": (BODY, BODY, None, "adopt"),
    "same, record of another body": (BODY, BODY, EDITED, "adopt"),
    "code changed since the push": (EDITED, BODY, BODY, "update"),
    "edited in Grafana since the push": (BODY, EDITED, BODY, "conflict"),
    "equal for Python, recorded as live": (ONE_FOR_TRUE, TRUE_FOR_ONE, TRUE_FOR_ONE, "unchanged"),
    "equal for Python, recorded as code": (ONE_FOR_TRUE, TRUE_FOR_ONE, ONE_FOR_TRUE, "adopt"),
}


def _plan(code: dict[str, Any], live: LiveResource) -> Plan:
    want = Resource("dashboard", "d", code, folder="f").normalised()
    return plan([want], {live.key: live}, {live.key: live.meta.record})


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hash_made_as_the_answer_arrived_plans_as_the_plain_check(name: str) -> None:
    code, body, record_of, action = CASES[name]
    plain = _plan(code, _live(body, record_of))
    early = _live(body, record_of)
    _hashed(early)
    assert ("body_hash" in vars(early)) == (record_of is not None)  # made only where a record is compared
    assert early.body_hash == normal_hash(body) == content_hash("dashboard", body)
    hashed = _plan(code, early)
    assert [(c.action, c.reason) for c in hashed.changes] == [(c.action, c.reason) for c in plain.changes]
    assert [c.action for c in hashed.changes] == [action]
    if record_of is not None:  # the plain definition: the record checked on the live body as it is
        assert (early.meta.record is not None and early.meta.record.matches("dashboard", body)) == \
            (action == "unchanged" or (action == "update" and record_of == body))


def test_answers_that_are_not_recorded_resources_are_left_alone() -> None:
    for answer in (None, [], {"x": 1}, _live(BODY, None)):
        _hashed(answer)
    assert "body_hash" not in vars(_live(BODY, None))


def test_read_plan_hashes_each_recorded_answer_before_planning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    from tests.grafana_server import ADMIN_TOKEN

    monkeypatch.setenv("GRAFANA_TOKEN", ADMIN_TOKEN)
    project = Project(tmp_path)
    project.write_config()
    for i in range(6):
        project.add(f"shop-prod-d{i:02d}", f"Board {i:02d}", expr=f"up{{i='{i}'}}")
    hashed_before_plan: list[bool] = []

    def planning(desired: Any, live: Any, *args: Any, **kwargs: Any) -> Plan:
        hashed_before_plan.extend("body_hash" in vars(v) for v in live.values() if v is not None and v.meta.record)
        return plan(desired, live, *args, **kwargs)

    with GrafanaServer() as server:
        loaded = load_project(project.config)
        with Target(loaded, loaded.environment("prod"), url=server.url) as first:
            first.sync()
        monkeypatch.setattr("graf.grafana.live.plan", planning)
        with Target(loaded, loaded.environment("prod"), url=server.url) as again:
            planned = again.plan()
    dashboards = [c for c in planned.changes if c.kind == "dashboard"]
    assert len(dashboards) == 6 and {c.action for c in dashboards} == {"unchanged"}
    assert len(hashed_before_plan) >= 6 and all(hashed_before_plan)
    for change in dashboards:
        assert change.live is not None and vars(change.live)["body_hash"] == normal_hash(change.live.body)
