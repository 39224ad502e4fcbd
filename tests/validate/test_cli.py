"""`graf validate` and `graf build` from the command line: output, formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from graf.cli import main
from tests.validate.samples import dashboard


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def broken() -> dict[str, Any]:
    body = dashboard()
    body["panels"][1]["targets"][0]["expr"] = "sum(rate(x[5m])"
    return body


def test_a_clean_file_exits_0_and_says_so_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["validate", str(write(tmp_path / "jvm.json", dashboard()))], capsys)
    assert (code, out, err) == (0, "", "1 resource: 0 errors, 0 warnings\n")


def test_an_error_exits_1_with_one_line_per_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = write(tmp_path / "jvm.json", broken())
    code, out, err = run(["validate", str(file)], capsys)
    assert code == 1
    assert out == (f'error: G501 {file} › panel "Heap used" (id 4) › targets[A].expr: '
                   "PromQL does not parse: unclosed left parenthesis\n")
    assert err == "1 resource: 1 error, 0 warnings\n"


def test_an_export_wrapped_as_dashboard_is_unwrapped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = write(tmp_path / "export.json", {"dashboard": broken(), "meta": {"folderUid": "x"}})
    code, out, _ = run(["validate", str(file)], capsys)
    assert code == 1 and out.startswith(f'error: G501 {file} › panel "Heap used" (id 4)')


def test_strict_turns_warnings_into_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = dashboard()
    body["panels"][1]["type"] = "graph"
    file = write(tmp_path / "legacy.json", body)
    assert run(["validate", str(file)], capsys)[0] == 0
    code, out, err = run(["validate", "--strict", str(file)], capsys)
    assert code == 1
    assert out.startswith(f'error: G701 {file} › panel "Heap used" (id 4) › type')
    assert err == "1 resource: 1 error, 0 warnings\n"


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = write(tmp_path / "jvm.json", broken())
    code, out, _ = run(["validate", "--format", "json", str(file)], capsys)
    assert code == 1
    assert json.loads(out) == {
        "resources": 1, "errors": 1, "warnings": 0, "strict": False,
        "findings": [{"path": f'{file} › panel "Heap used" (id 4) › targets[A].expr', "rule": "G501",
                      "name": "promql-invalid", "severity": "error",
                      "message": "PromQL does not parse: unclosed left parenthesis"}],
    }


def test_a_folder_is_searched_and_other_json_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "dashboards" / "a.json", dashboard())
    twin = dashboard()
    twin["title"] = "Twin"
    write(tmp_path / "dashboards" / "nested" / "b.json", twin)
    write(tmp_path / "dashboards" / "package.json", {"name": "not a dashboard"})
    (tmp_path / "dashboards" / "bad.json").write_text('{"panels": [', encoding="utf-8")
    code, out, err = run(["validate", str(tmp_path / "dashboards")], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"error: G002 {tmp_path / 'dashboards' / 'bad.json'}:1:13: invalid JSON")
    assert [line.split(" ")[1] for line in lines] == ["G002", "G103", "G103"]
    assert err == "2 resources: 3 errors, 0 warnings (1 non-dashboard JSON file skipped)\n"


def test_a_named_file_that_is_not_a_dashboard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = write(tmp_path / "ds.json", {"uid": "prometheus", "type": "prometheus"})
    code, out, _ = run(["validate", str(file)], capsys)
    assert code == 1
    assert out == f"error: G002 {file}: not a dashboard (no panels, rows, templating or schemaVersion)\n"


@pytest.mark.parametrize("args", [["validate", "missing.json"], ["validate", "--format", "xml", "."],
                                  ["validate", "--jobs", "-1", "."]])
def test_bad_usage_exits_2(args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(args, capsys)[0] == 2


# ---------------------------------------------------------------- rendered resources and graf build


def project(example_project: Path, *, files: dict[str, Any] | None = None, module: str | None = None) -> Path:
    """The example graf.yaml plus dashboard JSON files and/or one dashboard module."""
    config = yaml.safe_load(example_project.read_text(encoding="utf-8"))
    root = example_project.parent
    if files:
        for name, body in files.items():
            write(root / "dashboards" / name, body)
        config["dashboards"]["files"] = ["dashboards/*.json"]
    if module:
        (root / "team.py").write_text(module, encoding="utf-8")
        config["dashboards"]["modules"] = ["team.py"]
    example_project.write_text(yaml.safe_dump(config), encoding="utf-8")
    return example_project


def rendered_count(config: Path, *envs: str) -> int:
    from graf._render import render_all
    from graf.config import load_project

    return sum(len(resources) for resources in render_all(load_project(config), envs).values())


def adopted(body: dict[str, Any]) -> dict[str, Any]:
    """A dashboard adopted as a JSON file, with a uid no built-in dashboard has."""
    body["uid"] = "shop-adopted"
    return body


def test_rendered_environments_are_validated_by_default(example_project: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["--config", str(example_project), "validate"], capsys)
    assert (code, out, err) == (0, "", f"{rendered_count(example_project)} resources: 0 errors, 0 warnings\n")


def test_rendered_dashboard_with_an_unknown_datasource(example_project: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    body = dashboard()
    body["panels"][0]["datasource"] = {"type": "prometheus", "uid": "mimir"}
    config = project(example_project, files={"jvm.json": adopted(body)})
    code, out, _ = run(["--config", str(config), "validate", "--env", "prod"], capsys)
    assert code == 1
    assert out == ('error: G301 prod/shop-adopted (dashboards/jvm.json) › panel "Uptime" (id 1) › datasource.uid: '
                   "datasource uid 'mimir' is not one of the rendered datasources (loki, prometheus, tempo)\n")


def test_build_refuses_to_write_an_invalid_tree(example_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = project(example_project)
    assert run(["--config", str(config), "build"], capsys)[0] == 0
    kept = (example_project.parent / "build" / "prod" / "datasource" / "loki.json").read_text(encoding="utf-8")
    config = project(example_project, files={"jvm.json": adopted(broken())})
    code, out, err = run(["--config", str(config), "build"], capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        'error: G501 dev/shop-adopted (dashboards/jvm.json) › panel "Heap used" (id 4) › targets[A].expr: '
        "PromQL does not parse: unclosed left parenthesis",
        'error: G501 prod/shop-adopted (dashboards/jvm.json) › panel "Heap used" (id 4) › targets[A].expr: '
        "PromQL does not parse: unclosed left parenthesis",
        "error: 2 validation errors; nothing written (see graf validate)",
    ]
    assert not (example_project.parent / "build" / "prod" / "dashboard" / "shop-adopted.json").exists()
    assert (example_project.parent / "build" / "prod" / "datasource" / "loki.json").read_text() == kept


TEAM_MODULE = '''
from graf.validate import CODES  # noqa: F401  (a module may import anything)
{silence}

def dashboard(ctx):
    return {{"uid": ctx.uid("team"), "title": "Team", "schemaVersion": 39, "panels": [],
            "templating": {{"list": [{{"name": "spare", "type": "custom", "query": "a,b"}}]}}}}
'''


def test_a_dashboard_module_silences_one_code_for_its_own_dashboard(example_project: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = project(example_project, module=TEAM_MODULE.format(silence=""))
    code, out, err = run(["--config", str(config), "validate", "--env", "prod"], capsys)
    assert (code, err) == (0, f"{rendered_count(config, 'prod')} resources: 0 errors, 1 warning\n")
    assert out == "warning: G402 prod/shop-prod-team (team.py) › variable \"spare\": variable 'spare' is defined " \
                  "but no query, title, link or other variable uses it\n"
    silenced = TEAM_MODULE.format(silence='SILENCE = {"G402": "spare is read by the team\'s scripts"}')
    config = project(example_project, module=silenced)
    assert run(["--config", str(config), "validate", "--env", "prod"], capsys)[1:] == (
        "", f"{rendered_count(config, 'prod')} resources: 0 errors, 0 warnings\n")


def test_silence_must_give_a_reason(example_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = project(example_project, module=TEAM_MODULE.format(silence='SILENCE = ["G402"]'))
    code, _, err = run(["--config", str(config), "validate"], capsys)
    assert code == 1
    assert err == ("error: team.py: SILENCE: must map each graf validate code to why it is silenced "
                   "(e.g. SILENCE = {\"G402\": \"kept for links from the overview\"})\n")


def test_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", "--help"], capsys)
    assert code == 0
    for text in ("[FILE_OR_DIR]...", "--strict", "--format [text|json]", "--jobs", "GRAF_JOBS", "--env"):
        assert text in out


def test_the_command_module_imports_nothing_heavy() -> None:
    import subprocess
    import sys

    code = ("import sys, graf.cli, graf.commands.validate; "
            "print(sorted(m for m in ('jsonschema', 'promql_parser', 'yaml', 'grafanalib') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_environments_on_one_grafana_must_render_shared_uids_the_same(example_project: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    config = yaml.safe_load(example_project.read_text(encoding="utf-8"))
    assert config["environments"]["dev"]["grafana"]["url"] == config["environments"]["prod"]["grafana"]["url"]
    config["environments"]["prod"]["datasources"] = {"prometheus": {"url": "http://prometheus-prod:9090"}}
    example_project.write_text(yaml.safe_dump(config), encoding="utf-8")
    code, out, _ = run(["--config", str(example_project), "validate"], capsys)
    assert code == 1
    assert out == ("error: G105 prod/datasource/prometheus › uid: environment 'dev' renders datasource 'prometheus' "
                   "differently and syncs to the same Grafana (http://10.0.0.10:3000): each sync would overwrite "
                   "the other; give each environment its own uid or make them equal\n")
    config["environments"]["prod"]["grafana"]["url"] = "http://10.0.2.10:3000"  # its own Grafana: no clash
    example_project.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert run(["--config", str(example_project), "validate"], capsys)[0] == 0


def test_a_file_checked_against_an_environment(example_project: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Will this export work in prod? Its datasource uids and environment filter are checked too."""
    body = dashboard()
    body["uid"] = "exported"
    body["panels"][0]["datasource"] = {"type": "prometheus", "uid": "mimir"}
    body["panels"][0]["targets"][0]["expr"] = "up"
    file = write(tmp_path / "export.json", body)
    assert run(["validate", str(file)], capsys)[:2] == (0, "")  # on its own: nothing to hold it against
    code, out, err = run(["--config", str(example_project), "validate", "--env", "prod", str(file)], capsys)
    assert (code, err) == (1, "1 resource: 1 error, 1 warning\n")
    assert out.splitlines() == [
        f'error: G301 prod:{file} › panel "Uptime" (id 1) › datasource.uid: datasource uid \'mimir\' is not one of '
        "the rendered datasources (loki, prometheus, tempo)",
        f'warning: G503 prod:{file} › panel "Uptime" (id 1) › targets[A].expr: up is not filtered by environment in '
        "`up`: the query reads every environment",
    ]


def test_grafanas_built_in_annotation_datasource_is_not_unknown_in_an_environment(
        example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`"datasource": "-- Grafana --"` (legacy form of the built-in annotations source) exists on every Grafana."""
    body = dashboard()
    body["uid"] = "exported"
    body["annotations"] = {"list": [{"builtIn": 1, "datasource": "-- Grafana --", "enable": True,
                                     "name": "Annotations & Alerts", "type": "dashboard"}]}
    file = write(tmp_path / "export.json", body)
    code, out, _ = run(["--config", str(example_project), "validate", "--env", "prod", str(file)], capsys)
    assert code == 0, out
    assert [line.split(" › ")[-1] for line in out.splitlines() if "G302" in line] == [
        "datasource: datasource given as the string '-- Grafana --' (legacy form); Grafana migrates it to a "
        "{type, uid} ref on load"]
    assert "no rendered datasource" not in out


def test_unfiltered_query_is_quoted_as_the_file_writes_it(example_project: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    body = dashboard()
    body["uid"] = "exported"
    body["panels"][0]["targets"][0]["expr"] = 'rate(http_requests_total{instance=~"$instance"}[5m])'
    file = write(tmp_path / "export.json", body)
    _, out, _ = run(["--config", str(example_project), "validate", "--env", "prod", str(file)], capsys)
    [line] = [line for line in out.splitlines() if "G503" in line]
    assert line.endswith('http_requests_total is not filtered by environment in '
                         '`rate(http_requests_total{instance=~"$instance"}[5m])`: the query reads every environment')
