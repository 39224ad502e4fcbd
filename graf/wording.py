"""Phrases graf's messages share: the closest known name, and how a JSON/YAML type is called."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import jsonschema

Vocabulary = Literal["yaml", "json"]

_TYPES: dict[Vocabulary, dict[str, str]] = {
    "yaml": {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
             "object": "a mapping", "array": "a list", "null": "nothing"},
    "json": {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
             "object": "an object", "array": "an array", "null": "null"},
}
_PY_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number",
             type(None): "null"}


def closest(word: str, choices: Iterable[object]) -> str | None:
    """The known name `word` was most likely meant to be, if one is close enough."""
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[object]) -> str:
    """`, did you mean 'x'?` or nothing."""
    match = closest(word, choices)
    return f", did you mean {match!r}?" if match else ""


def expected_type(expected: str | list[str], vocabulary: Vocabulary) -> str:
    """A JSON Schema `type` as words: `a mapping`, `a string or nothing`."""
    names = _TYPES[vocabulary]
    if isinstance(expected, list):
        return " or ".join(names.get(e, e) for e in expected)
    return names.get(expected, expected)


def type_of(value: object, vocabulary: Vocabulary) -> str:
    """What a parsed value is, in words (`a list`, `an integer`); booleans are not integers here."""
    kind = _PY_TYPES.get(type(value))
    if kind == "boolean":
        return "a boolean"
    return _TYPES[vocabulary][kind] if kind else type(value).__name__


def structural_problem(error: jsonschema.ValidationError) -> str | None:
    """The words for the schema errors graf.yaml and resource bodies describe alike: an unknown or a
    missing key. None for the rest, which each describes in its own vocabulary."""
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "additionalProperties" and isinstance(value, dict):
        known = list(error.schema.get("properties", {}))
        unknown = [k for k in value if k not in known]
        if unknown:
            return f"unknown key {unknown[0]!r}{did_you_mean(unknown[0], known)}"
    if kind == "required":
        missing = [k for k in expected if k not in value]
        return f"missing required key {missing[0]!r}" if missing else error.message
    return None


def clipped(text: str, limit: int = 200) -> str:
    """`text` on one line of at most `limit` characters (white space folded, the rest cut with '…')."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def printable(text: str) -> str:
    """`text` with every character that is not printable (line breaks, control characters) escaped,
    so a message built from foreign data stays on one line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def shown_path(path: Path, root: Path) -> str:
    """`path` as a message names it: relative to the project's folder `root` when inside it."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
