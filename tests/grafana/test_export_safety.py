"""`graf export` against hostile-but-ordinary servers and folders (issue 12): paths built from server data stay
inside the export folder, no secret is written, and a folder it cannot write gets one line and no files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from graf.grafana.secure_fields import redact_settings
from graf.resources import content_hash
from tests.grafana_server import GrafanaServer

HOOK = "https://hooks.example.com/services/T000/B000/s3cr3t-token"


def contact_point(grafana: GrafanaServer, uid: str, settings: dict, kind: str = "webhook") -> None:
    """A contact point graf pushed once (its record, project shop) and the code no longer has."""
    body = {"uid": uid, "name": uid, "type": kind, "settings": settings}
    record = f"{content_hash('contact-point', body)} shop"
    grafana.state.contact_points[uid] = {**body, "settings": {**settings, "graf": record},
                                         "disableResolveMessage": False, "provenance": "api"}


def test_uid_that_leaves_the_folder_is_one_error_and_the_rest_is_exported(graf, grafana: GrafanaServer,
                                                                          tmp_path: Path) -> None:
    assert graf("sync", "--env", "prod").code == 0
    contact_point(grafana, "../../../../escaped", {"url": HOOK})
    out = tmp_path / "deep" / "out"
    run = graf("export", "--env", "prod", "--out", str(out))
    assert run.code == 1
    errors = [line for line in run.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "contact-point/'../../../../escaped'" in errors[0]
    assert "not a plain file name" in errors[0]
    assert not list(tmp_path.rglob("escaped*"))
    exported = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert "prod/dashboard/shop-prod-api.json" in exported and len(exported) == 6
    assert run.lines[-1].endswith("1 not exported")
    run = graf("export", "--env", "prod", "--uid", "../../../../escaped", "--out", str(out))
    assert run.code == 1 and "not a plain file name" in run.err and "not in Grafana" not in run.err


def test_no_secret_is_written_whatever_the_server_answers(graf, grafana: GrafanaServer, tmp_path: Path) -> None:
    assert graf("sync", "--env", "prod").code == 0
    contact_point(grafana, "old-hook", {"url": HOOK, "httpMethod": "POST", "password": "pa55", "username": "bot"})
    contact_point(grafana, "old-slack", {"recipient": "#ops", "token": "xoxb-123", "url": HOOK}, kind="slack")
    out = tmp_path / "out"
    run = graf("export", "--env", "prod", "--out", str(out))
    assert run.code == 0, run.err
    for uid in ("old-hook", "old-slack"):
        path = out / "prod" / "contact-point" / f"{uid}.json"
        text = path.read_text()
        assert HOOK not in text and "pa55" not in text and "xoxb-123" not in text
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    settings = json.loads((out / "prod/contact-point/old-hook.json").read_text())["settings"]
    assert settings == {"httpMethod": "POST", "password": "[REDACTED]", "url": "[REDACTED]", "username": "bot"}
    assert HOOK not in run.out + run.err


def test_redaction_is_by_integration_type_and_at_any_depth() -> None:
    settings = {"url": "https://x", "sigv4": {"secret_key": "k"}, "topic": "t",
                "http_config": {"oauth2": {"client_secret": "c", "client_id": "id"}}, "apiKey": "${OPSGENIE_KEY}"}
    assert redact_settings("sns", settings) == {
        "url": "[REDACTED]", "sigv4": "[REDACTED]", "topic": "t",
        "http_config": {"oauth2": {"client_secret": "[REDACTED]", "client_id": "id"}}, "apiKey": "${OPSGENIE_KEY}"}
    assert redact_settings("email", {"addresses": "a@b.c", "url": "https://grafana"})["url"] == "https://grafana"


def test_export_into_a_file_is_one_line_and_writes_nothing(graf, tmp_path: Path) -> None:
    assert graf("sync", "--env", "prod").code == 0
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("mine\n")
    run = graf("export", "--env", "prod", "--out", str(blocker))
    assert run.code == 2 and "is a file" in run.err
    run = graf("export", "--env", "prod", "--out", str(blocker / "below"))
    assert run.code == 1 and "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) <= 2 and "cannot write the export" in run.err
    assert blocker.read_text() == "mine\n" and not (tmp_path / "export").exists()


def test_export_failing_half_way_leaves_nothing_half_written(graf, tmp_path: Path) -> None:
    assert graf("sync", "--env", "prod").code == 0
    out = tmp_path / "out"
    (out / "prod").mkdir(parents=True)
    (out / "prod" / "folder").write_text("a file where a folder goes\n")  # sorted last: the others go first
    run = graf("export", "--env", "prod", "--out", str(out))
    assert run.code == 1 and "cannot write the export" in run.err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["prod", "prod/folder"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_export_into_a_read_only_folder_is_one_line(graf, tmp_path: Path) -> None:
    assert graf("sync", "--env", "prod").code == 0
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        run = graf("export", "--env", "prod", "--out", str(out))
    finally:
        out.chmod(0o700)
    assert run.code == 1 and "cannot write the export" in run.err
    assert list(out.iterdir()) == []
