"""graf.yaml read with libyaml (the fast path of graf.config.yamlfile) gives what the Python loader gives:
the same data for every file libyaml takes, and every file past a limit or with a fault left to the Python
loader, so errors read as before. Hypothesis: YAML documents in every style PyYAML writes, YAML-like text,
the example mutated; and the hostile files of test_hostile."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graf.config import yamlfile
from graf.errors import ConfigError
from tests.config.test_fuzz import EXAMPLE_TEXT, values
from tests.config.test_hostile import CASES

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml: no fast path")
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def python_loader(text: str) -> tuple[str, Any]:
    """("ok", data) or ("error", message) from the Python loader alone."""
    try:
        return "ok", _parse_without_fast_path(text)
    except ConfigError as exc:
        return "error", str(exc)


def _parse_without_fast_path(text: str) -> Any:
    fast = yamlfile._parse_fast
    yamlfile._parse_fast = lambda text, file: yamlfile._UNSURE  # type: ignore[assignment]
    try:
        return yamlfile._parse(text, Path("graf.yaml"))
    finally:
        yamlfile._parse_fast = fast  # type: ignore[assignment]


def agrees(text: str) -> bool:
    """The fast path's answer, when it gives one, is the Python loader's data; True when it gave one."""
    fast = yamlfile._parse_fast(text, "graf.yaml")
    if fast is yamlfile._UNSURE:
        return False
    assert python_loader(text) == ("ok", fast), text
    return True


def test_the_example() -> None:
    assert agrees(EXAMPLE_TEXT)


@pytest.mark.parametrize("text", ["a:\tb\n", "\ufeffa: b\n", "a: b\x85c: d\n", "a: !!str 1\n", "a: !\n",
                                  "a: {b?c: 1}\n", "a: |#\n", "a: >-2#\n"])
def test_texts_the_two_read_differently_go_to_python(text: str) -> None:
    assert yamlfile._parse_fast(text, "graf.yaml") is yamlfile._UNSURE


@FUZZ
@given(values, st.sampled_from([None, True, False]), st.sampled_from([None, 20, 80]), st.booleans())
def test_documents_in_every_style(document: Any, flow: bool | None, width: int | None, unicode: bool) -> None:
    text = yaml.safe_dump({"doc": document}, allow_unicode=unicode, default_flow_style=flow, width=width)
    if not re.search(yamlfile._PYTHON_ONLY, text):
        assert agrees(text)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab:- \n\t{}[],&*!|>'\"#%@`?<=~\\.0x\ufeff\x85\u2028\u2029é")),
               max_size=300))
def test_yaml_like_text(text: str) -> None:
    agrees(text)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(EXAMPLE_TEXT)), st.integers(0, 8),
                          st.text(alphabet=st.sampled_from(list(" \n\t:-&*!{}[]'\"#a1")), max_size=6)),
                min_size=1, max_size=4))
def test_mutated_example(edits: list[tuple[int, int, str]]) -> None:
    text = EXAMPLE_TEXT
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut:]
    agrees(text)


@pytest.mark.parametrize("content", [c for name, c, _ in CASES if isinstance(c, str) and "larger" not in name])
def test_hostile_files_are_left_to_the_python_loader(content: str) -> None:
    assert yamlfile._parse_fast(content, "graf.yaml") is yamlfile._UNSURE


def test_limits_counted_as_the_composer_counts() -> None:
    """MAX_DEPTH levels and MAX_VALUES values pass; one more of either does not."""
    deepest = "[" * (yamlfile.MAX_DEPTH - 1) + "1" + "]" * (yamlfile.MAX_DEPTH - 1)
    assert agrees(deepest)
    assert yamlfile._parse_fast("[" + deepest + "]", "graf.yaml") is yamlfile._UNSURE
    assert python_loader("[" + deepest + "]")[0] == "error"
    most = "[" + ", ".join(["1"] * (yamlfile.MAX_VALUES - 1)) + "]"
    assert agrees(most)
    assert yamlfile._parse_fast(most[:-1] + ", 1]", "graf.yaml") is yamlfile._UNSURE
