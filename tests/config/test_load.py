"""graf.yaml loading: the example loads, and every kind of bad input is one line naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from graf.config import Secret, find_config, load_project
from graf.errors import ConfigError
from graf.units import parse_duration
from tests.conftest import EXAMPLE


def test_example_project_is_the_team_setup() -> None:
    project = load_project(EXAMPLE)
    assert list(project.environments) == ["dev", "prod"]
    prod = project.environment("prod")
    assert prod.label == "prod"
    assert project.labels.environment == "environment"
    assert project.apps["shop-api"].metrics_path == "/prometheus-provider"
    assert [s.host for s in prod.servers] == ["prod-app-1", "prod-app-2"]
    assert all(s.node_exporter.port == 9100 for s in prod.servers)
    assert prod.datasources["tempo"].url == "http://tempo:3200"
    assert prod.grafana.token == Secret("GRAFANA_TOKEN", "graf.yaml: environments.prod.grafana.token")


def test_config_is_found_from_a_subfolder(example_project: Path) -> None:
    sub = example_project.parent / "a" / "b"
    sub.mkdir(parents=True)
    assert find_config(sub) == example_project


def _write(tmp_path: Path, mutate: object) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text())
    mutate(data)  # type: ignore[operator]
    path = tmp_path / "graf.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(
    ("mutate", "where", "message"),
    [
        (lambda d: d["environments"]["prod"].update(grafan={}), "graf.yaml: environments.prod",
         "unknown key 'grafan', did you mean 'grafana'?"),
        (lambda d: d["environments"]["prod"]["grafana"].update(url=42), "graf.yaml: environments.prod.grafana.url",
         "expected a string, got an integer 42"),
        (lambda d: d["environments"]["prod"]["grafana"].update(token="s3cr3t"),
         "graf.yaml: environments.prod.grafana.token", "must be a ${VAR} reference"),
        (lambda d: d["environments"]["prod"].pop("grafana"), "graf.yaml: environments.prod",
         "missing required key 'grafana'"),
        (lambda d: d["datasources"].update(graphite={}), "graf.yaml: datasources",
         "unknown name 'graphite'"),
        (lambda d: d["stack"]["retention"].update(logs="a week"), "graf.yaml: stack.retention.logs",
         "not a duration"),
        (lambda d: d["environments"]["prod"]["servers"].append({"host": "prod-app-1", "address": "10.0.2.13"}),
         "graf.yaml: environments.prod.servers[2].host", "duplicate host 'prod-app-1'"),
        (lambda d: d["environments"]["prod"]["servers"][0].update(apps=["shop-apj"]),
         "graf.yaml: environments.prod.servers[0].apps", "unknown app 'shop-apj', did you mean 'shop-api'?"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, mutate: object, where: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_project(_write(tmp_path, mutate))
    assert caught.value.path == where
    assert message in caught.value.message
    assert "\n" not in caught.value.one_line()


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "graf.yaml"
    path.write_text("name: shop\nenvironments:\n  prod: {grafana: {url: x}\n")
    with pytest.raises(ConfigError) as caught:
        load_project(path)
    assert caught.value.path.startswith(f"{path}:4:")
    assert "YAML syntax error" in caught.value.message


def test_missing_file_and_unknown_environment(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_project(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="not found in"):
        find_config(tmp_path)
    with pytest.raises(ConfigError, match="unknown environment 'prd', did you mean 'prod'"):
        load_project(EXAMPLE).environment("prd")


def test_secret_resolves_only_from_the_environment() -> None:
    secret = Secret("GRAF_TEST_TOKEN", "graf.yaml: environments.prod.grafana.token")
    assert secret.resolve({"GRAF_TEST_TOKEN": "abc"}) == "abc"
    assert str(secret) == "${GRAF_TEST_TOKEN}"
    with pytest.raises(ConfigError) as caught:
        secret.resolve({})
    assert caught.value.path == "graf.yaml: environments.prod.grafana.token"
    assert caught.value.message == "environment variable GRAF_TEST_TOKEN is not set"


@pytest.mark.parametrize(("text", "seconds"), [("15s", 15), ("5m", 300), ("1h30m", 5400), ("7d", 604800),
                                                ("250ms", 0.25)])
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "5", "5 m", "m5", "1.5h"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_config_does_not_import_the_stack() -> None:
    """graf.config is the layer below: the stack's rules run through graf.load_project, not from graf.config."""
    import subprocess
    import sys

    code = "import sys, graf.config; graf.config.load_project(sys.argv[1]); " \
           "print(sorted(m for m in sys.modules if m.startswith('graf.stack')))"
    result = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], capture_output=True, text=True, timeout=60,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_stack_rules_run_through_graf_load_project(tmp_path: Path) -> None:
    import graf

    path = _write(tmp_path, lambda d: d["stack"].update(images={"loki": "grafana/loki"}))
    assert load_project(path).stack.images == {"loki": "grafana/loki"}  # graf.config: a well-formed value
    with pytest.raises(ConfigError) as caught:
        graf.load_project(path)
    assert caught.value.path == "graf.yaml: stack.images.loki" and "is not pinned" in caught.value.message
