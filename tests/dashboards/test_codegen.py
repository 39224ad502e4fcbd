"""`graf export --as python`: the generated module renders back to its input (the law of issue 13)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graf._render import render
from graf.codegen import render_source, target_of, to_python
from graf.config import Project, load_project
from graf.context import RenderContext
from graf.resources import canonical
from tests.reference import reference_dashboards, reference_json

ROOT = Path(__file__).resolve().parents[2]

@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(ROOT / "graf.yaml")


def _builtins(project: Project) -> list[tuple[str, str, dict[str, Any]]]:
    return [(env.name, r.uid, r.body) for env in project.environments.values() for r in render(project, env)
            if r.kind == "dashboard"]


def _community() -> list[str]:
    try:
        return reference_dashboards()
    except pytest.skip.Exception:
        return []


def _ctx(project: Project, env: str = "prod") -> RenderContext:
    return RenderContext(project, project.environment(env))


# ---------------------------------------------------------------------------- the law


def test_every_builtin_dashboard_comes_back_from_its_module(project: Project) -> None:
    rendered = _builtins(project)
    assert len(rendered) == 2 * len(project.dashboards.builtin)
    for env, uid, body in rendered:
        ctx = _ctx(project, env)
        back = render_source(to_python(body, ctx), ctx)
        assert canonical("dashboard", back) == canonical("dashboard", body), f"{env}: {uid}"


def _differences(a: Any, b: Any, path: str = "") -> set[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return {d for k in set(a) | set(b) if a.get(k) != b.get(k)
                for d in _differences(a.get(k), b.get(k), f"{path}/{k}")}
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return {d for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y
                for d in _differences(x, y, f"{path}[{i}]")}
    return {path}


def test_builtin_modules_take_environment_values_from_ctx(project: Project) -> None:
    """The module written from prod, rendered for dev, is dev's dashboard: names, uids, labels and datasources
    come from ctx. Only values prod's config sets apart from its names (alert thresholds quoted in a
    description and a threshold step) stay as they were exported."""
    prod, dev = _ctx(project, "prod"), _ctx(project, "dev")
    dev_bodies = {uid: body for env, uid, body in _builtins(project) if env == "dev"}
    for env, uid, body in _builtins(project):
        if env != "prod":
            continue
        text = to_python(body, prod)
        dev_body = canonical("dashboard", dev_bodies[dev.uid(uid.removeprefix(prod.uid("")).lstrip("-"))])
        renamed = json.loads(json.dumps(canonical("dashboard", body)).replace("prod", "dev"))
        configured = _differences(renamed, dev_body)
        assert _differences(canonical("dashboard", render_source(text, dev)), dev_body) <= configured, uid
        code = text.split('"""', 2)[2]  # the docstring names the dashboard it came from
        assert "shop-prod" not in code and '"prod"' not in code, uid


def test_builtin_modules_read_like_graf_s_own(project: Project) -> None:
    ctx = _ctx(project)
    for env, uid, body in _builtins(project):
        if env != "prod":
            continue
        text = to_python(body, ctx)
        assert "common.frame(\n" in text, uid
        assert "common.environment_variable(ctx" in text, uid
        assert " = {" not in text, f"{uid}: every built-in panel maps onto a helper"
        assert "at(" not in text.replace("stat(", ""), f"{uid}: graf's flowed layout needs no positions"


@pytest.mark.parametrize("name", _community() or ["(no reference)"])
def test_community_dashboard_comes_back_as_the_file(project: Project, name: str) -> None:
    """The law, strictly: the generated module renders the file itself (graf keeps what a module writes as
    JSON, so nothing of the file is modernised away)."""
    if name == "(no reference)":
        pytest.skip("reference dashboards absent (a clone without ../shared)")
    body = reference_json(f"dashboards/{name}")
    ctx = _ctx(project)
    back = render_source(to_python(body, ctx, source_name=name), ctx)
    assert canonical("dashboard", back) == canonical("dashboard", body)


@pytest.mark.parametrize("name", _community() or ["(no reference)"])
def test_a_community_file_is_its_own_target(project: Project, name: str) -> None:
    """What graf renders for a dashboard dict is the dict: the codegen's target is the file."""
    if name == "(no reference)":
        pytest.skip("reference dashboards absent (a clone without ../shared)")
    body = reference_json(f"dashboards/{name}")
    assert canonical("dashboard", target_of(body, _ctx(project))) == canonical("dashboard", body)


def test_the_law_covers_every_reference_dashboard() -> None:
    names = _community()
    if not names:
        pytest.skip("reference dashboards absent (a clone without ../shared)")
    assert len(names) == 8


# ---------------------------------------------------------------------------- the code


def test_generated_modules_pass_ruff_and_are_deterministic(project: Project, tmp_path: Path) -> None:
    ctx = _ctx(project)
    sources = {f"builtin_{uid.replace('-', '_')}": body for env, uid, body in _builtins(project) if env == "prod"}
    for name in _community():
        sources[Path(name).stem.replace("-", "_").replace(".", "_")] = reference_json(f"dashboards/{name}")
    for stem, body in sources.items():
        text = to_python(body, ctx)
        assert to_python(json.loads(json.dumps(body)), ctx) == text, stem
        (tmp_path / f"{stem}.py").write_text(text, encoding="utf-8")
        assert max(len(line) for line in text.splitlines()) <= 120, stem
    command = [sys.executable, "-m", "ruff", "check", "--no-cache", "--config", str(ROOT / "pyproject.toml")]
    done = subprocess.run([*command, str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_community_panel_through_a_helper_and_the_rest_as_dicts(project: Project) -> None:
    body = reference_json("dashboards/spring-boot-observability.json")
    text = to_python(body, _ctx(project))
    assert "ExtendedDashboard(" in text
    assert "Templating(" in text
    # panel variables are named after their titles
    for panel in body["panels"][:3]:
        words = "".join(ch if ch.isalnum() else " " for ch in panel["title"].lower()).split()
        assert f"    {'_'.join(words)[:40].rstrip('_')} = " in text or f"    panel_{'_'.join(words)}" in text


def test_the_readme_example_is_what_graf_writes(project: Project) -> None:
    """The README's generated module, rendered, is written back by the generator character for character."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("#### Keeping a dashboard as Python", 1)[1].split("\n#", 1)[0]
    [example] = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    ctx = _ctx(project)
    assert to_python(render_source(example, ctx), ctx) == example


def test_a_ui_made_dashboard_takes_the_environment_from_ctx(project: Project) -> None:
    """Matchers on the environment label's value, graf's uids in links and datasources follow the environment."""
    prod, dev = _ctx(project, "prod"), _ctx(project, "dev")
    panel = {"type": "timeseries", "title": "Orders {by shop}", "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0}, "id": 1,
             "datasource": prod.ref("prometheus"),
             "links": [{"title": "JVM", "url": f"/d/{prod.uid('jvm')}?var-x=1"}],
             "targets": [{"refId": "A", "datasource": prod.ref("prometheus"),
                          "expr": f'sum(orders_total{{environment="{prod.env.label}", job="shop"}})'}]}
    body = {"uid": prod.uid("orders"), "title": f"Orders · {prod.env.name}", "panels": [panel]}
    text = to_python(body, prod)
    assert 'environment="{ctx.env.label}"' in text and "ctx.uid('jvm')" in text and 'uid=ctx.uid("orders")' in text
    assert "orders_by_shop = {" in text
    in_dev = render_source(text, dev)
    assert in_dev["uid"] == dev.uid("orders") and in_dev["title"] == f"Orders · {dev.env.name}"
    [rendered] = in_dev["panels"]
    assert rendered["targets"][0]["expr"] == f'sum(orders_total{{environment="{dev.env.label}", job="shop"}})'
    assert rendered["links"][0]["url"] == f"/d/{dev.uid('jvm')}?var-x=1"
    assert rendered["datasource"] == dev.ref("prometheus")


def test_a_frame_field_grafanalib_would_render_otherwise_is_written_and_nothing_unused_imported(
        project: Project, tmp_path: Path) -> None:
    """Annotations without the built-in one: grafanalib's Dashboard would add it, so the list goes to extraJson as
    written (and `Annotations` is not imported for nothing); an old schemaVersion and `gnetId` stay too."""
    ctx = _ctx(project)
    body = {"uid": "x", "title": "X", "schemaVersion": 30, "gnetId": 4701, "time": {"from": "now-6h", "to": "now"},
            "annotations": {"list": [{"name": "deploys", "enable": True, "datasource": ctx.ref("prometheus")}]}}
    text = to_python(body, ctx)
    assert canonical("dashboard", render_source(text, ctx)) == canonical("dashboard", body)
    assert "Annotations" not in text and '"schemaVersion": 30' in text and '"gnetId": 4701' in text
    assert 'time=Time("now-6h", "now")' in text
    refused = to_python({**body, "editable": 0}, ctx)  # grafanalib's Dashboard takes a bool only
    assert canonical("dashboard", render_source(refused, ctx)) == canonical("dashboard", {**body, "editable": 0})
    assert '"editable": 0' in refused and "Time(" not in refused
    assert '"datasource": ctx.ref("prometheus")' in text
    (tmp_path / "x.py").write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "ruff", "check", "--no-cache", "--config", str(ROOT / "pyproject.toml")]
    done = subprocess.run([*command, str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


_words = st.text(st.characters(codec="ascii", categories=("L", "N", "Zs")), max_size=12)
_scalars = st.one_of(st.booleans(), st.integers(-5, 500), _words)
_json = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(_words, inner, max_size=3)), max_leaves=8)
_refs = st.sampled_from(["prometheus", "Prometheus", "loki", "${ds}", {"type": "prometheus", "uid": "prometheus"},
                         {"type": "loki", "uid": "loki"}, {"type": "tempo", "uid": "tempo"}])
_grids = st.one_of(st.none(), st.fixed_dictionaries({"h": st.integers(1, 9), "w": st.integers(1, 24)}),
                   st.fixed_dictionaries({"h": st.integers(1, 9), "w": st.integers(1, 12), "x": st.integers(0, 12),
                                          "y": st.integers(0, 30)}))


@st.composite
def _panels(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    panel: dict[str, Any] = {"type": draw(st.sampled_from(["timeseries", "stat", "table", "text", "piechart"])),
                             "title": draw(_words)}
    if depth == 0 and draw(st.integers(0, 4)) == 0:
        panel = {"type": "row", "title": draw(_words), "collapsed": True,
                 "panels": draw(st.lists(_panels(depth=1), max_size=2))}
    grid = draw(_grids)
    if grid is not None:
        panel["gridPos"] = grid
    if draw(st.booleans()):
        panel["datasource"] = draw(_refs)
    if panel["type"] != "row" and draw(st.booleans()):
        panel["targets"] = [{"refId": "A", "expr": draw(_words), **({"datasource": draw(_refs)} if draw(st.booleans())
                                                                    else {})}]
    if panel["type"] != "row":
        panel.update(draw(st.fixed_dictionaries({}, optional={
            "options": st.dictionaries(_words, _json, max_size=2), "legend": st.dictionaries(_words, _json, max_size=2),
            "fieldConfig": st.fixed_dictionaries({"defaults": st.dictionaries(_words, _json, max_size=2)},
                                                 optional={"overrides": st.just([])}),
            "maxDataPoints": st.integers(1, 500), "links": st.just([]), "description": _words,
            "pluginVersion": st.just("11.6.0")})))
    return panel


@st.composite
def _written_dashboards(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {"uid": draw(st.sampled_from(["shop-prod-orders", "abc-123"])), "title": draw(_words)}
    body.update(draw(st.fixed_dictionaries({}, optional={
        "tags": st.lists(_words, max_size=2), "refresh": st.sampled_from(["", "30s", "1m"]), "timezone": _words,
        "schemaVersion": st.integers(16, 41), "weekStart": st.sampled_from(["", "monday"]),
        "gnetId": st.integers(1, 20000), "editable": st.booleans(), "graphTooltip": st.integers(0, 2),
        "description": _words, "liveNow": st.booleans(), "fiscalYearStartMonth": st.integers(0, 11),
        "style": st.just("dark")})))
    if draw(st.booleans()):
        body["time"] = {"from": draw(st.sampled_from(["now-6h", "now-1h"])), "to": "now"}
    if draw(st.booleans()):
        builtin = [{"builtIn": 1, "datasource": "-- Grafana --", "enable": True, "name": "Annotations & Alerts"}]
        mine = [{"name": draw(_words), "datasource": draw(_refs), "enable": draw(st.booleans())}]
        body["annotations"] = {"list": draw(st.sampled_from([builtin, mine, builtin + mine, []]))}
    if draw(st.booleans()):
        body["templating"] = {"list": [{"type": draw(st.sampled_from(["query", "custom", "textbox"])),
                                        "name": f"v{i}", "query": draw(_words), "datasource": draw(_refs)}
                                       for i in range(draw(st.integers(0, 2)))]}
    if draw(st.booleans()):
        body["links"] = [{"title": draw(_words), "type": "link", "url": draw(_words), "tags": []}]
    if draw(st.booleans()):
        body["panels"] = draw(st.lists(_panels(), max_size=4))
    return body


@given(_written_dashboards())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_law_any_written_dashboard_comes_back_from_its_module(body: dict[str, Any]) -> None:
    """Fuzzed law: whatever a written dashboard holds (old schemaVersion, legacy keys, string datasources, panels
    with and without positions, rows), its generated module renders what graf renders for it."""
    project = load_project(ROOT / "graf.yaml")
    ctx = _ctx(project)
    back = render_source(to_python(body, ctx), ctx)
    assert canonical("dashboard", back) == canonical("dashboard", target_of(body, ctx))
