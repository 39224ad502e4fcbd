"""Every error graf shows to a user, one family per edge it comes from.

    GrafError(path, message, hint)            exit 1
    ├── UsageError                            exit 2  bad flags or arguments
    ├── ConfigError                           exit 2  graf.yaml, ${VAR} secrets
    ├── RenderError                           exit 1  a producer module failed or clashed
    ├── ValidationError                       exit 1  rendered resources have errors
    ├── GrafanaError                          exit 1  the Grafana HTTP API
    │   ├── Unreachable, Unauthorized, Forbidden, NotFound
    │   │   └── WriteUncertain (an Unreachable)   a POST whose answer was lost: read back to know
    │   ├── Conflict                                  409 / 412
    │   └── ServerError                               5xx
    ├── StackError                            exit 1  compose stack and agents
    └── EnvironmentMissing                    exit 2  a tool (docker, promtool) is not there

`path` says where: a file and key path (`graf.yaml: environments.prod.grafana.url`) or a
resource (`dashboard/prod-jvm › panels[3].targets[A].expr`). `cli.main` prints
`error: <path>: <message>` and the hint, then exits with `exit_code`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from graf.wording import clip, printable

PATH_SEPARATOR = " › "


def format_path(parts: Sequence[str | int]) -> str:
    """Join key-path parts the way every graf message shows them: `a.b[3].c`."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out


class GrafError(Exception):
    exit_code = 1

    def __init__(self, path: str, message: str, hint: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The error as one line of at most `wording.LINE_LIMIT` characters, whatever a message quotes."""
        text = f"{self.path}: {self.message}" if self.path else self.message
        return clip(printable(f"{text} ({self.hint})" if self.hint else text))


class UsageError(GrafError):
    exit_code = 2


class ConfigError(GrafError):
    exit_code = 2


class RenderError(GrafError):
    pass


class ValidationError(GrafError):
    pass


class GrafanaError(GrafError):
    pass


class Unreachable(GrafanaError):
    pass


class WriteUncertain(Unreachable):
    """A write whose connection dropped or timed out after it was sent: it may or may not have landed."""


class Unauthorized(GrafanaError):
    pass


class Forbidden(GrafanaError):
    pass


class NotFound(GrafanaError):
    pass


class Conflict(GrafanaError):
    pass


class ServerError(GrafanaError):
    pass


class StackError(GrafError):
    pass


class EnvironmentMissing(GrafError):
    exit_code = 2


@contextmanager
def about(path: str) -> Iterator[None]:
    """Prefix the path of any GrafError raised inside with `path` (the resource being worked on)."""
    try:
        yield
    except GrafError as exc:
        if not exc.path.startswith(path):
            exc.path = f"{path}{PATH_SEPARATOR}{exc.path}" if exc.path else path
            exc.args = (exc.one_line(),)
        raise
