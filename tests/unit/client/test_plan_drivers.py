"""The drivers throw an rf-client error from a step back into the plan, sync and async."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from rf_client._plan import AsyncDriver, Plan, SyncDriver, offload
from rf_client.errors import EncodingError


def _fail() -> bytes:
    raise EncodingError("frame 3 cannot be encoded")


def recovering_plan() -> Plan[str]:
    try:
        yield from offload(_fail)
    except EncodingError as error:
        return f"recovered from: {error}"
    return "not reached"


def unguarded_plan() -> Plan[bytes]:
    return (yield from offload(_fail))


def test_sync_driver_lets_the_plan_catch_an_offloaded_error() -> None:
    with httpx.Client() as http:
        driver = SyncDriver(http, "http://127.0.0.1:9")
        assert driver.run(recovering_plan()) == "recovered from: frame 3 cannot be encoded"
        with pytest.raises(EncodingError, match="frame 3"):
            driver.run(unguarded_plan())


def test_async_driver_lets_the_plan_catch_an_offloaded_error() -> None:
    async def main() -> tuple[str, BaseException | None]:
        driver = AsyncDriver(httpx.AsyncClient, "http://127.0.0.1:9")
        recovered = await driver.run(recovering_plan())
        try:
            await driver.run(unguarded_plan())
        except EncodingError as error:
            return recovered, error
        return recovered, None

    recovered, error = asyncio.run(main())
    assert recovered == "recovered from: frame 3 cannot be encoded"
    assert isinstance(error, EncodingError)
