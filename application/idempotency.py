"""What makes two deliveries the same command: the key, the body's fingerprint; and deliveries that overlap.

A delivery that arrives while the same one (same key, same body) is still being handled in this process
waits for that first delivery's outcome and shares it, instead of sending a second update: one key never
occupies more than one of the workflow's few in-flight update slots. Across processes the workflow still
recognises the repeat by its command id.
"""

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def fingerprint(name: str, body: dict[str, Any]) -> str:
    canonical = json.dumps({"command": name, "body": body}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class SharedDeliveries(Generic[T]):
    """Runs one call per key at a time; overlapping calls with the same key get the first call's outcome."""

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Future[T]] = {}

    async def run(self, key: Hashable, call: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """The outcome (or the exception) of `call`, and whether it was shared from an overlapping delivery."""
        while (running := self._running.get(key)) is not None:
            try:
                # shield: a follower that gives up (its client left) must not cancel the first delivery.
                return await asyncio.shield(running), True
            except _Abandoned:
                continue  # the first delivery's client left before its outcome: send this one
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            result = await call()
        except asyncio.CancelledError:
            future.set_exception(_Abandoned())
            raise
        except BaseException as error:
            future.set_exception(error)
            raise
        else:
            future.set_result(result)
            return result, False
        finally:
            del self._running[key]
            future.exception()  # marked as retrieved: no warning when nobody was waiting


class _Abandoned(Exception):
    """The delivery being waited on was cancelled before it had an outcome."""
