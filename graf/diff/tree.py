"""Structural diff of two JSON values: one `Change` per changed leaf, lists matched by identity.

Lists of objects are matched by an identity field when every item has a distinct one
(`refId` for targets, `name`, `uid`, `title`, `id`, or an override's matcher), so a reordered or
inserted item is one line, not a shifted rewrite of everything after it. Other lists are
aligned with difflib.

Values are compared as `graf.resources.canonical` would leave them (a key whose value is null is
absent, 1.0 equals 1), but only the parts that differ are looked at: equal subtrees are skipped
with one `==`, so diffing two large dashboards that differ in one query stays cheap.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import Any

from graf.diff.model import Change
from graf.diff.words import is_long, word_diff
from graf.resources import canonical

# Identity fields of list items, most specific first.
KEY_FIELDS = ("refId", "name", "uid", "title", "id")
# A list of scalars whose old and new JSON both fit in this many characters is one line.
SHORT_LIST = 80

_PLAIN_KEY = re.compile(r"^[A-Za-z_][\w-]*$")
_PLAIN_ITEM = re.compile(r"^[\w.=:/-]+$")


def diff_values(old: Any, new: Any, path: str = "", subject: str = "") -> list[Change]:
    """Changes turning `old` into `new`; `path` is where they sit, `subject` the part they belong to."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        return _diff_objects(old, new, path, subject)
    if isinstance(old, list) and isinstance(new, list):
        return _diff_lists(old, new, path, subject)
    words = word_diff(old, new) if is_long(old, new) else None
    return [Change("changed", subject, path, normal(old), normal(new), words)]


def key_path(path: str, key: str) -> str:
    """`a.b`, or `a["odd key"]` when the key is not a plain name."""
    if _PLAIN_KEY.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def item_path(path: str, key: object) -> str:
    """`targets[A]`, `links["Runbook page"]`, `tags[2]`."""
    text = str(key)
    shown = text if isinstance(key, int) or _PLAIN_ITEM.match(text) else json.dumps(text, ensure_ascii=False)
    return f"{path}[{shown}]"


def _diff_objects(old: dict[str, Any], new: dict[str, Any], path: str, subject: str) -> list[Change]:
    changes: list[Change] = []
    for key in sorted({k for k, v in old.items() if v is not None} | {k for k, v in new.items() if v is not None}):
        here = key_path(path, key)
        if new.get(key) is None:
            changes.append(Change("removed", subject, here, old=normal(old[key])))
        elif old.get(key) is None:
            changes.append(Change("added", subject, here, new=normal(new[key])))
        else:
            changes.extend(diff_values(old[key], new[key], here, subject))
    return changes


def normal(value: Any) -> Any:
    """A value as `canonical` leaves it (for showing an added or removed subtree)."""
    return canonical("", {"value": value}).get("value")


def _diff_lists(old: list[Any], new: list[Any], path: str, subject: str) -> list[Change]:
    identity = list_identity(old, new)
    if identity is not None:
        return diff_keyed(old, new, identity, path, subject)
    if all(not isinstance(v, (dict, list)) for v in (*old, *new)) and \
            max(len(_dump(old)), len(_dump(new))) <= SHORT_LIST:
        return [Change("changed", subject, path, normal(old), normal(new))]
    return _diff_aligned(old, new, path, subject)


def list_identity(old: Sequence[Any], new: Sequence[Any]) -> Callable[[dict[str, Any]], str] | None:
    """A function giving each item's identity, if every item on both sides has a distinct one."""
    items = [*old, *new]
    if not items or not all(isinstance(v, dict) for v in items):
        return None
    candidates: list[Callable[[dict[str, Any]], Any]] = [_matcher_key]
    candidates += [lambda item, f=f: item.get(f) for f in KEY_FIELDS]  # type: ignore[misc]
    for candidate in candidates:
        keys_old = [candidate(v) for v in old]
        keys_new = [candidate(v) for v in new]
        if all(isinstance(k, (str, int)) and not isinstance(k, bool) and k != "" for k in (*keys_old, *keys_new)) \
                and len(set(keys_old)) == len(keys_old) and len(set(keys_new)) == len(keys_new):
            return _as_text(candidate)
    return None


def _matcher_key(item: dict[str, Any]) -> str | None:
    """A field override's identity: `byName=heap`, `byRegexp=/5xx/`."""
    matcher = item.get("matcher")
    if not isinstance(matcher, dict) or "id" not in matcher:
        return None
    options = matcher.get("options")
    return f"{matcher['id']}={_dump(options) if isinstance(options, (dict, list)) else options}"


def diff_keyed(old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]],
               identity: Callable[[dict[str, Any]], str], path: str, subject: str) -> list[Change]:
    old_by = {identity(v): v for v in old}
    new_by = {identity(v): v for v in new}
    changes: list[Change] = []
    common_old = [k for k in old_by if k in new_by]
    common_new = [k for k in new_by if k in old_by]
    if common_old != common_new:
        changes.append(Change("reordered", subject, path, common_old, common_new))
    for key, item in new_by.items():
        if key in old_by:
            changes.extend(diff_values(old_by[key], item, item_path(path, key), subject))
        else:
            changes.append(Change("added", subject, item_path(path, key), new=normal(item)))
    changes.extend(Change("removed", subject, item_path(path, k), old=normal(v))
                   for k, v in old_by.items() if k not in new_by)
    return changes


def _diff_aligned(old: list[Any], new: list[Any], path: str, subject: str) -> list[Change]:
    matcher = SequenceMatcher(None, [_dump(normal(v)) for v in old], [_dump(normal(v)) for v in new], autojunk=False)
    changes: list[Change] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            changes.extend(diff_values(old[i1 + k], new[j1 + k], item_path(path, j1 + k), subject))
        changes.extend(Change("removed", subject, item_path(path, i), old=normal(old[i]))
                       for i in range(i1 + paired, i2))
        changes.extend(Change("added", subject, item_path(path, j), new=normal(new[j]))
                       for j in range(j1 + paired, j2))
    return changes


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _as_text(key: Callable[[Any], Any]) -> Callable[[Any], str]:
    """`key` whose value is shown as text (the identity key of a list item)."""
    return lambda item: str(key(item))
