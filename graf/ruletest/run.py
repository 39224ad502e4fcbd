"""`graf test`: load the test files, render each environment's rules, evaluate them, compare.

The edges are here: one real Prometheus for the whole run (graf.ruletest.prometheus) and
amtool for routing (graf.ruletest.routing); evaluation, states and the comparison are pure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from graf.config import Environment, Project
from graf.context import RenderContext
from graf.errors import UsageError
from graf.resources import JSON
from graf.ruletest.compare import SENT, compare
from graf.ruletest.evaluate import QueryAnswer, QueryFailure, evaluate, queries
from graf.ruletest.model import Case, ExpectedAlert, Group, TestFile, TestFileError, load
from graf.ruletest.prometheus import Prometheus, QueryError
from graf.ruletest.routing import Router
from graf.ruletest.series import STALE
from graf.ruletest.state import RuleSettings, Snapshot, StateMachine
from graf.ruletest.templates import TemplateError
from graf.wording import shown_path

TESTS_DIR = Path("alerts") / "tests"
DAY = 86400
LOOKBACK = 300  # Prometheus' default --query.lookback-delta
_RANGE = re.compile(r"\[\s*([0-9][0-9a-z]*)\s*(?::[^\]]*)?\]")
_OFFSET = re.compile(r"\boffset\s+([0-9][0-9a-z]*)")


@dataclass(frozen=True)
class Outcome:
    """One case in one environment: passed, failed (with `problems`), skipped (with `reason`) or error."""

    file: str
    group: str
    env: str
    rule: str
    eval_time: float
    where: str
    status: str
    problems: tuple[str, ...] = ()
    reason: str = ""

    def as_json(self) -> JSON:
        return {"file": self.file, "group": self.group, "env": self.env, "rule": self.rule,
                "eval_time": _duration_text(self.eval_time), "where": self.where, "status": self.status,
                "problems": list(self.problems), "reason": self.reason}


@dataclass
class Report:
    files: list[str]
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> bool:
        return any(o.status in ("failed", "error") for o in self.outcomes)


def find_files(project: Project, paths: Sequence[Path] = ()) -> list[Path]:
    """The given files (folders searched for *.yaml), or every file in alerts/tests/ beside graf.yaml."""
    if not paths:
        found = _yaml_files(project.root / TESTS_DIR)
        if not found:
            raise UsageError(str(TESTS_DIR), "no test files (*.yaml) found beside graf.yaml",
                             "see README.md, 'Testing alert rules', or name the files")
        return found
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = _yaml_files(path)
            if not found:
                raise UsageError(str(path), "no test files (*.yaml) found")
            out += found
        elif path.is_file():
            out.append(path)
        else:
            raise UsageError(str(path), "no such test file or folder")
    return out


def _yaml_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []


@dataclass
class _Env:
    env: Environment
    ctx: RenderContext
    rules: dict[str, JSON]  # uid -> body
    policy: JSON | None
    contact_points: list[str]

    def find(self, case: Case) -> JSON | None:
        if case.rule is not None:
            # a built-in rule's name, the name a team module gave ctx.uid(), or a uid as it is
            for uid in (self.ctx.uid(f"alert-{case.rule}"), self.ctx.uid(case.rule), case.rule):
                if uid in self.rules:
                    return self.rules[uid]
            return None
        return next((r for r in self.rules.values() if r.get("title") == case.alertname), None)


def _rendered(project: Project, env: Environment) -> _Env:
    from graf._render import render

    resources = render(project, env)
    rules = {r.uid: r.body for r in resources if r.kind == "alert-rule"}
    policy = next((r.body for r in resources if r.kind == "policy"), None)
    points = [r.body["name"] for r in resources if r.kind == "contact-point"]
    return _Env(env, RenderContext(project, env), rules, policy, points)


def run(project: Project, envs: Sequence[str] = (), paths: Sequence[Path] = (),
        prometheus_binary: str | None = None, amtool: str | None = None) -> Report:
    """Every case of the test files in the selected environments (all with alerting by default)."""
    files = [load(p, shown_path(p, project.root)) for p in find_files(project, paths)]
    managed = [e for e in project.environments.values() if e.alerts.managed]
    selected = [project.environment(n) for n in envs] if envs else managed
    rendered = {e.name: _rendered(project, e) for e in managed}
    jobs = _jobs(files, project, rendered, {e.name for e in selected})
    report = Report([f.name for f in files])
    needs_prometheus = any(_promql(rule, rendered[env]) for _, group, env in jobs
                           for case in group.cases if (rule := rendered[env].find(case)) is not None)
    with ExitStack() as stack:
        prom = stack.enter_context(_prometheus(prometheus_binary)) if needs_prometheus else None
        bases = _place(files, _reach(rendered.values()))
        if prom is not None:
            prom.write(_series(files, bases))
        routers = {name: Router(e.policy, e.contact_points, amtool) for name, e in rendered.items()}
        for router in routers.values():
            stack.callback(router.close)
        evaluated = [item for file, group, env in jobs
                     for item in _run_group(file, group, rendered[env], prom, bases[id(group)])]
        _prefetch_routes(evaluated, routers)
        for item in evaluated:
            report.outcomes.append(item if isinstance(item, Outcome) else item.compared(routers[item.env]))
    return report


@dataclass(frozen=True)
class _Evaluated:
    """A case whose instances are known, waiting for the comparison (which may ask amtool)."""

    env: str
    outcome: Callable[..., Outcome]
    expected: tuple[ExpectedAlert, ...]
    got: Sequence[Snapshot]
    preface: str = ""

    def compared(self, router: Router) -> Outcome:
        problems = compare(self.expected, self.got, router)
        if problems and self.preface:
            problems = [self.preface, *problems]
        return self.outcome("failed" if problems else "passed", problems)


def _prefetch_routes(evaluated: Sequence[Outcome | _Evaluated], routers: Mapping[str, Router]) -> None:
    """Ask amtool for every label set the comparisons will need, a few at a time (one process each)."""
    wanted: dict[str, list[Mapping[str, str]]] = {}
    for item in evaluated:
        if isinstance(item, _Evaluated) and any(e.contact_point is not None for e in item.expected):
            wanted.setdefault(item.env, []).extend(g.labels for g in item.got if g.state in SENT)
    for env, label_sets in wanted.items():
        routers[env].prefetch(label_sets)


@contextmanager
def _prometheus(binary: str | None) -> Iterator[Prometheus]:
    from graf.ruletest.prometheus import running

    with running(binary) as prom:
        yield prom


def _jobs(files: list[TestFile], project: Project, rendered: dict[str, _Env],
          selected: set[str]) -> list[tuple[TestFile, Group, str]]:
    jobs = []
    for file in files:
        for group in file.groups:
            if group.env is not None and group.env not in rendered:
                known = ", ".join(rendered) or "none"
                raise TestFileError(f"{group.where}.env", f"no environment {group.env!r} with alerting in "
                                    f"{project.path.name} (environments with alerts: {known})")
            names = [group.env] if group.env is not None else list(rendered)
            for case in group.cases:
                # A rule graf.yaml turns off in this environment is a rule that stays quiet there;
                # a name no environment renders is a mistake in the file.
                if all(env.find(case) is None for env in rendered.values()):
                    raise TestFileError(f"{case.where}.{'rule' if case.rule else 'alertname'}",
                                        f"no alert rule {case.rule_ref} in any environment")
            jobs += [(file, group, name) for name in names if name in selected]
    return jobs


def _reach(envs: Iterable[_Env]) -> float:
    """How far back (seconds) any rule's query looks: its longest range selector plus offset, and the lookback."""
    from graf.units import parse_duration

    def longest(pattern: re.Pattern[str], expr: str) -> float:
        found = [0.0]
        for text in pattern.findall(expr):
            with suppress(ValueError):  # not a duration (a label value that looks alike): not a reach
                found.append(parse_duration(text))
        return max(found)

    exprs = [str((q.get("model") or {}).get("expr", "")) for env in envs for rule in env.rules.values()
             for q in queries(rule)]
    return max((longest(_RANGE, e) + longest(_OFFSET, e) for e in exprs), default=0.0) + LOOKBACK


def _place(files: list[TestFile], reach: float) -> dict[int, float]:
    """The start time (seconds since the epoch) of each group's series: each group a whole day past the
    previous group's last sample or evaluation plus the farthest any query looks back, so no
    query of one group sees another group's samples."""
    out, cursor = {}, 0.0
    for file in files:
        for group in file.groups:
            out[id(group)] = cursor
            cursor += math.ceil((group.span + reach + 1) / DAY) * DAY
    return out


def _series(files: list[TestFile], bases: dict[int, float]) -> list[tuple[tuple[tuple[str, str], ...],
                                                                          list[tuple[int, float | None]]]]:
    by_labels: dict[tuple[tuple[str, str], ...], list[tuple[int, float | None]]] = {}
    for file in files:
        for group in file.groups:
            base = bases[id(group)]
            for series in group.series:
                samples = by_labels.setdefault(series.labels, [])
                for i, value in enumerate(series.samples):
                    if value is None:
                        continue
                    ms = round((base + i * group.interval) * 1000)
                    samples.append((ms, None if value == STALE else float(value)))
    return [(labels, sorted(samples)) for labels, samples in by_labels.items() if samples]


def _promql(rule: JSON, env: _Env) -> bool:
    uid = env.env.datasources["prometheus"].uid
    return all(q.get("datasourceUid") == uid for q in queries(rule))


def _run_group(file: TestFile, group: Group, env: _Env, prom: Prometheus | None,
               base: float) -> list[Outcome | _Evaluated]:
    interval = file.evaluation_interval or _interval(env.env)
    out: list[Outcome | _Evaluated] = []
    timelines: dict[str, list[list[Snapshot]] | str] = {}
    for case in group.cases:
        rule = env.find(case)
        outcome = _outcome_of(file, group, env.env.name, case)
        if rule is None:
            preface = f"rule {case.rule_ref} is not rendered in {env.env.name} (disabled in graf.yaml?)"
            out.append(_Evaluated(env.env.name, outcome, case.expected, [], preface))
            continue
        if not _promql(rule, env):
            kinds = sorted({q.get("datasourceUid", "?") for q in queries(rule)})
            out.append(outcome("skipped", reason=f"queries datasource {', '.join(kinds)}; graf test evaluates "
                                                 "Prometheus queries only"))
            continue
        assert prom is not None
        timeline = timelines.get(rule["uid"])
        if timeline is None:
            last = max(c.eval_time for c in group.cases if env.find(c) is rule)
            try:
                timeline = _timeline(rule, env, prom, base, interval, int(last // interval) + 1)
            except (TemplateError, UsageError) as exc:  # this rule cannot be tested: say so, go on
                timeline = str(exc)
            timelines[rule["uid"]] = timeline
        if isinstance(timeline, str):
            out.append(outcome("error", [timeline]))
            continue
        out.append(_Evaluated(env.env.name, outcome, case.expected, timeline[int(case.eval_time // interval)]))
    return out


def _outcome_of(file: TestFile, group: Group, env: str, case: Case) -> Callable[..., Outcome]:
    def outcome(status: str, problems: Sequence[str] = (), reason: str = "") -> Outcome:
        return Outcome(file.name, group.name, env, case.rule or str(case.alertname), case.eval_time, case.where,
                       status, tuple(problems), reason)
    return outcome


def _interval(env: Environment) -> float:
    from graf.units import parse_duration

    return parse_duration(env.alerts.interval)


def _timeline(rule: JSON, env: _Env, prom: Prometheus, base: float, interval: float,
              steps: int) -> list[list[Snapshot]]:
    """The instances after each evaluation at base, base+interval, ... (`steps` of them)."""
    if rule.get("isPaused"):
        return [[] for _ in range(steps)]  # Grafana does not evaluate a paused rule
    answers: dict[str, list[QueryAnswer]] = {}
    for query in queries(rule):
        model = query.get("model") or {}
        if model.get("range") and not model.get("instant"):
            raise UsageError(f"alert-rule/{rule['uid']} › data[{query['refId']}]",
                             "range queries are not supported by graf test (instant queries are)")
        expr = str(model.get("expr", ""))
        # relativeTimeRange.to: an instant query runs at the end of the rule's time range
        offset = float((query.get("relativeTimeRange") or {}).get("to", 0))
        per_step = prom.query_steps(expr, base - offset, steps, interval)
        if isinstance(per_step, QueryError):
            answers[query["refId"]] = [_one(prom, expr, base - offset + i * interval) for i in range(steps)]
        else:
            answers[query["refId"]] = [[(x.labels, x.value) for x in samples] for samples in per_step]
    folder = env.env.folder.title if rule.get("folderUID") == env.env.folder.uid else rule.get("folderUID", "")
    machine = StateMachine(RuleSettings.of(rule, folder, interval))
    timeline = []
    for i in range(steps):
        results = evaluate(rule, {ref: steps_of[i] for ref, steps_of in answers.items()})
        timeline.append(machine.evaluate(results, i * interval))
    return timeline


def _one(prom: Prometheus, expr: str, at: float) -> QueryAnswer:
    try:
        return [(x.labels, x.value) for x in prom.query(expr, at)]
    except QueryError as exc:
        return QueryFailure(exc.message)


def _duration_text(seconds: float) -> str:
    from graf.alerts._rule import prom_duration

    return prom_duration(f"{round(seconds * 1000)}ms") if seconds else "0s"
