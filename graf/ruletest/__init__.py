"""Unit tests for Grafana-managed alert rules and their routing (`graf test`).

Test files in `alerts/tests/*.yaml` (promtool's shape: input series, evaluation times, expected
alerts) are run against the rules graf renders for each environment:

    model        test files -> typed TestFile (one TestFileError line for a bad file)
    series       promtool's series and expanding value notation
    prometheus   a real Prometheus fed by remote write (remote_write) evaluates the PromQL
    expressions  Grafana's reduce / math / threshold (pkg/expr)
    evaluate     one evaluation -> results per instance (pkg/services/ngalert/eval)
    state        the alert state machine (pkg/services/ngalert/state)
    templates    $labels / $values / humanize* in labels and annotations
    routing      the policy tree through `amtool config routes test`
    compare      expected vs got, as lines
    run          the whole run; report renders it
"""

from __future__ import annotations

from graf.ruletest.model import TestFileError
from graf.ruletest.run import Outcome, Report, run

__all__ = ["Outcome", "Report", "TestFileError", "run"]
