"""The pinned image set and what graf knows about other versions.

Supported releases as of November 2026 (why each one, and its support end: README, "Versions").
graf renders each store's config for the release line it runs: Tempo 2.x and Tempo 3.x differ
(Tempo 3.0 replaced the ingester and compactor with the live-store and backend worker), so an
override is checked here and `tempo_major` picks the layout.
"""

from __future__ import annotations

import re

PINNED: dict[str, str] = {
    "grafana": "grafana/grafana:12.4.10",
    "prometheus": "prom/prometheus:v3.13.2",
    "loki": "grafana/loki:3.7.6",
    "tempo": "grafana/tempo:2.10.8",
    "node_exporter": "prom/node-exporter:v1.12.1",
}
# Newer releases whose configuration graf renders too, for `graf stack upgrade-check`.
NEWER: dict[str, str] = {
    "tempo": "grafana/tempo:3.0.3",
}
# The agent configs are written for this Alloy line (installed from Grafana's package repository).
ALLOY_VERSION = "v1.18"

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
    if service == "tempo" and ver is not None and not 2 <= ver[0] <= 3:
        return f"{image!r}: graf renders Tempo 2.x and 3.x configs (pinned {PINNED['tempo']})"
    if service == "loki" and ver is not None and ver[0] != 3:
        return f"{image!r}: graf's loki config is for Loki 3.x (pinned {PINNED['loki']})"
    if service == "prometheus" and ver is not None and ver[0] < 3:
        return f"{image!r}: the compose flags are for Prometheus 3.x (pinned {PINNED['prometheus']})"
    return None


def tempo_major(image: str) -> int:
    """The Tempo config layout an image needs: 3 from Tempo 3.0, else 2 (also for a digest: the pinned line)."""
    ver = version(image)
    return 3 if ver is not None and ver[0] >= 3 else 2


def tempo_healthcheck(image: str, url: str) -> list[str] | None:
    """Tempo 2.7 images are Alpine (wget via a shell); 2.8-2.10 are distroless with busybox in /busybox;
    3.0 is distroless without any shell or wget: no in-container check (None)."""
    ver = version(image)
    if tempo_major(image) >= 3:
        return None
    if ver is None or ver >= (2, 8, 0):  # a digest: the pinned 2.10 image
        return ["CMD", "/busybox/wget", "-q", "--spider", url]
    return ["CMD-SHELL", f"wget -q --spider {url} || exit 1"]
