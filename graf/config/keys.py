"""Key paths into graf.yaml, kept as tuples (`("environments", "prod", "servers", 0, "host")`) and
formatted once, where an error or a `Secret` names them: `graf.yaml: environments.prod.servers[0].host`."""

from __future__ import annotations

from graf.errors import ConfigError, format_path

KeyPath = tuple[str | int, ...]


def where(file: str, keys: KeyPath) -> str:
    """`file: a.b[0].c`, or just `file` for the whole document."""
    return f"{file}: {format_path(keys)}" if keys else file


def error(file: str, keys: KeyPath, message: str, hint: str = "") -> ConfigError:
    return ConfigError(where(file, keys), message, hint)
