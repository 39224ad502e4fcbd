"""Dashboard JSON a user hands `graf validate`, `graf diff` and `dashboards.files`: hostile files give
one bounded line and a non-zero exit, never a traceback, never unbounded memory."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from graf.cli import cli, main
from graf.jsoninput import MAX_DEPTH, BadJSON, parse_json, read_json

GOOD = {"uid": "good", "title": "Good", "schemaVersion": 39, "panels": []}

HOSTILE: dict[str, tuple[bytes, str]] = {
    "deep": (b"[" * 100_000 + b"]" * 100_000, "nested deeper than 100 levels"),
    "deep-unclosed": (b'{"panels": ' + b"[" * 100_000, "nested deeper than 100 levels"),
    "long-number": (b'{"panels": [], "n": ' + b"7" * 100_000 + b"}", "a number longer than 1000 digits"),
    "nan": (b'{"panels": [], "n": NaN}', "NaN is not valid JSON"),
    "infinity": (b'{"panels": [], "n": -Infinity}', "-Infinity is not valid JSON"),
    "huge-float": (b'{"panels": [], "n": 1e999}', "the number 1e999 is too large for a float"),
    "huge-float-upper": (b'{"panels": [], "n": -2.5E+400}', "the number -2.5E+400 is too large for a float"),
    "huge-float-digits": (b'{"panels": [], "n": ' + b"9" * 400 + b'.5}', "is too large for a float"),
    "huge-float-short-exponent": (b'{"panels": [], "n": ' + b"9" * 210 + b"e99}", "is too large for a float"),
    "duplicate": (b'{"panels": [], "title": "a", "title": "b"}', "duplicate key 'title'"),
    "nested-duplicate": (b'{"panels": [{"id": 1, "id": 2}]}', "duplicate key 'id'"),
    "binary": (b"\xff\xfe\x00\x01garbage", "not UTF-8 text"),
    "truncated": (b'{"panels": [', "invalid JSON"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_loader_rejects_hostile_json_in_one_line(name: str) -> None:
    raw, expected = HOSTILE[name]
    with pytest.raises(BadJSON) as caught:
        parse_json(raw, "x.json")
    line = caught.value.one_line()
    assert expected in line and line.startswith("x.json")
    assert "\n" not in line and len(line) < 200


def test_brackets_and_digits_inside_strings_are_not_counted() -> None:
    deep_string = "[" * 500 + "{" * 500 + "9" * 5000
    data = parse_json(json.dumps({"panels": [], "expr": deep_string}).encode(), "x.json")
    assert data["expr"] == deep_string


def test_nesting_up_to_the_limit_is_read() -> None:
    raw = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert parse_json(raw, "x.json") is not None


def test_floats_just_within_range_are_read() -> None:
    """A 2-digit exponent reaches past a float only from 210 digits on (10**209 * 10**99 < 10**308)."""
    for text in (b"9" * 209 + b"e99", b"9" * 209 + b".9E+99", b"1.7976931348623157e308", b"-" + b"9" * 309 + b".0e-1"):
        value = parse_json(b"[" + text + b"]", "x.json")[0]
        assert value == float(text) and abs(value) < float("inf")


def test_size_is_capped_before_reading_the_rest(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048 + b"{}")
    with pytest.raises(BadJSON, match="larger than"):
        read_json(big, max_bytes=1024)


def test_a_file_is_read_whole_at_any_size_up_to_the_cap_and_a_pipe_too(tmp_path: Path) -> None:
    import os
    import threading

    from graf.jsoninput import read_bounded

    for size in (0, 1, 1023, 1024):
        path = tmp_path / f"{size}.json"
        path.write_bytes(b"x" * size)
        assert read_bounded(path, max_bytes=1024) == b"x" * size
    over = tmp_path / "over.json"
    over.write_bytes(b"x" * 1025)
    with pytest.raises(BadJSON, match="larger than"):
        read_bounded(over, max_bytes=1024)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # st_size 0: read on until the writer closes it
    writer = threading.Thread(target=fifo.write_bytes, args=(b"y" * 1000,))
    writer.start()
    assert read_bounded(fifo, max_bytes=1024) == b"y" * 1000
    writer.join()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_validate_gives_one_finding_per_hostile_file(name: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    raw, expected = HOSTILE[name]
    path = tmp_path / f"{name}.json"
    path.write_bytes(raw)
    code, out, err = run_main(["validate", str(path)], capsys)
    assert code == 1, out + err
    assert out.startswith(f"error: G002 {path}") and expected in out
    assert out.count("\n") == 1 and len(out) < 300
    assert err.startswith("0 resources: 1 error")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_diff_names_the_hostile_file_in_one_line(name: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    raw, expected = HOSTILE[name]
    good, bad = tmp_path / "good.json", tmp_path / f"{name}.json"
    good.write_text(json.dumps(GOOD))
    bad.write_bytes(raw)
    for args in ([str(good), str(bad)], [str(bad), str(good)]):
        code, out, err = run_main(["diff", *args], capsys)
        assert (code, out) == (1, ""), err
        assert err.count("\n") == 1 and expected in err and f"error: {bad}" in err and len(err) < 300


def test_diff_of_folders_reads_hostile_files_with_the_same_bounds(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "a.json").write_text(json.dumps(GOOD))
    (new / "a.json").write_bytes(HOSTILE["deep"][0])
    code, _, err = run_main(["diff", str(old), str(new)], capsys)
    assert code == 1 and f"error: {new / 'a.json'}: nested deeper than 100 levels" in err
    assert err.count("\n") == 1


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_within_bounded_memory(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD))
    for args in (["validate", "/dev/zero"], ["diff", str(good), "/dev/zero"]):
        proc = _graf(*args, memory_mb=600)
        assert proc.returncode == 1, proc.stderr
        assert "/dev/zero: larger than 16 MB" in proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr


def test_dashboards_files_with_hostile_json_fail_the_build_in_one_line(example_project: Path) -> None:
    folder = example_project.parent / "dashboards"
    folder.mkdir()
    (folder / "adopted.json").write_bytes(HOSTILE["duplicate"][0])
    text = example_project.read_text().replace("files: []", 'files: ["dashboards/*.json"]')
    example_project.write_text(text)
    result = CliRunner().invoke(cli, ["-c", str(example_project), "build", "--out",
                                      str(example_project.parent / "out")])
    assert result.exit_code == 1
    assert "dashboards/adopted.json: duplicate key 'title'" in str(result.exception)
    assert not (example_project.parent / "out").exists()


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """graf's entry point in this process, as a user runs it: exit code, stdout, stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def _graf(*args: str, memory_mb: int = 0) -> subprocess.CompletedProcess[str]:
    """graf in a child process (a RecursionError or MemoryError there cannot hurt the test run)."""

    def limit() -> None:
        if memory_mb:
            resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    code = textwrap.dedent("""
        import sys
        from graf.cli import main
        main(sys.argv[1:])
    """)
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                          preexec_fn=limit, check=False)
