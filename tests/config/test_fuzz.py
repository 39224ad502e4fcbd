"""Fuzzing graf.yaml through the CLI (issue 12): whatever the file holds, `graf stack render` exits 0,
or prints one bounded line and exits 1 or 2; it never shows a traceback.

Three sources: random bytes, random YAML documents, and the example graf.yaml mutated (a value
replaced, a key dropped or added, characters of the text changed). Run in-process through
`graf.cli.main`, so an exception that escapes it fails the test with its traceback.
"""

from __future__ import annotations

import io
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graf.cli import main
from graf.wording import LINE_LIMIT
from tests.conftest import EXAMPLE

EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
EXAMPLE_DATA = yaml.safe_load(EXAMPLE_TEXT)

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**20), st.floats(allow_nan=True),
                    st.text(max_size=30), st.sampled_from(["${GRAFANA_TOKEN}", "15s", "0s", "2GB", "small", "0.0.0.0",
                                                           "http://127.0.0.1:1", "prod", "shop-api", "", "*"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                      max_leaves=12)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _run(content: bytes) -> int:
    """The invariant, for one file; the exit code."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "graf.yaml"
        path.write_bytes(content)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main(["--config", str(path), "stack", "render", "--out", str(Path(folder) / "out")])
            except SystemExit as exit_:
                code = exit_.code
            else:
                raise AssertionError("main() returned without exiting")
    if code == 0:
        return 0
    lines = err.getvalue().splitlines()
    assert code in (1, 2), (code, err.getvalue()[-2000:])
    assert len(lines) == 1, err.getvalue()[-2000:]
    assert lines[0].startswith("error: ") and len(lines[0]) <= len("error: ") + LINE_LIMIT
    assert "Traceback" not in err.getvalue()
    return code


def _paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in `data`, the root included."""
    found = [here]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*here, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*here, i))
    return found


def _mutated(data: Any, path: tuple[Any, ...], how: str, value: Any, key: str) -> Any:
    if not path:
        return value if how == "replace" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "drop":
        del parent[last]
    elif isinstance(parent, dict):
        parent[key] = value
    else:
        parent.append(value)
    return data


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(content: bytes) -> None:
    _run(content)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab:- \n\t{}[],&*!|>'\"#%@`?<=~\\.0x\ufeff\x00é")), max_size=400))
def test_random_yaml_like_text(text: str) -> None:
    _run(text.encode("utf-8"))


@FUZZ
@given(values)
def test_random_yaml_documents(document: Any) -> None:
    _run(yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@FUZZ
@given(st.data())
def test_mutated_example_data(data: st.DataObject) -> None:
    document = yaml.safe_load(EXAMPLE_TEXT)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(document)
        path = data.draw(st.sampled_from(paths))
        how = data.draw(st.sampled_from(["replace", "drop", "add"]))
        if how == "drop" and not path:
            continue
        document = _mutated(document, path, how, data.draw(values), data.draw(st.text(max_size=12)))
    _run(yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(EXAMPLE_TEXT)), st.integers(0, 8), st.text(max_size=6)),
                min_size=1, max_size=4))
def test_mutated_example_text(edits: list[tuple[int, int, str]]) -> None:
    text = EXAMPLE_TEXT
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut:]
    _run(text.encode("utf-8", "surrogatepass"))


def test_the_example_itself_renders() -> None:
    """The fuzz baseline is a file that works, so mutations explore near a valid config."""
    assert EXAMPLE_DATA["environments"]
    assert _run(EXAMPLE_TEXT.encode("utf-8")) == 0
