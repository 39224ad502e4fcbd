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


# (unit, milliseconds, only when it divides the whole remainder): years and weeks are only used
# when exact, as Prometheus prints 90d rather than 12w6d.
_PROM_UNITS = (("y", 31536000000, True), ("w", 604800000, True), ("d", 86400000, False), ("h", 3600000, False),
               ("m", 60000, False), ("s", 1000, False), ("ms", 1, False))


def prom_duration(text: str) -> str:
    """`text` the way Prometheus' `model.Duration.String` (and so Grafana) writes it: `300s` -> `5m`,
    `14d` -> `2w`, `0ms` -> `0s`; ValueError when it does not parse."""
    ms = round(parse_duration(text) * 1000)
    if ms == 0:
        return "0s"
    out = ""
    for unit, size, exact in _PROM_UNITS:
        if exact and ms % size:
            continue
        count, ms = divmod(ms, size)
        if count:
            out += f"{count}{unit}"
    return out


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
