"""graf.yaml that is broken or hostile (issue 12): through the CLI, exit 2 with one bounded line naming
the file, no traceback, no secret; and graf stays within limits of time and memory while reading it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from graf import load_project
from graf.config.yamlfile import MAX_BYTES, MAX_DEPTH, MAX_VALUES
from graf.errors import ConfigError
from graf.wording import LINE_LIMIT, VALUE_LIMIT, clip
from tests.conftest import EXAMPLE

ERROR_LINE = len("error: ") + LINE_LIMIT
TOKEN = "glsa_Zk3xQ9wV7mN2pL5rT8yB4cF6hJ1dS0aE_4f2b9c1d"


def _example() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def _alias_bomb(levels: int = 9, width: int = 9, use: str = "timeout") -> str:
    """The 'billion laughs': each level a list of `width` aliases to the level below (9^9 values from ~600 bytes)."""
    lines = ["name: shop", "a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    lines.append(f"environments: {{dev: {{grafana: {{url: 'http://127.0.0.1:1', {use}: *a{levels - 1}}}}}}}")
    return "\n".join(lines) + "\n"


def _graf(tmp_path: Path, content: str | bytes) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "graf.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "graf", "stack", "render", "--out", str(tmp_path / "out")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr[-2000:]
    assert len(lines[0]) <= ERROR_LINE
    assert lines[0].startswith("error: ")
    assert result.stdout == ""
    return lines[0]


CASES = [
    ("binary", bytes(range(256)) * 8, "graf.yaml: is UTF-16 or binary, not UTF-8 text"),
    ("UTF-16 with a byte-order mark", EXAMPLE.read_text(encoding="utf-8").encode("utf-16"),
     "graf.yaml: is UTF-16 or binary, not UTF-8 text"),
    ("UTF-16 without a byte-order mark", EXAMPLE.read_text(encoding="utf-8").encode("utf-16-le"),
     "graf.yaml: is UTF-16 or binary, not UTF-8 text"),
    ("Latin-1", "name: caf\xe9\n".encode("latin-1"), "graf.yaml:1: not UTF-8 text (byte 0xe9)"),
    ("10,000 nested lists", "name: shop\nx: " + "[" * 10_000 + "]" * 10_000 + "\n",
     f"graf.yaml:2:{4 + MAX_DEPTH - 1}: nested deeper than {MAX_DEPTH} levels"),
    ("10,000 nested mappings", "name: shop\nx: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
     f"graf.yaml:2:{5 + 4 * (MAX_DEPTH - 2)}: nested deeper than {MAX_DEPTH} levels"),
    ("700 nested blocks", "name: shop\n" + "".join("  " * i + "k:\n" for i in range(700)),
     f"graf.yaml:{MAX_DEPTH + 1}:"),
    ("too many values", "name: shop\nx: [" + "1," * MAX_VALUES + "]\n",
     f"graf.yaml:2:{5 + 2 * (MAX_VALUES - 5)}: holds more than {MAX_VALUES:,} values"),  # 5 nodes before
    ("alias bomb", _alias_bomb(), f"graf.yaml: a5: expands to more than {MAX_VALUES:,} values"),
    ("alias to itself", "name: shop\nenvironments: &e {dev: *e}\n",
     "graf.yaml: environments.dev: the alias on line 2 refers to the value it is inside of"),
    ("larger than the limit", "name: shop\nx: '" + "a" * MAX_BYTES + "'\n", "graf.yaml: larger than 1024 KiB"),
    ("an integer of 6,000 digits", "name: shop\nx: " + "9" * 6000 + "\n", "graf.yaml:2:4: cannot read this value"),
    ("a date that is not one", "name: 2026-13-45\n", "graf.yaml:1:7: cannot read this value: month must be in 1..12"),
    ("a key that is not a string", "name: shop\n[a, b]: 1\n", "graf.yaml: key a list or mapping on line 2"),
]


@pytest.mark.parametrize(("content", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_file_is_one_bounded_line_and_exit_2(tmp_path: Path, content: str | bytes, expected: str) -> None:
    line = _one_error_line(_graf(tmp_path, content))
    assert line.startswith(f"error: {expected}") or line.startswith(f"error: {tmp_path / expected}"), line
    assert not (tmp_path / "out").exists()


def test_duplicate_key_names_the_key_path_and_both_lines(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    first = text.splitlines().index("    label: prod") + 1
    text = text.replace("    label: prod\n", "    label: prod\n    trace_sampling: 0.5\n    label: live\n")
    line = _one_error_line(_graf(tmp_path, text))
    assert line == f"error: graf.yaml: environments.prod.label: duplicate key on line {first + 2} " \
                   f"(first on line {first})"


def test_merge_keys_may_override_what_they_merge(tmp_path: Path) -> None:
    """`<<: *base` then a key of the base is YAML's override, not a duplicate."""
    path = tmp_path / "graf.yaml"
    path.write_text("name: shop\nbase: &g {url: 'http://127.0.0.1:1', timeout: 5}\n".replace("base", "x-base")
                    + "environments:\n  dev:\n    grafana: {<<: *g, timeout: 9}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'x-base'"):
        load_project(path)  # the merge and the override are read; the only problem is the extra key
    path.write_text("name: shop\nenvironments:\n  dev:\n    grafana: &g {url: 'http://127.0.0.1:1', timeout: 5}\n"
                    "  prod:\n    grafana: {<<: *g, timeout: 9}\n", encoding="utf-8")
    assert load_project(path).environment("prod").grafana.timeout == 9


@pytest.mark.parametrize("value", [TOKEN, 12345, [TOKEN], {"value": TOKEN}, f"${{{TOKEN}"])
def test_a_secret_written_in_graf_yaml_is_never_printed(tmp_path: Path, value: object) -> None:
    data = _example()
    data["environments"]["dev"]["grafana"]["token"] = value
    line = _one_error_line(_graf(tmp_path, yaml.safe_dump(data)))
    assert line.startswith("error: graf.yaml: environments.dev.grafana.token: ")
    assert TOKEN not in line and "12345" not in line and "glsa" not in line


def test_a_url_password_is_never_printed(tmp_path: Path) -> None:
    data = _example()
    data["environments"]["dev"]["grafana"]["url"] = "ftp://admin:hunter2secret@10.0.0.10:3000"
    line = _one_error_line(_graf(tmp_path, yaml.safe_dump(data)))
    assert "hunter2secret" not in line and "ftp://admin:***@" in line


def test_a_huge_value_is_quoted_clipped(tmp_path: Path) -> None:
    """The bug the limit came from: an error quoting an expanded value printed a 58 MB line."""
    data = _example()
    data["stack"]["profile"] = "x" * 200_000
    line = _one_error_line(_graf(tmp_path, yaml.safe_dump(data)))
    assert line.startswith("error: graf.yaml: stack.profile: expected one of small, medium, large, got 'xxx")
    assert len(line) < 200


def test_an_expanded_alias_in_a_message_is_clipped(tmp_path: Path) -> None:
    """An alias bomb small enough to read: the error that quotes it stays one short line."""
    line = _one_error_line(_graf(tmp_path, _alias_bomb(levels=4, width=9, use="user")))
    assert line.startswith("error: graf.yaml: environments.dev.grafana.user: expected a string, got a list")


def test_misspelt_key_beside_a_missing_required_one_says_which(tmp_path: Path) -> None:
    """`grafan:` for `grafana:` (issue 13): the unknown key and its correction, not only 'missing required key'."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '  prod:\n    label: prod\n    grafana:', '  prod:\n    label: prod\n    grafan:')
    line = _one_error_line(_graf(tmp_path, text))
    assert line == "error: graf.yaml: environments.prod: unknown key 'grafan', did you mean 'grafana'?"
    assert f"    {line}\n" in (EXAMPLE.parent / "README.md").read_text(encoding="utf-8")  # as the README shows it


def test_a_missing_required_key_without_a_near_miss_is_still_named(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '  prod:\n    label: prod\n    grafana:', '  prod:\n    label: prod\n    monitoring:')
    line = _one_error_line(_graf(tmp_path, text))
    assert line == "error: graf.yaml: environments.prod: missing required key 'grafana'"


def test_clip_keeps_a_line_whole_up_to_the_limit_and_says_what_it_cut() -> None:
    assert clip("a" * LINE_LIMIT) == "a" * LINE_LIMIT
    clipped = clip("a" * 10_000)
    assert len(clipped) <= LINE_LIMIT and clipped.endswith("more)") and "\n" not in clip("a\nb")
    assert len(clip("b" * 500, VALUE_LIMIT)) <= VALUE_LIMIT


def test_readme_states_the_limits_graf_applies() -> None:
    readme = (EXAMPLE.parent / "README.md").read_text(encoding="utf-8")
    for words in (f"at most {MAX_BYTES // 1024 // 1024} MiB", f"nest at most {MAX_DEPTH} levels",
                  f"at most {MAX_VALUES:,} values", f"at most {LINE_LIMIT} characters"):
        assert words in readme, words


def test_a_config_that_is_not_a_file_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "graf", "--config", "/dev/zero", "stack", "render", "--out",
                             str(tmp_path / "out")], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert _one_error_line(result) == "error: /dev/zero: larger than 1024 KiB: not a graf.yaml"
    with pytest.raises(ConfigError, match="cannot read: Is a directory"):
        load_project(tmp_path)  # the CLI's --config refuses a folder itself


@pytest.mark.parametrize(("url", "reason"), [("http://10.0.0.10:99999", "(Port out of range 0-65535)"),
                                             ("http://10.0.0.10:3000:3000", "(Port could not be cast")])
def test_a_url_that_does_not_parse_is_one_line_naming_its_key(tmp_path: Path, url: str, reason: str) -> None:
    """Found by the fuzz test: a grafana.url with a bad port passed the schema's `^https?://` and was a
    traceback in `graf stack render`; every URL of graf.yaml is now checked when it loads."""
    text = EXAMPLE.read_text(encoding="utf-8").replace('"http://10.0.0.10:3000"', f'"{url}"', 1)
    line = _one_error_line(_graf(tmp_path, text))
    assert line.startswith(f"error: graf.yaml: environments.dev.grafana.url: not a valid URL: '{url}' {reason}")
