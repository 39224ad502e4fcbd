"""queries._target_queries resolves a target's `{"type": …}` datasource without calling datasource_type:
held here to the loop that calls it for every target."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from graf.resources import Resource
from graf.validate.context import ValidationContext
from graf.validate.dashboard import PanelAt, index
from graf.validate.rules import queries

_REFS = st.sampled_from([
    None, {"type": "prometheus", "uid": "p"}, {"type": "loki", "uid": "l"}, {"type": "", "uid": "prom"},
    {"type": "prometheus", "uid": "-- Mixed --"}, {"type": "datasource", "uid": "-- Mixed --"},
    {"type": 3, "uid": "loki"}, {"uid": "${ds}"}, {"type": "tempo"}, "-- Mixed --", "Prometheus", "$ds", "loki",
    {}, [], 7,
])
_TARGET = st.fixed_dictionaries({"expr": st.sampled_from(["up", "", " ", '{a="b"}', 3])},
                                optional={"datasource": _REFS})
_PANEL = st.fixed_dictionaries({"targets": st.lists(_TARGET, max_size=4)},
                               optional={"datasource": _REFS, "type": st.sampled_from(["timeseries", "row"])})


def plain_target_queries(idx: Any, ctx: ValidationContext) -> list[tuple[PanelAt, int, str, str]]:
    out = []
    for at in idx.panels:
        found = at.panel.get("targets")
        if not isinstance(found, list) or not found or at.panel.get("type") == "row":
            continue
        panel_type = queries.datasource_type(at.panel.get("datasource"), idx, ctx)
        for i, target in enumerate(found):
            expr = target.get("expr") if isinstance(target, dict) else None
            if not isinstance(expr, str) or not expr or expr.isspace():
                continue
            ref = target.get("datasource")
            own = None if ref is None else queries.datasource_type(ref, idx, ctx)
            language = own if own not in (None, "mixed") else panel_type
            if language is None and "datasource" not in at.panel and "datasource" not in target:
                language = queries._default_type(ctx)
            if language in ("prometheus", "loki"):
                out.append((at, i, expr, language))
    return out


@settings(max_examples=300)
@given(st.lists(_PANEL, max_size=5))
def test_target_queries_are_the_plain_ones(panels: list[dict[str, Any]]) -> None:
    body = {"uid": "u", "panels": panels, "templating": {"list": [
        {"name": "ds", "type": "datasource", "query": "prometheus"}]}}
    ctx = ValidationContext.standalone([Resource("dashboard", "u", body, source="d.json")])
    idx = index(body)
    assert queries._target_queries(idx, ctx) == plain_target_queries(idx, ctx)
