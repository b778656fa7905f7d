"""Work spread over worker processes, results back in order: for the CPU-bound parts of big imports and dedupe runs.

Python runs one thread at a time per process, so computing name keys for a million rows uses one processor unless
it runs in other processes. Workers are spawned, never forked: the task worker runs threads, and a fork would copy
their locks in whatever state they were.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

C = TypeVar("C")
R = TypeVar("R")


def in_order(
    function: Callable[[C], R],
    chunks: Iterable[C],
    *,
    workers: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    ahead: int = 4,
) -> Iterator[tuple[C, R]]:
    """(chunk, `function(chunk)`) for each chunk, in the order of `chunks`, computed by `workers` spawned processes.

    At most `ahead` chunks are in flight, so a fast producer never holds all of its input in memory. `function` and
    `initializer` must be importable by a fresh process (module-level functions of a module that loads without
    Django set up)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=initializer, initargs=initargs) as pool:
        pending: deque[tuple[C, AsyncResult[R]]] = deque()
        for chunk in chunks:
            pending.append((chunk, pool.apply_async(function, (chunk,))))
            if len(pending) >= ahead:
                done, result = pending.popleft()
                yield done, result.get()
        while pending:
            done, result = pending.popleft()
            yield done, result.get()
