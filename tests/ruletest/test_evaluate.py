"""One evaluation: query answers -> results.

Follows grafana/grafana pkg/services/ngalert/eval/eval.go evaluateExecutionResult.
"""

from __future__ import annotations

import math

from graf.ruletest.evaluate import QueryFailure, evaluate

RULE = {
    "condition": "C",
    "data": [
        {"refId": "A", "datasourceUid": "prom", "model": {"expr": "x", "instant": True}},
        {"refId": "B", "datasourceUid": "__expr__",
         "model": {"type": "reduce", "expression": "A", "reducer": "last", "settings": {"mode": "dropNN"}}},
        {"refId": "C", "datasourceUid": "__expr__",
         "model": {"type": "threshold", "expression": "B",
                   "conditions": [{"evaluator": {"type": "gt", "params": [1]}}]}},
    ],
}
A = (("instance", "a"),)
B = (("instance", "b"),)


def test_each_condition_value_is_a_result_zero_normal_else_alerting():
    """eval.go: 0 is Normal, non-zero Alerting; the instance carries the value's labels and the captured values."""
    results = evaluate(RULE, {"A": [(A, 2.0), (B, 0.5)]})
    assert [(r.state, r.instance) for r in results] == [("Alerting", A), ("Normal", B)]
    assert results[0].values["B"].value == 2.0 and results[0].values["A"].value == 2.0


def test_an_empty_answer_is_no_data_labelled_with_the_query():
    """eval.go: execResults.NoData -> one NoData result with datasource_uid and ref_id."""
    (result,) = evaluate(RULE, {"A": []})
    assert result.state == "NoData"
    assert dict(result.instance) == {"datasource_uid": "prom", "ref_id": "A"}


def test_dropped_values_leave_no_condition_value_which_is_no_data():
    """eval.go: no condition frames -> a single NoData result without labels (dropNN dropped the NaN)."""
    (result,) = evaluate(RULE, {"A": [(A, math.nan)]})
    assert (result.state, result.instance) == ("NoData", ())


def test_a_failed_query_is_an_error_naming_it():
    """eval.go: execResults.Error -> one Error result; state.go AddErrorInformation reads ref_id/datasource."""
    (result,) = evaluate(RULE, {"A": QueryFailure("bad_data: parse error")})
    assert result.state == "Error" and result.error_query == ("A", "prom")
    assert "failed to execute query [A]" in (result.error or "")


def test_nan_without_a_mode_is_alerting():
    """eval.go: "Nonzero (e.g 1.2, NaN) results in Alerting" — NaN > 1 is 0 in the threshold, but a math
    condition passing NaN through alerts."""
    rule = {"condition": "B", "data": [RULE["data"][0], {"refId": "B", "datasourceUid": "__expr__",
                                                          "model": {"type": "math", "expression": "$A"}}]}
    (result,) = evaluate(rule, {"A": [(A, math.nan)]})
    assert result.state == "Alerting"


def test_duplicate_labels_and_unknown_expressions_are_errors():
    """eval.go: frames that cannot be told apart by labels; an expression type graf test does not run."""
    rule = {"condition": "B", "data": [RULE["data"][0], {"refId": "B", "datasourceUid": "__expr__",
                                                          "model": {"type": "math", "expression": "$A * 0 + 1"}}]}
    (result,) = evaluate({**rule}, {"A": [(A, 1.0), (A, 2.0)]})
    assert result.state == "Error"
    classic = {"condition": "B", "data": [RULE["data"][0], {"refId": "B", "datasourceUid": "__expr__",
                                                             "model": {"type": "classic_conditions"}}]}
    (result,) = evaluate(classic, {"A": [(A, 1.0)]})
    assert result.state == "Error" and "classic_conditions" in (result.error or "")
