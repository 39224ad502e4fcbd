"""The apps' JVM (Micrometer binders): heap nearly full, time lost in GC pauses."""

from __future__ import annotations

from graf.alerts._rule import RuleSpec, build_all, env_matcher, percent, selector
from graf.context import RenderContext
from graf.resources import JSON

GROUP = "jvm"
WINDOW = "5m"


def _selector(ctx: RenderContext, *extra: tuple[str, str, str]) -> str:
    return selector(env_matcher(ctx), ("job", "=", ctx.jobs.app), *extra)


def _by(ctx: RenderContext) -> str:
    return f"by ({ctx.labels.application}, {ctx.labels.instance})"


def heap_used_ratio(ctx: RenderContext, _: float) -> str:
    heap = ("area", "=", "heap")
    # Pools without a limit (G1 Eden, Survivor) report max = -1: only positive maxima count.
    return (f"sum {_by(ctx)} (jvm_memory_used_bytes{_selector(ctx, heap)})\n"
            f"/ sum {_by(ctx)} (jvm_memory_max_bytes{_selector(ctx, heap)} > 0)")


def gc_pause_share(ctx: RenderContext, _: float) -> str:
    # Seconds paused per second: the fraction of wall time the app stood still for GC.
    return f"sum {_by(ctx)} (rate(jvm_gc_pause_seconds_sum{_selector(ctx)}[{WINDOW}]))"


def specs(ctx: RenderContext) -> list[RuleSpec]:
    if not ctx.apps:
        return []
    return [
        RuleSpec(
            name="jvm_heap_used",
            title="JVM heap almost full",
            group=GROUP,
            datasource="prometheus",
            query=heap_used_ratio,
            comparison="gt",
            threshold=0.9,
            for_="10m",
            severity="warning",
            summary="{{ $labels.{application} }} on {{ $labels.{instance} }} uses "
                    "{{ humanizePercentage $values.B.Value }} of its maximum heap",
            description=("Heap used on {{ $labels.{instance} }} ({{ $labels.{application} }}, {environment}) is "
                         "{{ humanizePercentage $values.B.Value }} of the maximum heap, above {threshold} for "
                         "{for_}: an OutOfMemoryError or a GC death spiral is near."),
            threshold_text=percent,
        ),
        RuleSpec(
            name="jvm_gc_pause_share",
            title="JVM GC pause time high",
            group=GROUP,
            datasource="prometheus",
            query=gc_pause_share,
            comparison="gt",
            threshold=0.1,
            for_="10m",
            severity="warning",
            summary="{{ $labels.{application} }} on {{ $labels.{instance} }} spends "
                    "{{ humanizePercentage $values.B.Value }} of its time in GC pauses",
            description=("Over the last " + WINDOW + " the JVM on {{ $labels.{instance} }} "
                         "({{ $labels.{application} }}, {environment}) was paused for garbage collection "
                         "{{ humanizePercentage $values.B.Value }} of the time, above {threshold} for {for_}."),
            threshold_text=percent,
        ),
    ]


def rules(ctx: RenderContext) -> list[JSON]:
    return build_all(ctx, specs(ctx))
