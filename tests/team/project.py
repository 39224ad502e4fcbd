"""A project in a temp folder whose graf.yaml lists team dashboard modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.conftest import EXAMPLE


def team_project(root: Path, files: dict[str, str], modules: list[str], *, builtin: bool = True) -> Path:
    """The example graf.yaml in `root` with `files` written beside it and `modules` as dashboards.modules.

    `builtin=False` leaves out the built-in dashboards and the alerting section, for fast builds.
    """
    config: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    config["dashboards"]["modules"] = modules
    if not builtin:
        config["dashboards"]["builtin"] = []
        config.pop("alerts")
        for env in config["environments"].values():
            env.pop("alerts", None)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    path = root / "graf.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path

