"""Contact-point settings that hold secrets, so `graf export` never writes one, whatever the code holds.

Grafana marks these options `Secure: true` in its notifier metadata (grafana/grafana
pkg/services/ngalert/notifier/channels_config/available_channels.go, and the integrations of
github.com/grafana/alerting): it stores them encrypted and answers them as `[REDACTED]`. The list
changed between versions (webhook, Discord, Google Chat and Teams URLs became secure later), so graf
takes the union, per integration type for `url` (a webhook URL often carries its token), and by
name everywhere else, at any depth (`sigv4.secret_key`, `http_config.oauth2.client_secret`).
"""

from __future__ import annotations

from typing import Any

REDACTED = "[REDACTED]"

# Integration types whose `url` is secure in some Grafana version (the URL is the credential).
URL_IS_SECRET = frozenset({"webhook", "slack", "discord", "googlechat", "teams", "wecom", "victorops", "dingding",
                           "feishu", "webex", "line", "mattermost", "oncall", "pagerduty", "sns", "jira"})

# Option names Grafana marks secure in some integration (compared lower-case, without `_` and `-`).
SECRET_NAMES = frozenset(n.replace("_", "").lower() for n in (
    "password", "token", "apiKey", "apikey", "api_key", "apiToken", "api_token", "apiSecret", "api_secret",
    "secret", "secret_key", "access_key", "client_secret", "authorization_credentials", "basicAuthPassword",
    "integrationKey", "routingKey", "serviceKey", "bottoken", "bot_token", "userKey", "user_key",
    "webhook_url", "webhookUrl", "secureSettings", "clientKey", "client_key", "privateKey", "private_key",
    "hmacSecret", "hmac_secret", "sigv4", "auth_password", "credentials"))


def is_secret(integration: str, key: str) -> bool:
    normal = key.replace("_", "").replace("-", "").lower()
    return normal in SECRET_NAMES or (normal == "url" and integration.lower() in URL_IS_SECRET)


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("${") and value.endswith("}")


def redact_settings(integration: str, settings: Any) -> Any:
    """`settings` with every secret value (by `is_secret`, at any depth) replaced by `[REDACTED]`; `${VAR}`
    placeholders and values Grafana already redacted stay as they are."""
    if not isinstance(settings, dict):
        return settings
    out: dict[str, Any] = {}
    for key, value in settings.items():
        if is_secret(integration, str(key)) and value not in (None, "", REDACTED) and not is_placeholder(value):
            out[key] = REDACTED
        elif isinstance(value, dict):
            out[key] = redact_settings(integration, value)
        elif isinstance(value, list):
            out[key] = [redact_settings(integration, v) for v in value]
        else:
            out[key] = value
    return out
