"""graf.yaml's document kept by the digest of its text (the CLI only), so a command reading a graf.yaml it read
before does not import PyYAML (~25 ms: PyYAML compiles its regexes at import) nor parse it again.

    $XDG_CACHE_HOME/graf/code/yaml-<generation>-<text digest>.marshal

(~/.cache when XDG_CACHE_HOME is unset; never in the project). The generation names what decides the document
a text reads as: PyYAML's installed files (names, sizes, modification times) and graf's reader
(graf/config/yamlfile.py, by content). Only a document of plain values (dicts with string keys, lists, strings,
numbers, booleans, None: graf.jsonvalue.is_plain) is kept; one holding anything else (a date, a set) is read
by PyYAML each time. A file
that cannot be read or holds anything else is ignored, one that cannot be written costs speed only; past
`MAX_FILES` the least recently written go. On while graf._codecache is (the CLI; GRAF_CODE_CACHE=0 turns both off).
"""

from __future__ import annotations

import hashlib
import marshal
from functools import cache
from pathlib import Path
from typing import Any

from graf.jsonvalue import is_plain

MISSING = object()
MAX_FILES = 64  # graf.yaml texts; tests and benches make many temporary projects


def lookup(text: str) -> Any:
    """The document `text` read as before, or MISSING."""
    file = _file(text)
    if file is None:
        return MISSING
    try:
        document = marshal.loads(file.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return MISSING
    return document if is_plain(document) else MISSING


def remember(text: str, document: Any) -> None:
    """Keep `document`, what `text` read as, when it holds only plain values."""
    from graf._codecache import keep_newest, write_marshal

    file = _file(text)
    if file is not None and is_plain(document) and write_marshal(file, document):
        keep_newest(file.parent, "yaml-*.marshal", MAX_FILES)


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
