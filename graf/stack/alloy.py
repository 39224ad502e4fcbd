"""alloy/config.alloy (+ alloy/alloy.default for /etc/default/alloy): tail, join multi-line records, label, push.

Positions live in Alloy's `--storage.path` (/var/lib/alloy/data): keep it on persistent disk or
every restart ships the logs again.
"""

from __future__ import annotations

import json

from graf.config import Environment, Project, Server
from graf.stack.endpoints import loki_push_url
from graf.stack.images import ALLOY_VERSION
from graf.stack.logs import (
    JSON_TIMESTAMP,
    MAX_LINES,
    TIMESTAMP,
    TIMESTAMP_FORMAT,
    firstline,
    ident,
    plain_line,
    stream_labels,
)

STORAGE_PATH = "/var/lib/alloy/data"


def _string(text: str) -> str:
    return json.dumps(text)


def _object(values: dict[str, str]) -> str:
    return "{" + ", ".join(f"{_string(k)} = {_string(v)}" for k, v in values.items()) + "}"


def alloy_config(project: Project, env: Environment, server: Server) -> str:
    level = project.labels.level
    blocks = [
        f"// Grafana Alloy ({ALLOY_VERSION}) for {server.host}, environment {env.name}: rendered by graf from "
        "graf.yaml.\n"
        "// Install as /etc/alloy/config.alloy. Read positions are kept under --storage.path\n"
        f"// ({STORAGE_PATH}): keep it on persistent disk, or a restart ships every log again.\n"
    ]
    for name in server.apps:
        app = project.apps[name]
        component = ident(name)
        labels = stream_labels(project, env, server, app)
        targets = ",\n".join(f"    {_object({'__path__': path, **labels})}" for path in app.log_files)
        reads = (f"  stage.json {{\n    expressions = {{{_string(level)} = \"level\", "
                 f"{_string(TIMESTAMP)} = {_string(json.dumps(JSON_TIMESTAMP))}}}\n  }}\n\n"
                 f"  stage.regex {{\n    expression = {_string(plain_line(level))}\n  }}\n\n"
                 f"  stage.timestamp {{\n    source            = {_string(TIMESTAMP)}\n"
                 f"    format            = {_string(TIMESTAMP_FORMAT)}\n"
                 f'    action_on_failure = "skip"\n  }}\n')
        blocks.append(
            f'local.file_match "{component}" {{\n'
            f"  path_targets = [\n{targets},\n  ]\n"
            f"}}\n\n"
            f'loki.source.file "{component}" {{\n'
            f"  targets       = local.file_match.{component}.targets\n"
            f"  forward_to    = [loki.process.{component}.receiver]\n"
            f"  tail_from_end = true\n"
            f"}}\n\n"
            f'loki.process "{component}" {{\n'
            "  // One record per JSON object or timestamped line: the lines of a stack trace join the\n"
            "  // record they belong to. Level and time come from the JSON fields or the plain line's start.\n"
            f"  stage.multiline {{\n"
            f"    firstline     = {_string(firstline(app))}\n"
            f'    max_wait_time = "3s"\n'
            f"    max_lines     = {MAX_LINES}\n"
            f"  }}\n\n"
            f"{reads}\n"
            f"  stage.labels {{\n    values = {{{_string(level)} = \"\"}}\n  }}\n\n"
            f"  forward_to = [loki.write.default.receiver]\n"
            f"}}\n"
        )
    blocks.append(
        'loki.write "default" {\n'
        "  endpoint {\n"
        f"    url = {_string(loki_push_url(project))}\n"
        "  }\n"
        "}\n"
    )
    return "\n".join(blocks)


def alloy_default() -> str:
    """/etc/default/alloy of the Alloy deb/rpm package: config path, persistent storage, UI on loopback."""
    return ("# /etc/default/alloy, read by the alloy package's systemd unit. Rendered by graf.\n"
            'CONFIG_FILE="/etc/alloy/config.alloy"\n'
            f'CUSTOM_ARGS="--storage.path={STORAGE_PATH} --server.http.listen-addr=127.0.0.1:12345"\n'
            'RESTART_ON_UPGRADE=true\n')
