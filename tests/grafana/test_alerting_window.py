"""Alert rules, contact points and the policy carry no version Grafana checks, so graf re-reads each right
before writing it: an edit made in the UI between plan and write is a conflict, never overwritten (issue 12)."""

from __future__ import annotations

from graf.grafana.apply import apply
from graf.grafana.live import read_plan
from graf.grafana.secrets import resolve_secrets
from tests.grafana.test_alerting import CONTACT, FOLDER, POLICY, _env, _ui_edit_rule, client, rule, server, sync
from tests.grafana_server import GrafanaServer

__all__ = ["server"]  # the fixture, imported for these tests
ENVIRON = {"ALERT_WEBHOOK_URL": "https://hooks.example.com/T0"}


def plan_then(server: GrafanaServer, desired: list, between, *, force: bool = False):
    """Plan, let `between` edit Grafana as a user would, then apply the plan made before the edit."""
    api = client(server, editable=True)
    plan = read_plan(api, desired, force=force)
    between()
    server.reset_counts()
    secrets = resolve_secrets(_env(), [c.desired for c in plan.writes if c.desired], ENVIRON)
    return plan, apply(api, plan, secrets, force=force)


def test_rule_edited_between_plan_and_write_is_a_conflict_not_overwritten(server: GrafanaServer) -> None:
    sync(client(server, editable=True), [FOLDER, rule()])
    plan, result = plan_then(server, [FOLDER, rule(threshold=0.1)], lambda: _ui_edit_rule(server))
    assert [c.action for c in plan.writes] == ["update"]
    [failed] = result.failed
    assert "changed in Grafana" in failed.error and "since graf planned" in failed.error
    assert server.state.rules["shop-prod-http-5xx"]["labels"] == {"severity": "warning"}  # the edit survives
    assert server.writes() == {}


def test_contact_point_edited_between_plan_and_write_is_a_conflict(server: GrafanaServer) -> None:
    sync(client(server, editable=True), [FOLDER, CONTACT])
    changed = CONTACT.body | {"settings": {**CONTACT.body["settings"], "httpMethod": "PUT"}}

    def edit() -> None:
        server.state.contact_points["shop-oncall"]["disableResolveMessage"] = True

    desired = [FOLDER, type(CONTACT)(CONTACT.kind, CONTACT.uid, changed)]
    _, result = plan_then(server, desired, edit)
    [failed] = result.failed
    assert "since graf planned" in failed.error
    assert server.state.contact_points["shop-oncall"]["settings"]["httpMethod"] == "POST"


def test_policy_edited_between_plan_and_write_is_a_conflict_and_force_overwrites(server: GrafanaServer) -> None:
    sync(client(server, editable=True), [FOLDER, CONTACT, POLICY])
    changed = type(POLICY)(POLICY.kind, POLICY.uid, POLICY.body | {"group_wait": "1m"})

    def edit() -> None:
        server.state.policy["repeat_interval"] = "12h"

    _, result = plan_then(server, [FOLDER, CONTACT, changed], edit)
    assert [o.change.kind for o in result.failed] == ["policy"]
    assert server.state.policy["repeat_interval"] == "12h"
    _, result = plan_then(server, [FOLDER, CONTACT, changed], edit, force=True)
    assert not result.failed and server.state.policy["group_wait"] == "1m"


def test_rule_deleted_between_plan_and_prune_is_done_and_an_edited_one_is_kept(server: GrafanaServer) -> None:
    api = client(server, editable=True)
    sync(api, [FOLDER, rule()])
    plan = read_plan(api, [FOLDER], prune=True)
    assert [c.action for c in plan.writes] == ["delete"]
    _ui_edit_rule(server)
    result = apply(api, plan, {})
    assert "since graf planned" in result.failed[0].error
    assert "shop-prod-http-5xx" in server.state.rules


def test_unchanged_write_costs_one_read_more_and_still_lands(server: GrafanaServer) -> None:
    sync(client(server, editable=True), [FOLDER, rule()])
    _, result = plan_then(server, [FOLDER, rule(threshold=0.1)], lambda: None)
    assert not result.failed
    assert server.count("GET") == 1 and server.count("PUT") == 1
