"""graf.yaml's document kept by the digest of its text (the CLI only), so a command reading a graf.yaml it read
before does not import PyYAML (~25 ms: PyYAML compiles its regexes at import) nor parse it again.

    $XDG_CACHE_HOME/graf/code/yaml-<generation>-<text digest>.marshal

(~/.cache when XDG_CACHE_HOME is unset; never in the project). The generation names what decides the document
a text reads as: PyYAML's installed files (names, sizes, modification times) and graf's reader
(graf/config/yamlfile.py, by content). Only a document of plain values (dicts with string keys, lists, strings,
numbers, booleans, None) is kept; one holding anything else (a date, a set) is read by PyYAML each time. A file
that cannot be read or holds anything else is ignored, one that cannot be written costs speed only; past
`MAX_FILES` the least recently written go. On while graf._codecache is (the CLI; GRAF_CODE_CACHE=0 turns both off).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
from functools import cache
from pathlib import Path
from typing import Any

MISSING = object()
MAX_FILES = 64  # graf.yaml texts; tests and benches make many temporary projects
_PLAIN = (str, int, float, bool, type(None))


def lookup(text: str) -> Any:
    """The document `text` read as before, or MISSING."""
    file = _file(text)
    if file is None:
        return MISSING
    try:
        document = marshal.loads(file.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return MISSING
    return document if _is_plain(document) else MISSING


def remember(text: str, document: Any) -> None:
    """Keep `document`, what `text` read as, when it holds only plain values."""
    from graf._codecache import write_marshal

    file = _file(text)
    if file is None or not _is_plain(document) or not write_marshal(file, document):
        return
    with contextlib.suppress(OSError):  # an old file that cannot go costs disk only
        _prune(file.parent)


def _file(text: str) -> Path | None:
    from graf import _codecache

    if not _codecache.enabled():
        return None
    try:
        folder = _codecache.folder()
    except RuntimeError:  # no home directory to find a cache directory in
        return None
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return folder / f"yaml-{_generation()}-{digest}.marshal"


@cache
def _generation() -> str:
    from graf._codecache import installed
    from graf.config import yamlfile

    reader = hashlib.sha256(Path(yamlfile.__file__).read_bytes()).hexdigest()[:12]
    return f"{installed('yaml')}-{reader}"


def _is_plain(value: Any) -> bool:
    """Whether `value` holds only what YAML's plain scalars and collections read as (iteratively: no depth limit)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            if not all(type(key) is str for key in item):
                return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind not in _PLAIN:
            return False
    return True


def _prune(folder: Path) -> None:
    """The least recently written yaml files past `MAX_FILES` removed."""
    files = []
    for file in folder.glob("yaml-*.marshal"):
        try:
            files.append((file.stat().st_mtime_ns, file))
        except OSError:
            continue
    for _, file in sorted(files, reverse=True)[MAX_FILES:]:
        file.unlink(missing_ok=True)
