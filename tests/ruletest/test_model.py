"""Bad test files: one line naming the file and the field, exit code 2, no traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graf.ruletest.model import TestFileError, load
from tests.conftest import EXAMPLE, ROOT

GOOD = """
tests:
  - name: g
    env: prod
    input_series:
      - series: 'up{job="node"}'
        values: '1x3'
    alert_rule_test:
      - eval_time: 2m
        rule: instance_down
        exp_alerts:
          - state: Pending
            exp_labels: {job: node}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads_typed(tmp_path):
    file = load(write(tmp_path, GOOD), "t.yaml")
    (group,) = file.groups
    assert group.env == "prod" and group.interval == 60.0
    assert group.series[0].samples == (1.0, 1.0, 1.0, 1.0)
    (case,) = group.cases
    assert case.eval_time == 120.0 and case.rule == "instance_down"
    assert case.expected[0].state == "Pending" and case.expected[0].labels == {"job": "node"}


@pytest.mark.parametrize(("edit", "where", "message"), [
    (lambda t: t.replace("values: '1x3'", "values: '1 x'"), "t.yaml: tests[0].input_series[0].values", "cannot read"),
    (lambda t: t.replace("up{job=\"node\"}", "up{job=node}"), "t.yaml: tests[0].input_series[0].series",
     "cannot read"),
    (lambda t: t.replace("eval_time: 2m", "eval_time: soon"), "t.yaml: tests[0].alert_rule_test[0].eval_time",
     "not a duration"),
    (lambda t: t.replace("state: Pending", "state: Firing"), "t.yaml: tests[0].alert_rule_test[0].exp_alerts[0].state",
     "unknown state 'Firing'"),
    (lambda t: t.replace("exp_alerts:", "exp_alert:"), "t.yaml: tests[0].alert_rule_test[0].exp_alert",
     "unknown key"),
    (lambda t: t.replace("rule: instance_down", "rulez: x"), "t.yaml: tests[0].alert_rule_test[0].rulez",
     "unknown key"),
    (lambda t: t.replace("        rule: instance_down\n", ""), "t.yaml: tests[0].alert_rule_test[0].rule",
     "either rule"),
    (lambda t: "tests: []\n", "t.yaml: tests", "non-empty"),
    (lambda t: t.replace("tests:", "tests: [\n"), "t.yaml:", "YAML syntax error"),
])
def test_bad_fields_are_named(tmp_path, edit, where, message):
    with pytest.raises(TestFileError) as info:
        load(write(tmp_path, edit(GOOD)), "t.yaml")
    assert info.value.one_line().startswith(where), info.value.one_line()
    assert message in info.value.message
    assert info.value.exit_code == 2


def graf(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graf", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize(("text", "expected"), [
    (GOOD.replace("values: '1x3'", "values: '1+x3'"),
     "error: alerts/tests/bad.yaml: tests[0].input_series[0].values: cannot read '1+x3'"),
    (GOOD.replace("env: prod", "env: staging"), "error: alerts/tests/bad.yaml: tests[0].env: no environment 'staging'"),
    (GOOD.replace("rule: instance_down", "rule: instance_dwn"),
     "error: alerts/tests/bad.yaml: tests[0].alert_rule_test[0].rule: no alert rule instance_dwn in any environment"),
])
def test_cli_bad_file_one_line_exit_2(tmp_path, text, expected):
    shutil.copy(EXAMPLE, tmp_path / "graf.yaml")
    (tmp_path / "alerts" / "tests").mkdir(parents=True)
    (tmp_path / "alerts" / "tests" / "bad.yaml").write_text(text, encoding="utf-8")
    done = graf("test", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(expected), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_cli_without_test_files_says_where_it_looked(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / "graf.yaml")
    done = graf("test", cwd=tmp_path)
    assert done.returncode == 2
    assert "alerts/tests: no test files (*.yaml) found" in done.stderr
