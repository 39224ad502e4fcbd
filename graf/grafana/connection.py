"""Where graf talks to Grafana and as whom: the URL, the credentials and the run's deadline.

Resolved once per run from `--url`/GRAFANA_URL/graf.yaml, GRAFANA_TOKEN/GRAFANA_USER/
GRAFANA_PASSWORD/graf.yaml's `${VAR}`s and GRAF_DEADLINE; nothing here sends a request
(graf.grafana.client does). A URL may carry `user:password@`: it is used as basic auth and never
shown (`display_url`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from graf.config import Environment, Secret
from graf.errors import ConfigError
from graf.urls import redact

DEFAULT_DEADLINE = 300.0  # seconds for all of a command's requests together; GRAF_DEADLINE overrides


@dataclass(frozen=True)
class Credentials:
    """How graf authenticates: a service-account token or basic auth. `repr` never shows a secret."""

    token: str | None = field(default=None, repr=False)
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    source: str = ""

    @property
    def auth(self) -> str | tuple[str, str] | None:
        if self.token:
            return self.token
        if self.user is not None and self.password is not None:
            return (self.user, self.password)
        return None


def credentials(env: Environment, environ: Mapping[str, str] | None = None) -> Credentials:
    """GRAFANA_TOKEN, then GRAFANA_USER/GRAFANA_PASSWORD (grafana-client's names), then graf.yaml's ${VAR}s."""
    environ = os.environ if environ is None else environ
    if environ.get("GRAFANA_TOKEN"):
        return Credentials(token=environ["GRAFANA_TOKEN"], source="GRAFANA_TOKEN")
    if environ.get("GRAFANA_USER") and environ.get("GRAFANA_PASSWORD"):
        return Credentials(user=environ["GRAFANA_USER"], password=environ["GRAFANA_PASSWORD"],
                           source="GRAFANA_USER/GRAFANA_PASSWORD")
    target = env.grafana
    if target.token is not None:
        return Credentials(token=target.token.resolve(environ), source=str(target.token))
    if target.user is not None:
        password = target.password.resolve(environ) if isinstance(target.password, Secret) else None
        if password is None:
            raise ConfigError(f"environments.{env.name}.grafana.password", "a user needs a password",
                              "set grafana.password: ${VAR} or GRAFANA_PASSWORD")
        return Credentials(user=target.user, password=password, source=f"grafana.user {target.user}")
    return Credentials(source="anonymous")


def grafana_url(env: Environment, url: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """`--url`, then GRAFANA_URL, then graf.yaml's `environments.<env>.grafana.url`.

    The URL may carry `user:password@` (basic auth, as grafana-client's `from_url` takes it); it is
    never shown: messages use `display_url`.
    """
    environ = os.environ if environ is None else environ
    chosen = (url or environ.get("GRAFANA_URL") or env.grafana.url).rstrip("/")
    where = ("--url" if url else "GRAFANA_URL" if environ.get("GRAFANA_URL") else
             f"environments.{env.name}.grafana.url")
    try:
        parsed = urlparse(chosen)
        hostname, _ = parsed.hostname, parsed.port  # .port raises ValueError on a bad port
    except ValueError as exc:
        raise ConfigError(where, f"not a valid URL: {display_url(chosen)!r} ({exc})") from None
    if parsed.scheme not in ("http", "https") or not hostname:
        raise ConfigError(where, f"not an http(s) URL: {display_url(chosen)!r}",
                          "write it as http://HOST:PORT or https://HOST")
    return chosen


def display_url(url: str) -> str:
    """`url` as messages show it: no password (graf.urls.redact, the one redaction rule)."""
    return redact(url)


def url_credentials(url: str) -> Credentials | None:
    """Basic-auth credentials written into the URL (`http://user:password@host`), if any."""
    parsed = urlparse(url)
    if parsed.username is None:
        return None
    return Credentials(user=unquote(parsed.username), password=unquote(parsed.password or ""),
                       source="the URL's user:password")


def deadline_from(environ: Mapping[str, str]) -> float:
    """GRAF_DEADLINE in seconds (default `DEFAULT_DEADLINE`); anything but a positive number is a ConfigError."""
    text = environ.get("GRAF_DEADLINE", "")
    if not text:
        return DEFAULT_DEADLINE
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise ConfigError("GRAF_DEADLINE", f"not a positive number of seconds: {text[:40]!r}")
    return value
