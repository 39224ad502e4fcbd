"""Which target fits the expected volumes: one box of a size profile, or the Kubernetes target.

Figures (`../shared/reference/stack.md`):
- series: section 3.2's budget rule, about 4 KB per active series plus 50 MB base, doubled for query
  headroom, against each profile's Prometheus limit (so 384M holds about 36k series);
- logs: section 2 measured Loki at 195-235 MB for 1 GB/day; the 2 GiB profile's 512M Loki is sized for
  that point (section 7.1), and each bigger profile doubles Loki's limit, so it is taken to hold twice the
  volume (linear, an extrapolation). Above about 20 GB/day Loki's docs move off monolithic mode
  (section 8), whatever the box;
- traces: section 4 measured Tempo at 150-310 MB for 10 traces/s (about 80 spans/s, 0.45 GB/day of
  blocks); the 384M Tempo of the 2 GiB profile is sized for that point, scaled like logs;
- disk: metrics 1-2 B per sample (2 taken), logs on disk at a quarter of the raw volume (3.6-6.5x
  compression measured), traces 0.45 GB/day per 80 spans/s (section 7.2).
"""

from __future__ import annotations

from dataclasses import dataclass

from graf.config import DAY, Stack
from graf.stack.kubernetes.sizing import BYTES_PER_SERIES, PROMETHEUS_BASE_MIB, prometheus_mib
from graf.stack.sizing import LOKI_COMPRESSION, MIB, PROFILES, EffectiveRetention, Profile

GB = 1024**3  # as graf.yaml reads "1GB" (stack.volume, stack.retention)
MEASURED_LOGS_GB_DAY = 1.0  # stack.md 2: Loki 195-235 MB at about 1 GB/day (12 KB/s)
MEASURED_SPANS_S = 80.0  # stack.md 4: 10 traces/s, 4-12 spans each
TRACE_BYTES_PER_DAY_AT_MEASURED = 0.45 * GB  # stack.md 4: 0.45 GB/day of blocks
MONOLITHIC_LOKI_GB_DAY = 20.0  # stack.md 8, from Loki's deployment-modes page
BYTES_PER_SAMPLE = 2  # stack.md 7.2: 1-2 B per sample
SCRAPE_SECONDS = 15


@dataclass(frozen=True)
class Expected:
    series: int
    logs_gb_day: float
    spans_per_second: float


@dataclass(frozen=True)
class Fit:
    target: str  # a profile name or "kubernetes"
    series: int
    logs_gb_day: float
    spans_per_second: float
    fits: bool
    over: tuple[str, ...]  # what does not fit


def profile_capacity(profile: Profile) -> tuple[int, float, float]:
    """(series, log GB/day, spans/s) one box of `profile` holds."""
    series = int((profile.limits_mib["prometheus"] / 2 - PROMETHEUS_BASE_MIB) * MIB // BYTES_PER_SERIES)
    scale = profile.limits_mib["loki"] / PROFILES["small"].limits_mib["loki"]
    logs = min(MEASURED_LOGS_GB_DAY * scale, MONOLITHIC_LOKI_GB_DAY)
    spans = MEASURED_SPANS_S * profile.limits_mib["tempo"] / PROFILES["small"].limits_mib["tempo"]
    return series, logs, spans


def fits(expected: Expected) -> list[Fit]:
    """Each box profile, smallest first, then Kubernetes (which always fits: it scales out)."""
    out = []
    for name, profile in PROFILES.items():
        series, logs, spans = profile_capacity(profile)
        over = tuple(what for what, need, have in (("series", expected.series, series),
                                                   ("logs", expected.logs_gb_day, logs),
                                                   ("spans", expected.spans_per_second, spans)) if need > have)
        out.append(Fit(name, series, logs, spans, not over, over))
    return out


def expected_from(stack: Stack, series: int | None, logs_gb_day: float | None,
                  spans_per_second: float | None) -> Expected:
    """Flags first, else graf.yaml's `stack.volume` (logs and trace bytes per day), else stack.md 7's scale."""
    return Expected(
        series if series is not None else 10_000,
        logs_gb_day if logs_gb_day is not None else stack.volume.logs_per_day / GB,
        spans_per_second if spans_per_second is not None
        else stack.volume.traces_per_day / TRACE_BYTES_PER_DAY_AT_MEASURED * MEASURED_SPANS_S,
    )


def choice(expected: Expected) -> str:
    return next((f.target for f in fits(expected) if f.fits), "kubernetes")


def disk_gb(expected: Expected, retention: EffectiveRetention) -> dict[str, float]:
    """Disk (box) or object storage (Kubernetes) for the retention times, in GB."""
    samples_day = expected.series / SCRAPE_SECONDS * DAY
    return {
        "metrics": samples_day * BYTES_PER_SAMPLE * retention.metrics_seconds / DAY / GB,
        "logs": expected.logs_gb_day / LOKI_COMPRESSION * retention.logs_seconds / DAY,
        "traces": (TRACE_BYTES_PER_DAY_AT_MEASURED * expected.spans_per_second / MEASURED_SPANS_S
                   * retention.traces_seconds / DAY / GB),
    }


def report_lines(expected: Expected, retention: EffectiveRetention) -> list[str]:
    lines = [f"expected: {expected.series} series, {expected.logs_gb_day:g} GB/day of logs, "
             f"{expected.spans_per_second:.0f} spans/s"]
    for fit in fits(expected):
        p = PROFILES[fit.target]
        state = "fits" if fit.fits else "too small for " + ", ".join(fit.over)
        lines.append(f"  {fit.target} box ({p.host_mib} MiB): holds {fit.series} series, {fit.logs_gb_day:g} GB/day, "
                     f"{fit.spans_per_second:g} spans/s: {state}")
    disk = disk_gb(expected, retention)
    lines.append("  storage for the retention: " + ", ".join(f"{k} {v:.1f} GB" for k, v in disk.items()))
    picked = choice(expected)
    if picked == "kubernetes":
        lines.append(f"  kubernetes: Prometheus needs {prometheus_mib(expected.series)}Mi for the series; "
                     "Loki simple-scalable and tempo-distributed scale out on object storage")
        lines.append("target: kubernetes (graf stack render --target kubernetes)")
    else:
        lines.append(f"target: the {picked} box (graf stack render --profile {picked})")
    return lines
