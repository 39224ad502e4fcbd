"""promtool's series notation, as `promtool test rules` expands it (prometheus/promql/parser, series description)."""

from __future__ import annotations

import math

import pytest

from graf.ruletest.series import STALE, NotationError, expand_values, parse_series


@pytest.mark.parametrize(("text", "expected"), [
    ("1 2 3", [1, 2, 3]),
    ("0+1x3", [0, 1, 2, 3]),  # a+bxn: n+1 samples
    ("10-2x2", [10, 8, 6]),
    ("5x2", [5, 5, 5]),  # axn: a+0xn
    ("1 _ 3", [1, None, 3]),
    ("_x3 4", [None, None, None, 4]),  # _xn: n blanks
    ("1 stale 2", [1, STALE, 2]),
    ("-1e3 +Inf -Inf", [-1000, math.inf, -math.inf]),
    ("1.5+0.5x2", [1.5, 2.0, 2.5]),
])
def test_values_expand_as_promtool_does(text, expected):
    assert expand_values(text) == expected


def test_nan_is_a_value():
    (value,) = expand_values("NaN")
    assert isinstance(value, float) and math.isnan(value)


@pytest.mark.parametrize("text", ["", "1 x", "1+x3", "abc", "1+1y3"])
def test_bad_values_say_what_was_expected(text):
    with pytest.raises(NotationError):
        expand_values(text)


def test_series_labels_sorted_with_the_metric_name():
    assert parse_series('up{job="node", instance="a:9100"}') == (
        ("__name__", "up"), ("instance", "a:9100"), ("job", "node"))
    assert parse_series("up") == (("__name__", "up"),)
    assert parse_series('{job="x",}') == (("job", "x"),)
    assert parse_series(r'm{path="a\"b"}') == (("__name__", "m"), ("path", 'a"b'))


@pytest.mark.parametrize("text", ['up{job=node}', 'up{job="a" instance="b"}', 'up{job="a", job="b"}', "{}", "up}"])
def test_bad_series_raise(text):
    with pytest.raises(NotationError):
        parse_series(text)
