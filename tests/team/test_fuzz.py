"""Fuzz: whatever `dashboard(ctx)` returns, `graf build` exits 0, or 1/2 with bounded lines ending in one
`error:` line; never a traceback, never a partial write (issue 12)."""

from __future__ import annotations

import itertools
import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.graf_main import run_main
from tests.team.project import team_project

# Keys the adapter and graf validate read, so examples reach past the first check.
KEYS = ["uid", "title", "panels", "templating", "annotations", "links", "list", "targets", "gridPos", "x", "y",
        "w", "h", "fieldConfig", "defaults", "thresholds", "steps", "datasource", "type", "options", "current",
        "value", "expr", "refId", "id", "color", "query", "name", "text", "description", "unit", "repeat"]
MODULE = '''import pickle
from pathlib import Path


def dashboard(ctx):
    return pickle.loads(Path(__file__).with_name("value.pickle").read_bytes())
'''
MAX_LINE = 1000
EXAMPLES = int(os.environ.get("GRAF_FUZZ_EXAMPLES", "150"))  # more for a longer hunt, read at import
COUNTER = itertools.count()

plain = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False), st.text(st.characters(codec="utf-8"), max_size=20),
    st.sampled_from(["row", "timeseries", "stat", "table", "text", "prometheus", "loki", "query", "textbox",
                     "$__all", "sum(rate(x[5m]))", "{__name__=~\".+\"}", "shop-prod-x", "../../x", "-- Mixed --"]),
)
hostile = st.one_of(  # what JSON cannot hold
    st.sampled_from([float("nan"), float("inf"), 2**70, "\ud800"]), st.tuples(plain), st.text(max_size=5),
)
leaves = st.one_of(plain, plain, plain, plain, plain, plain, plain, plain, plain, hostile)
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.sampled_from(KEYS), st.text(max_size=8)), inner,
                        max_size=5),
    ),
    max_leaves=30,
)


@st.composite
def dashboards(draw: st.DrawFn) -> Any:
    """Mostly a dict with a usable uid and random parts; at times a cycle or anything at all."""
    if draw(st.integers(0, 19)) == 7:
        return draw(values)
    body: dict[Any, Any] = {"uid": draw(st.just("shop-prod-fuzz") | st.text(max_size=50)), "title": "Fuzz"}
    body.update(draw(st.dictionaries(st.sampled_from(KEYS), values, max_size=6)))
    if draw(st.booleans()):
        body["panels"] = draw(st.lists(st.dictionaries(st.sampled_from(KEYS), values, max_size=6), max_size=3))
    if draw(st.integers(0, 19)) == 7:
        body["again"] = body  # a dict that contains itself
    return body


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(value=dashboards())
def test_any_return_value_exits_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: Any) -> None:
    (tmp_path / "dashboards").mkdir(exist_ok=True)
    (tmp_path / "dashboards" / "value.pickle").write_bytes(pickle.dumps(value))
    config = team_project(tmp_path, {"dashboards/fuzz.py": MODULE}, ["dashboards/fuzz.py"], builtin=False)
    out = tmp_path / f"out-{next(COUNTER)}"  # tmp_path is shared by the examples; each builds anew
    result = run_main(["-c", str(config), "build", "--env", "prod", "--out", str(out)], capsys)
    code, stdout, err = result.code, result.out, result.err
    lines = err.splitlines()
    assert all(len(line) <= MAX_LINE for line in lines), max(lines, key=len)
    event(f"exit {code}" + (" (graf validate)" if "graf validate" in err else ""))
    if code == 0:
        assert (out / "prod" / "dashboard").is_dir()
        return
    assert code in (1, 2), err
    assert lines and lines[-1].startswith("error: "), err
    assert stdout == "" and not out.exists()

