"""Key trees of Loki's and Tempo's official configuration references (`../shared/reference/config-docs/`).

A key tree is a dict: key -> subtree, or `OPEN` where the reference leaves the contents to another
schema (a map of label names, an OpenTelemetry receiver, a Prometheus remote-write entry), or `LEAF`.
`unknown_keys(rendered, tree)` walks a rendered config and returns every key path the tree lacks:
what the release's config parser would reject (unknown keys are errors in Loki 3.7.6, Tempo 2.10.8
and Tempo 3.0.3, config-docs README fact 8).

Sources, per release, all read from the reference folder (nothing is copied into graf):
- Loki: `configuration.md`, the generated reference (root block, then one `### <block>` section per
  named block; `[key: <block>]` and `<list of <block>s>` point at those sections).
- Tempo: `manifest.md` (every option with its default, as YAML) merged with the YAML blocks of
  `_index.md` (options the manifest omits because they are empty by default, e.g. the per-tenant
  `overrides.defaults.metrics_generator.processors`).
- Both: the configs in the config-docs README that the release's own verifier accepted (exit 0 in
  the transcript there): a key in such a file is known to that release even where its reference
  page does not list it (Tempo 2.10.8's `_index.md` does not mention `stream_over_http_enabled`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.reference import reference_path

OPEN = "<open>"
LEAF = "<leaf>"
Tree = dict[str, Any]

_FENCE = re.compile(r"^```(\w*)\s*$")
_KEY = re.compile(r"^\[?\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*:(.*)$")
_BLOCK_REF = re.compile(r"^<([a-z0-9_]+)>")
_EMBEDDED = re.compile(r"^\[<([a-z0-9_]+)>\]$")
_LIST_OF = re.compile(r"^<list of ([a-z0-9_]+?)s?>")


def _fenced(text: str, language: str = "yaml") -> list[tuple[int, list[str]]]:
    """Every fenced block in `language`: (line number of the fence, lines)."""
    blocks: list[tuple[int, list[str]]] = []
    inside: list[str] | None = None
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        match = _FENCE.match(line.strip())
        if inside is None and match and match.group(1) == language:
            inside, start = [], number
        elif inside is not None and line.strip() == "```":
            blocks.append((start, inside))
            inside = None
        elif inside is not None:
            inside.append(line)
    return blocks


def merge(into: Tree, other: Tree) -> Tree:
    for key, value in other.items():
        mine = into.get(key)
        if isinstance(mine, dict) and isinstance(value, dict):
            merge(mine, value)
        elif mine is None or mine == LEAF or value == OPEN:
            into[key] = value if not isinstance(value, dict) else merge({}, value)
    return into


def _indented_tree(lines: list[str], value_kind: Any) -> Tree:
    """A tree from reference-style YAML lines: `[key: <type> | default = x]`, `key:` and `key: value`,
    nested by indentation (the Tempo page mixes 2- and 4-space steps, so any deeper line is a child)."""
    root: Tree = {}
    stack: list[tuple[int, Tree]] = [(-1, root)]
    for raw in lines:
        stripped = raw.strip()
        embedded = _EMBEDDED.match(stripped)
        if embedded:  # `[<block>]`: the block's keys sit directly in the enclosing one
            indent = len(raw) - len(raw.lstrip(" "))
            while stack[-1][0] >= indent:
                stack.pop()
            kind = value_kind(f"<{embedded.group(1)}>")
            if isinstance(kind, dict):
                merge(stack[-1][1], kind)
            continue
        match = _KEY.match(stripped)
        if not match or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        key, rest = match.group(1), match.group(2).split("#", 1)[0].strip().rstrip("]").strip()
        kind = value_kind(rest)
        if isinstance(kind, dict):
            existing = parent.get(key)
            if existing == OPEN:
                stack.append((indent, {}))  # children of an open node say nothing
                continue
            if not isinstance(existing, dict):
                existing = parent[key] = {}
            merge(existing, kind)
            stack.append((indent, existing))
        else:
            if kind == OPEN or key not in parent:
                parent[key] = kind
            stack.append((indent, {}))  # lines below a scalar are examples of its value
    return root


def _prune_empty(tree: Tree) -> Tree:
    """A `key:` with no documented children is a leaf (a scalar or a block the page does not expand)."""
    for key, value in list(tree.items()):
        if isinstance(value, dict):
            tree[key] = _prune_empty(value) if value else OPEN
    return tree


# --- Loki -----------------------------------------------------------------------------------------

def loki_tree(version: str) -> Tree:
    text = reference_path(f"config-docs/loki-{version}/configuration.md").read_text(encoding="utf-8")
    sections: dict[str, list[str]] = {}
    heading = None
    root_lines: list[str] = []
    current: list[str] | None = None
    fence = False
    for line in text.splitlines():
        if line.startswith("#") and not fence:
            # `### <block>` starts a block's section; any other heading ends it (later prose has examples).
            heading = line[4:].strip() if line.startswith("### ") else None
            continue
        if line.strip().startswith("```"):
            if not fence and line.strip() == "```yaml":
                fence = True
                if heading and heading.startswith("Supported contents") and not root_lines:
                    current = root_lines
                elif heading and heading not in sections:
                    current = sections[heading] = []
                else:
                    current = None
            elif fence:
                fence = False
            continue
        if fence and current is not None:
            current.append(line)

    resolved: dict[str, Tree] = {}

    def block(name: str) -> Tree:
        if name not in resolved:
            resolved[name] = {}  # a block that refers to itself stays finite
            resolved[name].update(_indented_tree(sections[name], kind))
        return resolved[name]

    def kind(rest: str) -> Any:
        body = rest.split("|", 1)[0].strip()
        if body.startswith("<map of") or body == "<map>":
            return OPEN
        listed = _LIST_OF.match(body)
        if listed and listed.group(1) in sections:
            return block(listed.group(1))  # a list of blocks: each item has the block's keys
        ref = _BLOCK_REF.match(body)
        if ref and ref.group(1) in sections:
            return block(ref.group(1))
        return LEAF if body else {}

    return _prune_empty(_indented_tree(root_lines, kind))


# --- Tempo ----------------------------------------------------------------------------------------

def _manifest_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _manifest_tree(v) for k, v in value.items()} if value else OPEN
    if value is None:
        return OPEN  # an interface or pointer the manifest cannot expand
    if isinstance(value, list):
        items = [_manifest_tree(v) for v in value if isinstance(v, dict)]
        return merge({}, items[0]) if items else OPEN
    return LEAF


def _tempo_kind(rest: str) -> Any:
    """`<map>` is open, `<X config>` a block the page may expand below, any other `<type>` or value a scalar."""
    body = rest.split("|", 1)[0].strip()
    if body.startswith("<map"):
        return OPEN
    if not body or "config" in body.lower():
        return {}
    return LEAF


def tempo_tree(version: str) -> Tree:
    folder = f"config-docs/tempo-{version}"
    manifest = reference_path(f"{folder}/manifest.md").read_text(encoding="utf-8")
    [(_, lines)] = _fenced(manifest)
    tree = _manifest_tree(yaml.safe_load("\n".join(lines)))
    index = reference_path(f"{folder}/_index.md").read_text(encoding="utf-8")
    # "Configuration blocks" documents blocks nested elsewhere (compaction, WAL, KVStore): not root keys.
    sections = re.split(r"\n(?=## )", index)
    for section in sections:
        if section.startswith("## Configuration blocks"):
            continue
        for _, block in _fenced(section):
            merge(tree, _prune_empty(_indented_tree(block, _tempo_kind)))
    return tree


# --- Files the releases' own verifiers accepted -------------------------------------------------

_VERIFIED_HEADING = re.compile(r"^### .*\(`([\w.\-]+\.yaml)`\)")
_VERIFY_RUN = re.compile(r"^\$ (loki|tempo)-([\d.]+) -config\.file=([\w.\-]+\.yaml) ")


def verified_configs() -> dict[tuple[str, str], list[Any]]:
    """(product, version) -> the README's configs that release's verifier accepted (exit 0)."""
    text = reference_path("config-docs/README.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    heading_file = None
    fence_for: dict[int, str] = {}
    for number, line in enumerate(lines, 1):
        match = _VERIFIED_HEADING.match(line)
        if match:
            heading_file = match.group(1)
        elif line.strip() == "```yaml" and heading_file:
            fence_for[number] = heading_file
            heading_file = None
    files = {fence_for[start]: yaml.safe_load("\n".join(block)) for start, block in _fenced(text) if start in fence_for}
    accepted: dict[tuple[str, str], list[Any]] = {}
    for number, line in enumerate(lines):
        run = _VERIFY_RUN.match(line.strip())
        if not run:
            continue
        status = next((s.strip() for s in lines[number + 1:number + 8] if s.strip().startswith("[exit")), "")
        if status == "[exit 0]" and run.group(3) in files:
            accepted.setdefault((run.group(1), run.group(2)), []).append(files[run.group(3)])
    return accepted


def _config_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _config_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_config_tree(v) for v in value if isinstance(v, dict)]
        return merge({}, items[0]) if items else LEAF
    return LEAF


def known_keys(product: str, version: str, *, with_verified: bool = True) -> Tree:
    tree = loki_tree(version) if product == "loki" else tempo_tree(version)
    if with_verified:
        for config in verified_configs().get((product, version), []):
            merge(tree, _config_tree(config))
    return tree


def unknown_keys(rendered: Any, tree: Any, path: str = "") -> list[str]:
    """Key paths of `rendered` that `tree` does not know (list items are checked against the item tree)."""
    if tree == OPEN:
        return []
    if isinstance(rendered, list):
        return [p for item in rendered for p in unknown_keys(item, tree, path)]
    if not isinstance(rendered, dict):
        return []
    if not isinstance(tree, dict):
        return [f"{path}.{key}".lstrip(".") for key in rendered]  # the reference has a scalar here
    found: list[str] = []
    for key, value in rendered.items():
        here = f"{path}.{key}".lstrip(".")
        if key not in tree:
            found.append(here)
        else:
            found += unknown_keys(value, tree[key], here)
    return found


def reference_root() -> Path:
    return reference_path("config-docs")
