"""Grafana template variables in query text: find them, and substitute values for them.

Grafana accepts `$name`, `${name}`, `${name:format}` and the legacy `[[name]]`; built-ins start
with `__` (`$__rate_interval`, `${__from}`). Used by lint (what a query refers to), by PromQL
parse checks and by `graf check` (queries sent to a real Prometheus).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

VARIABLE = re.compile(
    r"\$\{(?P<braced>[A-Za-z0-9_.]+)(?::(?P<format>[^}]*))?\}"
    r"|\[\[(?P<legacy>[A-Za-z0-9_.]+)(?::[^\]]*)?\]\]"
    r"|\$(?P<plain>[A-Za-z0-9_]+)"
)

# Sane stand-ins for Grafana's built-in variables when a query is checked outside Grafana.
BUILTIN_VALUES: Mapping[str, str] = {
    "__rate_interval": "1m",
    "__interval": "30s",
    "__interval_ms": "30000",
    "__range": "1h",
    "__range_s": "3600",
    "__range_ms": "3600000",
    "__auto": "30s",
    "__from": "0",
    "__to": "0",
}


def variable_names(text: str) -> set[str]:
    """Names of every variable referenced in `text` (built-ins included)."""
    return {
        (m.group("braced") or m.group("legacy") or m.group("plain")).split(".")[0]
        for m in VARIABLE.finditer(text)
    }


def substitute(text: str, values: Mapping[str, str]) -> str:
    """`text` with each known variable replaced verbatim; unknown ones are left as they are.

    A value of `$__all` (the All option) becomes `.*`, what Grafana sends for a regex matcher.
    """

    def replace(match: re.Match[str]) -> str:
        name = (match.group("braced") or match.group("legacy") or match.group("plain")).split(".")[0]
        if name in values:
            value = values[name]
        elif name in BUILTIN_VALUES:
            value = BUILTIN_VALUES[name]
        else:
            return match.group(0)
        return ".*" if value == "$__all" else value

    return VARIABLE.sub(replace, text)
