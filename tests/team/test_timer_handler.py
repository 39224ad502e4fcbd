"""The time limit swaps the SIGALRM handler without signal.signal's enum wrapper: what was there is put back."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import pytest

from graf import team
from graf.errors import RenderError


def handler(signum: int, frame: FrameType | None) -> None:
    pass


@pytest.mark.parametrize("previous", [handler, signal.SIG_DFL, signal.SIG_IGN])
def test_the_handler_there_before_is_put_back(previous: object) -> None:
    before = signal.signal(signal.SIGALRM, previous)  # type: ignore[arg-type]
    try:
        with team._timer(5):
            assert signal.getsignal(signal.SIGALRM) not in (previous, before)
        assert signal.getsignal(signal.SIGALRM) == previous
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, before)


def test_a_failure_is_placed_in_the_team_file(tmp_path: Path) -> None:
    """The folder that places a failure is made only then, and still names the team's file and line."""
    (tmp_path / "dash").mkdir()
    (tmp_path / "dash" / "broken.py").write_text("def dashboard(ctx):\n    return {}['x']\n")
    with team.one_render():
        module = team.load(tmp_path, Path("dash/broken.py"), kind="dashboard module", key="dashboards.modules")
        with pytest.raises(RenderError) as failed:
            team.call(module, "dashboard", None, "dash/broken.py", tmp_path)
    assert str(failed.value).startswith("dash/broken.py:2: dashboard(ctx) failed: KeyError")
