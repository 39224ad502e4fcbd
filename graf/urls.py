"""URLs a user gives graf (--url, --prometheus, graf.yaml): checked once, shown without secrets.

`check_url` turns a malformed URL into one UsageError line instead of a traceback deep in an HTTP
library; `redact` is the only way a URL goes into a message or a log line: a password (or a
token written as the user name) in the userinfo never does.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from graf.errors import UsageError

SCHEMES = ("http", "https")
MAX_SHOWN = 200  # characters of a URL quoted in a message
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def redact(url: str) -> str:
    """`url` as it may be shown: `user:***@` for a password, `***@` for userinfo without one.

    Works on any string, malformed URLs included (it never parses more than the authority).
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        userinfo, host = authority.rsplit("@", 1)
        user, colon, _ = userinfo.partition(":")
        authority = f"{user}:***@{host}" if colon else f"***@{host}"
    shown = f"{scheme}{sep}{authority}{tail}"
    return shown if len(shown) <= MAX_SHOWN else shown[: MAX_SHOWN - 3] + "..."


def check_url(url: str, where: str) -> str:
    """`url` unchanged if it is an absolute http(s) URL with a host; else one UsageError line naming `where`."""
    shown = redact(url)
    if _CONTROL.search(url):
        raise UsageError(where, f"not a valid URL: {shown!r} holds a space or control character")
    if "://" not in url:
        raise UsageError(where, f"not an http(s) URL: {shown!r} has no scheme",
                         f"write it as http://{shown} or https://{shown}")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018  (parses the port: raises ValueError when it is not a number in range)
    except ValueError as exc:
        raise UsageError(where, f"not a valid URL: {shown!r} ({_without_userinfo(str(exc), url)})") from None
    if parts.scheme.lower() not in SCHEMES:
        raise UsageError(where, f"not an http(s) URL: {shown!r} (scheme {parts.scheme!r})",
                         "use http:// or https://")
    if not parts.hostname:
        raise UsageError(where, f"not a valid URL: {shown!r} has no host")
    return url


def _without_userinfo(reason: str, url: str) -> str:
    """Python's own message, unless it quotes the userinfo (some messages quote the whole netloc)."""
    authority = url.partition("://")[2].split("/", 1)[0]
    userinfo = authority.rsplit("@", 1)[0] if "@" in authority else ""
    if userinfo and userinfo in reason:
        return "malformed address"
    return reason[:MAX_SHOWN]


def url_option(ctx: Any, param: Any, value: str | None) -> str | None:
    """click callback for a URL option: checked where it is parsed, errors name the option."""
    if value is None:
        return None
    return check_url(value, max(param.opts, key=len))
