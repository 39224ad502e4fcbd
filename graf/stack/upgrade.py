"""`graf stack upgrade-check`: what graf would render differently for newer images, key by key.

Both sides are graf's own renderings (the images in use, and the same project with the newer
images), so every change listed is one graf makes; a moved setting is named with where it went
(`tempo.TEMPO3_MOVES`, verified on the release). Facts graf cannot see in its own files (shutdown
timing, what was not measured) come as notes, each from the reference it was verified in.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from graf.config import Project
from graf.errors import UsageError
from graf.stack import images
from graf.stack.compose import image_set
from graf.stack.server import render_server
from graf.stack.tempo import TEMPO3_DROPS, TEMPO3_MOVES

Kind = Literal["moved", "removed", "added", "changed"]
_YAML_FILES = ("docker-compose.yml", "prometheus/prometheus.yml", "loki/config.yaml", "tempo/tempo.yaml")

# What the newer Tempo line changes that no rendered key shows (config-docs README facts 4-6, stack research 2.1, 8).
_TEMPO3_NOTES = (
    "Tempo 3's backend worker waits backend_worker.finish_on_shutdown_timeout (default 30s) on SIGTERM; "
    "the compose stop_grace_period (60s) covers it",
    "the live-store and backend worker were verified to accept these settings and start, not measured for "
    "memory: the profile's Tempo limit comes from Tempo 2 runs, and live_store.max_live_traces_bytes "
    "defaults to 250000000",
    "the single binary needs no Kafka-compatible queue (Tempo 3 needs one only in microservices mode)",
    "graf's references do not say whether Tempo 3 reads the blocks and WAL Tempo 2 left in the tempo-data "
    "volume: read the upstream upgrade guide before switching an existing server",
)


@dataclass(frozen=True)
class Change:
    file: str
    kind: Kind
    path: str
    old: Any = None
    new: Any = None
    moved_to: str = ""
    why: str = ""


@dataclass(frozen=True)
class UpgradeReport:
    images: tuple[tuple[str, str, str], ...]  # (service, image in use, newer image)
    changes: tuple[Change, ...]
    notes: tuple[str, ...]


def parse_targets(values: Mapping[str, str] | None) -> dict[str, str]:
    """The newer images to compare with: `values` (service -> image), default the newer releases graf knows."""
    chosen = dict(images.NEWER if values is None else values)
    for service, image in chosen.items():
        if service not in images.PINNED:
            raise UsageError(f"--to {service}", f"unknown service (known: {', '.join(sorted(images.PINNED))})")
        if (why := images.problem(service, image)) is not None:
            raise UsageError(f"--to {service}", why)
    return chosen


def upgrade_check(project: Project, to: Mapping[str, str], profile: str | None = None) -> UpgradeReport:
    in_use = image_set(project)
    wanted = {service: image for service, image in to.items() if in_use[service] != image}
    newer_stack = dataclasses.replace(project.stack, images={**project.stack.images, **wanted})
    newer = dataclasses.replace(project, stack=newer_stack)
    old_files = render_server(project, profile).files
    new_files = render_server(newer, profile).files
    moves: dict[str, str] = {}
    drops: dict[str, str] = {}
    notes: list[str] = []
    old_tempo, new_tempo = images.tempo_major(in_use["tempo"]), images.tempo_major(image_set(newer)["tempo"])
    if old_tempo < 3 <= new_tempo:
        moves = {".".join(a): ".".join(b) for a, b in TEMPO3_MOVES.items()}
        drops = {".".join(a): why for a, why in TEMPO3_DROPS.items()}
        drops["services.tempo.healthcheck"] = "the Tempo 3 image is distroless without a shell or wget"
        notes += [f"tempo: {note}" for note in _TEMPO3_NOTES]
    elif new_tempo < 3 <= old_tempo:
        moves = {".".join(b): ".".join(a) for a, b in TEMPO3_MOVES.items()}
    changes: list[Change] = []
    for name in _YAML_FILES:
        tempo = name == "tempo/tempo.yaml"
        changes += _compare(name, _leaves(yaml.safe_load(old_files[name])), _leaves(yaml.safe_load(new_files[name])),
                            moves if tempo else {}, drops)
    pairs = tuple((service, in_use[service], image) for service, image in sorted(wanted.items()))
    return UpgradeReport(pairs, tuple(changes), tuple(notes))


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Dotted key path -> value for every scalar or list (a list is one value: flags, receivers, processors)."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for key, child in value.items():
            out.update(_leaves(child, f"{path}.{key}" if path else str(key)))
        return out
    return {path: value}


def _compare(file: str, old: Mapping[str, Any], new: Mapping[str, Any], moves: Mapping[str, str],
             drops: Mapping[str, str]) -> list[Change]:
    changes: list[Change] = []
    moved_to = {src: dst for src, dst in moves.items() if src in old and dst in new}
    arrived = set(moved_to.values())
    removed = [path for path in old if path not in new and path not in moved_to]
    added = [path for path in new if path not in old and path not in arrived]
    removed_groups = _grouped(removed, old, new)
    added_groups = _grouped(added, new, old)
    for path, value in old.items():
        if path in moved_to:
            changes.append(Change(file, "moved", path, value, new[moved_to[path]], moved_to=moved_to[path]))
        elif path in new and new[path] != value:
            changes.append(Change(file, "changed", path, value, new[path]))
    for group, paths in removed_groups.items():
        why = next((reason for prefix, reason in drops.items() if _under(group, prefix) or _under(prefix, group)), "")
        changes.append(Change(file, "removed", group, _subtree(group, paths, old), why=why))
    changes += [Change(file, "added", group, new=_subtree(group, paths, new)) for group, paths in added_groups.items()]
    return changes


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".")


def _grouped(paths: list[str], side: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, list[str]]:
    """Leaf paths gathered under the highest key that went (or came) as a whole: a removed section is one line."""
    chosen = set(paths)
    groups: dict[str, list[str]] = {}
    for path in paths:
        parts = path.split(".")
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end])
            whole = all(p in chosen for p in side if _under(p, prefix))
            if whole and not any(_under(p, prefix) for p in other):
                groups.setdefault(prefix, []).append(path)
                break
    return groups


def _subtree(group: str, paths: list[str], leaves: Mapping[str, Any]) -> Any:
    if paths == [group]:
        return leaves[group]
    return {p[len(group) + 1:]: leaves[p] for p in paths}


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, separators=(", ", ": "))
    return text if len(text) <= 100 else text[:100] + "…"


def report_lines(report: UpgradeReport) -> list[str]:
    if not report.images:
        return ["the images in use are the newest graf renders for: nothing to compare"]
    lines = [f"{service}: {old} -> {new}" for service, old, new in report.images]
    for change in report.changes:
        where = f"{change.file}: {change.path}"
        if change.kind == "moved":
            same = change.old == change.new
            lines.append(f"  moved    {where} -> {change.moved_to} ({_value(change.new) if same else ''}"
                         f"{'' if same else f'{_value(change.old)} -> {_value(change.new)}'})")
        elif change.kind == "removed":
            lines.append(f"  removed  {where} ({_value(change.old)})" + (f": {change.why}" if change.why else ""))
        elif change.kind == "added":
            lines.append(f"  added    {where} ({_value(change.new)})")
        else:
            lines.append(f"  changed  {where}: {_value(change.old)} -> {_value(change.new)}")
    lines += [f"note: {note}" for note in report.notes]
    return lines
