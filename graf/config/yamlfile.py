"""Reading graf.yaml safely: a hostile or broken file is one bounded ConfigError, never a hang.

Limits, each far above what a real graf.yaml needs (the example is 4.5 KB, 7 levels, 245 values):
the file's size, its nesting depth, and the number of values once aliases are expanded (a 4.8 KB
"billion laughs" file expands to billions). A duplicate key is an error naming both lines, not
the last one silently winning; so is a key that is not a string, and an alias to itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graf.config.keys import KeyPath, where
from graf.errors import ConfigError
from graf.wording import VALUE_LIMIT, clip, type_of

if TYPE_CHECKING:
    import yaml

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 100_000  # scalars, lists and mappings, counting each alias use in full

_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"


def read_yaml(path: Path) -> dict[str, Any]:
    """The top-level mapping of the YAML file at `path`; ConfigError for anything else."""
    text = _read_text(path)
    data = _parse(text, path)
    if data is None:
        raise ConfigError(str(path), "file is empty", "see README.md, 'Configuration reference'")
    if not isinstance(data, dict):
        raise ConfigError(str(path), f"expected a mapping at the top level, got {type_of(data, 'yaml')}")
    return data


def _read_text(path: Path) -> str:
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(str(path), "file not found", "pass --config with an existing graf.yaml") from None
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(str(path), f"larger than {MAX_BYTES // 1024} KiB: not a graf.yaml")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        raise ConfigError(str(path), "is UTF-16 or binary, not UTF-8 text", "save graf.yaml as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}", f"not UTF-8 text (byte 0x{raw[exc.start]:02x}): "
                                            "graf.yaml must be UTF-8") from None
    return text


class _Refused(Exception):
    """Raised inside the loader: `message` about the value at `mark`, reported as `file:line:column`."""

    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.mark, self.message = mark, message


def _parse(text: str, path: Path) -> Any:
    """The document `text` reads as: as read before (graf.config.yamlcache, the CLI), else read by PyYAML."""
    from graf.config import yamlcache

    document = yamlcache.lookup(text)
    if document is yamlcache.MISSING:
        document = _read_document(text, path)
        yamlcache.remember(text, document)
    return document


def _read_document(text: str, path: Path) -> Any:
    import yaml

    data = _parse_fast(text, path.name)
    if data is not _UNSURE:
        return data
    try:
        loader = _loader_class()(text)
    except yaml.reader.ReaderError as exc:
        line = text[:exc.position].count("\n") + 1
        raise ConfigError(f"{path}:{line}", f"character U+{exc.character:04X} is not allowed in YAML") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node, path.name)
        return loader.construct_document(node)
    except _Refused as exc:
        raise ConfigError(_position(path, exc.mark), exc.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "not valid YAML"
        raise ConfigError(_position(path, mark), f"YAML syntax error: {clip(problem, VALUE_LIMIT)}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(str(path), f"YAML syntax error: {clip(str(exc), VALUE_LIMIT)}") from None
    finally:
        loader.dispose()


_UNSURE = object()
# What libyaml and PyYAML read differently (found by fuzzing both): tabs, a `?` inside a flow collection's plain
# scalar and a `#` right after a block scalar's `|` or `>` (PyYAML refuses some that libyaml takes), a byte-order
# mark past the start, the Unicode line breaks, and tags (a lone `!` is "" to one and None to the other). A text
# holding any of them goes to the Python loader, as it did before libyaml was used.
_PYTHON_ONLY = r"[\t\ufeff\x85\u2028\u2029!?]|[|>][-+0-9]*#"


def _parse_fast(text: str, file: str) -> Any:
    """The document read with libyaml (CSafeLoader: composing at C speed, the same constructors), or
    `_UNSURE` for anything but a fine file, which `_parse` then reads again in Python to word what is wrong.

    libyaml composes recursively in C, so the depth and the number of values are counted on its
    event stream first (iterative), and a file past either limit never reaches its composer. Texts the two
    read differently (`_PYTHON_ONLY`) go to Python."""
    import yaml

    if not getattr(yaml, "__with_libyaml__", False) or re.search(_PYTHON_ONLY, text):
        return _UNSURE
    try:
        if not _within_limits(yaml.CSafeLoader(text)):
            return _UNSURE
        loader = yaml.CSafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_graph(node, file)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except (yaml.YAMLError, ConfigError, ValueError, OverflowError):
        return _UNSURE


def _within_limits(events: Any) -> bool:
    """Does the event stream nest at most MAX_DEPTH levels and hold at most MAX_VALUES nodes (each alias one),
    counted as the Python composer counts them?"""
    import yaml

    depth = nodes = 0
    opening = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
    closing = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    node_events = (yaml.ScalarEvent, yaml.AliasEvent, *opening)
    try:
        while events.check_event():
            event = events.get_event()
            if isinstance(event, node_events):
                nodes += 1
                if depth + 1 > MAX_DEPTH or nodes > MAX_VALUES:
                    return False
                if isinstance(event, opening):
                    depth += 1
            elif isinstance(event, closing):
                depth -= 1
        return True
    finally:
        events.dispose()


def _position(path: Path, mark: Any) -> str:
    return f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)


_LOADER: type | None = None


def _loader_class() -> type:
    """yaml.SafeLoader that refuses, while composing, to nest deeper than MAX_DEPTH (the composer recurses)
    or to hold more than MAX_VALUES nodes, and says where a value its constructors cannot read is."""
    global _LOADER
    if _LOADER is None:
        import yaml

        class BoundedLoader(yaml.SafeLoader):
            depth = 0
            nodes = 0

            def compose_node(self, parent: Any, index: Any) -> Any:
                self.depth += 1
                self.nodes += 1
                try:
                    if self.depth > MAX_DEPTH:
                        raise _Refused(self.peek_event().start_mark, f"nested deeper than {MAX_DEPTH} levels")
                    if self.nodes > MAX_VALUES:
                        raise _Refused(self.peek_event().start_mark, f"holds more than {MAX_VALUES:,} values")
                    return super().compose_node(parent, index)
                finally:
                    self.depth -= 1

            def construct_object(self, node: Any, deep: bool = False) -> Any:
                try:
                    return super().construct_object(node, deep)
                except (ValueError, OverflowError) as exc:
                    # int/float/timestamp parsing: `2026-13-45`, an integer of 5,000 digits.
                    raise _Refused(node.start_mark, f"cannot read this value: {clip(str(exc), VALUE_LIMIT)}") from None

        _LOADER = BoundedLoader
    return _LOADER


def _check_graph(root: yaml.Node, file: str) -> None:
    """Walk the composed document once (each node once, however many aliases point at it):
    duplicate and non-string keys, aliases to themselves, depth and size with every alias expanded."""
    import yaml

    measured: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth) with aliases expanded
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, KeyPath, bool]] = [(root, (), False)]
    while stack:
        node, keys, done = stack.pop()
        children = _children(node, keys)
        if done:
            values = 1 + sum(measured[id(child)][0] for child, _ in children)
            depth = 1 + max((measured[id(child)][1] for child, _ in children), default=0)
            open_nodes.discard(id(node))
            if values > MAX_VALUES:
                raise _at(file, keys, node,
                          f"expands to more than {MAX_VALUES:,} values (line {{line}}: aliases used too often)")
            if depth > MAX_DEPTH:
                raise _at(file, keys, node,
                          f"nested deeper than {MAX_DEPTH} levels once aliases are expanded (line {{line}})")
            measured[id(node)] = (values, depth)
            continue
        if id(node) in measured:
            continue
        if id(node) in open_nodes:
            raise _at(file, keys, node, "the alias on line {line} refers to the value it is inside of")
        open_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            _check_keys(node, keys, file)
        stack.append((node, keys, True))
        stack.extend((child, child_keys, False) for child, child_keys in reversed(children))


def _children(node: yaml.Node, keys: KeyPath) -> list[tuple[yaml.Node, KeyPath]]:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return [(child, (*keys, i)) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: list[tuple[yaml.Node, KeyPath]] = []
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) and key.tag == _STR else "<<"
            out += [(key, keys), (value, (*keys, name))]
        return out
    return []


def _check_keys(node: yaml.MappingNode, keys: KeyPath, file: str) -> None:
    import yaml

    lines: dict[str, int] = {}
    for key, _ in node.value:
        if key.tag == _MERGE:
            continue
        if not isinstance(key, yaml.ScalarNode) or key.tag != _STR:
            shown = clip(key.value, VALUE_LIMIT) if isinstance(key, yaml.ScalarNode) else "a list or mapping"
            raise _at(file, keys, key, f"key {shown} on line {{line}} is not a string (quote it)")
        line = key.start_mark.line + 1
        if key.value in lines:
            raise _at(file, (*keys, key.value), key,
                      f"duplicate key on line {{line}} (first on line {lines[key.value]})")
        lines[key.value] = line


def _at(file: str, keys: KeyPath, node: yaml.Node, message: str) -> ConfigError:
    return ConfigError(where(file, keys), message.replace("{line}", str(node.start_mark.line + 1)))
