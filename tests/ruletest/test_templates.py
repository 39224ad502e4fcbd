"""Templates in rule labels and annotations: Go's text/template printing and Prometheus' humanize functions
(prometheus/template/template.go; grafana/grafana pkg/services/ngalert/state/template)."""

from __future__ import annotations

import math

import pytest

from graf.ruletest.expressions import Number
from graf.ruletest.templates import (
    TemplateData,
    TemplateError,
    expand,
    go_float,
    humanize,
    humanize1024,
    humanize_duration,
    humanize_percentage,
)


@pytest.mark.parametrize(("value", "text"), [
    (0.5, "0.5"), (3.0, "3"), (1e6, "1e+06"), (123456.0, "123456"), (1e-5, "1e-05"), (0.0001, "0.0001"),
    (-2.5, "-2.5"), (math.nan, "NaN"), (math.inf, "+Inf"),
])
def test_floats_print_as_go_does(value, text):
    """Go's %v of a float64 (strconv 'g', shortest; %e from exponent 6 or below -4)."""
    assert go_float(value) == text


def test_humanize_functions():
    """prometheus/template/template.go humanize, humanize1024, humanizePercentage, humanizeDuration."""
    assert humanize(1234567) == "1.235M" and humanize(0.012) == "12m" and humanize(0) == "0"
    assert humanize1024(2048) == "2ki" and humanize1024(0.5) == "0.5"
    assert humanize_percentage(0.0312) == "3.12%"
    assert humanize_duration(3700) == "1h 1m 40s" and humanize_duration(1.234) == "1.234s"
    assert humanize_duration(0.25) == "250ms" and humanize_duration(90061) == "1d 1h 1m 1s"


def test_expand_labels_values_and_trim_markers():
    data = TemplateData({"instance": "a:1"}, {"B": Number((("x", "y"),), 0.953)}, "[ var='B' ]")
    text = "{{ $labels.instance }} is {{ humanizePercentage $values.B.Value }} busy"
    assert expand(text, data) == "a:1 is 95.3% busy"
    assert expand("x  {{- $labels.instance -}}  y", data) == "xa:1y"
    assert expand("{{ $values.B.Labels.x }} {{ $value }} {{ toUpper $labels.instance }}", data) == "y [ var='B' ] A:1"
    # A missing label or value is Go's zero value.
    assert expand("[{{ $labels.nope }}] {{ $values.Z.Value }}", data) == "[] 0"


def test_unsupported_actions_are_named():
    with pytest.raises(TemplateError, match="range"):
        expand("{{ range $labels }}x{{ end }}", TemplateData({}, {}, ""))
