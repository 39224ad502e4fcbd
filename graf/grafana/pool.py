"""The bounded thread pool every concurrent Grafana call goes through; results come back in input order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor, as_completed
from typing import TypeVar

DEFAULT_CONCURRENCY = 16  # requests in flight; each worker thread keeps its own keep-alive session

T = TypeVar("T")
R = TypeVar("R")


def run_all(function: Callable[[T], R], items: Sequence[T], concurrency: int,
            on_done: Callable[[T, R], None] | None = None, *, pool: Executor | None = None) -> list[R]:
    """`function` over `items` with at most `concurrency` in flight; the first exception is re-raised.

    Results keep the order of `items` so callers sort once and output is deterministic. With `pool` (a pool of
    `concurrency` workers that other requests of the run share), the work goes there and the pool stays open.
    """
    if not items:
        return []
    if pool is not None:
        return _run_in(pool, function, items, on_done)
    if concurrency <= 1 or len(items) == 1:
        in_order: list[R] = []
        for item in items:
            result = function(item)
            if on_done is not None:
                on_done(item, result)
            in_order.append(result)
        return in_order
    pool = ThreadPoolExecutor(max_workers=min(concurrency, len(items)), thread_name_prefix="graf")
    futures = {pool.submit(function, item): i for i, item in enumerate(items)}
    results: dict[int, R] = {}
    try:
        for future in as_completed(futures):  # report as they finish, return in input order
            index = futures[future]
            results[index] = future.result()
            if on_done is not None:
                on_done(items[index], results[index])
    except BaseException:
        # Ctrl-C or a failure: queued work is dropped and nobody waits for requests still in flight
        # (their timeout bounds them; cli.main exits without joining them).
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [results[i] for i in range(len(items))]


def _run_in(pool: Executor, function: Callable[[T], R], items: Sequence[T],
            on_done: Callable[[T, R], None] | None) -> list[R]:
    futures = {pool.submit(function, item): i for i, item in enumerate(items)}
    results: dict[int, R] = {}
    try:
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            if on_done is not None:
                on_done(items[index], results[index])
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    return [results[i] for i in range(len(items))]
