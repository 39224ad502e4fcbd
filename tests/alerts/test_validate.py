"""The rendered alerting resources pass `graf validate` (issue 4's rules: condition, refIds, interval,
`for`, folder, PromQL/LogQL parse). Skips until graf.validate's rules are merged."""

from __future__ import annotations

import copy

from graf._render import render_all
from graf.resources import Resource

ALERTING = ("alert-rule", "contact-point", "policy")


def test_rendered_alerting_resources_have_no_findings(example):
    from graf.validate import validate_rendered

    rendered = render_all(example)
    assert sum(r.kind == "alert-rule" for rs in rendered.values() for r in rs) == 25 + 13  # + the server's, once
    findings = validate_rendered(example, rendered)
    assert [f for f in findings if any(f"/{kind}/" in f.path for kind in ALERTING)] == []


def test_validate_would_catch_a_broken_rule(example):
    from graf.validate import validate_rendered

    rendered = render_all(example, ["prod"])
    rule = next(r for r in rendered["prod"] if r.kind == "alert-rule")
    body = copy.deepcopy(rule.body)
    body["condition"] = "Z"
    body["for"] = "five minutes"
    rendered["prod"] = [Resource(rule.kind, rule.uid, body, folder=rule.folder) if r is rule else r
                        for r in rendered["prod"]]
    codes = {f.rule for f in validate_rendered(example, rendered)}
    assert {"G601", "G604"} <= codes
