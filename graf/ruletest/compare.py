"""Expected alerts against the instances an evaluation left: the lines that say what differs.

An expected alert matches the instance whose labels include all of its `exp_labels`; then its
state, each of its `exp_annotations` and its contact point must be equal. Instances in state
Normal are the rule being quiet: they are only compared when a test names them (`state: Normal`,
which also proves the rule saw that series); any other instance no expected alert claims is
reported as unexpected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from graf.ruletest.model import ExpectedAlert
from graf.ruletest.state import Snapshot

# Labels Grafana adds to every instance: shown only when a test asks for them.
GRAFANA_LABELS = ("alertname", "grafana_folder", "__alert_rule_uid__", "__alert_rule_namespace_uid__")
# States whose alerts are sent to the Alertmanager (state.go NeedsSending: never Pending; Normal
# only as a resolved notice).
SENT = ("Alerting", "Recovering", "NoData", "Error")


class Routes(Protocol):
    def receivers(self, labels: Mapping[str, str]) -> tuple[str, ...]: ...


def show_labels(labels: Mapping[str, str], keep: Sequence[str] = ()) -> str:
    shown = {k: v for k, v in sorted(labels.items()) if k not in GRAFANA_LABELS or k in keep}
    return "{" + ", ".join(f'{k}="{v}"' for k, v in shown.items()) + "}"


def _contact_point(got: Snapshot, routes: Routes) -> str:
    if got.state not in SENT:
        return f"none (a {got.state} alert is not sent)"
    receivers = routes.receivers(got.labels)
    return ", ".join(receivers) if receivers else "none (no route)"


def _differences(expected: ExpectedAlert, got: Snapshot, routes: Routes) -> list[str]:
    where = show_labels(got.labels, list(expected.labels))
    out = []
    if expected.state != got.state:
        out.append(f"{where}: state: expected {expected.state}, got {got.state}")
    for key, value in expected.annotations.items():
        actual = got.annotations.get(key)
        if actual != value:
            out.append(f"{where}: annotation {key}: expected {value!r}, got "
                       f"{'no such annotation' if actual is None else repr(actual)}")
    if expected.contact_point is not None:
        if got.state not in SENT:
            if expected.state in SENT:
                pass  # the state line already says why nothing is sent
            else:
                out.append(f"{where}: contact point: expected {expected.contact_point}, got "
                           f"{_contact_point(got, routes)}")
        else:
            receivers = routes.receivers(got.labels)
            if expected.contact_point not in receivers:
                out.append(f"{where}: contact point: expected {expected.contact_point}, got "
                           f"{', '.join(receivers) or 'none (no route)'}")
    return out


def compare(expected: Sequence[ExpectedAlert], got: Sequence[Snapshot], routes: Routes) -> list[str]:
    """Empty when the instances are what `expected` says; else one line per difference."""
    problems: list[str] = []
    unused = list(got)
    for alert in expected:
        candidates = [g for g in unused if all(g.labels.get(k) == v for k, v in alert.labels.items())]
        if not candidates:
            active = [g for g in got if g.state != "Normal"]
            seen = "; ".join(f"{g.state} {show_labels(g.labels, list(alert.labels))}" for g in active) or "nothing"
            problems.append(f"expected {alert.state} {show_labels(dict(alert.labels), list(alert.labels))}, "
                            f"got no such alert (got: {seen})")
            continue
        scored = [(len(_differences(alert, g, routes)), i, g) for i, g in enumerate(candidates)]
        _, _, best = min(scored, key=lambda item: (item[0], item[1]))
        unused.remove(best)
        problems += _differences(alert, best, routes)
    for extra in unused:
        if extra.state != "Normal":
            problems.append(f"unexpected {extra.state} {show_labels(extra.labels)}")
    return problems
