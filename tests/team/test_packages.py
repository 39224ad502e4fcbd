"""A team's folder of modules is a package: relative imports work, folders never share a helper, and the modules
of one folder share their helpers within a render (each helper runs once per render)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.graf_main import run_main
from tests.team.project import team_project

KPI = '''from .lib.names import title


def dashboard(ctx):
    return {"uid": ctx.uid(title()), "title": title()}
'''


def build(tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], modules: list[str]) -> set[str]:
    config = team_project(tmp_path, files, modules, builtin=False)
    result = run_main(["-c", str(config), "build", "--env", "prod", "--out", str(tmp_path / "out")], capsys)
    assert result.code == 0, result.err
    return {json.loads(p.read_text())["title"] for p in (tmp_path / "out" / "prod" / "dashboard").iterdir()}


def test_modules_import_their_neighbours_and_subfolders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {"team/kpi.py": KPI, "team/lib/names.py": "def title():\n    return 'kpi'\n"}
    assert build(tmp_path, capsys, files, ["team/kpi.py"]) == {"kpi"}


def test_two_folders_with_a_helper_of_the_same_name_each_get_their_own(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {"a/kpi.py": KPI, "a/lib/names.py": "def title():\n    return 'from-a'\n",
             "b/kpi.py": KPI, "b/lib/names.py": "def title():\n    return 'from-b'\n"}
    assert build(tmp_path, capsys, files, ["a/kpi.py", "b/kpi.py"]) == {"from-a", "from-b"}


def test_a_changed_helper_is_read_again_in_the_same_process(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    files = {"team/kpi.py": KPI, "team/lib/names.py": "def title():\n    return 'before'\n"}
    assert build(tmp_path, capsys, files, ["team/kpi.py"]) == {"before"}
    files["team/lib/names.py"] = "def title():\n    return 'after'\n"
    assert build(tmp_path, capsys, files, ["team/kpi.py"]) == {"after"}


COUNTED = """from pathlib import Path

with open(Path(__file__).with_name("runs.log"), "a", encoding="utf-8") as log:  # one line per execution
    log.write("run\\n")


def title(name):
    return name
"""


def test_one_render_runs_a_shared_helper_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = ("from .counted import title\n\n\n"
              "def dashboard(ctx):\n    return {{'uid': ctx.uid('{0}'), 'title': title('{0}')}}\n")
    files = {"team/counted.py": COUNTED, **{f"team/d{i}.py": module.format(f"d{i}") for i in range(5)}}
    assert build(tmp_path, capsys, files, [f"team/d{i}.py" for i in range(5)]) == {f"d{i}" for i in range(5)}
    assert (tmp_path / "team" / "runs.log").read_text().splitlines() == ["run"]  # once for five modules
    assert build(tmp_path, capsys, files, [f"team/d{i}.py" for i in range(5)]) == {f"d{i}" for i in range(5)}
    assert (tmp_path / "team" / "runs.log").read_text().splitlines() == ["run", "run"]  # a new render runs it anew
