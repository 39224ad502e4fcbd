"""Shell completion of environment names, hosts and kinds from graf.yaml (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "graf.yaml"


def complete(words: str, cwd: Path) -> list[str]:
    """What bash completion offers for `words` (the last word is being completed), as click computes it."""
    env = {**os.environ, "_GRAF_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split(" ")) - 1)}
    env.pop("GRAF_CONFIG", None)
    proc = subprocess.run([sys.executable, "-c", "from graf.cli import main; main()"], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return [line.split(",", 1)[1] for line in proc.stdout.splitlines() if "," in line]


def test_environment_names_complete_from_graf_yaml() -> None:
    assert complete("graf plan --env ", EXAMPLE.parent) == ["dev", "prod"]
    assert complete("graf sync --env pr", EXAMPLE.parent) == ["prod"]


def test_hosts_complete_for_the_chosen_environment() -> None:
    assert complete("graf stack agent --env prod --host ", EXAMPLE.parent) == ["prod-app-1", "prod-app-2"]


def test_kinds_complete() -> None:
    assert "alert-rule" in complete("graf plan --only a", EXAMPLE.parent)


@pytest.mark.parametrize("content", [b"\x00\xff not yaml", b"environments: [1, 2]", b"{"])
def test_a_broken_graf_yaml_completes_nothing_and_never_fails(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "graf.yaml").write_bytes(content)
    assert complete("graf plan --env ", tmp_path) == []
