"""`graf plan` without --prune lists the dashboards removed from code as "would be deleted with --prune" and
counts them as pending (exit 3), so a CI gate sees a deletion; it finds them cheaply (one search of the
environment's folder on the legacy API, the list it reads anyway on /apis)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.grafana.conftest import Project, Run
from tests.grafana_server import GrafanaServer


@pytest.fixture(params=["11.6.0", "13.1.0"])
def grafana(request: pytest.FixtureRequest) -> Iterator[GrafanaServer]:
    with GrafanaServer(version=request.param) as server:
        yield server


def test_a_dashboard_removed_from_code_is_pending(graf: Callable[..., Run], grafana: GrafanaServer,
                                                  project: Project) -> None:
    assert graf("sync", "--env", "prod").code == 0
    assert graf("plan", "--env", "prod").code == 0
    project.remove("shop-prod-jvm")

    grafana.reset_counts()
    run = graf("plan", "--env", "prod")
    assert run.code == 3, run.out
    [line] = [line for line in run.lines if "shop-prod-jvm" in line]
    assert line.startswith("? orphan") and "would be deleted with --prune" in line
    assert run.lines[-1].endswith("1 would be deleted with --prune")
    if grafana.version == "11.6.0":  # one search of prod's folder and one GET for the dashboard it finds
        assert grafana.count("GET", "/api/search") == 1
        assert grafana.count("GET", "/api/dashboards/uid/shop-prod-jvm") == 1

    pruned = graf("plan", "--env", "prod", "--prune")
    assert pruned.code == 3 and any(line.startswith("- delete") and "shop-prod-jvm" in line for line in pruned.lines)
    assert graf("sync", "--env", "prod", "--prune").code == 0
    assert graf("plan", "--env", "prod").code == 0


def test_a_dashboard_nobody_put_there_by_graf_is_not_listed(graf: Callable[..., Run], grafana: GrafanaServer,
                                                            project: Project) -> None:
    assert graf("sync", "--env", "prod").code == 0
    grafana.provision_dashboard("hand-made", "Hand made", "shop-prod")
    run = graf("plan", "--env", "prod")
    assert run.code == 0 and "hand-made" not in run.out


def test_a_rule_and_a_contact_point_removed_from_code_are_pending(grafana: GrafanaServer) -> None:
    """Not only dashboards: a rule turned off in graf.yaml and a contact point removed are listed as well;
    a hand-made rule and a rule another environment renders are neither listed nor read one by one."""
    from graf.grafana.live import read_plan
    from graf.grafana.plan import Scope
    from tests.grafana.test_alerting import CONTACT, FOLDER, client, rule, sync

    api = client(grafana)
    sync(api, [FOLDER, rule(), CONTACT])
    grafana.state.rule_write(None, {**rule().body, "uid": "hand-made", "title": "Hand made"}, "")
    dev_rule = {**rule().body, "uid": "shop-dev-http-5xx", "title": "dev"}
    grafana.state.rule_write(None, dev_rule, "")
    scope = Scope(folder="shop-prod", others=frozenset({("alert-rule", "shop-dev-http-5xx")}))

    grafana.reset_counts()
    plan = read_plan(api, [FOLDER], scope=scope, orphans=True)
    assert {(c.kind, c.uid) for c in plan.changes if c.action == "orphan"} == {
        ("alert-rule", "shop-prod-http-5xx"), ("contact-point", "shop-oncall")}
    assert plan.pending and not plan.writes
    assert grafana.count("GET", "/api/v1/provisioning/alert-rules/shop-dev-http-5xx") == 0
    assert grafana.count("GET", "/api/v1/provisioning/alert-rules/hand-made") == 1

    without = read_plan(api, [FOLDER], scope=scope)  # graf sync without --dry-run: no lists at all
    assert not [c for c in without.changes if c.action == "orphan"]
