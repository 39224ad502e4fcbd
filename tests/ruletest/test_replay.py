"""`graf test --replay`: the rendered rules over real (here: written just now) Prometheus data."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from click.testing import CliRunner

from graf.cli import cli
from graf.config import load_project
from graf.ruletest.prometheus import running
from graf.ruletest.replay import Episode, RuleReplay, episodes, replay, text
from graf.ruletest.state import Snapshot
from tests.conftest import EXAMPLE

MINUTE = 60


def test_episodes_and_flaps_from_a_timeline():
    a = {"instance": "a"}
    states = ["Normal", "Alerting", "Alerting", "Normal", "Recovering", "Normal"]
    timeline = [[Snapshot(s, a, {})] for s in states]
    found = episodes(timeline, 1000.0, MINUTE)
    key = (("instance", "a"),)
    assert found == [Episode(key, 1060.0, 1180.0, False), Episode(key, 1240.0, 1300.0, False)]
    result = RuleReplay("prod", "uid", "Rule", found)
    assert (result.fired, result.instances, result.flaps, result.longest, result.median) == (2, 1, 1, 120.0, 90.0)
    assert text([result], "1h") == ["prod › Rule: would have fired 2 times in 1h (1 instance), median 1m30s, "
                                    "longest 2m, 1 flap"]
    assert text([RuleReplay("dev", "u", "Quiet")], "7d") == ["dev › Quiet: would not have fired in 7d"]


@pytest.fixture
def prometheus_url():
    if shutil.which("prometheus") is None:
        pytest.skip("prometheus not installed (apt-get install prometheus)")
    with running() as prom:
        yield prom


@pytest.mark.prometheus
def test_replay_counts_firings_durations_and_flaps(prometheus_url):
    prom = prometheus_url
    now = time.time() // MINUTE * MINUTE
    start = now - 119 * MINUTE
    # up of one prod target: down 10 minutes, back 5, down 5 again (a flap), then up.
    pattern = [1] * 30 + [0] * 10 + [1] * 5 + [0] * 5 + [1] * 70
    labels = (("__name__", "up"), ("environment", "prod"), ("instance", "prod-app-1:9100"), ("job", "node"))
    other = (("__name__", "up"), ("environment", "prod"), ("instance", "prod-app-1:8081"), ("job", "spring-boot"))
    prom.write([(labels, [(int((start + i * MINUTE) * 1000), float(v)) for i, v in enumerate(pattern)]),
                (other, [(int((start + i * MINUTE) * 1000), 1.0) for i in range(120)])])
    results = replay(load_project(EXAMPLE), ["prod"], 2 * 3600, prom.url, now=now)
    by_title = {r.title: r for r in results}
    down = by_title["Instance down"]
    # Pending at minute 30, Alerting at 32 (for 2m) until 40; Pending at 45, Alerting 47 until 50.
    assert [(e.start - start, e.end - start) for e in down.episodes] == [(32 * MINUTE, 40 * MINUTE),
                                                                         (47 * MINUTE, 50 * MINUTE)]
    assert (down.fired, down.flaps, down.median, down.longest) == (2, 1, 330.0, 480.0)
    assert by_title["HTTP 5xx ratio high"].fired == 0
    assert "loki" in by_title["Error log lines frequent"].skipped
    result = CliRunner().invoke(cli, ["--config", str(EXAMPLE), "test", "--env", "prod", "--replay", "2h",
                                      "--prometheus", prom.url, "--format", "json"], standalone_mode=False)
    assert result.return_value == 0, result.output
    rules = {r["title"]: r for r in json.loads(result.stdout)["rules"]}
    assert rules["Instance down"]["fired"] == 2 and rules["Instance down"]["flaps"] == 1


def test_replay_takes_no_files_and_needs_a_duration(tmp_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["--config", str(EXAMPLE), "test", "--replay", "soon"], standalone_mode=False)
    assert out.exception is not None and "not a duration" in str(out.exception)
    (tmp_path / "x.yaml").write_text("tests: []\n")
    out = runner.invoke(cli, ["--config", str(EXAMPLE), "test", "--replay", "1d", str(tmp_path / "x.yaml")],
                        standalone_mode=False)
    assert out.exception is not None and "takes no test files" in str(out.exception)


def test_replay_against_a_closed_port_is_one_clear_error():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    from graf.errors import GrafError

    with pytest.raises(GrafError, match="cannot query Prometheus"):
        replay(load_project(EXAMPLE), ["prod"], 600, f"http://127.0.0.1:{port}")
