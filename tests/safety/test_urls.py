"""URLs given on the command line: a malformed one is one line naming the option, a password never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from graf.errors import UsageError
from graf.urls import check_url, redact
from tests.safety.test_hostile_json import run_main


@pytest.mark.parametrize(("url", "shown"), [
    ("http://u:secret@host:3000/a?b=1", "http://u:***@host:3000/a?b=1"),
    ("https://glsa_token@host", "https://***@host"),
    ("http://u:x@[::1", "http://u:***@[::1"),
    ("http://u:p@w@host/x@y", "http://u:***@host/x@y"),
    ("u:secret@host", "u:***@host"),
    ("http://host/path", "http://host/path"),
    ("", ""),
])
def test_redact_hides_every_password(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_redact_bounds_the_length() -> None:
    assert len(redact("http://h/" + "a" * 10_000)) == 200


@pytest.mark.parametrize(("url", "expected"), [
    ("http://u:x@[::1", "not a valid URL: 'http://u:***@[::1' (Invalid IPv6 URL)"),
    ("http://[::1", "not a valid URL"),
    ("localhost:3000", "not an http(s) URL: 'localhost:3000' has no scheme "
                       "(write it as http://localhost:3000 or https://localhost:3000)"),
    ("grafana.internal", "has no scheme"),
    ("ftp://host", "not an http(s) URL: 'ftp://host' (scheme 'ftp')"),
    ("http://host:99999", "Port out of range"),
    ("http://host:abc", "not a valid URL"),
    ("http://", "has no host"),
    ("http://u:pw@", "has no host"),
    ("http://ho st", "holds a space or control character"),
    ("http://host\n", "holds a space or control character"),
])
def test_check_url_refuses_in_one_line_without_the_password(url: str, expected: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_url(url, "--url")
    line = caught.value.one_line()
    assert line.startswith("--url: ") and expected in line
    assert "pw" not in line and ":x@" not in line and "\n" not in line


@pytest.mark.parametrize("url", ["http://host:3000", "https://[::1]:3000/grafana", "http://u:p@127.0.0.1"])
def test_check_url_accepts_ordinary_urls(url: str) -> None:
    assert check_url(url, "--url") == url


@pytest.mark.parametrize("command", ["plan", "sync", "export"])
@pytest.mark.parametrize("url", ["http://u:x@[::1", "localhost:3000", "http://u:pw@h:port"])
def test_grafana_commands_refuse_a_malformed_url_in_one_line(
        command: str, url: str, example_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["-c", str(example_project), command, "--env", "dev", "--url", url], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("error: --url: ") and err.count("\n") == 1
    assert ":x@" not in err and ":pw@" not in err


def test_the_url_from_the_environment_is_checked_too(example_project: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAFANA_URL", "http://admin:hunter2@[::1")
    code, _, err = run_main(["-c", str(example_project), "plan", "--env", "dev"], capsys)
    assert code == 2 and err == "error: --url: not a valid URL: 'http://admin:***@[::1' (Invalid IPv6 URL)\n"


def test_diff_refuses_a_malformed_url(example_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(["-c", str(example_project), "diff", "--env", "dev", "--url", "http://u:x@[::1"],
                            capsys)
    assert code == 2 and err.startswith("error: --url: not a valid URL: 'http://u:***@[::1'")
    assert err.count("\n") == 1
