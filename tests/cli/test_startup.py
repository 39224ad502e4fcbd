"""`graf --help` stays fast: the CLI module loads none of the heavy libraries; every command has help."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from graf.cli import COMMANDS, cli

HEAVY = ("yaml", "jsonschema", "grafanalib", "grafana_client", "niquests", "promql_parser", "attr")


def test_importing_cli_loads_no_heavy_module() -> None:
    code = ("import sys, json, graf.cli; "
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    loaded = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    assert loaded == []


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("graf ")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output


def test_shell_completion_is_clicks() -> None:
    env = {"_GRAF_COMPLETE": "bash_source", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "graf"], env=env, capture_output=True, text=True)
    assert "complete -o nosort -F _graf_completion graf" in result.stdout


def test_help_loads_no_heavy_module() -> None:
    """`graf --help` imports every command module for its help line: none of them may pull in a heavy one."""
    code = ("import sys, json, io, contextlib\n"
            "from graf.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n"
            "        main(['--help'])\n"
            "    except SystemExit:\n"
            "        pass\n"
            f"print(json.dumps([m for m in {(*HEAVY, 'multiprocessing', 'dataclasses')!r} if m in sys.modules]))")
    loaded = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    assert loaded == []
