"""Where graf finds Grafana and its credentials, and graf's record."""

from __future__ import annotations

import pytest

from graf.config import Environment, Folder, GrafanaTarget, Secret
from graf.errors import ConfigError
from graf.grafana.client import credentials, grafana_url
from graf.grafana.record import Record


def env(**grafana) -> Environment:
    return Environment("prod", "prod", GrafanaTarget(**{"url": "http://graf.yaml:3000", **grafana}),
                       Folder("f", "F"), {})


def test_url_precedence_flag_then_env_var_then_graf_yaml() -> None:
    assert grafana_url(env(), None, {}) == "http://graf.yaml:3000"
    assert grafana_url(env(), None, {"GRAFANA_URL": "http://from-env:3000/"}) == "http://from-env:3000"
    assert grafana_url(env(), "https://flag:3000", {"GRAFANA_URL": "http://from-env:3000"}) == "https://flag:3000"


def test_bad_url_is_a_config_error_naming_where_it_came_from() -> None:
    with pytest.raises(ConfigError, match="GRAFANA_URL: not an http"):
        grafana_url(env(), None, {"GRAFANA_URL": "grafana:3000"})


def test_credentials_precedence() -> None:
    target = env(token=Secret("TEAM_TOKEN", "graf.yaml: environments.prod.grafana.token"))
    assert credentials(target, {"GRAFANA_TOKEN": "t1", "TEAM_TOKEN": "t2"}).auth == "t1"
    both = {"GRAFANA_USER": "u", "GRAFANA_PASSWORD": "p", "TEAM_TOKEN": "t2"}
    assert credentials(target, both).auth == ("u", "p")
    assert credentials(target, {"TEAM_TOKEN": "t2"}).auth == "t2"
    basic = env(user="graf", password=Secret("GRAF_PW"))
    assert credentials(basic, {"GRAF_PW": "pw"}).auth == ("graf", "pw")
    assert credentials(env(), {}).auth is None


def test_unset_credential_variable_names_the_key() -> None:
    target = env(token=Secret("TEAM_TOKEN", "graf.yaml: environments.prod.grafana.token"))
    with pytest.raises(ConfigError, match=r"environments.prod.grafana.token: environment variable TEAM_TOKEN"):
        credentials(target, {})


def test_credentials_repr_never_shows_a_secret() -> None:
    assert "s3cret" not in repr(credentials(env(), {"GRAFANA_TOKEN": "s3cret"}))
    assert "s3cret" not in repr(credentials(env(), {"GRAFANA_USER": "u", "GRAFANA_PASSWORD": "s3cret"}))


def test_record_round_trip_and_junk() -> None:
    record = Record("sha256:abc", 4)
    assert Record.from_json(record.as_json()) == record
    assert Record.from_json("sha256:abc") == Record("sha256:abc")
    assert Record.from_json({"hash": 3}) is None and Record.from_json("edited") is None
