"""Contact points and the org-wide policy tree: shared Grafanas render one tree, secrets stay placeholders."""

from __future__ import annotations

import pytest

from graf._build import tree
from graf._render import render_all
from graf.alerts.notifications import editable_in_ui
from graf.context import RenderContext
from graf.errors import RenderError
from tests.alerts.conftest import alerting


def by_kind(project, env):
    out: dict[str, list] = {}
    for resource in alerting(project, env):
        out.setdefault(resource.kind, []).append(resource)
    return out


def env_routes(policy):
    return {route["object_matchers"][0][2]: route for route in policy["routes"]}


def test_example_dev_and_prod_share_grafana_so_both_render_the_same_tree(example):
    dev, prod = by_kind(example, "dev"), by_kind(example, "prod")
    assert [r.body for r in dev["policy"]] == [r.body for r in prod["policy"]]
    assert [r.body for r in dev["contact-point"]] == [r.body for r in prod["contact-point"]]
    policy = dev["policy"][0]
    assert policy.uid == "policy"
    routes = env_routes(policy.body)
    assert set(routes) == {"dev", "prod"}
    for label, route in routes.items():
        assert route["object_matchers"] == [["environment", "=", label]]
        assert route["receiver"] == "shop-oncall"
        severities = {r["object_matchers"][0][2]: r for r in route["routes"]}
        assert set(severities) == {"critical", "warning", "info"}
        assert severities["critical"]["repeat_interval"] == "1h" and severities["info"]["repeat_interval"] == "1d"
        assert all(r["object_matchers"][0][:2] == ["severity", "="] for r in route["routes"])


def test_contact_point_keeps_the_secret_a_placeholder(example, monkeypatch):
    monkeypatch.setenv("ALERT_WEBHOOK_URL", "https://hooks.example.com/very-secret-token")
    point = by_kind(example, "prod")["contact-point"][0]
    assert point.body == {"uid": "shop-cp-shop-oncall", "name": "shop-oncall", "type": "webhook",
                          "settings": {"url": "${ALERT_WEBHOOK_URL}", "httpMethod": "POST"},
                          "disableResolveMessage": False}
    files = tree(render_all(example))
    assert not any("very-secret-token" in text for text in files.values())
    assert any('"url": "${ALERT_WEBHOOK_URL}"' in text for text in files.values())


def test_every_route_receiver_is_a_rendered_contact_point(example, variant):
    def two_points(raw):
        raw["environments"]["dev"]["alerts"]["contact_point"] = {
            "name": "shop-dev", "type": "slack", "url": "${SLACK_DEV_WEBHOOK}"}
        raw["environments"]["prod"]["alerts"]["contact_point"] = {
            "name": "shop-prod", "type": "email", "addresses": ["oncall@example.com", "cto@example.com"]}

    project = variant(two_points)
    for env in ("dev", "prod"):
        kinds = by_kind(project, env)
        names = {p.body["name"] for p in kinds["contact-point"]}
        assert names == {"shop-dev", "shop-prod"}
        assert len({p.uid for p in kinds["contact-point"]}) == 2
        policy = kinds["policy"][0].body
        receivers = {policy["receiver"]} | {r["receiver"] for r in policy["routes"]}
        receivers |= {s["receiver"] for r in policy["routes"] for s in r["routes"]}
        assert receivers <= names
        assert env_routes(policy)["prod"]["receiver"] == "shop-prod"
        assert policy["receiver"] == "shop-dev"  # the first environment in graf.yaml
    points = {p.body["name"]: p.body for p in by_kind(project, "prod")["contact-point"]}
    assert points["shop-prod"]["settings"] == {"addresses": "oncall@example.com;cto@example.com",
                                               "singleEmail": False}
    assert points["shop-dev"]["settings"] == {"url": "${SLACK_DEV_WEBHOOK}"}


def test_environments_on_different_grafanas_get_trees_of_their_own(variant):
    project = variant(lambda raw: raw["environments"]["prod"]["grafana"].update(url="http://10.0.0.20:3000"))
    assert set(env_routes(by_kind(project, "dev")["policy"][0].body)) == {"dev"}
    assert set(env_routes(by_kind(project, "prod")["policy"][0].body)) == {"prod"}


def test_same_name_different_settings_on_one_grafana_is_an_error(variant):
    project = variant(lambda raw: raw["environments"]["prod"]["alerts"].update(
        contact_point={"name": "shop-oncall", "type": "webhook", "url": "${PROD_WEBHOOK}"}))
    with pytest.raises(RenderError) as caught:
        alerting(project, "dev")
    assert "environments.prod.alerts.contact_point" in caught.value.path
    assert "shop-oncall" in caught.value.message and "dev" in caught.value.message


def test_without_any_contact_point_graf_leaves_notifications_alone(variant):
    project = variant(lambda raw: raw["alerts"].pop("contact_point"))
    kinds = by_kind(project, "prod")
    assert "policy" not in kinds and "contact-point" not in kinds
    assert len(kinds["alert-rule"]) == 13


def test_an_environment_without_contact_point_gets_no_route(variant):
    def only_prod(raw):
        point = raw["alerts"].pop("contact_point")
        raw["environments"]["prod"]["alerts"]["contact_point"] = point

    policy = by_kind(variant(only_prod), "dev")["policy"][0].body
    assert set(env_routes(policy)) == {"prod"} and policy["receiver"] == "shop-oncall"


def test_shared_notifications_are_editable_only_when_every_environment_on_the_grafana_is(example, variant):
    assert example.environment("dev").alerts.editable_in_ui and not example.environment("prod").alerts.editable_in_ui
    for env in ("dev", "prod"):
        assert editable_in_ui(RenderContext(example, example.environment(env))) is False
    apart = variant(lambda raw: raw["environments"]["prod"]["grafana"].update(url="http://10.0.0.20:3000"))
    assert editable_in_ui(RenderContext(apart, apart.environment("dev"))) is True
    assert editable_in_ui(RenderContext(apart, apart.environment("prod"))) is False


def test_alerting_is_managed_only_where_graf_yaml_has_an_alerts_section(variant):
    def without(raw):
        raw.pop("alerts")
        for env in raw["environments"].values():
            env.pop("alerts")

    assert alerting(variant(without), "prod") == []

    def only_prod(raw):
        without(raw)
        raw["environments"]["prod"]["alerts"] = {"contact_point": {"type": "email", "addresses": ["a@example.com"]}}

    project = variant(only_prod)
    assert alerting(project, "dev") == []
    kinds = by_kind(project, "prod")
    assert len(kinds["alert-rule"]) == 13 + 13  # `alerts:` alone: the built-in rules, the server's here
    assert set(env_routes(kinds["policy"][0].body)) == {"prod"}
    assert editable_in_ui(RenderContext(project, project.environment("prod"))) is False
