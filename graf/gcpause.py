"""Pausing Python's cyclic garbage collector while large JSON trees are built and compared (sync, validate,
diff): its own module, so a command that holds the collector imports nothing else for it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Parsed JSON has no reference cycles, but the millions of objects two builds make trigger the
    cyclic collector over and over: reading and diffing two 45 MB builds takes about twice as long
    with it. Reference counting still frees everything; only cycle detection waits."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def gc_held() -> Iterator[None]:
    """`gc_paused`, and what was made meanwhile moved out of the collector's sight at the end (gc.freeze).

    Only pausing defers the cost: the first collection after it walks every object the pause let
    pile up (a second of a 5,000-dashboard sync). What a render or a read makes is JSON, kept until
    the command ends and freed by reference counting; frozen, it is never walked. The price: a
    reference cycle made meanwhile (a team module reloaded) is not collected until the process ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
