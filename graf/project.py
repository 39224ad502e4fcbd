"""Loading a whole project: graf.yaml through graf.config, then the rules of the layers above it.

graf.config knows graf.yaml and the rules between its keys; rules that need what the stack knows
(pinned images, published ports, what Loki keeps) live in graf.stack.rules and are added here, so
graf.config never imports the stack. The CLI and `graf.load_project` both load through this.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graf.config import Project


def load_project(path: Path | str | None = None) -> Project:
    """graf.yaml (found from the current folder upwards when no path is given), checked by every rule."""
    from graf.config import load_project as load_config
    from graf.stack.rules import RULES

    return load_config(path, rules=RULES)
