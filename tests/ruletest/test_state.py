"""The alert state machine, evaluation by evaluation; each test names the Grafana source it follows
(grafana/grafana pkg/services/ngalert/state/state.go and manager.go)."""

from __future__ import annotations

from graf.ruletest.evaluate import Result
from graf.ruletest.state import RuleSettings, StateMachine

SERIES = (("instance", "a"),)
MINUTE = 60.0


def machine(**rule) -> StateMachine:
    body = {"uid": "r1", "title": "Thing broken", "folderUID": "f1", "for": "0s", "noDataState": "NoData",
            "execErrState": "Error", "labels": {"severity": "critical"},
            "annotations": {"summary": "{{ $labels.instance }} at {{ $values.B.Value }}"}, **rule}
    return StateMachine(RuleSettings.of(body, "Folder", MINUTE))


def firing(value: float = 1.0) -> list[Result]:
    from graf.ruletest.expressions import Number

    return [Result("Alerting", SERIES, {"B": Number(SERIES, value)})]


def normal() -> list[Result]:
    return [Result("Normal", SERIES)]


def states(m: StateMachine, sequence: list[list[Result]]) -> list[str]:
    out = []
    for i, results in enumerate(sequence):
        snaps = m.evaluate(results, i * MINUTE)
        out.append(",".join(sorted(s.state for s in snaps)) or "-")
    return out


def test_pending_period_then_alerting():
    """state.go resultAlerting: Normal -> Pending with a `for`; Pending -> Alerting once `for` has passed."""
    m = machine(**{"for": "2m"})
    assert states(m, [firing(), firing(), firing(), firing()]) == ["Pending", "Pending", "Alerting", "Alerting"]


def test_without_pending_period_alerting_at_once_and_back_to_normal():
    """state.go resultAlerting (For == 0) and resultNormal (default branch)."""
    m = machine()
    assert states(m, [firing(), normal(), firing()]) == ["Alerting", "Normal", "Alerting"]


def test_pending_that_clears_goes_back_to_normal_and_starts_over():
    """state.go resultNormal from Pending; resultAlerting sets a new StartsAt when Pending again."""
    m = machine(**{"for": "2m"})
    assert states(m, [firing(), normal(), firing(), firing(), firing()]) == [
        "Pending", "Normal", "Pending", "Pending", "Alerting"]


def test_keep_firing_for_recovering_then_normal():
    """state.go resultNormal: Alerting -> Recovering with keep_firing_for; Recovering -> Normal once it passed."""
    m = machine(keep_firing_for="2m")
    assert states(m, [firing(), normal(), normal(), normal()]) == ["Alerting", "Recovering", "Recovering", "Normal"]


def test_recovering_that_fires_again_skips_pending():
    """state.go resultAlerting: `state.State != eval.Recovering && rule.For > 0`: Recovering -> Alerting at once."""
    m = machine(**{"for": "5m", "keep_firing_for": "5m"})
    seq = [firing()] * 6 + [normal(), firing()]
    assert states(m, seq)[-3:] == ["Alerting", "Recovering", "Alerting"]


def test_no_data_states():
    """state.go resultNoData: noDataState NoData / Alerting / OK / KeepLast."""
    no_data = [Result("NoData", ())]
    assert states(machine(noDataState="NoData"), [no_data]) == ["NoData"]
    assert states(machine(noDataState="Alerting", **{"for": "1m"}), [no_data, no_data]) == ["Pending", "Alerting"]
    assert states(machine(noDataState="OK"), [no_data]) == ["Normal"]


def test_keep_last_keeps_the_instance_state():
    """state.go resultKeepLast: the last state of the instance stays (Alerting stays Alerting)."""
    m = machine(noDataState="KeepLast", execErrState="KeepLast")
    m.evaluate(firing(), 0)
    snaps = m.evaluate([Result("NoData", SERIES)], MINUTE)
    assert [s.state for s in snaps] == ["Alerting"]
    snaps = m.evaluate([Result("Error", SERIES, error="boom")], 2 * MINUTE)
    assert [s.state for s in snaps] == ["Alerting"]
    assert snaps[0].annotations["Error"] == "boom"


def test_error_states_and_the_labels_a_failed_query_adds():
    """state.go resultError (execErrState Error: ref_id and datasource_uid become labels; Alerting; OK)."""
    error = [Result("Error", (), error="[sse.dataQueryError] failed", error_query=("A", "prom"))]
    (snap,) = machine().evaluate(error, 0)
    assert snap.state == "Error"
    assert snap.labels["ref_id"] == "A" and snap.labels["datasource_uid"] == "prom"
    assert snap.annotations["Error"].startswith("[sse.dataQueryError]")
    assert [s.state for s in machine(execErrState="Alerting").evaluate(error, 0)] == ["Alerting"]
    assert [s.state for s in machine(execErrState="OK").evaluate(error, 0)] == ["Normal"]


def test_labels_grafana_then_rule_then_query_and_templates():
    """state.go expandAnnotationsAndLabels / GetRuleExtraLabels: Grafana's labels win over the rule's,
    the rule's over the query's; annotations see the query's labels and values."""
    m = machine(labels={"severity": "critical", "alertname": "mine"})
    from graf.ruletest.expressions import Number

    labels = (("instance", "a"), ("severity", "low"))
    (snap,) = m.evaluate([Result("Alerting", labels, {"B": Number(labels, 0.5)})], 0)
    assert snap.labels["alertname"] == "Thing broken"  # Grafana's own
    assert snap.labels["severity"] == "critical"  # the rule's over the query's
    assert snap.labels["grafana_folder"] == "Folder" and snap.labels["__alert_rule_uid__"] == "r1"
    assert snap.annotations["summary"] == "a at 0.5"


def test_missing_series_resolve_after_two_evaluations():
    """manager.go processMissingSeriesStates / stateIsStale: an instance missing from 2 evaluations
    (1 for NoData and Error) is resolved and dropped; until then it keeps its state."""
    m = machine()
    assert states(m, [firing(), [], [], []]) == ["Alerting", "Alerting", "-", "-"]
    m = machine()
    assert states(m, [[Result("NoData", SERIES)], []]) == ["NoData", "-"]
