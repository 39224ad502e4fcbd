"""grafanalib is imported when a team's module (or graf's adapter for one) first asks for it, through the CLI's
code cache; a render whose modules write dicts imports none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

_RENDER = """
import json, sys
from pathlib import Path
from graf import _codecache
_codecache.enable(); _codecache.install()
import attr  # noqa: F401  (as the CLI has it: only grafanalib.core is in question)
from graf.config import load_project
from graf._render import render
project = load_project(Path(sys.argv[1]))
compiled = []
if sys.argv[2] == "count":
    import builtins
    real = builtins.compile
    def counting(*args, **kwargs):
        compiled.append(args[1] if len(args) > 1 else "?")
        return real(*args, **kwargs)
    builtins.compile = counting
resources = render(project, project.environment("prod"))
core = sys.modules.get("grafanalib.core")
found = {
    "resources": len(resources),
    "grafanalib": core is not None,
    "finders": [type(f).__name__ for f in sys.meta_path if type(f).__name__ == "_GrafanalibFinder"],
    "same_module": core is None or all(getattr(m, "core", core) is core for n, m in sys.modules.items()
                                        if n.endswith(".grafana_dash")),
    "compiled_attrs": sum(1 for f in compiled if str(f).startswith("<attrs generated methods grafanalib.core.")),
    "titles": sorted(r.body.get("title", "") for r in resources if r.kind == "dashboard"),
}
_codecache.finish()
print(json.dumps(found))
"""

GRAF_YAML = """\
version: 1
name: hook
dashboards: {{builtin: [], modules: {modules}}}
environments:
  prod:
    grafana: {{url: "http://127.0.0.1:9", token: "${{HOOK_TOKEN}}"}}
    folder: {{uid: hook-prod, title: "Hook prod"}}
"""

DICT_MODULE = "def dashboard(ctx):\n    return {'uid': ctx.uid('d'), 'title': 'Dict', 'panels': []}\n"
GRAFANALIB_MODULE = """\
from grafanalib import core


def dashboard(ctx):
    return core.Dashboard(title="Made", uid=ctx.uid("g"), panels=[])
"""


def _render(tmp_path: Path, modules: dict[str, str], mode: str = "plain", **env: str) -> dict[str, object]:
    (tmp_path / "team").mkdir(exist_ok=True)
    for name, source in modules.items():
        (tmp_path / "team" / f"{name}.py").write_text(source, encoding="utf-8")
    config = tmp_path / "graf.yaml"
    config.write_text(GRAF_YAML.format(modules=json.dumps([f"team/{n}.py" for n in modules])), encoding="utf-8")
    environ = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOOK_TOKEN": "x", **env}
    out = subprocess.run([sys.executable, "-c", _RENDER, str(config), mode], env=environ, capture_output=True,
                         text=True, check=True, cwd=tmp_path).stdout
    found: dict[str, object] = json.loads(out)
    return found


def test_dict_modules_import_no_grafanalib(tmp_path: Path) -> None:
    found = _render(tmp_path, {"dict_dash": DICT_MODULE})
    assert found["grafanalib"] is False and found["finders"] == [] and found["titles"] == ["Dict"]


def test_a_module_importing_grafanalib_gets_it_through_the_cache(tmp_path: Path) -> None:
    found = _render(tmp_path, {"dict_dash": DICT_MODULE, "grafana_dash": GRAFANALIB_MODULE})
    assert found["grafanalib"] is True and found["same_module"] is True and found["finders"] == []
    assert found["titles"] == ["Dict", "Made"]
    assert list((tmp_path / "cache" / "graf" / "code").glob("attrs-*.marshal"))  # cold run: compiled, then kept
    warm = _render(tmp_path, {"dict_dash": DICT_MODULE, "grafana_dash": GRAFANALIB_MODULE}, "count")
    assert warm["titles"] == ["Dict", "Made"] and warm["compiled_attrs"] == 0  # warm: attrs compiled nothing
    off = _render(tmp_path, {"dict_dash": DICT_MODULE, "grafana_dash": GRAFANALIB_MODULE}, "count",
                  GRAF_CODE_CACHE="0")
    assert off["titles"] == ["Dict", "Made"] and off["compiled_attrs"] > 80  # a hundred classes, compiled
