"""Right after a sync, `graf export` writes exactly the bytes `graf build` writes, for every kind (README,
`graf export`): the example project, all of its kinds, against the test server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from graf import _api
from graf.resources import KIND_ORDER
from tests.conftest import EXAMPLE
from tests.grafana_server import GrafanaServer

ENVIRON = {"ALERT_WEBHOOK_URL": "https://hooks.example.com/T0/secret"}


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, dict[str, bytes]]]]:
    """env -> {"build"|"export" -> relative path -> bytes}, after syncing each environment of the example."""
    root = tmp_path_factory.mktemp("roundtrip")
    shutil.copy(EXAMPLE, root / "graf.yaml")
    saved = {k: os.environ.get(k) for k in (*ENVIRON, "GRAFANA_TOKEN")}
    out: dict[str, dict[str, dict[str, bytes]]] = {}
    with GrafanaServer() as server:
        os.environ.update(ENVIRON, GRAFANA_TOKEN=server.token)
        try:
            for env in ("dev", "prod"):
                synced = _api.sync(root / "graf.yaml", env, url=server.url)
                assert not synced.applied.failed and not synced.plan.conflicts
                _api.build(root / "graf.yaml", envs=[env], out=root / "build")
                _api.export(root / "graf.yaml", env, url=server.url, out=root / "export")
                out[env] = {name: {p.relative_to(root / name).as_posix(): p.read_bytes()
                                   for p in (root / name / env).rglob("*.json")} for name in ("build", "export")}
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    yield out


@pytest.mark.parametrize("kind", KIND_ORDER)
@pytest.mark.parametrize("env", ["dev", "prod"])
def test_export_right_after_sync_is_byte_equal_to_build(trees, env: str, kind: str) -> None:
    built = {k: v for k, v in trees[env]["build"].items() if f"/{kind}/" in k}
    exported = {k: v for k, v in trees[env]["export"].items() if f"/{kind}/" in k}
    assert built, f"the example renders no {kind} for {env}"
    assert exported == built
    assert all(ENVIRON["ALERT_WEBHOOK_URL"].encode() not in v for v in exported.values())
