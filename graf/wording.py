"""Phrases graf's messages share: the closest known name, how a JSON/YAML type is called, what a
JSON Schema error means in words, and how long one line of a message may grow."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import jsonschema

Vocabulary = Literal["yaml", "json"]

# One error line, and one value quoted inside it: long enough for any honest message, short enough
# that a hostile file cannot print megabytes (an alias bomb once printed a 58 MB line).
LINE_LIMIT = 400
VALUE_LIMIT = 80

_TYPES: dict[Vocabulary, dict[str, str]] = {
    "yaml": {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
             "object": "a mapping", "array": "a list", "null": "nothing"},
    "json": {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
             "object": "an object", "array": "an array", "null": "null"},
}
_PY_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number",
             type(None): "null"}
# Bounded scheme, user and password, so the search stays linear on a long value with no URL in it.
_URL_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.-]{0,30}://[^/@:\s]{0,256}:)[^@/\s]{0,256}@")


# Every character that breaks a line (str.splitlines: \n, \r, \x85, \u2028, ...) or drives a terminal.
_ONE_LINE = {c: " " for c in (*range(0x20), *range(0x7f, 0xa0), 0x2028, 0x2029)}


def clip(text: str, limit: int = LINE_LIMIT) -> str:
    """`text` on one line and at most `limit` characters, marking what was cut."""
    flat = text.translate(_ONE_LINE)
    if len(flat) <= limit:
        return flat
    cut = len(flat) - limit + 20
    return f"{flat[:limit - 20]}… ({cut} more)"


def without_password(text: str) -> str:
    """A URL's password replaced by `***` (`http://u:***@host`), wherever one appears in `text`."""
    return _URL_PASSWORD.sub(r"\1***@", text)


def closest(word: str, choices: Iterable[object]) -> str | None:
    """The known name `word` was most likely meant to be, if one is close enough."""
    if len(word) > VALUE_LIMIT:  # nobody misspells a name that long, and difflib is quadratic
        return None
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


# ---------------------------------------------------------------------------- JSON Schema errors


def _shown(vocabulary: Vocabulary) -> Callable[[Any], str]:
    """How a value is quoted: Python's repr in graf.yaml's words, JSON in a resource body's; clipped."""
    if vocabulary == "yaml":
        return lambda value: clip(without_password(repr(value)), VALUE_LIMIT)
    return lambda value: clip(without_password(json.dumps(value, default=str)), VALUE_LIMIT)


def _listing(values: Iterable[Any], vocabulary: Vocabulary) -> str:
    return clip(", ".join(str(v) if vocabulary == "yaml" else json.dumps(v) for v in values), VALUE_LIMIT * 2)


def describe_schema_error(error: jsonschema.ValidationError, vocabulary: Vocabulary,
                          pattern_hints: Mapping[str, str] | None = None) -> str:
    """One schema error in words, for graf.yaml (`yaml`) and resource bodies (`json`) alike.

    Values are quoted clipped, and never where the schema marks the value `writeOnly` (a secret).
    `pattern_hints` says in words what a pattern means (`must be a ${VAR} reference`).
    """
    kind, value = error.validator, error.instance
    expected: Any = error.validator_value
    schema: Any = error.schema
    secret = isinstance(schema, Mapping) and schema.get("writeOnly") is True
    show = _shown(vocabulary)
    if "propertyNames" in error.schema_path and kind in ("enum", "pattern"):
        if kind == "enum":
            return f"unknown name {show(value)}{did_you_mean(str(value), expected)} " \
                   f"(expected one of {_listing(expected, vocabulary)})"
        return f"name {show(value)} {_pattern_hint(expected, pattern_hints)}"
    if kind == "additionalProperties" and isinstance(value, dict):
        known = list(schema.get("properties", {}))
        unknown = [k for k in value if k not in known]
        if unknown:
            return f"unknown key {_key(unknown[0])}{did_you_mean(str(unknown[0]), known)}"
    if kind == "required" and isinstance(value, dict):
        missing = [k for k in expected if k not in value]
        if not missing:
            return clip(error.message)
        # `grafan:` for `grafana:` is a misspelling, not a forgotten key: say which key is wrong.
        known = list(schema.get("properties", {}))
        for key in value:
            if key not in known and closest(str(key), missing):
                return f"unknown key {_key(key)}{did_you_mean(str(key), missing)}"
        return f"missing required key {missing[0]!r}"
    if kind == "type":
        got = type_of(value, vocabulary)
        if vocabulary == "yaml" and not secret and not isinstance(value, (dict, list)):
            got = f"{got} {show(value)}"
        return f"expected {expected_type(expected, vocabulary)}, got {got}"
    if kind == "enum":
        got = "" if secret else f", got {show(value)}{did_you_mean(str(value), expected)}"
        return f"expected one of {_listing(expected, vocabulary)}{got}"
    if kind == "const":
        return f"expected {show(expected)}" + ("" if secret else f", got {show(value)}")
    if kind == "pattern":
        hint = _pattern_hint(expected, pattern_hints)
        return hint if secret else f"{show(value)} {hint}"
    if kind == "anyOf" and error.context:
        branches = [_branch(b, vocabulary) for b in expected]
        if all(branches):
            last = ", " if " or " in branches[-1] else " or "
            return f"expected {last.join([', '.join(branches[:-1]), branches[-1]]) if branches[:-1] else branches[0]}"
        return describe_schema_error(min(error.context, key=lambda e: len(e.absolute_path)), vocabulary,
                                     pattern_hints)
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"{'the value' if secret else show(value)} is out of range ({kind} {expected})"
    if kind in ("minItems", "minProperties", "minLength"):
        return "must not be empty"
    if kind == "maxLength":
        return f"longer than {expected} characters"
    if kind == "uniqueItems":
        return f"has duplicate entries: {show(value)}"
    if kind == "not" and isinstance(expected, dict) and "const" in expected:
        return f"must not be {show(expected['const'])} here"
    return "does not match the schema" if secret else clip(error.message)


def _key(key: object) -> str:
    return clip(repr(key), VALUE_LIMIT)


def _branch(schema: Any, vocabulary: Vocabulary) -> str:
    """An anyOf branch as words (`a {type, uid} object`, `a string or null`), or '' when it is not a plain type."""
    if not isinstance(schema, Mapping) or "type" not in schema:
        return ""
    if schema["type"] == "object" and schema.get("properties"):
        return f"a {{{', '.join(schema['properties'])}}} object"
    return expected_type(schema["type"], vocabulary)


def _pattern_hint(pattern: str, hints: Mapping[str, str] | None) -> str:
    return (hints or {}).get(pattern, f"does not match {pattern}")


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
