"""What every graf datasource shares: identity, URL, and credentials only as `${VAR}` references.

A password or token never appears in a body: `secureJsonData` holds the `${VAR}` reference, which
the Grafana client resolves when it sends the datasource (and `canonical` drops, so it is never
compared, written to build output or exported).
"""

from __future__ import annotations

from typing import Any

from graf.config import Datasource
from graf.resources import JSON


def base(ds: Datasource, json_data: JSON, **extra: Any) -> JSON:
    """The datasource body: identity and URL, `json_data`, and the credentials configured for it."""
    body: JSON = {"uid": ds.uid, "name": ds.name, "type": ds.type, "access": "proxy", "url": ds.url, **extra}
    data = dict(json_data)
    secure: dict[str, str] = {}
    if ds.timeout is not None:
        data["timeout"] = ds.timeout
    if ds.basic_auth_user is not None:
        body["basicAuth"] = True
        body["basicAuthUser"] = ds.basic_auth_user
        if ds.basic_auth_password is not None:
            secure["basicAuthPassword"] = str(ds.basic_auth_password)
    if ds.bearer_token is not None:
        data["httpHeaderName1"] = "Authorization"
        secure["httpHeaderValue1"] = f"Bearer {ds.bearer_token}"
    body["jsonData"] = data
    if secure:
        body["secureJsonData"] = secure
    return body
