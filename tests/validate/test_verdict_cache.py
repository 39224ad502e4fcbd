"""graf validate's fast paths give the plain findings: verdict cache cold, warm and off, one process or two.

The input: every reference dashboard, copied until there are enough for worker processes, some
copies given a broken query, an unfiltered one or a duplicate uid, so there are findings to compare."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graf.validate import PARALLEL_FROM, verdicts
from tests.graf_main import run_main
from tests.reference import reference_dashboards, reference_json


def _targets(body: dict[str, Any]) -> list[dict[str, Any]]:
    panels = [*body.get("panels", [])]
    panels += [inner for p in body.get("panels", []) for inner in p.get("panels", [])]
    return [t for p in panels for t in p.get("targets", []) if isinstance(t.get("expr"), str)]


def _write_inputs(folder: Path) -> int:
    names = reference_dashboards()
    count = 0
    while count < PARALLEL_FROM + 6:
        for name in names:
            body = reference_json(f"dashboards/{name}")
            body = body.get("dashboard", body) if isinstance(body.get("dashboard"), dict) else body
            body["uid"] = f"copy-{count}" if count % 9 else "same-uid"
            targets = _targets(body)
            if targets and count % 5 == 1:
                targets[0]["expr"] = "sum(rate(x[5m])"  # G501
            if targets and count % 7 == 2:
                targets[-1]["expr"] = f'rate(http_requests_total{{copy_{count}="1"}}[5m])'
            (folder / f"{count:03d}-{name}").write_text(json.dumps(body), encoding="utf-8")
            count += 1
    return count


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "dashboards"
    folder.mkdir()
    _write_inputs(folder)
    return folder


def _findings(capsys: pytest.CaptureFixture[str], folder: Path, *extra: str) -> tuple[int, Any]:
    run = run_main(["validate", str(folder), "--format", "json", *extra], capsys)
    return run.code, json.loads(run.out)


def test_cache_and_workers_give_the_plain_findings(inputs: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAF_VALIDATE_CACHE", "0")
    plain = _findings(capsys, inputs, "--jobs", "1")
    assert not list(verdicts.folder().glob("*.shard")) if verdicts.folder().is_dir() else True
    assert plain[0] == 1 and {f["rule"] for f in plain[1]["findings"]} >= {"G501", "G103"}
    monkeypatch.delenv("GRAF_VALIDATE_CACHE")
    cold = _findings(capsys, inputs, "--jobs", "1")
    assert list(verdicts.folder().glob("*.shard")), "the cold run wrote what it learnt"
    warm = _findings(capsys, inputs, "--jobs", "1")
    workers_warm = _findings(capsys, inputs, "--jobs", "2")  # query verdicts known, file verdicts learnt
    files_known = _findings(capsys, inputs, "--jobs", "2")  # no file parsed
    assert cold == warm == workers_warm == files_known == plain
    for shard in verdicts.folder().glob("*.shard"):
        shard.unlink()
    workers_cold = _findings(capsys, inputs, "--jobs", "2")
    assert list(verdicts.folder().glob("*.shard")), "the workers wrote what they learnt"
    assert workers_cold == plain


def test_a_broken_shard_is_ignored(inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = _findings(capsys, inputs, "--jobs", "1")
    for shard in verdicts.folder().glob("*.shard"):
        shard.write_bytes(b"\x00not marshal")
    (verdicts.folder() / "other.shard").write_bytes(b"")
    assert _findings(capsys, inputs, "--jobs", "1") == plain


def test_a_changed_file_is_checked_again(inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _findings(capsys, inputs, "--jobs", "2")
    victim = sorted(inputs.glob("*.json"))[3]
    body = json.loads(victim.read_text(encoding="utf-8"))
    body["uid"] = "same-uid"
    victim.write_text(json.dumps(body), encoding="utf-8")
    again = _findings(capsys, inputs, "--jobs", "2")
    assert again != first
    for shard in verdicts.folder().glob("*.shard"):
        shard.unlink()
    assert _findings(capsys, inputs, "--jobs", "2") == again


def test_the_cache_lives_in_the_user_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert verdicts.folder().is_relative_to(tmp_path / "xdg" / "graf" / "verdicts")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert verdicts.folder().is_relative_to(Path.home() / ".cache" / "graf")


def test_a_reinstalled_parser_starts_a_new_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parser is named by its installed files: a new build of it (another size or time) is another folder."""
    import importlib

    package = tmp_path / "fake_parser"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "_native.so").write_bytes(b"v1")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    first = verdicts.installed("fake_parser")
    assert verdicts.installed("fake_parser") == first
    (package / "_native.so").write_bytes(b"v2 longer")
    assert verdicts.installed("fake_parser") != first
    assert verdicts.installed("no_such_module_here") == "absent"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_edited_query_is_checked_again(inputs: Path, capsys: pytest.CaptureFixture[str], jobs: str) -> None:
    """A dashboard's PromQL verdicts are one entry keyed by all its queries: breaking one query, or
    mending it, or adding one, misses that entry and gives the findings of a run without the cache."""
    _findings(capsys, inputs, "--jobs", jobs)  # cold: every dashboard's entry learnt
    victim = next(p for p in sorted(inputs.glob("*.json")) if _targets(json.loads(p.read_text(encoding="utf-8"))))
    body = json.loads(victim.read_text(encoding="utf-8"))
    for expr in ("sum(rate(up[5m])", "sum(rate(up[5m]))", 'up{job="$job"} offset $__interval'):
        _targets(body)[0]["expr"] = expr
        victim.write_text(json.dumps(body), encoding="utf-8")
        cached = _findings(capsys, inputs, "--jobs", jobs)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GRAF_VALIDATE_CACHE", "0")
            assert cached == _findings(capsys, inputs, "--jobs", jobs), expr
        broken = [f for f in cached[1]["findings"] if f["rule"] == "G501" and victim.name in f["path"]]
        assert bool(broken) == (expr == "sum(rate(up[5m])"), broken
