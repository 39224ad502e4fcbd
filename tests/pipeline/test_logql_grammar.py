"""Every LogQL expression graf renders parses with Grafana's own LogQL grammar, `@grafana/lezer-logql`.

The package is installed with npm (once, into a cache directory outside the project:
$GRAF_NPM_CACHE, default ~/.cache/graf/npm) and run under node; without npm or node, or when the
registry cannot be reached, the test is skipped with the reason. A tree with an error node is a
query Grafana's editor and Loki's syntax highlighting would mark as broken.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from graf.config import load_project
from tests.conftest import EXAMPLE
from tests.pipeline.logql import logql

PACKAGE = "@grafana/lezer-logql"
VERSION = "0.3.0"
PARSE = """
const { parser } = require(process.argv[1]);
const exprs = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(exprs.map((expr) => {
  let at = null;
  parser.parse(expr).iterate({ enter: (node) => { if (at === null && node.type.isError) at = node.from; } });
  return at;
})));
"""


@pytest.fixture(scope="module")
def lezer_logql() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node/npm not installed: Grafana's LogQL grammar (@grafana/lezer-logql) cannot run")
    prefix = Path(os.environ.get("GRAF_NPM_CACHE", Path.home() / ".cache" / "graf" / "npm")) / f"lezer-logql-{VERSION}"
    module = prefix / "node_modules" / PACKAGE
    if not (module / "package.json").is_file():
        prefix.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--silent",
                            f"{PACKAGE}@{VERSION}"], capture_output=True, text=True, timeout=300, check=True)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"npm install {PACKAGE}@{VERSION} failed (registry unreachable?): {exc}")
    assert json.loads((module / "package.json").read_text(encoding="utf-8"))["version"] == VERSION
    return module


def error_offsets(module: Path, exprs: list[str]) -> list[int | None]:
    """Per expression: the offset of the first error node of its parse tree, or None."""
    done = subprocess.run([shutil.which("node") or "node", "-e", PARSE, str(module)], input=json.dumps(exprs),
                          capture_output=True, text=True, timeout=60, check=True)
    return list(json.loads(done.stdout))


def test_the_grammar_tells_broken_logql_from_valid(lezer_logql: Path) -> None:
    assert error_offsets(lezer_logql, ['{job="a"} |= "x"', '{job="a" | ', 'sum by (level) (rate({a="b"}[5m]'
                                        ')) * 60', "rate({a=\"b\"}[5m] ) )"]) == [None, 9, None, 19]


def test_every_rendered_logql_parses(lezer_logql: Path) -> None:
    queries = [q for q in logql(load_project(EXAMPLE)) if q.expr]
    assert len(queries) >= 10  # panels, variables' selectors, the log_errors rule, in dev and prod
    offsets = error_offsets(lezer_logql, [q.expr for q in queries])
    broken = {q.where: f"error at {at}: {q.expr}" for q, at in zip(queries, offsets, strict=True) if at is not None}
    assert broken == {}
