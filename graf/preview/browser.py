"""Headless chromium: a PNG of a page, or its DOM after its scripts ran (the edge of the preview).

Pages are opened from files with networking pointed at nowhere, so nothing is ever fetched.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from graf.errors import GrafError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
TIMEOUT = 180.0


def find_browser() -> str | None:
    """The headless browser to use: $GRAF_CHROMIUM, else the first chromium-like one on PATH."""
    chosen = os.environ.get("GRAF_CHROMIUM")
    if chosen:
        return shutil.which(chosen) or (chosen if Path(chosen).is_file() else None)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(page: Path, png: Path, *, width: int, height: int, browser: str | None = None) -> None:
    """Write a `width`×`height` px PNG of the page file."""
    _run(browser, [f"--window-size={width},{height}", f"--screenshot={png.resolve()}"], page)
    if not png.is_file():
        raise GrafError(str(png), "the browser wrote no screenshot")


def dump_dom(page: Path, *, width: int = 1280, height: int = 1024, browser: str | None = None) -> str:
    """The page's DOM as HTML after its scripts ran."""
    return _run(browser, [f"--window-size={width},{height}", "--dump-dom"], page)


def _run(browser: str | None, args: list[str], page: Path) -> str:
    binary = browser or find_browser()
    if binary is None:
        raise GrafError("--png", "no headless browser found (chromium)",
                        "install chromium (apt-get install chromium) or set GRAF_CHROMIUM")
    with tempfile.TemporaryDirectory(prefix="graf-chromium-") as profile:
        command = [binary, "--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                   "--no-default-browser-check", "--mute-audio", "--disable-dev-shm-usage",
                   "--proxy-server=127.0.0.1:9",
                   "--proxy-bypass-list=<-loopback>", f"--user-data-dir={profile}",
                   "--force-device-scale-factor=1", *(["--no-sandbox"] if _is_root() else []),
                   *args, page.resolve().as_uri()]
        try:
            # its own process group: on a timeout the renderer and GPU children go too
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, start_new_session=True)
        except OSError as exc:
            raise GrafError(binary, f"cannot run the browser: {exc.strerror or exc}") from None
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise GrafError(binary, f"the browser did not finish within {TIMEOUT:.0f}s") from None
    if process.returncode != 0:
        last = (stderr.strip().splitlines() or ["no message"])[-1]
        raise GrafError(binary, f"the browser failed (exit {process.returncode}): {last[:300]}")
    return stdout


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
