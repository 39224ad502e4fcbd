"""The source printer of `graf export --as python`: any JSON value comes back from its source, within the width."""

from __future__ import annotations

import ast
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from graf.codegen.literal import Call, Code, FString, source, string

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=30), inner, max_size=6),
    max_leaves=30,
)


@given(json_values)
def test_every_json_value_comes_back_from_its_source(value: Any) -> None:
    text = source(value, 1)
    assert ast.literal_eval(text) == value


@given(st.dictionaries(st.text(alphabet="abc _-", max_size=20), st.text(alphabet="ab {}\"'\\\n", max_size=400),
                       max_size=4))
def test_lines_stay_within_the_width_plus_indentation(value: dict[str, str]) -> None:
    for line in source(value, 2).splitlines():
        stripped = line.lstrip()
        assert len(stripped) <= 100 + 24 or " " not in stripped, line  # escapes can make one piece a little longer


def test_strings_choose_the_quote_that_needs_no_escape() -> None:
    assert string('up{job="x"}') == "'up{job=\"x\"}'"
    assert string("it's") == '"it\'s"'
    assert ast.literal_eval(string('both \' and "')) == 'both \' and "'


@given(st.text(alphabet="ab{}$ &?'\"", max_size=300))
def test_f_strings_split_between_tokens(text: str) -> None:
    body = text.replace("{", "{{").replace("}", "}}") + "{x}"
    printed = source([FString(body)], 1)
    assert eval(compile(printed, "<test>", "eval"), {"x": "X"}) == [text + "X"]


def test_calls_break_one_argument_per_line() -> None:
    call = Call("stat", ("Title", "A description " * 8), (("unit", "s"), ("thresholds", (("green", None),))))
    assert source(call) == (
        'stat(\n'
        '    "Title",\n'
        '    "A description A description A description A description A description A "\n'
        '    "description A description A description ",\n'
        '    unit="s",\n'
        '    thresholds=(("green", None),),\n'
        ')'
    )
    assert source(Call("f", (Code("ctx"),))) == "f(ctx)"
