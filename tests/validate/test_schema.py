"""graf's own schemas: valid JSON Schema, checked against Grafana's official (foundation-sdk) ones,
accepting the real community dashboards, and a fast path that always agrees with jsonschema."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graf.validate import schema
from tests.reference import reference_dashboards, reference_json
from tests.validate.samples import alert_rule, clone, dashboard, datasources

OFFICIAL = "schemas/grafana-foundation-sdk/main/dashboard.jsonschema.json"

# (graf's schema node, official definition): graf must accept every property the official one knows.
PAIRS = [
    ((), "Dashboard"),
    (("$defs", "Panel"), "Panel"),
    (("$defs", "RowPanel"), "RowPanel"),
    (("$defs", "GridPos"), "GridPos"),
    (("$defs", "Variable"), "VariableModel"),
    (("$defs", "Annotation"), "AnnotationQuery"),
    (("$defs", "DashboardLink"), "DashboardLink"),
    (("$defs", "FieldConfigSource"), "FieldConfigSource"),
    (("$defs", "FieldConfig"), "FieldConfig"),
]
# Where graf requires what the official schema leaves optional, and why.
# The API rejects an untitled dashboard ("Dashboard title cannot be empty").
STRICTER_REQUIRED = {"Dashboard": {"title"}}


def official() -> dict[str, Any]:
    return reference_json(OFFICIAL)


def node(root: dict[str, Any], parts: tuple[str, ...]) -> dict[str, Any]:
    for part in parts:
        root = root[part]
    return root


def json_types(sub: dict[str, Any], definitions: dict[str, Any]) -> set[str] | None:
    """The JSON types a (sub)schema admits, when its `type`, `enum` or `$ref` says so plainly."""
    if "$ref" in sub:
        return json_types(definitions[sub["$ref"].split("/")[-1]], definitions)
    if "anyOf" in sub:
        parts = [json_types(s, definitions) for s in sub["anyOf"]]
        return None if any(p is None for p in parts) else set().union(*parts)  # type: ignore[arg-type]
    if "type" in sub:
        return {sub["type"]} if isinstance(sub["type"], str) else set(sub["type"])
    if "enum" in sub:
        return {{bool: "boolean", int: "integer", str: "string"}.get(type(e), "other") for e in sub["enum"]}
    return None


def widen(types: set[str]) -> set[str]:
    return types | ({"number"} if "integer" in types else set()) | ({"integer"} if "number" in types else set())


@pytest.mark.parametrize("kind", schema.SCHEMA_KINDS)
def test_graf_schemas_are_valid_draft_2020_12(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema.schema(kind))


@pytest.mark.parametrize(("mine", "theirs"), PAIRS, ids=[p[1] for p in PAIRS])
def test_every_official_property_is_accepted_with_its_types(mine: tuple[str, ...], theirs: str) -> None:
    ours = node(schema.schema("dashboard"), mine)
    definitions = official()["definitions"]
    reference = definitions[theirs]
    closed = ours.get("additionalProperties") is False
    for key, sub in reference.get("properties", {}).items():
        if closed:
            assert key in ours["properties"], f"{theirs}.{key} would be rejected by graf's closed schema"
        if key not in ours.get("properties", {}):
            continue
        their_types = json_types(sub, definitions)
        our_types = json_types(ours["properties"][key], schema.schema("dashboard")["$defs"])
        if their_types and our_types:
            assert their_types <= widen(our_types), f"{theirs}.{key}: official {their_types}, graf {our_types}"
    extra = set(ours.get("required", ())) - set(reference.get("required", ()))
    assert extra <= STRICTER_REQUIRED.get(theirs, set())


@pytest.mark.parametrize(("mine", "theirs"), [
    (("$defs", "Variable", "properties", "type"), "VariableType"),
    (("$defs", "Variable", "properties", "hide"), "VariableHide"),
    (("$defs", "Variable", "properties", "refresh"), "VariableRefresh"),
    (("$defs", "Variable", "properties", "sort"), "VariableSort"),
    (("$defs", "DashboardLink", "properties", "type"), "DashboardLinkType"),
    (("$defs", "FieldConfig", "properties", "thresholds", "properties", "mode"), "ThresholdsMode"),
    (("$defs", "FieldConfig", "properties", "mappings", "items", "properties", "type"), "MappingType"),
    (("properties", "graphTooltip"), "DashboardCursorSync"),
])
def test_enums_cover_the_official_values(mine: tuple[str, ...], theirs: str) -> None:
    assert set(official()["definitions"][theirs]["enum"]) <= set(node(schema.schema("dashboard"), mine)["enum"])


def official_form(body: dict[str, Any]) -> dict[str, Any]:
    """The sample in the form the generated official schema insists on (see schemas/README.md)."""
    body = clone(body)
    body["links"][0].update(icon="external link", tooltip="", tags=[], asDropdown=False, targetBlank=False,
                            includeVars=False, keepTime=False)
    variable = body["templating"]["list"][1]
    variable["query"] = variable["query"]["query"]  # the object form trips a cog translation bug
    return body


def test_the_sample_dashboard_is_valid_for_both() -> None:
    body = official_form(dashboard())
    assert list(jsonschema.Draft7Validator(official()).iter_errors(body)) == []
    assert list(schema.errors("dashboard", body)) == []


BREAKS = [
    ("gridPos.h is a string", lambda d: d["panels"][1]["gridPos"].update(h="8")),
    ("panel id is a string", lambda d: d["panels"][1].update(id="4")),
    ("panels is an object", lambda d: d.update(panels={})),
    ("variable without name", lambda d: d["templating"]["list"][0].pop("name")),
    ("unknown variable type", lambda d: d["templating"]["list"][0].update(type="bogus")),
    ("unknown link type", lambda d: d["links"][0].update(type="url")),
    ("unknown thresholds mode", lambda d: d["panels"][1]["fieldConfig"]["defaults"]["thresholds"].update(mode="rel")),
    ("gridPos without w", lambda d: d["panels"][0]["gridPos"].pop("w")),
    ("panel without type", lambda d: d["panels"][0].pop("type")),
    ("unknown top-level key", lambda d: d.update(tittle="x")),
]


@pytest.mark.parametrize(("name", "breaks"), BREAKS, ids=[b[0] for b in BREAKS])
def test_what_the_official_schema_rejects_graf_rejects(name: str, breaks: Any) -> None:
    body = official_form(dashboard())
    breaks(body)
    assert not jsonschema.Draft7Validator(official()).is_valid(body)
    assert list(schema.errors("dashboard", body)), f"graf's schema accepts: {name}"


def test_community_dashboards_fail_the_official_schema_and_pass_grafs() -> None:
    """Why graf has its own: Grafana's exports break the generated schema (schemas/README.md)."""
    validator = jsonschema.Draft7Validator(official())
    rejected_officially = 0
    for name in reference_dashboards():
        body = reference_json(f"dashboards/{name}")
        rejected_officially += not validator.is_valid(body)
        assert list(schema.errors("dashboard", body)) == [], name
    assert rejected_officially == len(reference_dashboards())


# ---------------------------------------------------------------- the fast path


@pytest.fixture(params=["closures", "generated"])
def fast(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test of the fast path runs with each of its two tiers (graf.validate.schema._Tiered)."""
    from graf.validate import codegen, compiled

    compile_schema = compiled.compile_schema if request.param == "closures" else codegen.compile_schema
    checks: dict[str, Any] = {}

    def fast_check(kind: str) -> Any:
        if kind not in checks:
            checks[kind] = compile_schema(schema.schema(kind))
        return checks[kind]

    monkeypatch.setattr(schema, "fast_check", fast_check)
    return str(request.param)


def test_fast_path_agrees_on_reference_dashboards_and_samples(fast: str) -> None:
    bodies = [reference_json(f"dashboards/{n}") for n in reference_dashboards()]
    for body in [*bodies, dashboard()]:
        assert schema.fast_check("dashboard")(body) == schema.validator("dashboard").is_valid(body)
    for ds in datasources():
        assert schema.fast_check("datasource")(ds.body) is True
    assert schema.fast_check("alert-rule")(alert_rule()) is True


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, (*prefix, i))
    return out


SAMPLES: dict[str, Any] = {"dashboard": dashboard, "alert-rule": alert_rule,
                           "datasource": lambda: clone(datasources()[2].body)}
REPLACEMENTS = [None, True, False, 0, -1, 25, 1.5, "", "x", "row", [], {}, [{}], {"uid": 1}]


@pytest.mark.parametrize("kind", ["dashboard", "alert-rule", "datasource"])
def test_fast_path_agrees_with_jsonschema_for_every_field_replaced(kind: str, fast: str) -> None:
    """Exhaustive: every value of a valid sample, replaced by each of a set of JSON values."""
    make = SAMPLES[kind]
    for where in paths(make())[1:]:
        for value in REPLACEMENTS:
            body = make()
            parent = body
            for part in where[:-1]:
                parent = parent[part]
            parent[where[-1]] = clone(value)
            assert schema.fast_check(kind)(body) == schema.validator(kind).is_valid(body), (where, value)


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 30), st.floats(-2, 2, allow_nan=False),
                    st.sampled_from(["", "row", "x", "prometheus", "h", "absolute", "query", "link", "-1"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=2),
                                                       st.dictionaries(st.sampled_from(["id", "type", "h", "x", "uid",
                                                                                        "name", "value"]), inner,
                                                                       max_size=2)), max_leaves=4)


@pytest.mark.parametrize("kind", ["dashboard", "alert-rule", "datasource"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fast_path_agrees_with_jsonschema_on_broken_variants(kind: str, data: st.DataObject, fast: str) -> None:
    body = SAMPLES[kind]()
    where = data.draw(st.sampled_from(paths(body)[1:]))
    parent = body
    for part in where[:-1]:
        parent = parent[part]
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace" or (action == "delete" and isinstance(parent, list)):
        parent[where[-1]] = data.draw(VALUES)
    elif action == "delete":
        del parent[where[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.sampled_from(["extra", "id", "type", "uid", "panels"]))] = data.draw(VALUES)
    expected = schema.validator(kind).is_valid(body)
    assert schema.fast_check(kind)(body) == expected, json.dumps(body)[:400]


@pytest.mark.parametrize("module", ["compiled", "codegen"])
def test_the_fast_path_refuses_keywords_it_does_not_implement(module: str) -> None:
    import importlib

    compile_schema = importlib.import_module(f"graf.validate.{module}").compile_schema
    with pytest.raises(ValueError, match="patternProperties"):
        compile_schema({"type": "object", "patternProperties": {"^x": {"type": "string"}}})
    with pytest.raises(ValueError, match="oneOf"):
        compile_schema({"oneOf": [{"type": "string"}]})
    with pytest.raises(ValueError, match="oneOf"):  # also where it sits behind a $ref
        compile_schema({"properties": {"a": {"$ref": "#/$defs/A"}}, "$defs": {"A": {"oneOf": [True]}}})


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_rules_never_crash_on_malformed_input(data: st.DataObject) -> None:
    """A broken file gets findings, never a traceback: every rule guards the types it reads."""
    from graf.resources import Resource
    from graf.validate import ValidationContext, validate
    from tests.validate.samples import alert, folder

    body = dashboard()
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(paths(body)[1:] or [("title",)]))
        parent: Any = body
        try:
            for part in where[:-1]:
                parent = parent[part]
            parent[where[-1]] = data.draw(VALUES)
        except (KeyError, IndexError, TypeError):
            continue
    rule = alert_rule()
    rule_where = data.draw(st.sampled_from(paths(rule)[1:]))
    parent = rule
    for part in rule_where[:-1]:
        parent = parent[part]
    parent[rule_where[-1]] = data.draw(VALUES)
    resources = [folder(), *datasources(), Resource("dashboard", "d", body), alert(rule)]
    for ctx in (ValidationContext.rendered("prod", resources, alert_interval="1m"),
                ValidationContext.standalone(resources)):
        findings = validate(resources, ctx)
        assert all(f.rule and f.path for f in findings)
