"""A scrape target for tests: any exposition text at a path, on a free 127.0.0.1 port."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler

from tests.serve import serving


@contextlib.contextmanager
def exposition_server(path: str, body: Callable[[int], str]) -> Iterator[str]:
    """Serve `body(n)` (n = 1, 2, ... per scrape) at `path` on a free 127.0.0.1 port; yields host:port."""
    scrapes = iter(range(1, 1_000_000))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != path:
                self.send_error(404)
                return
            with lock:
                n = next(scrapes)
            data = body(n).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as address:
        yield address
