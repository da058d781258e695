"""Running a coroutine to its end from a test, on a loop of its own.

A browser test earlier in the same worker (``--dist loadfile`` puts several files on one) leaves
Playwright's event loop running in the main thread, where ``asyncio.run`` refuses to start. A
fresh thread has no loop, so the coroutine runs there whatever ran before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coroutine)`` on a thread of its own; returns its result or raises its error."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def call(function: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Like ``run``, for an async function taking no arguments (``anyio.run``'s form)."""
    return run(function())
