"""The one JSON Schema error describer graf.yaml and resource bodies share, and the line clipper."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from graf.wording import LINE_LIMIT, VALUE_LIMIT, clip, describe_schema_error, without_password

SECRET = {"type": "string", "pattern": r"^\$\{[A-Z]+\}$", "writeOnly": True}
SCHEMA = {
    "type": "object",
    "properties": {
        "token": SECRET,
        "name": {"type": "string"},
        "mode": {"enum": ["fast", "slow"]},
        "ref": {"anyOf": [{"type": "object", "properties": {"type": {}, "uid": {}}}, {"type": ["string", "null"]}]},
        "grafana": {"type": "object"},
    },
    "required": ["grafana"],
    "additionalProperties": False,
}


def _words(instance: Any, vocabulary: str = "yaml") -> list[str]:
    errors = jsonschema.Draft202012Validator(SCHEMA).iter_errors(instance)
    return [describe_schema_error(e, vocabulary) for e in errors]  # type: ignore[arg-type]


@pytest.mark.parametrize("token", ["glsa_abcdef123", 123456, ["glsa_abcdef123"]])
def test_a_write_only_value_is_never_quoted(token: object) -> None:
    (message,) = _words({"grafana": {}, "token": token})
    assert "glsa" not in message and "123456" not in message


def test_each_vocabulary_quotes_values_its_own_way() -> None:
    assert _words({"grafana": {}, "mode": "fats"}) == ["expected one of fast, slow, got 'fats', did you mean 'fast'?"]
    assert _words({"grafana": {}, "mode": "fats"}, "json") == [
        'expected one of "fast", "slow", got "fats", did you mean \'fast\'?']
    assert _words({"grafana": {}, "name": 42}) == ["expected a string, got an integer 42"]
    assert _words({"grafana": {}, "name": 42}, "json") == ["expected a string, got an integer"]


def test_any_of_reads_as_the_branches() -> None:
    assert _words({"grafana": {}, "ref": 3}, "json") == ["expected a {type, uid} object, a string or null"]


def test_a_misspelt_required_key_is_named_as_unknown() -> None:
    assert set(_words({"grafan": {}})) == {"unknown key 'grafan', did you mean 'grafana'?"}
    assert _words({}) == ["missing required key 'grafana'"]


def test_long_values_and_url_passwords() -> None:
    (message,) = _words({"grafana": {}, "mode": "x" * 100_000})
    assert len(message) < VALUE_LIMIT * 4
    assert without_password("see https://admin:hunter2@10.0.0.1:3000/x") == "see https://admin:***@10.0.0.1:3000/x"
    assert len(clip("é" * 10 * LINE_LIMIT)) <= LINE_LIMIT
