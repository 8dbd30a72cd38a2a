"""The drivers throw an rf-client error from a step back into the plan: sync (alone and in a
thread-pool gather) and async."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from rf_client._batch import Outcome
from rf_client._http import ClientOptions, Request, RetryPolicy
from rf_client._plan import AsyncDriver, Plan, SyncDriver, _resolve, offload, resolve_host, send
from rf_client.errors import APIConnectionError, EncodingError


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


def test_gathered_plans_catch_offloaded_errors_under_every_driver() -> None:
    plans = [recovering_plan, unguarded_plan, recovering_plan]
    for limit in (1, 2, 3):
        with httpx.Client() as http:
            sync = SyncDriver(http, "http://127.0.0.1:9")
            outcomes = list(sync.iter_ordered((make() for make in plans), limit))
        assert outcomes[0].value == outcomes[2].value == "recovered from: frame 3 cannot be encoded"
        assert isinstance(outcomes[1].error, EncodingError)

        async def gathered(n: int = limit) -> list[Outcome[Any]]:
            driver = AsyncDriver(httpx.AsyncClient, "http://127.0.0.1:9")
            return [o async for o in driver.iter_ordered((make() for make in plans), n)]

        async_outcomes = asyncio.run(gathered())
        assert [o.value for o in async_outcomes] == [o.value for o in outcomes]
        assert isinstance(async_outcomes[1].error, EncodingError)


def test_a_host_name_idna_refuses_is_a_connection_error_in_every_path() -> None:
    # Checks up front refuse such names; the drivers still never let UnicodeError out.
    request = Request("GET", "http://a..b/x.jpg", "GET http://a..b/x.jpg")
    options = ClientOptions(retry=RetryPolicy(max_retries=0))
    with httpx.Client() as http, pytest.raises(APIConnectionError, match="invalid host name"):
        SyncDriver(http, "http://127.0.0.1:9").run(send(request, options))
    assert isinstance(_resolve("a..b", 80), OSError)

    async def main() -> object:
        driver = AsyncDriver(httpx.AsyncClient, "http://127.0.0.1:9")
        return await driver.run(resolve_host("a..b", 80))

    assert isinstance(asyncio.run(main()), OSError)
