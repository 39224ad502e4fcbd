"""Grafana's server-side expressions over instant values; each test names the Grafana source it follows."""

from __future__ import annotations

import math

import pytest

from graf.ruletest.expressions import ExpressionError, Number, math_expression, reduce, reduce_series, threshold

A = (("instance", "a"),)
B = (("instance", "b"),)


def values(out):
    return [n.value for n in out]


def test_reduce_of_instant_values_keeps_them_and_nan():
    """pkg/expr/commands.go ReduceCommand.Execute: a Number input passes as it is without a mode."""
    out = reduce({"reducer": "last"}, [Number(A, 0.5), Number(B, math.nan)])
    assert out[0] == Number(A, 0.5) and math.isnan(out[1].value)


def test_reduce_drop_nn_drops_null_nan_and_inf():
    """pkg/expr/mathexp/reduce.go DropNonNumber.MapInput: nil, NaN and ±Inf are dropped."""
    inputs = [Number(A, 1.0), Number(B, math.nan), Number((("i", "c"),), None), Number((("i", "d"),), math.inf)]
    assert reduce({"reducer": "last", "settings": {"mode": "dropNN"}}, inputs) == [Number(A, 1.0)]


def test_reduce_replace_nn_puts_the_value_in_their_place():
    """pkg/expr/mathexp/reduce.go ReplaceNonNumberWithValue.MapInput."""
    out = reduce({"reducer": "max", "settings": {"mode": "replaceNN", "replaceWithValue": -1}},
                 [Number(A, math.inf), Number(B, 2.0)])
    assert values(out) == [-1.0, 2.0]


def test_reduce_rejects_unknown_reducer_and_mode():
    """pkg/expr/commands.go UnmarshalReduceCommand / mathexp GetReduceFunc."""
    with pytest.raises(ExpressionError, match="not implemented"):
        reduce({"reducer": "median"}, [])
    with pytest.raises(ExpressionError, match="not supported"):
        reduce({"reducer": "last", "settings": {"mode": "other"}}, [])
    with pytest.raises(ExpressionError, match="replaceWithValue"):
        reduce({"reducer": "last", "settings": {"mode": "replaceNN"}}, [Number(A, math.nan)])


@pytest.mark.parametrize(("reducer", "points", "expected"), [
    ("sum", [1, 2, 3], 6), ("mean", [1, 2, 3], 2), ("min", [3, 1, 2], 1), ("max", [3, 1, 2], 3),
    ("count", [1, None, math.nan], 3), ("last", [1, 2, 3], 3), ("sum", [], 0),
])
def test_reducers_over_a_series(reducer, points, expected):
    """pkg/expr/mathexp/reduce.go Sum/Avg/Min/Max/Count/Last."""
    assert reduce_series(reducer, points) == expected


@pytest.mark.parametrize("reducer", ["sum", "mean", "min", "max"])
def test_a_nan_or_null_point_makes_the_reduction_nan_unless_dropped(reducer):
    """pkg/expr/mathexp/reduce.go: Sum/Min/Max return NaN on a nil or NaN point; dropNN removes it first
    and turns a NaN result into null; replaceNN replaces both."""
    assert math.isnan(reduce_series(reducer, [1.0, math.nan]))
    assert reduce_series(reducer, [2.0, None], mode="dropNN") == 2.0
    assert reduce_series(reducer, [], mode="dropNN") in (None, 0.0)  # sum of nothing is 0, the others NaN -> null
    assert reduce_series("mean", [], mode="replaceNN", replacement=7.0) == 7.0


@pytest.mark.parametrize(("kind", "params", "value", "expected"), [
    ("gt", [1], 2, 1), ("gt", [1], 1, 0), ("lt", [1], 0.5, 1), ("lt", [1], 1, 0),
    ("within_range", [1, 3], 2, 1), ("within_range", [1, 3], 3, 0),
    ("outside_range", [1, 3], 0, 1), ("outside_range", [1, 3], 1, 0),
    ("within_range_included", [1, 3], 3, 1), ("outside_range_included", [1, 3], 3, 1),
    ("gte", [1], 1, 1), ("lte", [1], 1.5, 0), ("eq", [1], 1, 1), ("ne", [1], 1, 0),
    ("gt", [1], math.nan, 0), ("ne", [1], math.nan, 1),
])
def test_threshold_types(kind, params, value, expected):
    """pkg/expr/threshold.go: the predicates (range types exclusive, *_included inclusive; Go's NaN compares)."""
    model = {"conditions": [{"evaluator": {"type": kind, "params": params}}]}
    assert values(threshold(model, [Number(A, float(value))])) == [expected]


def test_threshold_keeps_null_and_checks_its_arguments():
    """pkg/expr/threshold.go: eval(nil) is nil; NewThresholdCommand counts the parameters."""
    model = {"conditions": [{"evaluator": {"type": "gt", "params": [1]}}]}
    assert values(threshold(model, [Number(A, None)])) == [None]
    with pytest.raises(ExpressionError, match="need 2"):
        threshold({"conditions": [{"evaluator": {"type": "within_range", "params": [1]}}]}, [])
    with pytest.raises(ExpressionError, match="exactly one condition"):
        threshold({"conditions": []}, [])
    with pytest.raises(ExpressionError, match="one of"):
        threshold({"conditions": [{"evaluator": {"type": "above", "params": [1]}}]}, [])


def test_math_over_labelled_values_pairs_by_labels():
    """pkg/expr/mathexp/exp.go union: equal label sets pair; a value without labels pairs with each."""
    variables = {"A": [Number(A, 2.0), Number(B, 4.0)], "B": [Number(B, 1.0), Number(A, 3.0)],
                 "C": [Number((), 10.0)]}
    out = math_expression({"expression": "$A * $B + $C"}, variables)
    assert {n.labels: n.value for n in out} == {A: 16.0, B: 14.0}


def test_math_operators_precedence_functions_and_null():
    """pkg/expr/mathexp/parse (operators, precedence) and funcs.go (abs, is_nan, ...)."""
    one = {"A": [Number(A, -3.0)]}
    assert values(math_expression({"expression": "abs($A) > 2 && $A < 0"}, one)) == [1.0]
    assert values(math_expression({"expression": "1 + 2 * 3 - -1"}, {})) == [8.0]
    assert values(math_expression({"expression": "is_nan(${A} / 0 * 0)"}, one)) == [1.0]
    assert values(math_expression({"expression": "$A + 1"}, {"A": [Number(A, None)]})) == [None]
    assert values(math_expression({"expression": "is_null($A)"}, {"A": [Number(A, None)]})) == [1.0]


def test_math_errors():
    with pytest.raises(ExpressionError, match="unknown variable"):
        math_expression({"expression": "$X + 1"}, {})
    with pytest.raises(ExpressionError):
        math_expression({"expression": "1 +"}, {})
