"""A team's own rule modules (graf.yaml `alerts.modules`), built with graf's own RuleSpec or by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from graf.errors import RenderError
from tests.alerts.conftest import alerting
from tests.alerts.evaluate import query, step

ORDERS = '''
from graf.alerts import RuleSpec, build, env_matcher, selector


def orders_stuck(ctx, _):
    return "sum(orders_pending" + selector(env_matcher(ctx), ("job", "=", ctx.jobs.app)) + ")"


def rules(ctx):
    spec = RuleSpec(name="orders_stuck", title="Orders stuck", group="orders", datasource="prometheus",
                    query=orders_stuck, comparison="gt", threshold=100, for_="600s", severity="warning",
                    summary="{{ $values.B.Value }} orders pending", description="on {{ $labels.{instance} }}")
    by_hand = {"uid": ctx.uid("alert-by-hand"), "title": "By hand", "ruleGroup": "orders", "condition": "A",
               "data": [{"refId": "A", "datasourceUid": ctx.datasource("prometheus").uid,
                         "relativeTimeRange": {"from": 600, "to": 0},
                         "model": {"refId": "A", "expr": "vector(1)"}}],
               "for": "1m", "labels": {"severity": "info"}}
    return [build(ctx, spec), by_hand]
'''


def with_module(variant, tmp_path: Path, text: str):
    (tmp_path / "alerts").mkdir(exist_ok=True)
    (tmp_path / "alerts" / "orders.py").write_text(text, encoding="utf-8")
    return variant(lambda raw: raw["alerts"].update(modules=["alerts/orders.py"]))


def test_team_rules_are_rendered_beside_the_builtin_ones(variant, tmp_path):
    project = with_module(variant, tmp_path, ORDERS)
    rendered = {r.uid: r for r in alerting(project, "prod") if r.kind == "alert-rule"}
    assert len(rendered) == 12
    orders = rendered["shop-prod-alert-orders_stuck"]
    assert orders.source == "alerts/orders.py" and orders.folder == "shop-prod"
    assert query(orders.body) == 'sum(orders_pending{environment="prod", job="spring-boot"})'
    assert orders.body["for"] == "10m" and orders.body["annotations"]["description"] == "on {{ $labels.instance }}"
    assert step(orders.body, "C")["model"]["conditions"][0]["evaluator"] == {"type": "gt", "params": [100]}
    by_hand = rendered["shop-prod-alert-by-hand"].body
    assert by_hand["folderUID"] == "shop-prod"
    assert by_hand["labels"] == {"environment": "prod", "severity": "info"}


@pytest.mark.parametrize(("text", "message"), [
    ("x = 1\n", "has no function rules(ctx)"),
    ("def rules(ctx):\n    return {'uid': 'a'}\n", "rules(ctx) returned dict, expected a list"),
    ("def rules(ctx):\n    return [{'uid': 'not a uid!'}]\n", "is not a valid uid"),
    ("def rules(ctx):\n    return [{'uid': 'ok', 'title': 'T', 'ruleGroup': 'g', 'data': [1]}]\n",
     "alert rule ok has no condition"),
    ("def rules(ctx):\n    return 1 / 0\n", "rules(ctx) failed: ZeroDivisionError"),
    ("import nothing_here\n", "import failed: ModuleNotFoundError"),
    ("import sys\n\n\ndef rules(ctx):\n    sys.exit(0)\n", "rules(ctx) called sys.exit(0)"),
    ("def rules(ctx):\n    rule = {'uid': 'a'}\n    rule['self'] = rule\n    return [rule]\n",
     "refers to itself (a cycle): not JSON"),
    ("def rules(ctx):\n    return [{'uid': 'a', 'for': float('inf')}]\n", "inf is not a JSON number"),
])
def test_a_broken_team_module_is_one_error_naming_the_file(variant, tmp_path, text, message):
    project = with_module(variant, tmp_path, text)
    with pytest.raises(RenderError) as caught:
        alerting(project, "prod")
    assert caught.value.path.startswith("alerts/orders.py") and message in caught.value.message


def test_a_missing_team_module_is_named(variant):
    project = variant(lambda raw: raw["alerts"].update(modules=["alerts/nope.py"]))
    with pytest.raises(RenderError) as caught:
        alerting(project, "dev")
    assert caught.value.path == "alerts/nope.py" and "not found" in caught.value.message


def test_a_team_rule_reusing_a_builtin_uid_is_rejected_naming_both(variant, tmp_path):
    text = ("def rules(ctx):\n    return [{'uid': ctx.uid('alert-instance_down'), 'title': 'x', 'ruleGroup': 'g',"
            " 'condition': 'A', 'data': [{}]}]\n")
    project = with_module(variant, tmp_path, text)
    with pytest.raises(RenderError) as caught:
        alerting(project, "prod")
    assert "graf.alerts.instances" in caught.value.message and "alerts/orders.py" in caught.value.message


def test_a_team_rule_module_imports_its_neighbours(variant, tmp_path):
    (tmp_path / "alerts").mkdir()
    (tmp_path / "alerts" / "shared.py").write_text("GROUP = 'orders'\n", encoding="utf-8")
    text = ("from .shared import GROUP\n\n\ndef rules(ctx):\n    return [{'uid': ctx.uid('alert-x'), 'title': 'x', "
            "'ruleGroup': GROUP, 'condition': 'A', 'data': [{}]}]\n")
    project = with_module(variant, tmp_path, text)
    rule = next(r for r in alerting(project, "prod") if r.uid == "shop-prod-alert-x")
    assert rule.body["ruleGroup"] == "orders" and rule.source == "alerts/orders.py"


def test_a_team_rule_module_that_never_ends_is_stopped(variant, tmp_path, monkeypatch):
    monkeypatch.setenv("GRAF_RENDER_TIMEOUT", "0.3")
    project = with_module(variant, tmp_path, "def rules(ctx):\n    while True:\n        pass\n")
    with pytest.raises(RenderError) as caught:
        alerting(project, "prod")
    assert caught.value.path == "alerts/orders.py:2"
    assert caught.value.message == "rules(ctx) still running after 0.3s (limit: GRAF_RENDER_TIMEOUT)"
