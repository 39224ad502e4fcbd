"""Grafana's uid rule, written once: 1 to 40 letters, digits, '-' or '_'.

`make_uid` derives a legal uid from names; `is_uid` checks one; `invalid_characters` and
`MAX_UID` let a message say which part of the rule a uid breaks; `UID_PATTERN` is the same rule
for JSON schemas.
"""

from __future__ import annotations

import hashlib
import re

MAX_UID = 40
UID_RULE = f"1-{MAX_UID} letters, digits, '-' or '_'"
UID_PATTERN = rf"^[A-Za-z0-9_-]{{1,{MAX_UID}}}$"
_UID = re.compile(UID_PATTERN)
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def is_uid(value: object) -> bool:
    """True for a string Grafana takes as a uid."""
    return isinstance(value, str) and _UID.match(value) is not None


def invalid_characters(uid: str) -> list[str]:
    """The characters of `uid` that no uid may hold, each once, sorted."""
    return sorted(set("".join(_UNSAFE.findall(uid))))


def make_uid(*parts: str) -> str:
    """A Grafana-legal uid from parts joined by '-', stable across runs.

    Runs of other characters become '-'. Too-long uids keep a readable prefix and end in 8 hex
    digits of a hash of the full name, so two long names never collide by truncation.
    """
    full = "-".join(_UNSAFE.sub("-", p).strip("-") for p in parts if p)
    if len(full) <= MAX_UID:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:8]
    return f"{full[: MAX_UID - 9].rstrip('-')}-{digest}"
