"""The variables rule's fast pass gives what the plain definition gives: the names a dashboard uses
(graf.validate.variables.used_names: every string collected, one regex pass over them joined) equal the
names of a recursive walk that reads each string with REFERENCE on its own, and G401-G405 come out the
same, in the same order, on every reference dashboard, on mutated copies of them, and on generated
dashboards that use variables in every place one can be used (targets, titles, links, repeat, datasource
uids, variables' queries, nested rows, the keys whose values are never read)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graf.resources import Resource
from graf.validate import Finding, ValidationContext, validate
from graf.validate import variables as fast
from graf.validate.rules import variables as rule
from tests.reference import REFERENCE, reference_dashboards, reference_json


def plain_used_names(value: Any, into: set[str]) -> None:
    """The definition: every string not below a key in NEVER_INTERPOLATED (of an `options` object, its
    direct strings), each read on its own."""
    if isinstance(value, str):
        into.update(g[0] or g[1] or g[3] for g in fast.REFERENCE.findall(value))
    elif isinstance(value, list):
        for item in value:
            plain_used_names(item, into)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                plain_used_names(item, into)
            elif key == "options" and isinstance(item, dict):
                for text in item.values():
                    if isinstance(text, str):
                        plain_used_names(text, into)
            elif key not in fast.NEVER_INTERPOLATED:
                plain_used_names(item, into)


@contextmanager
def plain_variables(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with monkeypatch.context() as patch:
        patch.setattr(rule, "collect_strings", lambda value, add: add(value))  # the rule gets whole values
        patch.setattr(rule, "names_in", lambda values, into: [plain_used_names(v, into) for v in values])
        patch.setattr(rule, "used_names", plain_used_names)
        patch.setattr(rule, "_all_defined_and_used", lambda *args: False)  # always the walk
        yield


def _findings(body: dict[str, Any]) -> list[Finding]:
    resource = Resource("dashboard", str(body.get("uid") or ""), body, source="copy.json")
    return [f for f in validate([resource], ValidationContext.standalone([resource])) if f.rule.startswith("G40")]


def _same(body: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    fast_names: set[str] = set()
    plain_names: set[str] = set()
    fast.used_names(body, fast_names)
    plain_used_names(body, plain_names)
    assert fast_names == plain_names, json.dumps(body)[:300]
    found = _findings(copy.deepcopy(body))
    with plain_variables(monkeypatch):
        assert found == _findings(copy.deepcopy(body)), json.dumps(body)[:300]
    return found


def _dashboard(name: str) -> dict[str, Any]:
    body = reference_json(f"dashboards/{name}")
    return body["dashboard"] if isinstance(body.get("dashboard"), dict) else body


NAMES = reference_dashboards() if REFERENCE.is_dir() else []


@pytest.mark.parametrize("name", NAMES)
def test_reference_dashboards(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _same(_dashboard(name), monkeypatch)


# Texts that hold references, and the ones that make joined texts differ from texts read one by one:
# a `${` left open (its `:format` would run on into the next text), a NUL, `[[` next to `$`.
TEXT = st.lists(st.sampled_from([
    "rate(x[", "$__rate_interval", "])", "$v", "$w", "$1", "${v}", "${w:csv}", "${v.f}", "${v:", "${w.", "${", "}",
    "[[v]]", "[[w:raw]]", "[[", "]]", "$", "\x00", "$__all_variables", "${__from:date}", "$u", "${u}", "[[u]]",
    " ", "x", ":", "^", ".", "{", "é", "$né",
]), max_size=6).map("".join)
NAME = st.sampled_from(["v", "w", "u", "x", "né"])
SKIPPED = st.sampled_from(sorted(fast.NEVER_INTERPOLATED))


def _target(draw: st.DrawFn) -> dict[str, Any]:
    target: dict[str, Any] = {"refId": "A", "expr": draw(TEXT)}
    if draw(st.booleans()):
        target["datasource"] = {"type": "prometheus", "uid": draw(st.sampled_from(["${v}", "$w", "prom", "$u"]))}
    if draw(st.booleans()):
        target["legendFormat"] = draw(TEXT)
    return target


def _panel(draw: st.DrawFn, pid: int) -> dict[str, Any]:
    panel: dict[str, Any] = {"id": pid, "type": "timeseries", "title": draw(TEXT),
                             "gridPos": {"x": 0, "y": pid, "w": 24, "h": 1},
                             "targets": [_target(draw) for _ in range(draw(st.integers(0, 2)))]}
    extras = draw(st.lists(st.sampled_from(["repeat", "links", "options", "skipped", "fieldConfig", "datasource"]),
                           unique=True, max_size=4))
    for extra in extras:
        if extra == "repeat":
            panel["repeat"] = draw(NAME)
        elif extra == "links":
            panel["links"] = [{"title": draw(TEXT), "url": draw(TEXT)}]
        elif extra == "options":  # only its direct strings count
            panel["options"] = {"content": draw(TEXT), "legend": {"displayMode": draw(TEXT)}}
        elif extra == "skipped":
            panel[draw(SKIPPED)] = {"text": draw(TEXT), "list": [draw(TEXT)]}
        elif extra == "fieldConfig":
            panel["fieldConfig"] = {"defaults": {"unit": draw(TEXT), "custom": {"a": draw(TEXT)},
                                                 "color": draw(TEXT)},
                                    "overrides": [{"matcher": {"id": "byName", "options": draw(TEXT)},
                                                   "properties": [{"id": "displayName", "value": draw(TEXT)}]}]}
        else:
            panel["datasource"] = draw(st.sampled_from([{"type": "prometheus", "uid": "${v}"}, "$w", None]))
    return panel


@st.composite
def dashboards(draw: st.DrawFn) -> dict[str, Any]:
    variables = [{"name": name, "type": draw(st.sampled_from(["query", "custom", "adhoc", "datasource"])),
                  "query": draw(TEXT), "current": {"text": draw(TEXT), "value": draw(TEXT)},
                  "options": [{"text": draw(TEXT), "value": draw(TEXT)}]}
                 for name in draw(st.lists(NAME, max_size=4))]
    panels = [_panel(draw, pid) for pid in range(1, draw(st.integers(0, 3)) + 1)]
    if panels and draw(st.booleans()):  # a collapsed row holding the last panel
        panels[-1] = {"id": 99, "type": "row", "title": draw(TEXT), "collapsed": True, "repeat": draw(NAME),
                      "gridPos": {"x": 0, "y": 50, "w": 24, "h": 1}, "panels": [panels[-1]]}
    body: dict[str, Any] = {"uid": "d", "title": draw(TEXT), "panels": panels, "templating": {"list": variables}}
    if draw(st.booleans()):
        body["links"] = [{"title": draw(TEXT), "url": draw(TEXT), "includeVars": draw(st.booleans())}]
    if draw(st.booleans()):
        body["description"] = [draw(TEXT), {"nested": [draw(TEXT)]}]  # any shape: every string counts
    return body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=dashboards())
def test_generated_dashboards(body: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    _same(body, monkeypatch)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=dashboards())
def test_generated_dashboards_that_define_every_name(body: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every name the texts can hold defined: G401 cannot be what decides, so the bounds of the fast path
    (`_all_defined_and_used`) are what is tested against the walk."""
    variables = body["templating"]["list"]
    for name in sorted({"v", "w", "u", "x", "né"} - {v["name"] for v in variables}):
        variables.append({"name": name, "type": "query", "query": "label_values(up, job)"})
    _same(body, monkeypatch)


def _fast_path(body: dict[str, Any]) -> bool:
    from graf.validate.dashboard import index

    idx = index(body)
    defined = {v["name"]: i for i, v in idx.variables}
    repeats = [(at, at.panel["repeat"]) for at in idx.panels if at.panel.get("repeat")]
    return rule._all_defined_and_used(body, idx, defined, repeats)


def _used_by(expr: str, w_query: str = "q", **extra: Any) -> dict[str, Any]:
    return {"uid": "d", "title": "t", "templating": {"list": [{"name": "v", "type": "query", "query": "q"},
                                                              {"name": "w", "type": "query", "query": w_query}]},
            "panels": [{"id": 1, "type": "stat", "title": "t", "targets": [{"refId": "A", "expr": expr}], **extra}]}


class _Panel(dict[str, Any]):
    """A dict of another type: the walk does not go into it."""


@pytest.mark.parametrize(("body", "taken"), [
    (_used_by("rate(x{a=\"$v\"}[5m]) / ${w}"), True),
    (_used_by("$v", datasource={"uid": "${w}"}), True),  # a datasource uid is read
    (_used_by("$v", title="$w"), False),  # read by the walk, but not among the places the bounds read
    (_used_by("${v:$w}"), False),  # `$w` is inside the format of `${v:...}`: no reference to w
    (_used_by("$v", custom={"a": "$w"}), False),  # below a key the walk skips: w is unused
    (_used_by("$v $w $u"), False),  # u is not defined
    (_used_by("$v $w ${__all_variables}"), False),
    (_used_by("$v [[w]]"), False),  # the text's `[[` cannot be bounded by the `$` runs
    (_used_by("$v $w $n\u00e9"), False),  # a name that runs on into a non-ASCII character
    (_used_by("$v $w", extra=(1, "$u")), False),  # a tuple: orjson writes it, the walk does not read it
    (_used_by("$v $w", repeat="v"), True), (_used_by("$v $w", repeat="z"), False),
    (_used_by("$v", w_query="label_values(up{a=\"$w\"}, b)"), False),  # its own query is no use of w
    (_used_by("$v", w_query="label_values(up{a=\"$v\"}, b)"), False),
    (_used_by("$v", w_query="q", panels=[{"id": 2, "targets": [{"expr": "$w"}]}]), True),  # a row's panel
    (_used_by("$v", w_query="q", panels=[_Panel(id=2, targets=[{"expr": "$w"}])]), False),
])
def test_the_fast_path_is_taken_only_where_its_bounds_decide(body: dict[str, Any], taken: bool,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Against the rule's own walk (the fast path turned off): where the fast path is taken, nothing is found."""
    assert _fast_path(body) is taken
    found = _findings(copy.deepcopy(body))
    with monkeypatch.context() as patch:
        patch.setattr(rule, "_all_defined_and_used", lambda *args: False)
        assert found == _findings(copy.deepcopy(body))
    assert not (taken and found)


def test_reference_dashboards_take_the_fast_path() -> None:
    if not NAMES:
        pytest.skip(f"reference dashboards not found at {REFERENCE}/dashboards (a clone without ../shared)")
    assert _fast_path(_dashboard("node-exporter-full.json"))


@given(texts=st.lists(TEXT, max_size=8))
def test_joined_texts_give_the_names_of_each_text(texts: list[str]) -> None:
    joined: set[str] = set()
    fast.names_in(texts, joined)
    each: set[str] = set()
    for text in texts:
        each.update(fast.names(text, builtins=True))
    assert joined == each


def test_a_reference_left_open_does_not_reach_into_the_next_text() -> None:
    """`${a:` and `}` in two texts are no reference, and the `$b` after them still is."""
    for texts, expected in ((["x ${a:", "} $b", "${c.d", "e} [[f]]"], {"b", "f"}),  # REFERENCE itself
                            (["x ${a:", "} $b", "${c.d", "e} $f"], {"b", "f"})):  # its `$` part alone
        names: set[str] = set()
        fast.names_in(texts, names)
        assert names == expected


def test_findings_of_a_generated_dashboard_are_the_expected_ones() -> None:
    """The fast pass finds the undefined and the unused (so the comparisons above compare findings)."""
    body = {"uid": "d", "title": "t", "templating": {"list": [{"name": "v", "type": "query", "query": "q"},
                                                              {"name": "w", "type": "query", "query": "$v"}]},
            "panels": [{"id": 1, "type": "stat", "title": "${u:csv} and ${x",
                        "gridPos": {"x": 0, "y": 0, "w": 1, "h": 1},
                        "targets": [{"refId": "A", "expr": "up{a=\"[[v]]\"}"}], "custom": {"a": "$w"}}]}
    found = _findings(body)
    assert [(f.rule, f.message.split(",")[0]) for f in found] == [
        ("G401", "uses variable $u"), ("G402", "variable 'w' is defined but no query")]
