"""The pinned image set and what graf knows about later versions.

A coherent set from the Loki 3.4 era (the stack research, section 0: the versions
grafana/docker-otel-lgtm shipped together in April 2025, with Loki at its last 3.4 patch).
Later majors change what the rendered configs rely on, so an override is checked here.
"""

from __future__ import annotations

import re

PINNED: dict[str, str] = {
    "grafana": "grafana/grafana:11.6.0",
    "prometheus": "prom/prometheus:v3.2.1",
    "loki": "grafana/loki:3.4.6",
    "tempo": "grafana/tempo:2.7.2",
    "node_exporter": "prom/node-exporter:v1.9.1",
}
# The agent configs are written for this Alloy line (auto GOMEMLIMIT since v1.1, Promtail EOL 2026-03-02).
ALLOY_VERSION = "v1.8"

_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")


def tag(image: str) -> str | None:
    """The tag of an image reference (`None` when it has none); a digest counts as a tag."""
    if "@" in image:
        return image.split("@", 1)[1]
    name = image.rsplit("/", 1)[-1]
    return name.split(":", 1)[1] if ":" in name else None


def version(image: str) -> tuple[int, int, int] | None:
    """(major, minor, patch) from the tag, when the tag starts with a version."""
    found = tag(image)
    match = _VERSION.match(found) if found else None
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


def problem(service: str, image: str) -> str | None:
    """Why `image` cannot stand in for `service`'s pinned image, or None when it can."""
    found = tag(image)
    if found is None or found == "latest":
        return f"{image!r} is not pinned: add a version tag or an @sha256 digest (latest changes under you)"
    ver = version(image)
    if service == "tempo" and ver is not None and ver[0] >= 3:
        return (f"{image!r}: Tempo 3 replaced ingesters and the compactor; graf's tempo.yaml is for Tempo 2.x "
                f"(pinned {PINNED['tempo']})")
    if service == "loki" and ver is not None and ver[0] != 3:
        return f"{image!r}: graf's loki config is for Loki 3.x (pinned {PINNED['loki']})"
    if service == "prometheus" and ver is not None and ver[0] < 3:
        return f"{image!r}: the compose flags are for Prometheus 3.x (pinned {PINNED['prometheus']})"
    return None


def tempo_healthcheck(image: str, url: str) -> list[str]:
    """Tempo 2.7 images are Alpine (wget via a shell); 2.8+ are distroless with busybox in /busybox."""
    ver = version(image)
    if ver is not None and ver >= (2, 8, 0):
        return ["CMD", "/busybox/wget", "-q", "--spider", url]
    return ["CMD-SHELL", f"wget -q --spider {url} || exit 1"]
