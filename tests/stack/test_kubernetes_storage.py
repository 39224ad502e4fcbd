"""The object-storage settings graf renders for Loki and Tempo, used as rendered against an S3-compatible
server on 127.0.0.1 (moto's, started in-process on a free port, reset, and stopped after each test).
The endpoint is rendered as `localhost:PORT` rather than the IP: botocore always uses path style for an
IP endpoint, so only a host name shows that the rendered path-style setting is what decides.

The client takes exactly the bucket, endpoint, region, TLS and path-style settings from the rendered
values files, and the credentials the way Loki and Tempo get them: `${VAR}` expanded from the
environment (`-config.expand-env=true`). Each request's URL is recorded, so a path-style setting that
did not reach the wire fails the test.
"""

from __future__ import annotations

import contextlib
import re
import socket
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from graf.stack.kubernetes.render import render_kubernetes
from graf.stack.kubernetes.storage import object_store
from graf.stack.kubernetes.values import Settings
from tests.stack.helpers import project

moto_server = pytest.importorskip("moto.server", reason="moto[server] not installed (the test extra installs it)")
boto3 = pytest.importorskip("boto3", reason="boto3 not installed (moto's dependency)")
from botocore.config import Config  # noqa: E402  (botocore comes with boto3)

CREDENTIALS = {"S3_ACCESS_KEY_ID": "graf-test-access", "S3_SECRET_ACCESS_KEY": "graf-test-secret"}
REGION = "eu-west-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def s3_port(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[int]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        # moto keeps its buckets in process-wide state: start each test empty.
        urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/reset", method="POST"),
                               timeout=10).close()
        yield port
    finally:
        server.stop()


def _expand(value: str, env: Mapping[str, str]) -> str:
    """`${VAR}` as Loki and Tempo expand it with -config.expand-env=true; an unset variable is an error here."""
    return re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], value)


def _client(endpoint: str, region: str, insecure: bool, path_style: bool, key: str, secret: str,
            seen: list[str]) -> Any:
    client = boto3.client(
        "s3", endpoint_url=f"{'http' if insecure else 'https'}://{endpoint}", region_name=region,
        aws_access_key_id=_expand(key, CREDENTIALS), aws_secret_access_key=_expand(secret, CREDENTIALS),
        config=Config(s3={"addressing_style": "path" if path_style else "virtual"},
                      retries={"max_attempts": 1}, connect_timeout=5, read_timeout=10))
    client.meta.events.register("before-send.s3", lambda request, **_: seen.append(request.url))
    return client


def _write_and_list(client: Any, bucket: str, region: str) -> list[str]:
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    client.put_object(Bucket=bucket, Key="graf/probe", Body=b"written by graf's storage test")
    listed = client.list_objects_v2(Bucket=bucket, Prefix="graf/")
    return [item["Key"] for item in listed.get("Contents", [])]


def _rendered(tmp_path: Path, port: int) -> tuple[dict[str, Any], dict[str, Any]]:
    settings = Settings("monitoring", object_store(f"http://localhost:{port}", REGION, True, "shop"),
                        "kafka:9092", "grafana.shop.example", 10_000)
    files = render_kubernetes(project(tmp_path), settings).files
    return yaml.safe_load(files["loki.yaml"]), yaml.safe_load(files["tempo.yaml"])


def test_loki_storage_settings_write_and_list(tmp_path: Path, s3_port: int) -> None:
    loki, _ = _rendered(tmp_path, s3_port)
    storage = loki["loki"]["storage"]
    s3 = storage["s3"]
    assert storage["type"] == "s3"
    seen: list[str] = []
    client = _client(s3["endpoint"], s3["region"], s3["insecure"], s3["s3ForcePathStyle"], s3["accessKeyId"],
                     s3["secretAccessKey"], seen)
    for bucket in storage["bucketNames"].values():
        assert _write_and_list(client, bucket, s3["region"]) == ["graf/probe"]
    assert seen and all(url.startswith(f"http://localhost:{s3_port}/shop-loki-") for url in seen)


def test_tempo_storage_settings_write_and_list(tmp_path: Path, s3_port: int) -> None:
    _, tempo = _rendered(tmp_path, s3_port)
    assert tempo["storage"]["trace"]["backend"] == "s3"
    s3 = tempo["storage"]["trace"]["s3"]
    seen: list[str] = []
    client = _client(s3["endpoint"], s3["region"], s3["insecure"], s3["forcepathstyle"], s3["access_key"],
                     s3["secret_key"], seen)
    assert _write_and_list(client, s3["bucket"], s3["region"]) == ["graf/probe"]
    assert seen and all(url.startswith(f"http://localhost:{s3_port}/{s3['bucket']}") for url in seen)


def test_virtual_host_style_is_what_the_client_sends_when_rendered(tmp_path: Path, s3_port: int) -> None:
    """The rendered path-style flag decides the URL: rendered off, the client addresses `<bucket>.localhost`."""
    settings = Settings("monitoring", object_store(f"http://localhost:{s3_port}", REGION, False, "shop"),
                        "kafka:9092", "grafana.shop.example", 10_000)
    s3 = yaml.safe_load(render_kubernetes(project(tmp_path), settings).files["tempo.yaml"])["storage"]["trace"]["s3"]
    assert s3["forcepathstyle"] is False
    seen: list[str] = []
    client = _client(s3["endpoint"], s3["region"], s3["insecure"], s3["forcepathstyle"], s3["access_key"],
                     s3["secret_key"], seen)
    with contextlib.suppress(Exception):  # *.localhost may or may not resolve here; the URL is what is checked
        client.head_bucket(Bucket=s3["bucket"])
    assert seen and seen[0].startswith(f"http://{s3['bucket']}.localhost:{s3_port}/")
