"""Overlapping deliveries of one command share the first one's outcome; a first delivery whose client left does
not take the others down with it."""

import asyncio

import pytest

from application.idempotency import SharedDeliveries


async def test_overlapping_deliveries_share_one_call_and_its_outcome():
    shared: SharedDeliveries[str] = SharedDeliveries()
    calls = 0
    release = asyncio.Event()

    async def call() -> str:
        nonlocal calls
        calls += 1
        await release.wait()
        return f"answer {calls}"

    deliveries = [asyncio.ensure_future(shared.run("key", call)) for _ in range(5)]
    await asyncio.sleep(0.01)
    release.set()
    outcomes = await asyncio.gather(*deliveries)
    assert calls == 1
    assert outcomes == [("answer 1", False)] + [("answer 1", True)] * 4
    assert await shared.run("key", call) == ("answer 2", False)  # once settled, a new delivery is sent again


async def test_a_refusal_is_shared_too():
    shared: SharedDeliveries[str] = SharedDeliveries()

    async def refused() -> str:
        await asyncio.sleep(0.01)
        raise ValueError("no")

    outcomes = await asyncio.gather(*[shared.run("key", refused) for _ in range(3)], return_exceptions=True)
    assert [type(o) for o in outcomes] == [ValueError] * 3


async def test_followers_send_their_own_when_the_first_delivery_is_cancelled():
    shared: SharedDeliveries[str] = SharedDeliveries()
    started = asyncio.Event()

    async def slow() -> str:
        started.set()
        await asyncio.sleep(10)
        return "never"

    async def fast() -> str:
        return "follower's own"

    first = asyncio.ensure_future(shared.run("key", slow))
    await started.wait()
    follower = asyncio.ensure_future(shared.run("key", fast))
    await asyncio.sleep(0.01)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await follower == ("follower's own", False)


async def test_distinct_keys_do_not_wait_for_each_other():
    shared: SharedDeliveries[str] = SharedDeliveries()
    blocked = asyncio.Event()

    async def stuck() -> str:
        await blocked.wait()
        return "a"

    async def quick() -> str:
        return "b"

    first = asyncio.ensure_future(shared.run("a", stuck))
    assert await asyncio.wait_for(shared.run("b", quick), timeout=1) == ("b", False)
    blocked.set()
    assert await first == ("a", False)
