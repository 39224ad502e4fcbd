"""`graf preview` on the command line: pages written, listed, and bad input in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from graf.cli import main
from tests.preview.dom import panels
from tests.reference import reference_path


def _run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(args)
    return int(done.value.code or 0)


def test_writes_a_page_per_dashboard_of_each_environment(example_project: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pages"
    assert _run(["--config", str(example_project), "preview", "--out", str(out)]) == 0
    streams = capsys.readouterr()
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.html"))
    assert written == sorted(f"{env}/shop-{env}-{name}.html" for env in ("dev", "prod")
                             for name in ("jvm", "latency", "logs", "node", "overview"))
    assert sorted(streams.out.splitlines()) == sorted(str(out / w) for w in written)
    assert "10 pages in" in streams.err and "layout only" in streams.err
    node = {p.title: p for p in panels((out / "prod/shop-prod-node.html").read_text(encoding="utf-8"))}
    assert "percentunit" in node["CPU busy"].all_text  # type and unit on every panel
    assert "Share of CPU time not idle" in node["CPU busy"].all_text  # and its description


def test_uid_picks_dashboards_and_an_unknown_one_is_named(example_project: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pages"
    assert _run(["--config", str(example_project), "preview", "--env", "prod", "--uid", "shop-prod-jvm",
                 "--out", str(out)]) == 0
    assert [p.name for p in out.rglob("*.html")] == ["shop-prod-jvm.html"]
    capsys.readouterr()
    assert _run(["--config", str(example_project), "preview", "--uid", "nope", "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == "error: --uid: no dashboard with uid nope"


def test_dashboard_files_are_drawn_and_bad_ones_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = reference_path("dashboards/node-exporter-full.json")
    out = tmp_path / "pages"
    assert _run(["preview", str(source), "--out", str(out)]) == 0
    page = (out / "rYdddlPWk.html").read_text(encoding="utf-8")
    assert "Node Exporter Full" in page and "row collapsed" in page
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    capsys.readouterr()
    assert _run(["preview", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}: not a dashboard") and len(err.splitlines()) == 1


def test_png_without_a_browser_says_how_to_get_one(example_project: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GRAF_CHROMIUM", str(tmp_path / "no-such-browser"))
    code = _run(["--config", str(example_project), "preview", "--uid", "shop-dev-node", "--png",
                 "--out", str(tmp_path / "pages")])
    assert code == 1
    assert "no headless browser found (chromium)" in capsys.readouterr().err


def test_pages_go_beside_graf_yaml_by_default(example_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert _run(["--config", str(example_project), "preview", "--uid", "shop-dev-logs"]) == 0
    assert capsys.readouterr().out.strip() == str(example_project.parent / "preview/dev/shop-dev-logs.html")
    assert not (elsewhere / "preview").exists()


@pytest.mark.parametrize("since", ["soon", "0s"])
def test_a_bad_time_range_is_bad_usage(example_project: Path, tmp_path: Path, since: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pages"
    assert _run(["--config", str(example_project), "preview", "--since", since, "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith("error: --since: ")
    assert not out.exists()
