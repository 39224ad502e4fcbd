"""YAML text for rendered files: key order kept, no anchors, a header saying where it came from.

PyYAML is imported at the first dump, not with this module: graf.datasources reads constants of the stack
modules, and a sync or plan that renders no file would otherwise pay its import (~25 ms) for nothing."""

from __future__ import annotations

from functools import cache
from typing import Any


def dump(data: Any, header: str = "") -> str:
    import yaml

    body = yaml.dump(data, Dumper=_dumper(), sort_keys=False, default_flow_style=False, allow_unicode=True, width=120)
    lines = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return lines + body


@cache
def _dumper() -> type:
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return Dumper


GENERATED = "Rendered by graf from graf.yaml: change graf.yaml and run graf again rather than editing this file."
