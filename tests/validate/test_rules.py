"""Each lint rule: a valid dashboard (or rule, or datasource) broken in exactly one way gives
exactly one finding, with that code at that path."""

from __future__ import annotations

from typing import Any

import pytest

from graf.resources import Resource
from graf.validate import Finding, ValidationContext, validate
from tests.validate.samples import LOKI, PROM, alert, alert_rule, clone, dashboard, datasources, folder, rendered

JVM = "prod/shop-prod-jvm"
HEAP = f'{JVM} › panel "Heap used" (id 4)'
UPTIME = f'{JVM} › panel "Uptime" (id 1)'
ERRORS = f'{JVM} › row "Logs" (id 5) › panel "Errors" (id 6)'


def check(body: dict[str, Any], *extra: Resource, **kwargs: Any) -> list[tuple[str, str, str]]:
    resources, ctx = rendered(*extra, dashboards=[body], **kwargs)
    return [(f.rule, f.severity, f.path) for f in validate(resources, ctx)]


def messages(body: dict[str, Any], *extra: Resource, **kwargs: Any) -> list[Finding]:
    resources, ctx = rendered(*extra, dashboards=[body], **kwargs)
    return validate(resources, ctx)


def heap(body: dict[str, Any]) -> dict[str, Any]:
    return body["panels"][1]


def test_the_samples_are_clean() -> None:
    resources, ctx = rendered(alert())
    assert validate(resources, ctx) == []


# ---------------------------------------------------------------- G001 schema


def test_schema_error_is_reported_at_the_field_by_panel_name() -> None:
    body = dashboard()
    heap(body)["gridPos"]["h"] = "8"
    found = messages(body)
    assert [(f.rule, f.path, f.message) for f in found] == [
        ("G001", f"{HEAP} › gridPos.h", "expected an integer, got a string")]


def test_schema_unknown_top_level_key_suggests_the_known_one() -> None:
    body = dashboard()
    body["tittle"] = "JVM"
    found = messages(body)
    assert [(f.rule, f.path, f.message) for f in found] == [
        ("G001", JVM, "unknown key 'tittle', did you mean 'title'?")]


def test_schema_covers_datasources_and_alert_rules() -> None:
    resources, ctx = rendered(alert({**alert_rule(), "noDataState": "Silent"}))
    resources[2].body["access"] = "proxi"
    found = [(f.rule, f.path) for f in validate(resources, ctx)]
    assert found == [("G001", "prod/datasource/loki › access"),
                     ("G001", "prod/alert-rule/shop-prod-http-5xx › noDataState")]


# ---------------------------------------------------------------- G1xx identity


@pytest.mark.parametrize("uid", ["shop-prod-" + "x" * 31, "shop.prod.jvm", "shop prod"])
def test_uid_too_long_or_with_bad_characters(uid: str) -> None:
    body = dashboard()
    body["uid"] = uid
    assert check(body) == [("G101", "error", f"prod/{uid} › uid")]


def test_empty_title() -> None:
    body = dashboard()
    body["title"] = "  "
    assert check(body) == [("G102", "error", f"{JVM} › title")]


def test_duplicate_uid_across_dashboards_names_the_other() -> None:
    twin = dashboard()
    twin["title"] = "JVM copy"
    resources, ctx = rendered(dashboards=[dashboard(), twin])
    found = validate(resources, ctx)
    assert [(f.rule, f.path) for f in found] == [("G103", f"{JVM} › uid"), ("G103", f"{JVM} › uid")]
    assert "dashboard 'JVM copy'" in found[0].message


def test_folder_and_dashboard_share_one_uid_space() -> None:
    body = dashboard()
    body["uid"] = "shop-prod"
    found = check(body)
    assert found == [("G103", "error", "prod/folder/shop-prod › uid"), ("G103", "error", "prod/shop-prod › uid")]


def test_panel_with_queries_and_no_title_is_a_warning() -> None:
    body = dashboard()
    heap(body)["title"] = ""
    assert check(body) == [("G104", "warning", f"{JVM} › panel panels[1] (id 4) › title")]


# ---------------------------------------------------------------- G2xx panels and grid


def test_missing_panel_id() -> None:
    body = dashboard()
    del heap(body)["id"]
    assert check(body) == [("G201", "error", f'{JVM} › panel "Heap used"')]


def test_duplicate_panel_id_inside_a_collapsed_row() -> None:
    body = dashboard()
    body["panels"][2]["panels"][0]["id"] = 4
    found = messages(body)
    assert [(f.rule, f.path) for f in found] == [("G202", f'{JVM} › row "Logs" (id 5) › panel "Errors" (id 4) › id')]
    assert found[0].message == 'id 4 is also the id of panel "Heap used" (id 4)'


def test_overlapping_panels() -> None:
    body = dashboard()
    heap(body)["gridPos"]["x"] = 4
    heap(body)["gridPos"]["w"] = 20
    found = messages(body)
    assert [(f.rule, f.path, f.message) for f in found] == [
        ("G203", f"{HEAP} › gridPos", 'overlaps panel "Uptime" (id 1) at x 4–5, y 0–3')]


def test_collapsed_row_panels_are_not_compared_with_the_panels_below_the_row() -> None:
    body = dashboard()
    below = clone(body["panels"][0])
    below.update(id=7, title="Below the row", gridPos={"x": 0, "y": 9, "w": 24, "h": 4})
    body["panels"].append(below)
    assert check(body) == []


@pytest.mark.parametrize(("change", "message"), [
    ({"w": 20}, "x 6 + w 20 = 26 is wider than the 24-column grid"),
    ({"x": -1}, "position x=-1 y=0 is negative"),
    ({"h": 0}, "size w=18 h=0: width and height must be at least 1"),
])
def test_grid_out_of_bounds(change: dict[str, int], message: str) -> None:
    body = dashboard()
    heap(body)["gridPos"].update(change)
    found = messages(body)
    assert [(f.rule, f.path, f.message) for f in found] == [("G204", f"{HEAP} › gridPos", message)]


def test_missing_grid_pos() -> None:
    body = dashboard()
    del body["panels"][2]["panels"][0]["gridPos"]
    assert check(body) == [("G205", "error", ERRORS)]


# ---------------------------------------------------------------- G3xx datasources


def test_unknown_datasource_uid_in_a_target() -> None:
    body = dashboard()
    heap(body)["targets"][0]["datasource"] = {"type": "prometheus", "uid": "promethues"}
    found = messages(body)
    assert [(f.rule, f.path) for f in found] == [("G301", f"{HEAP} › targets[A].datasource.uid")]
    assert found[0].message == ("datasource uid 'promethues' is not one of the rendered datasources "
                                "(loki, prometheus, tempo)")


def test_datasource_name_where_a_ref_is_expected() -> None:
    """A datasource's name (or uid) as a string: Grafana resolves it, a warning naming the current form; a string
    no datasource has is an error."""
    body = dashboard()
    heap(body)["datasource"] = "Prometheus"
    found = messages(body)
    assert [(f.rule, f.severity, f.path) for f in found] == [("G302", "warning", f"{HEAP} › datasource")]
    assert 'the current form is {"type": "prometheus", "uid": "prometheus"}' in found[0].message
    heap(body)["datasource"] = "Graphite"
    found = messages(body)
    assert [(f.rule, f.severity, f.path) for f in found] == [("G302", "error", f"{HEAP} › datasource")]
    assert "no rendered datasource has that name or uid" in found[0].message


def test_datasource_name_in_a_standalone_file_is_a_legacy_warning() -> None:
    body = dashboard()
    heap(body)["datasource"] = "Prometheus"
    found = validate([Resource("dashboard", body["uid"], body, source="jvm.json")])
    assert [(f.rule, f.severity, f.path) for f in found] == [
        ("G302", "warning", 'jvm.json › panel "Heap used" (id 4) › datasource')]


def test_datasource_ref_with_the_wrong_type() -> None:
    body = dashboard()
    heap(body)["targets"][0]["datasource"] = {"type": "loki", "uid": "prometheus"}
    assert check(body) == [("G303", "error", f"{HEAP} › targets[A].datasource.type")]


def test_alert_query_on_an_unknown_datasource() -> None:
    rule = alert_rule()
    rule["data"][0]["datasourceUid"] = "mimir"
    resources, ctx = rendered(alert(rule))
    assert [(f.rule, f.path) for f in validate(resources, ctx)] == [
        ("G301", "prod/alert-rule/shop-prod-http-5xx › data[A].datasourceUid")]


@pytest.mark.parametrize(("uid", "key", "target", "message"), [
    ("loki", "derivedFields", "tmpo",
     "links to datasource 'tmpo', which is not rendered (known: loki, prometheus, tempo)"),
    ("prometheus", "exemplarTraceIdDestinations", "loki", "links to 'loki' of type 'loki'; this link needs a traces "
                                                          "datasource"),
])
def test_correlation_link_to_a_missing_or_wrong_datasource(uid: str, key: str, target: str, message: str) -> None:
    resources, ctx = rendered()
    body = next(r.body for r in resources if r.kind == "datasource" and r.uid == uid)
    body["jsonData"][key][0]["datasourceUid"] = target
    found = validate(resources, ctx)
    assert [(f.rule, f.path, f.message) for f in found] == [
        ("G304", f"prod/datasource/{uid} › jsonData.{key}[0].datasourceUid", message)]


def test_tempo_traces_to_logs_must_point_to_logs() -> None:
    resources, ctx = rendered()
    tempo = next(r.body for r in resources if r.uid == "tempo")
    tempo["jsonData"]["tracesToLogsV2"]["datasourceUid"] = "prometheus"
    assert [(f.rule, f.path) for f in validate(resources, ctx)] == [
        ("G304", "prod/datasource/tempo › jsonData.tracesToLogsV2.datasourceUid")]


# ---------------------------------------------------------------- G4xx variables


def test_undefined_variable_in_a_query_suggests_the_defined_one() -> None:
    body = dashboard()
    heap(body)["targets"][0]["expr"] = heap(body)["targets"][0]["expr"].replace("$instance", "$instanse")
    found = messages(body)
    assert [(f.rule, f.path) for f in found] == [("G401", f"{HEAP} › targets[A].expr")]
    assert found[0].message == "uses variable $instanse, which is not defined (did you mean $instance?)"


def test_undefined_variable_in_a_chained_variable_query() -> None:
    body = dashboard()
    body["templating"]["list"][1]["query"]["query"] = 'label_values(jvm_info{application="$app"}, instance)'
    assert check(body) == [("G401", "error", f'{JVM} › variable "instance" › query.query')]


def test_builtins_and_every_reference_syntax_need_no_definition() -> None:
    body = dashboard()
    heap(body)["targets"][0]["expr"] = (
        'sum(rate(x{instance=~"${instance:regex}", env="[[environment]]"}[$__rate_interval])) '
        '/ ${__range_s} * $__interval_ms')
    heap(body)["links"] = [{"title": "logs", "url": "/explore?from=${__from}&to=${__to}&v=${__value.raw}"}]
    assert check(body) == []


def test_unused_variable_is_a_warning_and_chained_use_counts() -> None:
    body = dashboard()
    body["templating"]["list"].append({"name": "unused", "type": "custom", "query": "a,b"})
    for panel in body["panels"][:2]:  # environment is then used only by the chained variable `instance`
        panel["targets"][0]["expr"] = panel["targets"][0]["expr"].replace('environment="$environment", ', "")
    body["panels"][2]["panels"][0]["targets"][0]["expr"] = '{job="app"} |= "ERROR"'
    assert check(body) == [("G402", "warning", f'{JVM} › variable "unused"')]


def test_duplicate_variable() -> None:
    body = dashboard()
    body["templating"]["list"].append(clone(body["templating"]["list"][0]))
    assert check(body) == [("G403", "error", f'{JVM} › variable "environment" › name')]


def test_import_placeholder_is_an_error_when_rendered_and_fine_in_a_file() -> None:
    body = dashboard()
    body["__inputs"] = [{"name": "DS_PROMETHEUS", "type": "datasource", "pluginId": "prometheus"}]
    heap(body)["datasource"] = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
    assert check(body) == [("G404", "error", f"{HEAP} › datasource.uid")]
    assert validate([Resource("dashboard", body["uid"], body, source="export.json")]) == []


def test_repeat_by_an_undefined_variable_is_a_warning() -> None:
    body = dashboard()
    heap(body)["repeat"] = "pod"
    assert check(body) == [("G405", "warning", f"{HEAP} › repeat")]


# ---------------------------------------------------------------- G5xx queries


def test_promql_that_does_not_parse() -> None:
    body = dashboard()
    heap(body)["targets"][0]["expr"] = "sum(rate(jvm_memory_used_bytes[$__rate_interval])"
    found = messages(body)
    assert [(f.rule, f.path) for f in found] == [("G501", f"{HEAP} › targets[A].expr")]
    assert found[0].message == "PromQL does not parse: unclosed left parenthesis"


def test_promql_variables_are_substituted_by_position() -> None:
    body = dashboard()
    body["templating"]["list"].append({"name": "n", "type": "custom", "query": "5,10",
                                       "current": {"text": "5", "value": "5"}})
    body["templating"]["list"].append({"name": "window", "type": "interval", "query": "1m,5m"})
    heap(body)["targets"][0]["expr"] = 'topk($n, rate(x{instance=~"$instance"}[$window] offset $window))'
    assert check(body) == []


def test_promql_inside_a_variable_query() -> None:
    body = dashboard()
    body["templating"]["list"][1]["query"]["query"] = 'label_values(jvm_info{environment="$environment", instance)'
    assert check(body) == [("G501", "error", f'{JVM} › variable "instance" › query.query')]


@pytest.mark.parametrize(("expr", "message"), [
    ('{environment="$environment" |= "ERROR"', "LogQL: unclosed '{' at character 1"),
    ('sum(count_over_time({} |= "ERROR" [5m]))', "LogQL: stream selector {} has no matcher"),
    ('|= "ERROR"', 'LogQL: no stream selector: a LogQL query starts from {label="value"}'),
    ('{environment=~".*"} |= "ERROR"', 'LogQL: stream selector {environment=~".*"} only has matchers that match '
                                       "empty values; Loki needs one = or =~ matcher that does not"),
    ("{environment} |= `ERROR`", "LogQL: not a label matcher: 'environment' (expected label=\"value\", !=, =~ or !~)"),
])
def test_logql_stream_selector_errors(expr: str, message: str) -> None:
    body = dashboard()
    body["panels"][2]["panels"][0]["targets"][0]["expr"] = expr
    found = messages(body)
    assert [(f.rule, f.path, f.message) for f in found] == [("G502", f"{ERRORS} › targets[A].expr", message)]


def test_logql_braces_inside_strings_are_not_selectors() -> None:
    body = dashboard()
    body["panels"][2]["panels"][0]["targets"][0]["expr"] = (
        '{environment="$environment"} | json | line_format "{{.level}} {{.message}}" |~ `\\{.*\\}`')
    assert check(body) == []


def test_query_language_follows_the_datasource_variable() -> None:
    body = dashboard()
    body["templating"]["list"].append({"name": "ds", "type": "datasource", "query": "loki"})
    target = body["panels"][2]["panels"][0]
    target["datasource"] = target["targets"][0]["datasource"] = {"uid": "${ds}"}
    target["targets"][0]["expr"] = "{}"
    assert check(body) == [("G502", "error", f"{ERRORS} › targets[A].expr")]


# ---------------------------------------------------------------- G6xx alert rules

RULE = "prod/alert-rule/shop-prod-http-5xx"


def check_rule(rule: dict[str, Any], **kwargs: Any) -> list[tuple[str, str]]:
    resources, ctx = rendered(alert(rule), **kwargs)
    return [(f.rule, f.path) for f in validate(resources, ctx)]


def test_alert_condition_names_a_missing_ref_id() -> None:
    rule = alert_rule()
    rule["condition"] = "D"
    assert check_rule(rule) == [("G601", f"{RULE} › condition")]


def test_alert_expression_reads_a_missing_ref_id() -> None:
    rule = alert_rule()
    rule["data"][1]["model"]["expression"] = "X"
    assert check_rule(rule) == [("G602", f"{RULE} › data[B].model.expression")]


def test_alert_math_expression_and_duplicate_ref_id() -> None:
    rule = alert_rule()
    rule["data"][2]["model"] = {"refId": "C", "type": "math", "expression": "$B > 0.02 && ${Z} > 0"}
    rule["data"][1]["refId"] = "A"
    assert check_rule(rule) == [("G602", f"{RULE} › data[A].refId"), ("G602", f"{RULE} › data[C].model.expression"),
                                ("G602", f"{RULE} › data[C].model.expression")]


def test_alert_query_promql_must_parse() -> None:
    rule = alert_rule()
    rule["data"][0]["model"]["expr"] = "sum(rate(x[5m]) by (status)"
    assert check_rule(rule) == [("G501", f"{RULE} › data[A].model.expr")]


@pytest.mark.parametrize("interval", ["45s", "0s", "soon"])
def test_alert_interval_must_be_a_multiple_of_ten_seconds(interval: str) -> None:
    assert check_rule(alert_rule(), alert_interval=interval) == [("G603", f"{RULE} › ruleGroup")]


def test_alert_for_must_be_a_duration() -> None:
    rule = alert_rule()
    rule["for"] = "5 minutes"
    rule["keep_firing_for"] = "1h30m"
    assert check_rule(rule) == [("G604", f"{RULE} › for")]


def test_alert_folder_must_be_rendered() -> None:
    rule = alert_rule()
    rule["folderUID"] = "shop-dev"
    assert check_rule(rule) == [("G605", f"{RULE} › folderUID")]


# ---------------------------------------------------------------- G7xx legacy


def test_legacy_panel_schema_version_and_keys_are_warnings() -> None:
    body = dashboard()
    heap(body)["type"] = "graph"
    body["schemaVersion"] = 27
    body["rows"] = []
    assert check(body) == [("G701", "warning", f"{HEAP} › type"), ("G703", "warning", f"{JVM} › rows"),
                           ("G702", "warning", f"{JVM} › schemaVersion")]


# ---------------------------------------------------------------- silencing


def test_a_resource_silences_one_code_for_itself_only() -> None:
    noisy = dashboard()
    noisy["templating"]["list"].append({"name": "unused", "type": "custom", "query": "a"})
    quiet = clone(noisy)
    quiet["uid"] = "shop-prod-quiet"
    resources = [folder(), *datasources(),
                 Resource("dashboard", noisy["uid"], noisy),
                 Resource("dashboard", quiet["uid"], quiet, silenced=frozenset({"G402"}))]
    found = validate(resources, ValidationContext.rendered("prod", resources))
    assert [(f.rule, f.path) for f in found] == [("G402", f'{JVM} › variable "unused"')]


def test_silencing_an_unknown_code_is_an_error() -> None:
    resources = [folder(), *datasources(), Resource("dashboard", "shop-prod-jvm", dashboard(),
                                                    silenced=frozenset({"G999"}))]
    found = validate(resources, ValidationContext.rendered("prod", resources))
    assert [(f.rule, f.path, f.message) for f in found] == [
        ("G003", JVM, "silences 'G999', which is not a graf validate code")]


def test_every_panel_target_and_ref_is_reached() -> None:
    """Breaking every target at once gives one finding per target, rows included."""
    body = dashboard()
    for panel in (body["panels"][0], heap(body), body["panels"][2]["panels"][0]):
        panel["targets"][0]["datasource"] = {"type": PROM["type"] if panel["type"] != "logs" else LOKI["type"],
                                             "uid": "gone"}
    assert [path for _, _, path in check(body)] == [  # sorted by path
        f"{HEAP} › targets[A].datasource.uid", f"{UPTIME} › targets[A].datasource.uid",
        f"{ERRORS} › targets[A].datasource.uid"]


def test_workers_give_the_same_findings_in_the_same_order() -> None:
    from graf.validate import PARALLEL_FROM

    bodies = []
    for i in range(PARALLEL_FROM + 6):
        body = dashboard()
        body["uid"] = f"shop-prod-{i:03d}"
        if i % 7 == 0:
            heap(body)["targets"][0]["expr"] = f"sum(rate(x[5m]) + {i}"
        if i % 5 == 0:
            heap(body)["gridPos"]["x"] = 3
        bodies.append(body)
    resources, ctx = rendered(dashboards=bodies)
    sequential = validate(resources, ctx)
    assert len(sequential) == 10 + 14  # every 7th has bad PromQL, every 5th an overlap
    assert validate(resources, ctx, jobs=2) == sequential


def test_classic_condition_reads_its_query_ref_id() -> None:
    rule = alert_rule()
    rule["data"][2]["model"] = {"refId": "C", "type": "classic_conditions", "conditions": [
        {"query": {"params": ["A"]}, "evaluator": {"type": "gt", "params": [1]}},
        {"query": {"params": ["Q"]}, "evaluator": {"type": "gt", "params": [1]}},
        {"query": ["not", "an", "object"]},
    ]}
    resources, ctx = rendered(alert(rule))
    assert [(f.rule, f.path) for f in validate(resources, ctx)] == [
        ("G602", "prod/alert-rule/shop-prod-http-5xx › data[C].model.conditions[1].query.params[0]")]


def test_datasource_variable_of_a_type_no_rendered_datasource_has() -> None:
    body = dashboard()
    body["templating"]["list"].append({"name": "ds", "type": "datasource", "query": "influxdb"})
    heap(body)["datasource"] = {"uid": "${ds}"}
    assert check(body) == [("G301", "error", f'{JVM} › variable "ds" › query')]
    body["templating"]["list"][-1]["query"] = "prometheus"
    assert check(body) == []


def test_rendered_queries_must_match_on_the_environment_label() -> None:
    body = dashboard()
    heap(body)["targets"][0]["expr"] = ('sum(rate(jvm_memory_used_bytes{instance=~"$instance"}[5m])) '
                                        '/ sum(jvm_memory_max_bytes{environment="$environment"}) + up')
    body["panels"][2]["panels"][0]["targets"][0]["expr"] = '{job="app"} |= "ERROR"'
    found = messages(body, environment_label="environment")
    assert [(f.rule, f.severity, f.path, f.message) for f in found] == [
        ("G503", "warning", f"{HEAP} › targets[A].expr",
         "jvm_memory_used_bytes, up are not filtered by environment in "
         '`sum(rate(jvm_memory_used_bytes{instance=~"$instance"}[5m])) / sum(jvm_memory_max_bytes'
         "{environment=\"$environment\"}) + up`: the query reads every environment"),
        ("G503", "warning", f"{ERRORS} › targets[A].expr",
         "a stream selector is not filtered by environment: the query reads every environment"),
    ]
    assert check(body) == []  # without an environment label (standalone files, other projects): not checked


def test_alert_queries_must_match_on_the_environment_label() -> None:
    rule = alert_rule()
    assert check_rule(rule, environment_label="environment") == [("G503", f"{RULE} › data[A].model.expr")]
    rule["data"][0]["model"]["expr"] = rule["data"][0]["model"]["expr"].replace("{", '{environment="prod", ')
    assert check_rule(rule, environment_label="environment") == []


def test_a_variable_named_like_a_legacy_builtin_is_used_and_defined_normally() -> None:
    body = dashboard()
    body["templating"]["list"].append({"name": "interval", "type": "interval", "query": "1m,5m"})
    heap(body)["targets"][0]["expr"] = heap(body)["targets"][0]["expr"].replace("$__rate_interval", "$interval")
    assert check(body) == []
    heap(body)["targets"][0]["expr"] = heap(body)["targets"][0]["expr"].replace("$interval", "$__rate_interval")
    assert check(body) == [("G402", "warning", f'{JVM} › variable "interval"')]
    del body["templating"]["list"][-1]
    heap(body)["title"] = "Heap per $interval"  # the legacy built-in: not undefined
    assert check(body) == []


def test_an_undefined_variable_used_everywhere_is_reported_five_times_then_counted() -> None:
    body = dashboard()
    for i in range(7):
        panel = clone(body["panels"][0])
        panel.update(id=100 + i, title=f"P{i}", gridPos={"x": 0, "y": 30 + 4 * i, "w": 6, "h": 4})
        panel["targets"][0]["expr"] = 'up{pod="$pod"}'
        body["panels"].append(panel)
    found = [f for f in messages(body) if f.rule == "G401"]
    assert len(found) == 5
    assert found[-1].message == "uses variable $pod, which is not defined (and 2 more places)"
