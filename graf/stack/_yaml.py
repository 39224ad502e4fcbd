"""YAML text for rendered files: key order kept, no anchors, a header saying where it came from."""

from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any, header: str = "") -> str:
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=120)
    lines = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return lines + body


GENERATED = "Rendered by graf from graf.yaml: change graf.yaml and run graf again rather than editing this file."
