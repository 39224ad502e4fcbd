"""The catalogue of codes: stable, documented in the README, and every code is one a rule can emit."""

from __future__ import annotations

import re
from pathlib import Path

from graf.validate import CODES
from graf.validate.rules import RULES
from graf.validate.rules.v2 import RULES as V2_RULES

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `(G\d{3})` \| ([a-z-]+) \| (error|warning)[^|]*\| (.+) \|$", re.M)


def test_readme_table_lists_every_code_with_its_name_and_severity() -> None:
    rows = {code: (name, severity) for code, name, severity, _ in ROW.findall(README.read_text(encoding="utf-8"))}
    assert rows == {c.code: (c.name, c.severity) for c in CODES.values()}


def test_codes_are_well_formed_and_names_unique() -> None:
    assert all(re.fullmatch(r"G\d{3}", code) and code == c.code for code, c in CODES.items())
    assert len({c.name for c in CODES.values()}) == len(CODES)


def test_every_lint_code_appears_in_the_rule_sources() -> None:
    """A code no rule emits is a check that cannot fail."""
    sources = "".join(Path(__import__(rule.__module__, fromlist=["x"]).__file__).read_text()  # type: ignore[arg-type]
                      for rule in (*RULES, *V2_RULES))
    emitted_elsewhere = {"G002": "graf/validate/load.py", "G003": "graf/validate/__init__.py"}
    for code in CODES:
        if code in emitted_elsewhere:
            assert f'"{code}"' in (README.parent / emitted_elsewhere[code]).read_text()
        else:
            assert f'"{code}"' in sources, f"no rule emits {code}"


def test_every_code_has_a_test_that_asserts_it() -> None:
    tests = "".join(p.read_text() for p in Path(__file__).parent.glob("test_*.py") if p.name != "test_codes.py")
    assert [code for code in CODES if not re.search(rf"[\"\s]{code}[\"\s]", tests)] == []
