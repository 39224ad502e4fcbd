"""The one way tests read `../shared/reference/` (real dashboards, schemas, a Spring Boot scrape).

Nothing there is copied into the project. A user's clone has no `../shared`: tests that need it
skip with the reason; CI always has it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

REFERENCE = Path(os.environ.get("GRAF_REFERENCE", Path(__file__).resolve().parents[2] / "shared" / "reference"))


def reference_path(relative: str) -> Path:
    """Path of a reference file; skips the test when ../shared/reference is absent, fails if the file is."""
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE} (a clone without ../shared; CI has it)")
    path = REFERENCE / relative
    if not path.exists():
        raise FileNotFoundError(f"reference file missing: {path}")
    return path


def reference_json(relative: str) -> Any:
    return json.loads(reference_path(relative).read_text(encoding="utf-8"))


def reference_dashboards() -> list[str]:
    """Names of the real community dashboards in reference/dashboards/."""
    folder = reference_path("dashboards")
    return sorted(p.name for p in folder.glob("*.json"))
