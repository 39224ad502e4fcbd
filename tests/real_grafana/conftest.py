"""The real-Grafana suite runs only when GRAFANA_URL and a token or user/password are set.

The variables are read when this module is imported, before the autouse fixture of
`tests/conftest.py` clears GRAFANA_* for every other test. The Grafana version met (its
/api/health) is the `real_grafana_version` fixture, each test's `grafana_version` property,
and a line of the terminal summary.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import pytest

REAL = {k: os.environ[k] for k in ("GRAFANA_URL", "GRAFANA_TOKEN", "GRAFANA_USER", "GRAFANA_PASSWORD")
        if os.environ.get(k)}


def real_grafana_env() -> dict[str, str]:
    if "GRAFANA_URL" not in REAL:
        pytest.skip("set GRAFANA_URL (and GRAFANA_TOKEN or GRAFANA_USER/GRAFANA_PASSWORD) to run against a real "
                    "Grafana, e.g. the stack's: GRAFANA_URL=http://127.0.0.1:3000")
    if "GRAFANA_TOKEN" not in REAL and not {"GRAFANA_USER", "GRAFANA_PASSWORD"} <= set(REAL):
        pytest.skip("GRAFANA_URL is set but neither GRAFANA_TOKEN nor GRAFANA_USER/GRAFANA_PASSWORD")
    return dict(REAL)


_MET = pytest.StashKey[str]()


def health_version(url: str) -> str:
    """The version /api/health reports (§2; it needs no credentials), or why there is none."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/api/health", timeout=10) as response:
            body = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        pytest.fail(f"GRAFANA_URL={url}: /api/health did not answer: {exc}", pytrace=False)
    # §2: `version` is left out when [auth.anonymous] hide_version is true.
    return str(body.get("version") or "unknown (hidden: [auth.anonymous] hide_version)")


@pytest.fixture(scope="session")
def real_grafana_version(pytestconfig: pytest.Config) -> str:
    env = real_grafana_env()
    version = health_version(env["GRAFANA_URL"])
    pytestconfig.stash[_MET] = f"{env['GRAFANA_URL']} is Grafana {version}"
    return version


@pytest.fixture(autouse=True)
def _report_grafana_version(request: pytest.FixtureRequest, real_grafana_version: str) -> None:
    request.node.user_properties.append(("grafana_version", real_grafana_version))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int,
                            config: pytest.Config) -> None:
    met = config.stash.get(_MET, None)
    if met is not None:
        terminalreporter.write_sep("-", f"real Grafana met: {met}")
