"""The real-Grafana suite runs only when GRAFANA_URL and a token or user/password are set.

The variables are read when this module is imported, before the autouse fixture of
`tests/conftest.py` clears GRAFANA_* for every other test.
"""

from __future__ import annotations

import os

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
