"""Query verdicts remembered on disk between `graf validate` runs, in the user's cache directory.

A verdict is what graf validate concluded about one query (does it parse; which selectors lack the
environment label) for one set of variable samples, about all the PromQL queries of one dashboard at
once (promql.dashboard_verdicts: one key per dashboard, not one per query), or about one dashboard
file read on its own (graf.validate.sharded: its findings, keyed by the file's bytes and path). It
depends only on those, promql-parser and graf's validation code, so it is kept under a folder named
by all of those:

    $XDG_CACHE_HOME/graf/verdicts/<python>-promql-parser-<its files>-graf-<code hash>/

(~/.cache when XDG_CACHE_HOME is unset; never in the project): the installed parser's files are
named by their names, sizes and modification times (no package metadata is read: importing
importlib.metadata alone would cost every build more than the lookups save), graf's by the content
of its validation code. A new parser, graf or query code starts an empty folder. Each process that
learnt something writes one shard (marshal, a dict of key digest -> verdict) by atomic rename; a
reader merges the shards and, when there are many, rewrites them as one. A broken or foreign shard
is ignored, never trusted: the query is checked again.

`graf validate` and `graf build` turn it on (`enable()`); GRAF_VALIDATE_CACHE=0 turns it off. The
library keeps its in-memory caches only.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from graf._codecache import installed

VARIABLE = "GRAF_VALIDATE_CACHE"
MERGE_FROM = 8  # shards: more than this and a reader writes them back as one
_VALUES = (str, type(None), tuple)

_known: dict[str, Any] | None = None  # None: the disk cache is off
_learnt: dict[str, Any] = {}
_folder: Path | None = None


def enable() -> None:
    """Read what earlier runs learnt (unless GRAF_VALIDATE_CACHE=0); from now on lookups use it."""
    global _known, _folder
    if os.environ.get(VARIABLE, "").strip() == "0":
        return
    _folder = folder()
    _known = _read(_folder)


def disable() -> None:
    global _known, _folder
    _known, _folder = None, None
    _learnt.clear()


def enabled() -> bool:
    return _known is not None


def folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "graf" / "verdicts" / _generation()


def _generation() -> str:
    code = hashlib.sha256()
    here = Path(__file__).resolve().parent
    package = here.parent
    sources = sorted(p for p in here.rglob("*") if p.suffix in (".py", ".json"))
    for file in [*sources, *(package / name for name in _ALSO_READ)]:
        code.update(file.read_bytes())
    python = f"py{sys.version_info[0]}{sys.version_info[1]}"
    return f"{python}-promql-parser-{installed('promql_parser')}-graf-{code.hexdigest()[:12]}"


# Outside graf/validate, the code a file's findings depend on (all of graf/validate is hashed).
_ALSO_READ = ("jsoninput.py", "resources.py", "uids.py", "errors.py", "wording.py", "units.py")


def key(*parts: Any) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def text_key(text: str) -> str:
    """`key` of one string the caller made unambiguous (a fixed prefix that no repr starts with)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


_MISSING = object()


def lookup(digest: str) -> Any:
    """The remembered verdict, or `MISSING`."""
    if _known is None:
        return _MISSING
    return _known.get(digest, _MISSING)


MISSING = _MISSING


def remember(digest: str, verdict: Any) -> None:
    if _known is not None:
        _known[digest] = verdict
        _learnt[digest] = verdict


def save() -> None:
    """Write what this process learnt as one new shard (nothing when it learnt nothing)."""
    if _known is None or _folder is None or not _learnt:
        return
    try:
        _write(_folder, dict(_learnt))
        _learnt.clear()
    except OSError:
        pass  # a read-only or full cache directory costs speed only, never a result


def _write(where: Path, verdicts: dict[str, Any]) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=where, prefix=".part-")
    with os.fdopen(handle, "wb") as out:
        marshal.dump(verdicts, out)
    final = where / f"{os.getpid()}-{Path(temporary).name[6:]}.shard"
    os.replace(temporary, final)
    return final


def _read(where: Path) -> dict[str, Any]:
    shards = sorted(where.glob("*.shard")) if where.is_dir() else []
    known: dict[str, Any] = {}
    read: list[Path] = []
    for shard in shards:
        try:
            loaded = marshal.loads(shard.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            continue
        if isinstance(loaded, dict):
            known.update((k, v) for k, v in loaded.items() if isinstance(k, str) and isinstance(v, _VALUES))
            read.append(shard)
    if len(read) > MERGE_FROM:
        try:
            _write(where, known)
            for shard in read:
                shard.unlink(missing_ok=True)
        except OSError:
            pass
    return known
