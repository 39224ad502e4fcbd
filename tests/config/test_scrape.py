"""graf.yaml `servers[].scrape`: other exporters on an app server, each error one line at its key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from graf.config import ScrapeTarget, Secret, load_project
from graf.errors import ConfigError


def _load(path: Path, targets: list[dict[str, Any]]) -> Any:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["environments"]["prod"]["servers"][0]["scrape"] = targets
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return load_project(path)


def test_defaults_and_secrets(example_project: Path) -> None:
    project = _load(example_project, [{"job": "redis", "port": 9121},
                                      {"job": "pg", "port": 9187, "basic_auth_user": "u",
                                       "basic_auth_password": "${PG_PASSWORD}", "scheme": "https", "path": "/m"}])
    redis, pg = project.environment("prod").servers[0].scrape
    assert redis == ScrapeTarget("redis", 9121)
    assert (pg.scheme, pg.path, pg.basic_auth_user) == ("https", "/m", "u")
    assert pg.basic_auth_password == Secret("PG_PASSWORD", "graf.yaml: environments.prod.servers[0].scrape[1]"
                                                           ".basic_auth_password")


@pytest.mark.parametrize(("targets", "key", "message"), [
    ([{"job": "redis"}], "scrape[0]", "port"),
    ([{"job": "redis", "port": 9121, "basic_auth_password": "plain"}], "scrape[0].basic_auth_password", "${VAR}"),
    ([{"job": "node", "port": 9121}], "scrape[0].job", "one of graf's own jobs"),
    ([{"job": "redis", "port": 9121}, {"job": "redis", "port": 9122}], "scrape[1].job", "duplicate job 'redis'"),
    ([{"job": "redis", "port": 9100}], "scrape[0].port", "node_exporter"),
    ([{"job": "redis", "port": 8081}], "scrape[0].port", "app 'shop-api'"),
    ([{"job": "redis", "port": 9121, "basic_auth_user": "u"}], "scrape[0].basic_auth_password", "basic auth needs"),
    ([{"job": "redis", "port": 9121, "path": "metrics"}], "scrape[0].path", "must start with '/'"),
])
def test_bad_targets_name_the_key(example_project: Path, targets: list[dict[str, Any]], key: str,
                                  message: str) -> None:
    with pytest.raises(ConfigError) as error:
        _load(example_project, targets)
    text = str(error.value)
    assert f"environments.prod.servers[0].{key}" in text and message in text and "\n" not in text.strip()
