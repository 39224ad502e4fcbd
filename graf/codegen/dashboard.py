"""A dashboard (as Grafana or graf renders it) -> the source of a graf dashboard module.

The module's `dashboard(ctx)` returns what graf renders back to the same dashboard: the same
canonical JSON as the input itself. graf keeps what a module writes as JSON and modernises what
grafanalib writes (graf.dashboards._grafanalib), so the target is the dashboard as given (`target_of`:
only what graf fills in for a written dashboard is added, e.g. a missing `schemaVersion`). Every
piece is proposed in the most readable form first and kept only if it renders exactly to its part:

- panels through graf's helpers (`timeseries`, `stat`, `table`, `logs`, `text`, `row`, ...) and
  queries through `prom`/`loki`/`traceql`, when grafanalib's output, modernised, is that panel;
  else the panel as a dict literal, as the dashboard has it;
- variables through `graf.dashboards.common`'s (`environment_variable(ctx)`, ...); else dicts;
- the frame through `common.frame(ctx, name, ...)` for a dashboard shaped like a built-in; else
  grafanalib's `Dashboard(...)`, or `ExtendedDashboard(...)` with every field the Dashboard would
  render otherwise (fields grafanalib lacks, an older `schemaVersion`, ...) in `extraJson`;
- graf's datasources as `ctx.ref(name)`, its uids as `ctx.uid(name)`, the environment's name and
  label as `ctx.env.name` / `ctx.env.label`.

The whole module is then executed and rendered once more; a difference is a `CodegenError`.

Why one module past 300 lines: every proposed form is checked by rendering it in the same
evaluation space (`_Writer`), so the proposals for frame, panels, variables and values share it;
the literal printer is apart (graf.codegen.literal).
"""

from __future__ import annotations

import copy
import inspect
import keyword
import re
import textwrap
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from graf.codegen.literal import Call, Code, FString, source, string
from graf.context import RenderContext, make_uid
from graf.dashboards import _grafanalib as adapter
from graf.dashboards._serialise import drop_nulls
from graf.errors import GrafError
from graf.resources import JSON, canonical

QUERY_HELPERS = ("prom", "loki", "traceql")
PANEL_HELPERS = ("timeseries", "stat", "table", "logs", "traces", "text", "row")
VARIABLE_HELPERS = ("environment_variable", "application_variable", "instance_variable")


class CodegenError(GrafError):
    """The generated module would not render to its input (a bug of the generator, named by path)."""


def unwrap(body: Mapping[str, Any]) -> JSON:
    """The dashboard model of an API answer or UI export (`{"dashboard": {...}, "meta": ...}`) or the model."""
    inner = body.get("dashboard")
    return copy.deepcopy(dict(inner if isinstance(inner, dict) else body))


def target_of(body: Mapping[str, Any], ctx: RenderContext) -> JSON:
    """What graf renders for `body` given as a module: the form the generated module must reproduce."""
    return adapter.to_model(unwrap(body), ctx)


def to_python(body: Mapping[str, Any], ctx: RenderContext, *, source_name: str = "") -> str:
    """Source of a dashboard module rendering to `body` in environment `ctx` (see the module docstring)."""
    target = target_of(body, ctx)
    for readable, frame in ((True, True), (True, False), (False, False)):
        text = _Writer(target, ctx, readable=readable, builtin_frame=frame, source_name=source_name).module()
        try:
            rendered = render_source(text, ctx)
        except Exception as exc:  # the generator's own output failing is its bug: say where, not a traceback
            raise CodegenError(f"dashboard/{target.get('uid', '?')}",
                               f"generated module does not render: {type(exc).__name__}: {exc}") from exc
        if canonical("dashboard", rendered) == canonical("dashboard", target):
            return text
    where = first_difference(canonical("dashboard", target), canonical("dashboard", rendered))
    raise CodegenError(f"dashboard/{target.get('uid', '?')}", f"generated module renders differently at {where}")


def render_source(text: str, ctx: RenderContext) -> JSON:
    """Execute a module's source and render its `dashboard(ctx)` the way graf renders `dashboards.modules`."""
    namespace: dict[str, Any] = {"__name__": "graf_generated"}
    exec(compile(text, "<generated>", "exec"), namespace)
    return adapter.to_model(namespace["dashboard"](ctx), ctx)


def first_difference(a: Any, b: Any, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key, ...) != b.get(key, ...):
                return first_difference(a.get(key), b.get(key), f"{path}/{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
    return path or "/"


# ---------------------------------------------------------------------------- names


def name_of(title: str, taken: set[str]) -> str:
    """A Python name for a panel from its title: `CPU Busy %` -> `cpu_busy`, unique among `taken`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", ascii_title))
    base = "_".join(w.lower() for w in words)[:40].rstrip("_") or "panel"
    if base[0].isdigit() or keyword.iskeyword(base) or base in _RESERVED:
        base = f"panel_{base}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


_RESERVED = {"ctx", "dashboard", "at", "common", "attr", "id", "type", "min", "max", "list", "dict", "str",
             "int", "float", "len", "range", "format", "input", "filter", "map", "next", "iter", "object", "vars",
             "all", "any", "sum", "open", "print", "set", "hash", "help", "dir", "round", "sorted", "zip",
             *QUERY_HELPERS, *PANEL_HELPERS, *VARIABLE_HELPERS, "Time", "Templating", "Annotations",
             "ExtendedDashboard", "frame", "panels"}


# ---------------------------------------------------------------------------- rendering one piece


def _namespace(ctx: RenderContext) -> dict[str, Any]:
    from grafanalib import core  # type: ignore[import-untyped]

    from graf.dashboards import common, exported, panels

    space: dict[str, Any] = {"ctx": ctx, "common": common, "at": exported.at,
                             "ExtendedDashboard": exported.ExtendedDashboard, "Time": core.Time,
                             "Templating": core.Templating, "Annotations": core.Annotations}
    for name in (*QUERY_HELPERS, *PANEL_HELPERS):
        space[name] = getattr(panels, name)
    return space


class _Writer:
    def __init__(self, target: JSON, ctx: RenderContext, *, readable: bool, builtin_frame: bool,
                 source_name: str) -> None:
        self.target = target
        self.ctx = ctx
        self.readable = readable
        self.use_builtin_frame = builtin_frame
        self.flowed = _flowed(target.get("panels", []))
        self.source_name = source_name
        self.space = _namespace(ctx)
        self.refs = adapter._Refs(ctx, f"dashboard/{target.get('uid', '?')}")
        self.used: set[str] = set()
        self.prefix = make_uid(ctx.project.name, ctx.env.name) + "-"

    # -- evaluation

    def evaluate(self, value: Any) -> Any:
        return eval(compile(source(value), "<generated>", "eval"), self.space)

    def json_of(self, obj: Any) -> Any:
        if isinstance(obj, (dict, list, str, int, float, bool)) or obj is None:
            return drop_nulls(copy.deepcopy(obj))
        return drop_nulls(adapter.to_json(obj, "generated module"))  # grafanalib's prints: an error

    def same(self, value: Any, expected: Any, shape: Callable[[Any], Any]) -> bool:
        try:
            got = shape(self.json_of(self.evaluate(value)))
        except Exception:  # a helper rejecting the proposed arguments: not this form
            return False
        return bool(canonical("", {"v": got}) == canonical("", {"v": expected}))

    # -- values graf knows

    def local(self, value: Any, key: str = "") -> Any:
        """A JSON value with graf's datasources, uids and environment written through `ctx`."""
        if isinstance(value, dict):
            if key == "datasource" and set(value) == {"type", "uid"}:
                for logical, ds in self.ctx.env.datasources.items():
                    if dict(ds.ref) == value:
                        return Code(f"ctx.ref({string(logical)})")
            return {k: self.local(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.local(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def text(self, value: str) -> Any:
        """A string with graf's dashboard uids in `/d/<uid>` links as `ctx.uid(name)`."""
        parts = re.split(r"(/d/[A-Za-z0-9_-]+)", value)
        if len(parts) == 1:
            return self.interpolated(value)
        name = self.uid_name(parts[1][3:])
        if name is not None and not parts[0]:
            from graf.dashboards.common import dashboard_url

            for with_application in (True, False):
                if dashboard_url(self.ctx, name, with_application=with_application) == value:
                    self.used.add("common")
                    flag = () if with_application else (("with_application", False),)
                    return Call("common.dashboard_url", (Code("ctx"), name), flag)
        return self.interpolated(value)

    def interpolated(self, value: str) -> Any:
        """`value` as an f-string when it names graf's dashboard uids (`/d/<uid>`) or the environment's label
        value in a label matcher (`environment="prod"`), else as it is."""
        label, env_value = re.escape(self.ctx.labels.environment), re.escape(self.ctx.env.label)
        pattern = re.compile(rf'(/d/[A-Za-z0-9_-]+)|((?<![\w.]){label}\s*=~?\s*"){env_value}(?=")')
        out, changed, at = [], False, 0
        for match in pattern.finditer(value):
            name = self.uid_name(match.group(1)[3:]) if match.group(1) else None
            if match.group(1) and name is None:
                continue
            out.append(value[at:match.start()].replace("{", "{{").replace("}", "}}"))
            if name is not None:
                out.append("/d/{ctx.uid('" + name + "')}")
            else:
                out.append(match.group(2).replace("{", "{{").replace("}", "}}") + "{ctx.env.label}")
            changed, at = True, match.end()
        out.append(value[at:].replace("{", "{{").replace("}", "}}"))
        return FString("".join(out)) if changed else value

    def uid_name(self, uid: str) -> str | None:
        if uid.startswith(self.prefix) and self.ctx.uid(uid[len(self.prefix):]) == uid:
            return uid[len(self.prefix):]
        return None

    def uid(self, uid: str) -> Any:
        name = self.uid_name(uid)
        return Code(f"ctx.uid({string(name)})") if name is not None else uid

    # -- module

    def module(self) -> str:
        t = self.target
        taken: set[str] = set()
        statements: list[str] = []
        top: list[Code] = []
        for panel in t.get("panels", []):
            children = []
            for child in panel.get("panels", []) if panel.get("type") == "row" else []:
                name = name_of(child.get("title", ""), taken)
                statements.append(f"    {name} = {source(self.panel(child), 1, len(name) + 7)}")
                children.append(Code(name))
            name = name_of(panel.get("title", "") or panel.get("type", "panel"), taken)
            expr = self.panel(panel, children)
            statements.append(f"    {name} = {source(expr, 1, len(name) + 7)}")
            top.append(Code(name))
        variables = [self.variable(v) for v in t.get("templating", {}).get("list", [])]
        frame = self.frame(top, variables)
        body = "\n".join(statements)
        text = f"    return {source(frame, 1, 11)}"
        # a proposal the frame gave up (its field went to extraJson) needs no import
        self.used = {n for n in self.used if re.search(rf"(?<![\w.]){n}[(.]", body + text)}
        return self.header() + "\n\ndef dashboard(ctx: RenderContext) -> Dashboard:\n" + \
            (f"{body}\n" if body else "") + text + "\n"

    def header(self) -> str:
        # the docstring holds names from the dashboard: no backslash or quote may end or escape it
        title = re.sub(r'[\\"]', "'", str(self.target.get("title", "")))
        uid = re.sub(r'[\\"]', "'", str(self.target.get("uid", "")))
        origin = " from " + re.sub(r'[\\"]', "'", self.source_name) if self.source_name else ""
        about = (f"Written by `graf export --as python`{origin}: add this file to dashboards.modules in graf.yaml; "
                 "graf renders it to the same dashboard.")
        doc = "\n".join([*textwrap.wrap(f'"""Dashboard "{title}" (uid {uid}).', 100), "",
                         *textwrap.wrap(about, 100), '"""'])
        lines = [doc, "", "from __future__ import annotations", ""]
        used = self.used | {"Dashboard"}
        grafanalib = sorted(n for n in ("Annotations", "Dashboard", "Templating", "Time") if n in used)
        if grafanalib:
            lines += [f"from grafanalib.core import {', '.join(grafanalib)}", ""]
        graf_imports = ["from graf.context import RenderContext"]
        if "common" in self.used:
            graf_imports.insert(0, "from graf.dashboards import common")
        extra = sorted(n for n in ("ExtendedDashboard", "at") if n in self.used)
        if extra:
            graf_imports.append(f"from graf.dashboards.exported import {', '.join(extra)}")
        helpers = sorted(n for n in (*QUERY_HELPERS, *PANEL_HELPERS) if n in self.used)
        if helpers:
            graf_imports.append(f"from graf.dashboards.panels import {', '.join(helpers)}")
        lines += sorted(graf_imports, key=lambda s: s.split(" import ")[0])
        return "\n".join(lines) + "\n"

    # -- frame

    def frame(self, panels: list[Code], variables: list[Any]) -> Any:
        t = self.target
        if self.use_builtin_frame:
            built = self.builtin_frame(panels, variables)
            if built is not None:
                return built
        kwargs: list[tuple[str, Any]] = [("title", self.title(t.get("title", ""))), ("uid", self.uid(t.get("uid", "")))]
        base = self.render_frame([("title", "x")], {})
        extra: dict[str, Any] = {}
        for key in ("description", "tags", "editable", "graphTooltip", "refresh", "timezone"):
            if key in t and t[key] != base.get(key):
                value = [self.tag(v) for v in t[key]] if key == "tags" and isinstance(t[key], list) else t[key]
                value = self.title(value) if key == "description" and isinstance(value, str) else value
                kwargs.append((key, value))
        time = t.get("time")
        if isinstance(time, dict) and set(time) == {"from", "to"} and all(isinstance(v, str) for v in time.values()):
            if time != base.get("time"):
                self.used.add("Time")
                kwargs.append(("time", Call("Time", (time["from"], time["to"]))))
        elif "time" in t:
            extra["time"] = t["time"]
        annotations = [a for a in t.get("annotations", {}).get("list", [])]
        if annotations and annotations[0] == adapter.BUILTIN_ANNOTATION:
            annotations = annotations[1:]
        if annotations:
            self.used.add("Annotations")
            kwargs.append(("annotations", Call("Annotations", (), (("list", self.local(annotations)),))))
        if variables:
            self.used.add("Templating")
            kwargs.append(("templating", Call("Templating", (), (("list", variables),))))
        if t.get("links"):
            kwargs.append(("links", self.local(t["links"])))
        handled = {"title", "uid", "description", "tags", "editable", "graphTooltip", "refresh", "timezone", "time",
                   "annotations", "templating", "links", "panels"}
        for key, value in t.items():
            if key not in handled and not _same_field(key, value, base.get(key)):
                extra[key] = self.local(value)
        for key in base:
            if key not in t and key in ("refresh", "timezone"):  # grafanalib arguments that take None
                kwargs.append((key, None))
        # what the frame still renders otherwise is written as the dashboard has it (None: left out)
        try:
            rendered = self.render_frame(kwargs, extra)
        except Exception:  # grafanalib's validators refusing a value the dashboard has: it is written as it is
            extra.update({key: self.local(t[key]) if key in t else None for key, _ in kwargs[2:]})
            kwargs = kwargs[:2]
            rendered = self.render_frame(kwargs, extra)
        for key in [*t, *(k for k in rendered if k not in t)]:
            if key != "panels" and not _same_field(key, rendered.get(key), t.get(key)):
                extra[key] = self.local(t[key]) if key in t else None
                kwargs = [(k, v) for k, v in kwargs if k != key]
        if "panels" in t:
            kwargs.append(("panels", panels))
        else:
            extra["panels"] = None
        if extra:
            kwargs.append(("extraJson", extra))
        kind = "ExtendedDashboard" if extra else "Dashboard"  # grafanalib's own when it has every field
        self.used.add(kind)
        return Call(kind, (), tuple(kwargs))

    def render_frame(self, kwargs: list[tuple[str, Any]], extra: dict[str, Any]) -> JSON:
        """What graf renders for the dashboard frame with these arguments and no panels."""
        call = Call("ExtendedDashboard", (), (*kwargs, ("extraJson", extra)))
        return adapter.to_model(self.evaluate(call), self.ctx)

    def title(self, title: str) -> Any:
        """The dashboard's title or description, with the environment's name as `ctx.env.name`."""
        parts = re.split(rf"(?<![\w-])({re.escape(self.ctx.env.name)})(?![\w-])", title)
        if len(parts) == 1:
            return title
        text = "".join("{ctx.env.name}" if i % 2 else p.replace("{", "{{").replace("}", "}}")
                       for i, p in enumerate(parts))
        return FString(text)

    def tag(self, value: Any) -> Any:
        return Code("ctx.env.name") if value == self.ctx.env.name else value

    def builtin_frame(self, panels: list[Code], variables: list[Any]) -> Any:
        """`common.frame(ctx, name, ...)` when the uid is a built-in's; the module check decides if it fits."""
        from graf.dashboards.common import TITLES

        name = self.uid_name(str(self.target.get("uid", "")))
        if name not in TITLES:
            return None
        links = " ".join(str(link.get("url", "")) for link in self.target.get("links", []))
        self.used.add("common")
        return Call("common.frame", (Code("ctx"), name), (
            ("description", self.title(self.target.get("description", ""))), ("panels", panels),
            ("variables", variables), ("with_application", "application:queryparam" in links)))

    # -- variables

    def variable(self, variable: JSON) -> Any:
        if self.readable:
            for call in self.variable_calls():
                if self.same(call, variable, lambda v: self.refs_variable(v)):
                    self.used.add("common")
                    return call
        out = _ordered(self.local(drop_nulls(variable)), VARIABLE_KEYS)  # nulls: not in graf's normal form
        current = out.get("current")
        if isinstance(current, dict) and current.get("value") == self.ctx.env.label \
                and self.ctx.labels.environment in str(out.get("query", "")):
            out["current"] = {k: Code("ctx.env.label") if v == self.ctx.env.label else v for k, v in current.items()}
        return out

    def refs_variable(self, value: Any) -> Any:
        return adapter._variable(value, self.refs)

    def variable_calls(self) -> list[Call]:
        ctx = Code("ctx")
        calls = [Call("common.environment_variable", (ctx,)), Call("common.environment_variable", (ctx, "loki")),
                 Call("common.application_variable", (ctx,)), Call("common.application_variable", (ctx, "loki"))]
        calls += [Call("common.instance_variable", (ctx, kind)) for kind in ("app", "node", "any", "logs")]
        return calls

    # -- panels

    def panel(self, panel: JSON, children: list[Code] | None = None) -> Any:
        want = self.layout_free(panel)
        if self.readable and not children:
            for call in self.panel_calls(panel):
                if self.same(call, want, self.refs_panel):
                    self.mark(call)
                    return self.placed(call, panel)
        out = _ordered(self.local(drop_nulls(panel)), PANEL_KEYS)
        if isinstance(out.get("targets"), list):
            out["targets"] = [_ordered(t, TARGET_KEYS) if isinstance(t, dict) else t for t in out["targets"]]
        if children:
            out["panels"] = children
        if self.flowed:
            out.pop("id", None)
            if isinstance(out.get("gridPos"), dict):
                out["gridPos"] = {k: v for k, v in out["gridPos"].items() if k in ("h", "w")}
        return out

    def placed(self, call: Call, panel: JSON) -> Any:
        if self.flowed:
            return call
        grid = panel.get("gridPos", {})
        kwargs = [("x", grid.get("x", 0)), ("y", grid.get("y", 0))]
        if "id" in panel:
            kwargs.append(("id", panel["id"]))
        self.used.add("at")
        return Call("at", (call,), tuple(kwargs))

    def layout_free(self, panel: JSON) -> JSON:
        grid = panel.get("gridPos", {})
        out = {k: v for k, v in panel.items() if k != "id"}
        if isinstance(grid, dict):
            out["gridPos"] = {"h": grid.get("h"), "w": grid.get("w"), "x": 0, "y": 0}
        return out

    def refs_panel(self, value: Any) -> Any:
        return adapter._panel(value, self.refs, None)

    def mark(self, value: Any) -> None:
        if isinstance(value, Call):
            self.used.add(value.name.split(".")[0])
            for v in value.args:
                self.mark(v)
            for _, v in value.kwargs:
                self.mark(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                self.mark(v)

    def panel_calls(self, panel: JSON) -> list[Call]:
        kind = panel.get("type")
        title, description = panel.get("title", ""), panel.get("description", "")
        grid = panel.get("gridPos", {})
        size = [("w", grid.get("w")), ("h", grid.get("h"))]
        if kind == "row":
            return [Call("row", (title,))]
        if kind == "text":
            content = panel.get("options", {}).get("content", "")
            return [_call("text", (title, content), size)]
        targets = [self.query(t) for t in panel.get("targets", [])]
        if any(t is None for t in targets):
            return []
        defaults = panel.get("fieldConfig", {}).get("defaults", {})
        custom = defaults.get("custom", {})
        options = panel.get("options", {})
        common_kw = [*size, ("links", [(link.get("title", ""), self.text(link.get("url", "")))
                                        for link in panel.get("links", [])])]
        steps = tuple((s.get("color"), s.get("value")) for s in defaults.get("thresholds", {}).get("steps", []))
        limits = [("min", defaults.get("min")), ("max", defaults.get("max"))]
        head = (title, description, targets)
        if kind == "timeseries":
            thresholds = steps if custom.get("thresholdsStyle", {}).get("mode", "off") != "off" else ()
            return [_call("timeseries", head, [
                ("unit", defaults.get("unit")), *common_kw, *limits, ("thresholds", thresholds),
                ("stack", custom.get("stacking", {}).get("mode") == "normal"),
                ("bars", custom.get("drawStyle") == "bars"),
                ("legend_calcs", tuple(options.get("legend", {}).get("calcs", ())))])]
        if kind == "stat":
            calcs = options.get("reduceOptions", {}).get("calcs") or ["lastNotNull"]
            return [_call("stat", head, [
                ("unit", defaults.get("unit")), *common_kw, ("thresholds", steps),
                ("decimals", defaults.get("decimals")), ("graph", options.get("graphMode") == "area"),
                ("calc", calcs[0]), *limits])]
        if kind == "table":
            sort = options.get("sortBy") or [{}]
            calls = [_call("table", head, [
                ("unit", defaults.get("unit")), *common_kw,
                ("transformations", self.local(panel.get("transformations", []))),
                ("overrides", self.local(panel.get("fieldConfig", {}).get("overrides", []))),
                ("sort_by", sort[0].get("displayName")), ("descending", sort[0].get("desc", True)),
                ("thresholds", steps)])]
            if len(targets) == 1:
                calls.append(_call("traces", (title, description, targets[0]), size))
            return calls
        if kind == "logs":
            return [_call("logs", head, size)]
        return []

    def query(self, target: JSON) -> Call | None:
        kind = target.get("datasource", {}).get("type") if isinstance(target.get("datasource"), dict) else None
        if kind == "prometheus" and "expr" in target:
            legend = target.get("legendFormat", "")
            return _call("prom", (self.text(target["expr"]), *([legend] if legend else [])), [
                ("instant", bool(target.get("instant"))), ("exemplar", bool(target.get("exemplar"))),
                ("table", target.get("format") == "table")])
        if kind == "loki" and "expr" in target:
            legend = target.get("legendFormat", "")
            return _call("loki", (self.text(target["expr"]), *([legend] if legend else [])),
                         [("max_lines", target.get("maxLines"))])
        if kind == "tempo" and "query" in target:
            return _call("traceql", (self.text(target["query"]),), [("limit", target.get("limit", 20))])
        return None


PANEL_KEYS = ("type", "title", "description", "gridPos", "id", "datasource", "targets")
TARGET_KEYS = ("refId", "datasource", "expr", "query", "legendFormat")
VARIABLE_KEYS = ("type", "name", "label", "description", "query", "datasource", "current")


def _ordered(value: JSON, first: tuple[str, ...]) -> JSON:
    """`value` with the keys a reader looks for first in front, the rest in their order."""
    return {**{k: value[k] for k in first if k in value}, **{k: v for k, v in value.items() if k not in first}}


def _same_field(key: str, a: Any, b: Any) -> bool:
    """Whether the dashboard field `key` is the same with value `a` or `b` in graf's normal form (the server's
    own fields, such as `id` and `version`, always are)."""
    return bool(canonical("dashboard", {key: a}) == canonical("dashboard", {key: b}))


def _flowed(panels: list[JSON]) -> bool:
    """Whether graf's own layout (sizes flowed in order, ids counted up) gives these positions and ids."""
    def strip(panel: JSON) -> JSON:
        grid = panel.get("gridPos") or {}
        out = {k: v for k, v in panel.items() if k not in ("id", "gridPos")}
        out["gridPos"] = {k: v for k, v in grid.items() if k in ("h", "w")}
        if panel.get("type") == "row":
            out["panels"] = [strip(p) for p in panel.get("panels", [])]
        return out

    def places(items: list[JSON]) -> list[Any]:
        return [(p.get("id"), p.get("gridPos"), places(p.get("panels", []))) for p in items]

    from graf.dashboards._layout import assign_ids, layout

    redone = assign_ids(layout([strip(p) for p in panels]))
    return places(redone) == places(panels)


def _call(name: str, args: tuple[Any, ...], kwargs: list[tuple[str, Any]]) -> Call:
    """`name(*args, **kwargs)` without the keyword arguments equal to the helper's defaults."""
    from graf.dashboards import panels

    signature = inspect.signature(getattr(panels, name))
    kept = []
    for key, value in kwargs:
        default = signature.parameters[key].default
        if default is not inspect.Parameter.empty and _equal(value, default):
            continue
        kept.append((key, value))
    return Call(name, args, tuple(kept))


def _equal(value: Any, default: Any) -> bool:
    if isinstance(value, (list, tuple)) and isinstance(default, (list, tuple)):
        return [tuple(v) if isinstance(v, list) else v for v in value] == list(default)
    return bool(value == default)
