"""A team dashboard module that fails, exits, loops or returns something else than a dashboard: one
line naming its file (and line), exit 1, nothing written (issue 11 item 8, issue 12)."""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import pytest

from graf import team
from graf.errors import RenderError
from tests.graf_main import run_main
from tests.team.project import team_project

HELPER = "def title(ctx):\n    return 'KPI'\n"


def build(tmp_path: Path, capsys: pytest.CaptureFixture[str], module: str, *,
          files: dict[str, str] | None = None) -> tuple[int, str]:
    """`graf build` of a project whose one dashboard module is `module`; (exit code, stderr)."""
    config = team_project(tmp_path, {"dashboards/kpi.py": module, **(files or {})}, ["dashboards/kpi.py"],
                          builtin=False)
    result = run_main(["-c", str(config), "build", "--out", str(tmp_path / "out")], capsys)
    if result.code != 0:
        assert result.out == "" and not (tmp_path / "out").exists()
    return result.code, result.err


CASES = [
    pytest.param("def dashboard(ctx):\n    return {'uid': ctx.uid('kpi'), 'templating': []}\n",
                 "error: dashboards/kpi.py: dashboard(ctx) › templating: expected an object, got an array",
                 id="templating-list"),
    pytest.param("def dashboard(ctx):\n    return {'uid': ctx.uid('kpi'), 'panels': 'abc'}\n",
                 "error: dashboards/kpi.py: dashboard(ctx) › panels: expected an array, got a string",
                 id="panels-string"),
    pytest.param("def dashboard(ctx):\n    d = {'uid': ctx.uid('kpi')}\n    d['panels'] = [{'panels': [d]}]\n"
                 "    return d\n",
                 "error: dashboards/kpi.py: dashboard(ctx) › panels[0].panels[0]: refers to itself (a cycle): not JSON",
                 id="self-reference"),
    pytest.param("import sys\n\n\ndef dashboard(ctx):\n    sys.exit(0)\n",
                 "error: dashboards/kpi.py:5: dashboard(ctx) called sys.exit(0)", id="sys-exit-0"),
    pytest.param("import sys\nsys.exit()\n", "error: dashboards/kpi.py:2: import called sys.exit()",
                 id="sys-exit-on-import"),
    pytest.param("from graf.dashboards import common\n\n\ndef dashboard(ctx):\n"
                 "    return common.frame(ctx, 'kpi', description='d', panels=[], variables=[])\n",
                 "error: dashboards/kpi.py:5: dashboard(ctx) failed: TypeError: frame() missing 1 required "
                 "keyword-only argument: 'with_application'", id="exception"),
    pytest.param("def dashboard(ctx):\n    return [1]\n",
                 "error: dashboards/kpi.py: dashboard(ctx): returned list, expected a grafanalib Dashboard "
                 "or a dashboard dict", id="not-a-dashboard"),
    pytest.param("def dashboard(ctx):\n    return {'uid': ctx.uid('kpi'), 'title': float('nan')}\n",
                 "error: dashboards/kpi.py: dashboard(ctx) › title: nan is not a JSON number", id="nan"),
    pytest.param("def dashboard(ctx):\n    x = []\n    for _ in range(100_000):\n        x = [x]\n"
                 "    return {'uid': ctx.uid('kpi'), 'panels': x}\n",
                 "error: dashboards/kpi.py: dashboard(ctx) › …", id="deep"),
    pytest.param("class Weird(Exception):\n    def __str__(self):\n        raise RuntimeError\n\n\n"
                 "def dashboard(ctx):\n    raise Weird\n",
                 "error: dashboards/kpi.py:7: dashboard(ctx) failed: Weird: <Weird that cannot be shown>",
                 id="unprintable-exception"),
    pytest.param("def dashboard(ctx:\n", "error: dashboards/kpi.py:1: import failed: SyntaxError:", id="syntax"),
    pytest.param("import helpers\n", "error: dashboards/kpi.py:1: import failed: ModuleNotFoundError: "
                 "No module named 'helpers'", id="absolute-import-of-a-neighbour"),
    pytest.param("from . import helpers\n\n\ndef dashboard(ctx):\n    return helpers.nothing(ctx)\n",
                 "error: dashboards/kpi.py:5: dashboard(ctx) failed: AttributeError: module", id="helper-missing"),
    pytest.param("from . import helpers\n\n\ndef dashboard(ctx):\n    return helpers.title(None)\n",
                 "error: dashboards/helpers.py:2: dashboard(ctx) failed: AttributeError: 'NoneType' object has no "
                 "attribute 'env' (in dashboards/kpi.py)", id="inside-a-helper"),
]


@pytest.mark.parametrize(("module", "line"), CASES)
def test_a_failing_module_is_one_line_with_its_place(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     module: str, line: str) -> None:
    code, err = build(tmp_path, capsys, module, files={"dashboards/helpers.py": HELPER.replace("'KPI'", "ctx.env")})
    assert code == 1
    assert err.count("\n") == 1 and len(err) < 400 and "Traceback" not in err
    assert err.startswith(line), err


@pytest.mark.parametrize("where", ["import", "call"])
def test_a_module_that_never_ends_is_stopped_by_the_time_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    monkeypatch.setenv("GRAF_RENDER_TIMEOUT", "0.5")
    loop = "while True:\n    try:\n        pass\n    except Exception:\n        pass\n"
    module = loop if where == "import" else "def dashboard(ctx):\n" + "".join(f"    {ln}\n" for ln in loop.splitlines())
    started = time.monotonic()
    code, err = build(tmp_path, capsys, module)
    assert time.monotonic() - started < 20
    what = "import" if where == "import" else "dashboard(ctx)"
    assert code == 1 and err.count("\n") == 1
    assert re.match(rf"error: dashboards/kpi\.py:\d: {re.escape(what)} still running after 0\.5s "
                    r"\(limit: GRAF_RENDER_TIMEOUT\)\n", err), err


def test_a_bad_time_limit_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAF_RENDER_TIMEOUT", "soon")
    code, err = build(tmp_path, capsys, "def dashboard(ctx):\n    return {'uid': ctx.uid('kpi')}\n")
    assert (code, err) == (1, "error: GRAF_RENDER_TIMEOUT: expected seconds (0 for no limit), got 'soon'\n")


def test_the_time_limit_puts_back_a_timer_already_running() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with team._timer(5):
            pass
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
        time.sleep(0.5)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_module_catching_everything_is_still_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The timer fires again every second, so even `except BaseException: pass` in a loop ends."""
    monkeypatch.setenv("GRAF_RENDER_TIMEOUT", "0.2")
    (tmp_path / "stubborn.py").write_text(
        "def dashboard(ctx):\n    for _ in range(3):\n        try:\n            while True:\n                pass\n"
        "        except BaseException:\n            pass\n    while True:\n        pass\n", encoding="utf-8")
    module = team.load(tmp_path, Path("stubborn.py"), kind="dashboard module", key="dashboards.modules")
    with pytest.raises(RenderError) as caught:
        team.call(module, "dashboard", None, "stubborn.py", tmp_path)
    assert caught.value.path.startswith("stubborn.py:") and "still running" in caught.value.message
