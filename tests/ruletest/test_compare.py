"""Expected alerts against the instances after an evaluation: one line per difference."""

from __future__ import annotations

from graf.ruletest.compare import compare
from graf.ruletest.model import ExpectedAlert
from graf.ruletest.state import Snapshot


class Routes:
    def __init__(self) -> None:
        self.asked: list[dict[str, str]] = []

    def receivers(self, labels):
        self.asked.append(dict(labels))
        return ("pager",) if labels.get("severity") == "critical" else ("mail",)


def expect(state="Alerting", labels=None, annotations=None, contact_point=None) -> ExpectedAlert:
    return ExpectedAlert(state, labels or {}, annotations or {}, contact_point, "f: x")


def snap(state, **labels) -> Snapshot:
    return Snapshot(state, {"alertname": "A", **labels}, {"summary": f"{labels.get('instance')} down"})


def test_all_equal_is_no_problem_and_normal_instances_are_quiet():
    got = [snap("Alerting", instance="a", severity="critical"), snap("Normal", instance="b")]
    assert compare([expect(labels={"instance": "a"}, annotations={"summary": "a down"}, contact_point="pager")],
                   got, Routes()) == []


def test_each_difference_is_a_line():
    got = [snap("Pending", instance="a", severity="critical"), snap("Alerting", instance="c", severity="info")]
    problems = compare([expect(labels={"instance": "a"}, annotations={"summary": "x"}),
                        expect(labels={"instance": "b"})], got, Routes())
    assert problems == [
        '{instance="a", severity="critical"}: state: expected Alerting, got Pending',
        "{instance=\"a\", severity=\"critical\"}: annotation summary: expected 'x', got 'a down'",
        'expected Alerting {instance="b"}, got no such alert (got: Pending {instance="a", severity="critical"}; '
        'Alerting {instance="c", severity="info"})',
        'unexpected Alerting {instance="c", severity="info"}',
    ]


def test_contact_point_only_for_sent_states():
    routes = Routes()
    got = [snap("Alerting", instance="a", severity="info"), snap("Pending", instance="b")]
    problems = compare([expect(labels={"instance": "a"}, contact_point="pager"),
                        expect("Pending", labels={"instance": "b"}, contact_point="pager")], got, routes)
    assert problems == [
        '{instance="a", severity="info"}: contact point: expected pager, got mail',
        '{instance="b"}: contact point: expected pager, got none (a Pending alert is not sent)',
    ]
    assert all(asked["instance"] == "a" for asked in routes.asked)  # a Pending alert is never routed


def test_expected_normal_needs_the_instance():
    assert compare([expect("Normal", labels={"instance": "a"})], [], Routes()) == [
        'expected Normal {instance="a"}, got no such alert (got: nothing)']
