"""Grafana-managed alert rules, contact points and the notification policy, per environment.

A team's own rule module (graf.yaml `alerts.modules`) has `rules(ctx) -> list[JSON]` and can
build its rules the way the built-in ones are built::

    from graf.alerts import RuleSpec, build, env_matcher, selector

    def rules(ctx):
        return [build(ctx, RuleSpec(name="orders_stuck", title="Orders stuck", group="orders", ...))]
"""

from __future__ import annotations

from graf.alerts._rule import RuleSpec, build, env_matcher, one_of, quote, selector
from graf.units import prom_duration

__all__ = ["RuleSpec", "build", "env_matcher", "one_of", "prom_duration", "quote", "selector"]
