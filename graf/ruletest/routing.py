"""Which contact point an alert reaches, decided by Alertmanager's own routing code (`amtool config routes test`).

graf renders Grafana's notification policy tree (graf/alerts/notifications.py); Grafana routes
with Alertmanager's dispatcher (grafana/alerting vendors prometheus/alertmanager's `dispatch`
package), so the tree is translated, field for field, into an Alertmanager configuration and
amtool walks it. Receivers are the contact points, by name.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from graf.errors import EnvironmentMissing, GrafError
from graf.resources import JSON

# Route fields Alertmanager's config has under the same name as Grafana's policy JSON.
_SAME = ("receiver", "group_by", "continue", "group_wait", "group_interval", "repeat_interval",
         "mute_time_intervals", "active_time_intervals")


class RoutingError(GrafError):
    pass


def find_amtool() -> str:
    path = shutil.which("amtool") or (("/usr/bin/amtool") if Path("/usr/bin/amtool").exists() else None)
    if path is None:
        raise EnvironmentMissing("amtool", "not installed; graf test routes alerts with Alertmanager's own code",
                                 "apt-get install prometheus-alertmanager")
    return path


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _matcher(item: Sequence[str]) -> str:
    label, op, value = item
    return f"{label}{op}{_quote(value)}"


def route(policy: JSON, root: bool = True) -> JSON:
    """A Grafana policy (route) as an Alertmanager route; `object_matchers` become `matchers`."""
    out: dict[str, Any] = {k: policy[k] for k in _SAME if k in policy and policy[k] not in (None, [])}
    matchers = [_matcher(m) for m in policy.get("object_matchers") or []]
    matchers += list(policy.get("matchers") or [])
    for legacy, op in (("match", "="), ("match_re", "=~")):
        matchers += [f"{k}{op}{_quote(v)}" for k, v in (policy.get(legacy) or {}).items()]
    if matchers and not root:
        out["matchers"] = matchers
    children = [route(child, root=False) for child in policy.get("routes") or []]
    if children:
        out["routes"] = children
    return out


def alertmanager_config(policy: JSON, contact_points: Sequence[str]) -> str:
    """The Alertmanager YAML for `policy`, with a receiver per contact point name."""
    import yaml

    names = sorted(set(contact_points) | set(_receivers(policy)))
    return yaml.safe_dump({"route": route(policy), "receivers": [{"name": n} for n in names]}, sort_keys=False)


def _receivers(policy: JSON) -> list[str]:
    out = [policy["receiver"]] if policy.get("receiver") else []
    for child in policy.get("routes") or []:
        out += _receivers(child)
    return out


class Router:
    """Routes label sets through one rendered policy tree with amtool; each label set asked once."""

    def __init__(self, policy: JSON | None, contact_points: Sequence[str], amtool: str | None = None) -> None:
        self.policy = policy
        self._amtool = amtool
        self._dir = tempfile.TemporaryDirectory(prefix="graf-test-amtool-")
        self.config = Path(self._dir.name) / "alertmanager.yml"
        if policy is not None:
            self.config.write_text(alertmanager_config(policy, contact_points), encoding="utf-8")
        self._cache: dict[tuple[tuple[str, str], ...], tuple[str, ...]] = {}

    def close(self) -> None:
        self._dir.cleanup()

    def prefetch(self, label_sets: Sequence[Mapping[str, str]], workers: int = 4) -> None:
        """Route these label sets now, a few amtool processes at a time, so `receivers` finds them cached."""
        from concurrent.futures import ThreadPoolExecutor

        if self.policy is None:
            return
        keys = list(dict.fromkeys(self._key(labels) for labels in label_sets))
        keys = [key for key in keys if key not in self._cache]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for key, receivers in zip(keys, pool.map(self._ask, keys), strict=True):
                self._cache[key] = receivers

    @staticmethod
    def _key(labels: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        # Grafana drops its internal labels (`__...__`) before an alert reaches the Alertmanager
        # (state/compat.go StateToPostableAlert).
        return tuple(sorted((k, v) for k, v in labels.items() if not k.startswith("__")))

    def receivers(self, labels: Mapping[str, str]) -> tuple[str, ...]:
        """The contact points an alert with `labels` is sent to, in tree order; () without a policy."""
        if self.policy is None:
            return ()
        key = self._key(labels)
        if key not in self._cache:
            self._cache[key] = self._ask(key)
        return self._cache[key]

    def _ask(self, labels: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
        binary = self._amtool or _amtool()
        args = [binary, "config", "routes", "test", f"--config.file={self.config}", "--no-version-check",
                *[f"{k}={_quote(v)}" for k, v in labels]]
        done = subprocess.run(args, capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise RoutingError("amtool", f"config routes test failed: {(done.stderr or done.stdout).strip()[:300]}")
        out = done.stdout.strip()
        return tuple(name.strip() for name in out.split(",") if name.strip())


@lru_cache(maxsize=1)
def _amtool() -> str:
    return find_amtool()
