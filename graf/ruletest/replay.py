"""`graf test --replay 7d`: each rule evaluated over the past days of a real Prometheus, as Grafana would have.

The same engine as the tests (the rule's PromQL on Prometheus, Grafana's expressions and state
machine), fed with the environment's real metrics instead of test series, so a change that makes
an alert noisy shows before it is merged: how often each rule would have fired, for how long,
and how often it flapped (fired again soon after it resolved).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from graf.config import Project
from graf.errors import GrafError
from graf.resources import JSON
from graf.ruletest.evaluate import queries
from graf.ruletest.prometheus import Prometheus
from graf.ruletest.run import _interval, _promql, _rendered, _timeline
from graf.ruletest.state import Snapshot

FIRING = ("Alerting", "Recovering")
# A firing episode that starts within this long after the same instance's previous one ended is a flap.
FLAP_WINDOW = 15 * 60


@dataclass(frozen=True)
class Episode:
    labels: tuple[tuple[str, str], ...]
    start: float
    end: float  # the evaluation it was last seen firing at, plus one interval
    ongoing: bool


@dataclass
class RuleReplay:
    env: str
    uid: str
    title: str
    episodes: list[Episode] = field(default_factory=list)
    skipped: str = ""

    @property
    def fired(self) -> int:
        return len(self.episodes)

    @property
    def instances(self) -> int:
        return len({e.labels for e in self.episodes})

    @property
    def median(self) -> float:
        return statistics.median(e.end - e.start for e in self.episodes) if self.episodes else 0.0

    @property
    def longest(self) -> float:
        return max((e.end - e.start for e in self.episodes), default=0.0)

    @property
    def flaps(self) -> int:
        count = 0
        last_end: dict[tuple[tuple[str, str], ...], float] = {}
        for episode in sorted(self.episodes, key=lambda e: e.start):
            previous = last_end.get(episode.labels)
            if previous is not None and episode.start - previous <= FLAP_WINDOW:
                count += 1
            last_end[episode.labels] = episode.end
        return count

    def as_json(self) -> JSON:
        return {"env": self.env, "uid": self.uid, "title": self.title, "skipped": self.skipped,
                "fired": self.fired, "instances": self.instances, "median_seconds": self.median,
                "longest_seconds": self.longest, "flaps": self.flaps,
                "episodes": [{"labels": dict(e.labels), "start": e.start, "end": e.end, "ongoing": e.ongoing}
                             for e in self.episodes]}


def episodes(timeline: Sequence[Sequence[Snapshot]], start: float, interval: float) -> list[Episode]:
    """Contiguous firing periods per instance in a timeline of evaluations at start, start+interval, ..."""
    out: list[Episode] = []
    open_since: dict[tuple[tuple[str, str], ...], float] = {}
    for i, snapshots in enumerate(timeline):
        at = start + i * interval
        firing = {tuple(sorted(s.labels.items())) for s in snapshots if s.state in FIRING}
        for key in list(open_since):
            if key not in firing:
                out.append(Episode(key, open_since.pop(key), at, False))
        for key in firing:
            open_since.setdefault(key, at)
    end = start + len(timeline) * interval
    out += [Episode(key, since, end, True) for key, since in open_since.items()]
    return sorted(out, key=lambda e: (e.start, e.labels))


def replay(project: Project, envs: Sequence[str], window: float, prometheus_url: str | None,
           now: float | None = None) -> list[RuleReplay]:
    """Every rule of the selected environments (all with alerting by default) over the last `window` seconds."""
    selected = [project.environment(n) for n in envs] if envs else [
        e for e in project.environments.values() if e.alerts.managed]
    out = []
    for environment in selected:
        env = _rendered(project, environment)
        interval = _interval(environment)
        end = (time.time() if now is None else now) // interval * interval
        steps = int(window // interval)
        start = end - (steps - 1) * interval
        prom = Prometheus((prometheus_url or environment.datasources["prometheus"].url).rstrip("/"))
        for uid, rule in sorted(env.rules.items()):
            result = RuleReplay(environment.name, uid, str(rule.get("title", uid)))
            out.append(result)
            if not _promql(rule, env):
                kinds = sorted({q.get("datasourceUid", "?") for q in queries(rule)})
                result.skipped = f"queries datasource {', '.join(kinds)}; replay evaluates Prometheus queries only"
                continue
            try:
                timeline = _timeline(rule, env, prom, start, interval, steps)
            except OSError as exc:
                raise GrafError(prom.url, f"cannot query Prometheus: {exc}",
                                "pass --prometheus URL (reachable from here)") from exc
            result.episodes = episodes(timeline, start, interval)
    return out


def _human(seconds: float) -> str:
    from graf.alerts._rule import prom_duration

    return prom_duration(f"{round(seconds)}s") if seconds >= 1 else "0s"


def text(results: Sequence[RuleReplay], window: str) -> list[str]:
    lines = []
    for r in results:
        head = f"{r.env} › {r.title}"
        if r.skipped:
            lines.append(f"{head}: skipped ({r.skipped})")
        elif not r.fired:
            lines.append(f"{head}: would not have fired in {window}")
        else:
            ongoing = sum(e.ongoing for e in r.episodes)
            lines.append(
                f"{head}: would have fired {r.fired} time{'s' if r.fired != 1 else ''} in {window} "
                f"({r.instances} instance{'s' if r.instances != 1 else ''}), median {_human(r.median)}, "
                f"longest {_human(r.longest)}, {r.flaps} flap{'s' if r.flaps != 1 else ''}"
                + (f", {ongoing} still firing" if ongoing else ""))
    return lines
