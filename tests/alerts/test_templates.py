"""Annotation templates use only what Grafana's notification templates offer, and settings land where they should."""

from __future__ import annotations

import dataclasses
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from graf.alerts import host, http, instances, jvm, logs
from graf.alerts._rule import build
from graf.config import AlertRuleSettings
from graf.context import RenderContext
from graf.units import prom_duration
from tests.alerts.conftest import rules

ACTION = re.compile(r"\{\{(.*?)\}\}")
# Prometheus-style template functions Grafana alerting provides (humanize*, from Prometheus' template package).
FUNCTIONS = {"humanize", "humanize1024", "humanizePercentage", "humanizeDuration"}
VALUE = "$values.B.Value"  # B is the reduce step: the value the condition compared


def test_every_template_action_is_a_label_or_a_formatted_value(example):
    known_labels = {example.labels.instance, example.labels.application, example.labels.host, example.labels.service,
                    "job", "mountpoint", "device"}
    for env in ("dev", "prod"):
        for name, rule in rules(example, env).items():
            for key in ("summary", "description"):
                text = rule["annotations"][key]
                assert text.count("{{") == text.count("}}"), (name, key)
                for action in ACTION.findall(text):
                    words = action.split()
                    if len(words) == 1 and words[0].startswith("$labels."):
                        assert words[0][len("$labels."):] in known_labels, (name, action)
                    elif len(words) == 1:
                        assert words[0] == VALUE, (name, action)
                    else:
                        assert len(words) == 2 and words[0] in FUNCTIONS and words[1] == VALUE, (name, action)




@settings(max_examples=40, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=100),
    threshold=st.floats(min_value=0.001, max_value=1000, allow_nan=False),
    minutes=st.integers(min_value=1, max_value=24 * 60),
    severity=st.sampled_from(["critical", "warning", "info"]),
)
def test_any_settings_land_in_condition_for_and_labels(example, index, threshold, minutes, severity):
    env = example.environment("prod")
    ctx = RenderContext(example, env)
    specs = [s for module in (instances, http, jvm, host, logs) for s in module.specs(ctx)]
    spec = specs[index % len(specs)]
    tuned = AlertRuleSettings(threshold=threshold, for_=f"{minutes}m", severity=severity)
    alerts = dataclasses.replace(env.alerts, rules={**env.alerts.rules, spec.name: tuned})
    ctx = RenderContext(example, dataclasses.replace(env, alerts=alerts))
    rule = build(ctx, spec)
    assert rule is not None
    evaluator = rule["data"][2]["model"]["conditions"][0]["evaluator"]
    if spec.condition_value is None:
        assert evaluator == {"type": spec.comparison, "params": [threshold]}
    else:
        assert evaluator["params"] == [spec.condition_value] and str(round(threshold * 3600)) in rule["data"][0][
            "model"]["expr"]
    assert rule["for"] == prom_duration(f"{minutes}m")
    assert rule["labels"]["severity"] == severity
    assert spec.threshold_text(threshold) in rule["annotations"]["summary"] + rule["annotations"]["description"] \
        or spec.name == "instance_down"
    disabled = dataclasses.replace(env.alerts, rules={spec.name: AlertRuleSettings(enabled=False)})
    assert build(RenderContext(example, dataclasses.replace(env, alerts=disabled)), spec) is None
