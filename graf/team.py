"""A team's own modules (graf.yaml `dashboards.modules`, `alerts.modules`): loaded, called, reported.

Each module is loaded as a member of a package made for its folder, so it imports the modules
beside it (or in subfolders) with relative imports: `from . import helpers`,
`from .lib.panels import kpi`. The folder's `__init__.py`, if any, is not run. Within one render
(`one_render()`), the modules of a folder share those imports, as modules of one package do in
Python: a helper beside 500 dashboard modules runs once, not 500 times. Each render (and each load
outside one) gets fresh copies, so a module edited between two renders in one process is read again.

A team module is foreign code. Whatever it does wrong while loading or producing (an exception,
`sys.exit()`, a loop that never ends) becomes one `RenderError` naming the module, and the file and
line in the team's own code where it happened (a helper beside the module counts as the team's):

    dashboards/kpi.py:12: dashboard(ctx) failed: KeyError: 'kpi'

Loading and each call get a time limit, `GRAF_RENDER_TIMEOUT` seconds (default 30; 0 turns it
off). It is a POSIX interval timer, so it applies where graf renders in the main thread (every
`graf` command does); elsewhere (another thread, Windows) modules run without a limit.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

from graf._teamcode import TeamCode, store_for
from graf.errors import RenderError
from graf.wording import clipped, shown_path

DEFAULT_TIME_LIMIT = 30.0
TIME_LIMIT_VARIABLE = "GRAF_RENDER_TIMEOUT"

_render_packages: dict[Path, str] | None = None  # folder -> its package, while one render runs
_render_code: dict[str, TeamCode | None] | None = None  # package -> the CLI's store of its modules' code


@contextmanager
def one_render() -> Iterator[None]:
    """Within the block, the team modules of one folder share one package (and its imported helpers), and in
    the CLI their code comes from one file per folder (graf._teamcode), written back at the end."""
    global _render_packages, _render_code
    outer, outer_code = _render_packages, _render_code
    _render_packages = {} if outer is None else outer
    codes: dict[str, TeamCode | None] = {} if outer_code is None else outer_code
    _render_code = codes
    try:
        yield
    finally:
        _render_packages, _render_code = outer, outer_code
        if outer_code is None:
            for store in codes.values():
                if store is not None:
                    store.save()


def load(root: Path, path: Path, *, kind: str, key: str) -> ModuleType:
    """The module at `root / path`, imported as a member of its folder's package.

    `kind` and `key` name it in errors: "dashboard module", graf.yaml's "dashboards.modules".
    """
    source = str(path)
    file = root / path
    if not file.is_file():
        raise RenderError(source, f"{kind} not found", f"check {key} in graf.yaml")
    if file.suffix != ".py":
        raise RenderError(source, f"{kind} must be a .py file")
    package = _package(file.parent)
    name = f"{package}.{_identifier(file.stem)}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise RenderError(source, "not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    store = _code_store(package)
    with _guarded(source, "import", root, lambda: file.parent):
        if store is None:
            spec.loader.exec_module(module)
        else:  # what the loader's exec_module does, with the code from the store
            exec(store.code(spec), module.__dict__)
    return module


def _code_store(package: str) -> TeamCode | None:
    """The CLI's store of the code of `package`'s modules, within a render (None: the import system's own)."""
    if _render_code is None:
        return None
    if package not in _render_code:
        from graf import _codecache

        store = None
        if _codecache.enabled():
            try:
                store = store_for(Path(sys.modules[package].__path__[0]), _codecache.folder())
            except RuntimeError:  # no home directory to find a cache directory in
                store = None
        _render_code[package] = store
    return _render_code[package]


def call(module: ModuleType, function: str, ctx: Any, source: str, root: Path | None = None) -> Any:
    """`module.function(ctx)`, time-limited, every failure one RenderError naming `source`.

    `root` (the project's folder) marks a team module: its errors point at the team's file and
    line. Without it (graf's own producers) the error names the module and keeps the cause chained.
    """
    produce: Callable[[Any], Any] | None = getattr(module, function, None)
    if not callable(produce):
        raise RenderError(source, f"has no function {function}(ctx)")
    # the module's folder only places a failure: its path is made then (a Path per call costs more than the call)
    file = module.__file__ if root is not None else None
    with _guarded(source, f"{function}(ctx)", root, (lambda: Path(file).parent) if file else None):
        return produce(ctx)


def time_limit() -> float:
    """Seconds a team module may take to load or to produce (GRAF_RENDER_TIMEOUT; 0 = no limit)."""
    raw = os.environ.get(TIME_LIMIT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_TIME_LIMIT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 1e6:
        raise RenderError(TIME_LIMIT_VARIABLE, f"expected seconds (0 for no limit), got {clipped(raw)!r}")
    return seconds


# ---------------------------------------------------------------------------- packages


def _package(folder: Path) -> str:
    """A fresh package for `folder` (its name derives from the folder's path), registered for imports."""
    if _render_packages is not None and folder in _render_packages:  # before resolve(): a syscall per part
        return _render_packages[folder]
    resolved = folder.resolve()
    if _render_packages is not None and resolved in _render_packages:
        _render_packages[folder] = _render_packages[resolved]
        return _render_packages[resolved]
    name = "graf_team_" + hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    members = re.compile(re.escape(name) + r"(?:\.|$)").match  # filtered at C speed: runs once per module load
    for loaded in list(filter(members, list(sys.modules))):
        del sys.modules[loaded]  # fresh helpers for every render: a team file may have changed since
    package = ModuleType(name, f"a team's modules in {resolved}")
    package.__path__ = [str(resolved)]
    package.__package__ = name
    package.__spec__ = importlib.util.spec_from_loader(name, loader=None, is_package=True)
    if package.__spec__ is not None:
        package.__spec__.submodule_search_locations = [str(resolved)]
    sys.modules[name] = package
    if _render_packages is not None:
        _render_packages[resolved] = _render_packages[folder] = name
    return name


def _identifier(stem: str) -> str:
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in stem) or "_"


# ---------------------------------------------------------------------------- failures


class _TimeUp(BaseException):
    """Raised by the timer inside the running module; a BaseException so `except Exception` cannot keep it."""


@contextmanager
def _guarded(source: str, what: str, root: Path | None, folder: Callable[[], Path] | None) -> Iterator[None]:
    """`folder()` is the folder of the team's code, asked for only to place a failure."""
    seconds = time_limit()
    try:
        with _timer(seconds):
            yield
    except RenderError:
        raise
    except _TimeUp as exc:
        raise _error(source, f"{what} still running after {seconds:g}s (limit: {TIME_LIMIT_VARIABLE})",
                     exc, root, folder) from None
    except SystemExit as exc:
        code = "" if exc.code is None else _text(repr, exc.code)
        raise _error(source, f"{what} called sys.exit({code})", exc, root, folder) from None
    except Exception as exc:  # a team's module is foreign code: any failure is reported with its place
        text = _text(str, exc)
        detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
        error = _error(source, f"{what} failed: {detail}", exc, root, folder)
        if root is None:
            raise error from exc  # graf's own producer: a bug, keep the cause for the traceback
        raise error from None


def _text(show: Callable[[Any], str], value: Any) -> str:
    """`show(value)` clipped to one line; foreign objects may fail even at that."""
    try:
        return clipped(show(value))
    except Exception:  # a __str__ or __repr__ of the team's own that raises
        return f"<{type(value).__name__} that cannot be shown>"


def _error(source: str, message: str, exc: BaseException, root: Path | None,
           folder: Callable[[], Path] | None) -> RenderError:
    if root is None or folder is None:
        return RenderError(source, message)
    place = _place(exc, root, folder())
    if place is None:
        return RenderError(source, message)
    file, line = place
    if file != source:
        message = f"{message} (in {source})"
    return RenderError(f"{file}:{line}", message)


def _place(exc: BaseException, root: Path, folder: Path) -> tuple[str, int] | None:
    """The innermost file and line of the traceback inside the team's folder."""
    import traceback  # only when a team module failed: not on every render's import path

    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        return shown_path(Path(exc.filename), root), exc.lineno
    inside = str(folder.resolve()) + os.sep
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename and os.path.abspath(frame.filename).startswith(inside) and frame.lineno:
            found = (shown_path(Path(frame.filename), root), frame.lineno)
    return found


# signal.signal is _signal.signal plus turning the handler it returns into an enum, which fails (an exception caught
# inside) for a Python function: ~6 us, twice per module load and per call. The handler given back is the same.
_set_handler: Callable[[int, Any], Any] = signal.signal
try:
    import _signal  # type: ignore[import-not-found,unused-ignore]

    _set_handler = _signal.signal
except ImportError:  # pragma: no cover - an interpreter without CPython's _signal
    pass


@contextmanager
def _timer(seconds: float) -> Iterator[None]:
    """Raise _TimeUp in this thread after `seconds`; any timer already running is put back afterwards."""
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _TimeUp

    started = time.monotonic()
    previous_handler = _set_handler(signal.SIGALRM, expire)
    # fires again every second, in case the module catches BaseException and keeps going
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _set_handler(signal.SIGALRM, previous_handler)
        if previous_delay > 0:
            left = max(previous_delay - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, previous_interval)
