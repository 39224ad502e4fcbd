"""A stand-in for the Spring Boot app's metrics endpoint, for real-Prometheus tests.

It serves the real Spring Boot 3.5 capture from ../shared/reference (JVM, GC, process metrics)
plus an `http_server_requests_seconds` histogram that grows by 100 requests per scrape:
95 to `/api/orders` (90 under 0.1 s, 3 more under 0.5 s, 2 more under 1 s), 5 of them 500s under
0.1 s; and 50 failing scrapes of `/prometheus-provider` that the HTTP rules must leave out.
So the 5xx ratio is 5%, and p99 is 0.75 s by histogram_quantile's interpolation.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

from tests.reference import reference_path
from tests.serve import serving

CAPTURE = "exposition/spring-boot-3.5-webflux-actuator-prometheus.txt"
EXPECTED_5XX_RATIO = 0.05
EXPECTED_P99 = 0.75

# (uri, status, outcome, {le: requests at or under it per scrape})
_REQUESTS = (
    ("/api/orders", "200", "SUCCESS", {"0.1": 90, "0.5": 93, "1.0": 95, "+Inf": 95}),
    ("/api/orders", "500", "SERVER_ERROR", {"0.1": 5, "0.5": 5, "1.0": 5, "+Inf": 5}),
    ("/prometheus-provider", "500", "SERVER_ERROR", {"0.1": 50, "0.5": 50, "1.0": 50, "+Inf": 50}),
)


def http_histogram(scrapes: int) -> str:
    lines = ["# HELP http_server_requests_seconds", "# TYPE http_server_requests_seconds histogram"]
    for uri, status, outcome, buckets in _REQUESTS:
        labels = f'exception="none",method="GET",outcome="{outcome}",status="{status}",uri="{uri}"'
        for le, count in buckets.items():
            lines.append(f'http_server_requests_seconds_bucket{{{labels},le="{le}"}} {count * scrapes}')
        lines.append(f"http_server_requests_seconds_count{{{labels}}} {buckets['+Inf'] * scrapes}")
        lines.append(f"http_server_requests_seconds_sum{{{labels}}} {0.05 * buckets['+Inf'] * scrapes}")
    return "\n".join(lines) + "\n"


@contextmanager
def fake_app() -> Iterator[str]:
    """Serve the metrics on 127.0.0.1 (any path); yields `host:port`."""
    capture = reference_path(CAPTURE).read_text(encoding="utf-8").rstrip("\n") + "\n"
    scrapes = [0]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                scrapes[0] += 1
                body = (capture + http_histogram(scrapes[0])).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(Handler) as address:
        yield address
