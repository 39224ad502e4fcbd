"""`graf` run in this process the way a user runs it: through `main()`, with its exit code and output."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from graf.cli import main


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run_main(args: Sequence[str], capsys: pytest.CaptureFixture[str]) -> Run:
    """`graf <args>`: exit code, stdout, stderr; a traceback on stderr fails the test."""
    capsys.readouterr()
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    else:  # pragma: no cover - main always exits
        code = 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return Run(code, captured.out, captured.err)
