"""Durations and sizes as graf.yaml and Prometheus write them."""

from __future__ import annotations

import re

_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_DURATION_PART = re.compile(r"([0-9]+)(ms|s|m|h|d|w|y)")


def parse_duration(text: str) -> float:
    """Seconds in a Prometheus-style duration (`15s`, `1h30m`, `7d`); ValueError when it does not parse."""
    if not text or _DURATION_PART.sub("", text) != "":
        raise ValueError(f"not a duration: {text!r} (expected e.g. 30s, 5m, 1h30m, 7d)")
    return sum(int(n) * _DURATION_UNITS[u] for n, u in _DURATION_PART.findall(text))


_SIZE_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4,
               "KIB": 1024, "MIB": 1024**2, "GIB": 1024**3, "TIB": 1024**4}
_SIZE = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)")


def parse_size(text: str) -> int:
    """Bytes in a size like `2GB`, `512MB`, `1.5GiB` (powers of 2, as Prometheus reads them); ValueError otherwise."""
    match = _SIZE.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match or match.group(2).upper() not in _SIZE_UNITS:
        raise ValueError(f"not a size: {text!r} (expected e.g. 512MB, 2GB)")
    size = int(float(match.group(1)) * _SIZE_UNITS[match.group(2).upper()])
    if size <= 0:
        raise ValueError(f"not a size: {text!r} (must be more than 0)")
    return size
