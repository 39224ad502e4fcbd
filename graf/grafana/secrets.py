"""Secrets graf sends but never shows: datasource `secureJsonData` and `${VAR}` contact-point settings.

`resolve_secrets` resolves every secret the planned writes need before the first write, so a
missing variable stops `graf sync` with nothing applied. Values only ever go into request bodies;
they are not part of any Resource, hash, plan line or exported file.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from graf.config import Environment, Secret
from graf.errors import ConfigError
from graf.resources import JSON, Resource

_PLACEHOLDER = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


def _datasource_secrets(env: Environment, uid: str) -> dict[str, Secret]:
    ds = next((d for d in env.datasources.values() if d.uid == uid), None)
    out: dict[str, Secret] = {}
    if ds is not None and ds.basic_auth_password is not None:
        out["basicAuthPassword"] = ds.basic_auth_password
    if ds is not None and ds.bearer_token is not None:
        out["httpHeaderValue1"] = ds.bearer_token
    return out


def placeholders(body: Any) -> dict[str, str]:
    """`settings` keys whose value is a `${VAR}` placeholder -> the variable's name."""
    settings = body.get("settings") if isinstance(body, dict) else None
    if not isinstance(settings, dict):
        return {}
    return {k: m.group(1) for k, v in settings.items() if isinstance(v, str) and (m := _PLACEHOLDER.match(v))}


def resolve_secrets(env: Environment, resources: Iterable[Resource],
                    environ: Mapping[str, str] | None = None) -> dict[tuple[str, str], JSON]:
    """(kind, uid) -> the resolved secret part of its request body; one error naming every missing variable."""
    environ = os.environ if environ is None else environ
    resolved: dict[tuple[str, str], JSON] = {}
    missing: list[str] = []
    for resource in resources:
        if resource.kind == "datasource":
            secure = {}
            for key, secret in _datasource_secrets(env, resource.uid).items():
                value = environ.get(secret.name)
                if not value:
                    missing.append(f"{secret.name} ({secret.where or 'datasource/' + resource.uid})")
                    continue
                secure[key] = f"Bearer {value}" if key == "httpHeaderValue1" else value
            if secure:
                resolved[resource.key] = {"secureJsonData": secure}
        elif resource.kind == "contact-point":
            settings = {}
            for key, name in placeholders(resource.body).items():
                value = environ.get(name)
                if not value:
                    missing.append(f"{name} (contact-point/{resource.uid} settings.{key})")
                    continue
                settings[key] = value
            if settings:
                resolved[resource.key] = {"settings": settings}
    if missing:
        names = sorted(set(missing))
        raise ConfigError(f"environments.{env.name}",
                          f"environment variable{'s' if len(names) > 1 else ''} not set: {', '.join(names)}",
                          "export them before graf sync; nothing was written")
    return resolved


def with_secrets(body: JSON, secret: JSON | None) -> JSON:
    """The request body: `body` with the resolved secret parts merged in (a new dict)."""
    if not secret:
        return body
    out = copy.deepcopy(body)
    for key, part in secret.items():
        out[key] = {**(out.get(key) or {}), **part}
    return out
