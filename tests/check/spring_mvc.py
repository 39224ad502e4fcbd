"""A synthesized `/prometheus-provider` scrape of a Spring Boot 3 MVC app on Tomcat with HikariCP.

No licensed real capture of such an app exists (reference/metrics.md §4), so this builds one
from the names and labels in metrics.md §2: Micrometer 1.13+ text format, the `application`
common tag graf's Spring settings set, `http_server_requests_seconds` as a histogram
(percentiles-histogram on), and counters that grow with every scrape.
"""

from __future__ import annotations

from collections.abc import Iterator

# Micrometer's default bucket boundaries are dozens of values; a handful is enough to be a histogram.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# (method, uri, status, outcome, exception, requests per scrape, typical seconds)
ROUTES = (
    ("GET", "/api/orders/{id}", "200", "SUCCESS", "none", 20, 0.04),
    ("POST", "/api/orders", "201", "SUCCESS", "none", 5, 0.2),
    ("GET", "/api/orders/{id}", "404", "CLIENT_ERROR", "none", 2, 0.01),
    ("POST", "/api/orders", "500", "SERVER_ERROR", "DataAccessException", 1, 1.2),
    ("GET", "/prometheus-provider", "200", "SUCCESS", "none", 1, 0.02),
)


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"


def scrape(n: int, application: str = "shop-api") -> str:
    """The exposition text at the n-th scrape (n >= 1): gauges move a little, counters grow."""
    app = {"application": application}
    lines: list[str] = []

    def family(name: str, kind: str, samples: Iterator[tuple[str, dict[str, str], float]]) -> None:
        lines.append(f"# HELP {name} synthesized")
        lines.append(f"# TYPE {name} {kind}")
        for suffix, labels, value in samples:
            lines.append(f"{name}{suffix}{_labels(**app, **labels)} {value:.10g}")

    def gauge(name: str, *values: tuple[dict[str, str], float]) -> None:
        family(name, "gauge", iter(("", labels, value) for labels, value in values))

    def counter(name: str, *values: tuple[dict[str, str], float]) -> None:
        family(name, "counter", iter(("_total", labels, value) for labels, value in values))

    def timer(name: str, labels: dict[str, str], count: float, total: float, longest: float) -> None:
        family(name, "summary", iter([("_count", labels, count), ("_sum", labels, total)]))
        gauge(f"{name}_max", (labels, longest))

    pools = [("heap", "G1 Eden Space", 50e6 + n * 1e6, -1), ("heap", "G1 Old Gen", 120e6, 512e6),
             ("heap", "G1 Survivor Space", 4e6, -1), ("nonheap", "Metaspace", 80e6, -1),
             ("nonheap", "CodeHeap 'non-nmethods'", 2e6, 5.8e6)]
    gauge("jvm_memory_used_bytes", *[({"area": a, "id": i}, used) for a, i, used, _ in pools])
    gauge("jvm_memory_committed_bytes", *[({"area": a, "id": i}, used * 1.2) for a, i, used, _ in pools])
    gauge("jvm_memory_max_bytes", *[({"area": a, "id": i}, limit) for a, i, _, limit in pools])
    gauge("jvm_memory_usage_after_gc", ({"area": "heap", "pool": "long-lived"}, 0.23))
    gauge("jvm_buffer_memory_used_bytes", ({"id": "direct"}, 8e6), ({"id": "mapped"}, 0))
    gauge("jvm_buffer_total_capacity_bytes", ({"id": "direct"}, 8e6), ({"id": "mapped"}, 0))
    gauge("jvm_info", ({"runtime": "OpenJDK Runtime Environment", "vendor": "Eclipse Adoptium",
                        "version": "21.0.5+11-LTS"}, 1))
    timer("jvm_gc_pause_seconds", {"action": "end of minor GC", "cause": "G1 Evacuation Pause",
                                   "gc": "G1 Young Generation"}, 10 + n, 0.05 + n * 0.004, 0.012)
    counter("jvm_gc_memory_allocated_bytes", ({}, 1e9 + n * 2e7))
    counter("jvm_gc_memory_promoted_bytes", ({}, 1e8 + n * 1e6))
    gauge("jvm_threads_live_threads", ({}, 42))
    gauge("jvm_threads_daemon_threads", ({}, 38))
    gauge("jvm_threads_peak_threads", ({}, 45))
    gauge("jvm_threads_states_threads", *[({"state": s}, c) for s, c in
                                          (("runnable", 12), ("blocked", 0), ("waiting", 20), ("timed-waiting", 10),
                                           ("new", 0), ("terminated", 0))])
    gauge("jvm_classes_loaded_classes", ({}, 15000))
    counter("jvm_classes_unloaded_classes", ({}, 12))
    gauge("process_cpu_usage", ({}, 0.05 + (n % 5) / 100))
    gauge("system_cpu_usage", ({}, 0.2))
    gauge("process_uptime_seconds", ({}, 3600 + n))
    gauge("process_start_time_seconds", ({}, 1.7e9))
    gauge("process_files_open_files", ({}, 120))
    gauge("process_files_max_files", ({}, 65536))
    counter("logback_events", *[({"level": lvl}, base * n) for lvl, base in
                                (("error", 1), ("warn", 3), ("info", 40), ("debug", 0), ("trace", 0))])
    pool = {"pool": "HikariPool-1"}
    for name, value in (("active", 3), ("idle", 7), ("pending", 0), ("max", 10), ("min", 10), ("", 10)):
        gauge("hikaricp_connections" + (f"_{name}" if name else ""), (pool, value))
    counter("hikaricp_connections_timeout", (pool, n // 10))
    timer("hikaricp_connections_acquire_seconds", pool, 100 * n, 0.002 * n, 0.004)
    connector = {"name": "http-nio-8080"}
    gauge("tomcat_threads_busy_threads", (connector, 4))
    gauge("tomcat_threads_current_threads", (connector, 10))
    gauge("tomcat_threads_config_max_threads", (connector, 200))
    gauge("tomcat_sessions_active_current_sessions", ({}, 3))
    counter("tomcat_sessions_created_sessions", ({}, 5 * n))
    counter("tomcat_sessions_rejected_sessions", ({}, 0))
    lines.extend(_http_histogram(n, app))
    return "\n".join(lines) + "\n"


def _http_histogram(n: int, app: dict[str, str]) -> list[str]:
    name = "http_server_requests_seconds"
    out = [f"# HELP {name} synthesized", f"# TYPE {name} histogram"]
    maxes = [f"# HELP {name}_max synthesized", f"# TYPE {name}_max gauge"]
    for method, uri, status, outcome, exception, per_scrape, typical in ROUTES:
        labels = {**app, "error": "none", "exception": exception, "method": method, "outcome": outcome,
                  "status": status, "uri": uri}
        count = per_scrape * n
        for le in BUCKETS:
            share = 0.1 if le < typical / 2 else 0.5 if le < typical else 0.95 if le < typical * 2 else 1.0
            out.append(f"{name}_bucket{_labels(**labels, le=str(le))} {int(count * share)}")
        out.append(f'{name}_bucket{_labels(**labels, le="+Inf")} {count}')
        out.append(f"{name}_count{_labels(**labels)} {count}")
        out.append(f"{name}_sum{_labels(**labels)} {count * typical:.10g}")
        maxes.append(f"{name}_max{_labels(**labels)} {typical * 3:.10g}")
    return out + maxes
