"""The JSON Schema of graf.yaml, one constant per section, and how its errors read.

`graf.config.load` runs `check` before building typed objects, so every structural error is
reported with its key path and in words (`unknown key 'grafan', did you mean 'grafana'?`), in the
words `graf.wording.describe_schema_error` gives graf.yaml and resource bodies alike. Values that
need more than a schema (durations, sizes) are parsed in `build`, rules between keys are in
`checks`, and rules about the stack in `graf.stack.rules`. A secret's schema is `writeOnly`: no
message ever quotes its value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graf.config import keys
from graf.config.model import STACK_PORTS
from graf.wording import describe_schema_error

if TYPE_CHECKING:
    import jsonschema


# The built-in alert rules (graf/alerts/), the names `alerts.rules.<name>` may configure.
ALERT_RULES = ("instance_down", "http_5xx_ratio", "http_p99_latency", "jvm_heap_used", "jvm_gc_pause_share",
               "host_cpu_busy", "host_memory_low", "host_disk_full_soon", "host_disk_almost_full", "log_errors",
               "log_shipper_down", "log_shipper_dropping", "log_shipper_stalled",
               # the monitoring server's own (graf/alerts/monitoring.py)
               "stack_memory_near_limit", "stack_host_memory_low", "stack_oom_kill", "stack_disk_almost_full",
               "stack_disk_full_soon", "stack_prometheus_failing", "stack_loki_failing", "stack_loki_discarding",
               "stack_loki_wal_replay", "stack_tempo_failing", "stack_tempo_discarding", "stack_target_down",
               "stack_heartbeat")

SECRET_PATTERN = r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$"
UID_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
NAME_PATTERN = r"^[a-z][a-z0-9_-]*$"
DURATION_PATTERN = r"^([0-9]+(ms|s|m|h|d|w|y))+$"

_secret: dict[str, Any] = {
    "type": "string",
    "pattern": SECRET_PATTERN,
    "writeOnly": True,
    "description": "a ${VAR} reference, resolved from the environment when used",
}
_duration: dict[str, Any] = {"type": "string", "pattern": DURATION_PATTERN}


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


LABELS = _object(
    {
        "environment": {"type": "string"},
        "application": {"type": "string"},
        "instance": {"type": "string"},
        "host": {"type": "string"},
        "service": {"type": "string"},
        "level": {"type": "string"},
    }
)

JOBS = _object({"node": {"type": "string"}, "app": {"type": "string"}, "logs": {"type": "string"}})

APP = _object(
    {
        "metrics_path": {"type": "string", "pattern": "^/"},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "log_files": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "log_format": {"enum": ["json", "plain"]},
        "percentiles_histogram": {"type": "boolean"},
    }
)

DATASOURCE = _object(
    {
        "uid": {"type": "string", "pattern": UID_PATTERN},
        "url": {"type": "string", "pattern": "^https?://"},
        "name": {"type": "string"},
        "basic_auth_user": {"type": "string"},
        "basic_auth_password": _secret,
        "bearer_token": _secret,
        "trace_id_regex": {"type": "string"},
        "timeout": {"type": "integer", "minimum": 1},
    }
)

DATASOURCES = {
    "type": "object",
    "propertyNames": {"enum": ["prometheus", "loki", "tempo"]},
    "additionalProperties": DATASOURCE,
}

DASHBOARDS = _object(
    {
        "builtin": {
            "type": "array",
            "items": {"enum": ["overview", "jvm", "node", "latency", "logs", "monitoring"]},
            "uniqueItems": True,
        },
        "modules": {"type": "array", "items": {"type": "string"}},
        "files": {"type": "array", "items": {"type": "string"}},
    }
)

ALERT_RULE = _object(
    {
        "enabled": {"type": "boolean"},
        "threshold": {"type": "number"},
        "for": _duration,
        "severity": {"enum": ["critical", "warning", "info"]},
    }
)

CONTACT_POINT = _object(
    {
        "name": {"type": "string", "minLength": 1},
        "type": {"enum": ["webhook", "slack", "email"]},
        "url": _secret,
        "addresses": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    },
    required=("type",),
)

ALERTS = _object(
    {
        "interval": _duration,
        "runbook_url": {"type": "string"},
        "editable_in_ui": {"type": "boolean"},
        "rules": {"type": "object", "propertyNames": {"enum": list(ALERT_RULES)}, "additionalProperties": ALERT_RULE},
        "contact_point": CONTACT_POINT,
        "modules": {"type": "array", "items": {"type": "string", "minLength": 1}},
    }
)

NODE_EXPORTER = _object(
    {
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "listen_address": {"type": "string", "minLength": 1},
        "tls": {"type": "boolean"},
        "basic_auth_user": {"type": "string", "minLength": 1},
        "basic_auth_password": _secret,
        "basic_auth_password_hash": _secret,
    }
)

# Another exporter on the server (Redis, Postgres, blackbox ...): one scrape job with the environment label.
SCRAPE = _object(
    {
        "job": {"type": "string", "pattern": NAME_PATTERN},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "path": {"type": "string", "pattern": "^/"},
        "scheme": {"enum": ["http", "https"]},
        "basic_auth_user": {"type": "string", "minLength": 1},
        "basic_auth_password": _secret,
        "bearer_token": _secret,
    },
    required=("job", "port"),
)

SERVER = _object(
    {
        "host": {"type": "string", "minLength": 1},
        "address": {"type": "string", "minLength": 1},
        "apps": {"type": "array", "items": {"type": "string"}},
        "node_exporter": NODE_EXPORTER,
        "scrape": {"type": "array", "items": SCRAPE},
    },
    required=("host", "address"),
)

GRAFANA = _object(
    {
        "url": {"type": "string", "pattern": "^https?://"},
        "token": _secret,
        "user": {"type": "string"},
        "password": _secret,
        "verify_tls": {"type": "boolean"},
        "timeout": {"type": "number", "exclusiveMinimum": 0},
    },
    required=("url",),
)

FOLDER = _object({"uid": {"type": "string", "pattern": UID_PATTERN}, "title": {"type": "string", "minLength": 1}})

ENVIRONMENT = _object(
    {
        "label": {"type": "string", "minLength": 1},
        "grafana": GRAFANA,
        "folder": FOLDER,
        "datasources": DATASOURCES,
        "servers": {"type": "array", "items": SERVER},
        "alerts": ALERTS,
        "dashboards": DASHBOARDS,
        "trace_sampling": {"type": "number", "minimum": 0, "maximum": 1},
    },
    required=("grafana",),
)

STACK_SERVICES = ("grafana", "prometheus", "loki", "tempo", "node_exporter")

STACK = _object(
    {
        "profile": {"type": "string", "minLength": 1},  # one of graf.stack.sizing.PROFILES (graf.stack.rules)
        "server": _object({"host": {"type": "string", "minLength": 1},
                           "address": {"type": "string", "minLength": 1}}),
        "grafana_address": {"type": "string", "minLength": 1},
        "images": _object({name: {"type": "string", "minLength": 1} for name in STACK_SERVICES}),
        "retention": _object(
            {
                "metrics": {"type": "string"},
                "metrics_size": {"type": "string"},
                "logs": {"type": "string"},
                "logs_size": {"type": "string"},
                "traces": {"type": "string"},
                "traces_size": {"type": "string"},
            }
        ),
        "volume": _object({"logs_per_day": {"type": "string"}, "traces_per_day": {"type": "string"}}),
        "ports": _object({name: {"type": "integer", "minimum": 1, "maximum": 65535} for name in STACK_PORTS}),
        "publish_ingest": {"type": "boolean"},
        "agent_endpoints": _object({"loki": {"type": "string", "pattern": "^https?://"},
                                    "otlp": {"type": "string", "pattern": "^https?://"}}),
        "metrics_generator": {"type": "boolean"},
        "scrape_interval": _duration,
        "target": {"enum": ["compose", "kubernetes"]},
        "namespace": {"type": "string", "pattern": "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"},  # a DNS label
    }
)

ROOT = _object(
    {
        "version": {"const": 1},
        "name": {"type": "string", "pattern": NAME_PATTERN},
        "labels": LABELS,
        "jobs": JOBS,
        "apps": {"type": "object", "propertyNames": {"pattern": NAME_PATTERN}, "additionalProperties": APP},
        "datasources": DATASOURCES,
        "dashboards": DASHBOARDS,
        "alerts": ALERTS,
        "stack": STACK,
        "environments": {
            "type": "object",
            "propertyNames": {"pattern": NAME_PATTERN},
            "additionalProperties": ENVIRONMENT,
            "minProperties": 1,
        },
    },
    required=("name", "environments"),
)


# ---------------------------------------------------------------------------- checking


PATTERN_HINTS = {
    SECRET_PATTERN: "must be a ${VAR} reference: secrets are never written in graf.yaml",
    UID_PATTERN: "is not a valid uid (1-40 letters, digits, '-' or '_')",
    NAME_PATTERN: "must be lowercase letters, digits, '-' or '_', starting with a letter",
    DURATION_PATTERN: "is not a duration (expected e.g. 30s, 5m, 1h30m, 7d)",
    "^https?://": "must be a URL starting with http:// or https://",
    "^/": "must start with '/'",
}

_VALIDATOR: jsonschema.Draft202012Validator | None = None


def _validator() -> jsonschema.Draft202012Validator:
    global _VALIDATOR
    if _VALIDATOR is None:
        import jsonschema

        _VALIDATOR = jsonschema.Draft202012Validator(ROOT)
    return _VALIDATOR


def _valid(raw: dict[str, Any]) -> bool:
    """The fast "valid" of graf.validate.compiled (jsonschema, 60 ms to import, only judges the invalid)."""
    from graf.validate.compiled import compile_schema

    global _FAST
    if _FAST is None:
        _FAST = compile_schema(ROOT)
    return _FAST(raw)


_FAST: Any = None


def check(raw: dict[str, Any], file: str) -> None:
    """Raise a ConfigError naming the file, the key path and what was expected, for the error deepest
    in the document (so the message names the key the user got wrong)."""
    if _valid(raw):
        return
    errors = sorted(_validator().iter_errors(raw), key=lambda e: (len(e.absolute_path), [str(p) for p in e.path]))
    if not errors:
        return
    error = max(errors, key=lambda e: len(e.absolute_path))
    raise keys.error(file, tuple(error.absolute_path), describe_schema_error(error, "yaml", PATTERN_HINTS))
