"""Connections are closed when their loop or client ends; importing rf_client stays light."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import threading
import warnings

import httpx

from rf_client import InferenceHTTPClient
from rf_client._base_client import _SyncPool
from rf_client._http import PooledClient
from rf_client._ops import registry
from tests.support.fake_server import FakeServer, json_reply

INFO = json_reply(200, {"name": "s", "version": "1", "uuid": "u"})


def test_each_event_loop_closes_its_connection_pool_when_it_ends(fake_server: FakeServer) -> None:
    fake_server.on("GET", "/info", INFO)
    client = InferenceHTTPClient(fake_server.url)
    pools: list[httpx.AsyncClient] = []

    async def one_call() -> None:
        await client.get_server_info_async()
        pools.append(await client._pools.async_driver._http())

    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        asyncio.run(one_call())
        asyncio.run(one_call())
        gc.collect()
    assert len(pools) == 2
    assert pools[0] is not pools[1]  # one pool per loop
    assert all(pool.is_closed for pool in pools)


def test_finished_event_loops_leave_nothing_behind(fake_server: FakeServer) -> None:
    # A started closer holds its loop's finaliser hook: without dropping the entry itself,
    # every asyncio.run() would keep its closed loop and pool alive for the client's life.
    fake_server.on("GET", "/info", INFO)
    client = InferenceHTTPClient(fake_server.url)
    driver = client._pools.async_driver
    for _ in range(5):
        asyncio.run(client.get_server_info_async())
    gc.collect()
    assert len(driver._clients) == 0
    loops = [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop)]
    assert [loop for loop in loops if loop.is_closed()] == []

    # A loop closed without shutting its async generators down is pruned on the next call.
    stray = asyncio.new_event_loop()
    stray.run_until_complete(client.get_server_info_async())
    stray.close()
    asyncio.run(client.get_server_info_async())
    assert stray not in driver._clients
    assert len(driver._clients) == 0


def test_aclose_closes_the_running_loops_pool(fake_server: FakeServer) -> None:
    fake_server.on("GET", "/info", INFO)
    client = InferenceHTTPClient(fake_server.url)

    async def call_then_close() -> httpx.AsyncClient:
        await client.get_server_info_async()
        pool = await client._pools.async_driver._http()
        await client.aclose()
        assert pool.is_closed
        await client.get_server_info_async()  # reopens
        return await client._pools.async_driver._http()

    reopened = asyncio.run(call_then_close())
    assert reopened.is_closed  # and the reopened one closed with its loop


def test_a_collected_client_closes_its_sync_pool(fake_server: FakeServer) -> None:
    fake_server.on("GET", "/info", INFO)
    client = InferenceHTTPClient(fake_server.url)
    client.get_server_info()
    pool = client._pools.sync_pool.current()
    assert not pool.is_closed
    del client
    gc.collect()
    assert pool.is_closed


def _closed_pools() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, PooledClient) and o.is_closed)


def test_reopening_after_close_keeps_no_closed_pool_alive(fake_server: FakeServer) -> None:
    fake_server.on("GET", "/info", INFO)
    before = _closed_pools()
    client = InferenceHTTPClient(fake_server.url)
    for _ in range(20):
        with client:
            client.get_server_info()
    assert _closed_pools() == before  # each reopen used to pin its closed predecessor
    del client
    assert _closed_pools() == before


def test_a_call_whose_pool_is_closed_under_it_reopens_it(fake_server: FakeServer) -> None:
    # close() from another thread, or a with_options copy leaving its ``with``, closes the
    # shared pool; a call that already holds it must still get its answer.
    fake_server.on("GET", "/info", INFO)
    client = InferenceHTTPClient(fake_server.url)
    driver = client._pools.sync_driver()
    client.close()
    assert driver.run(registry.get_server_info(client._context())).name == "s"
    with client.with_options(timeout=5) as copy:
        copy.get_server_info()
    assert client.get_server_info().name == "s"

    results: list[str] = []
    failures: list[BaseException] = []

    def call() -> None:
        try:
            for _ in range(30):
                results.append(client.get_server_info().name)
        except BaseException as error:
            failures.append(error)

    thread = threading.Thread(target=call)
    thread.start()
    while thread.is_alive():
        client.close()
    thread.join()
    assert failures == []
    assert results == ["s"] * 30


def is_closed(http: httpx.Client) -> bool:
    return http.is_closed


def test_close_retires_a_pool_in_use_and_closes_it_with_its_last_exchange() -> None:
    pool = _SyncPool()
    first = pool.lease()
    second = pool.lease()
    pool.close()
    assert not is_closed(first)  # exchanges in flight keep their sockets
    fresh = pool.current()
    assert fresh is not first
    assert not is_closed(fresh)
    pool.release(first)
    assert not is_closed(first)
    pool.release(second)
    assert is_closed(first)
    pool.close()
    assert is_closed(fresh)  # idle: closed at once


def test_importing_rf_client_loads_no_image_library() -> None:
    code = (
        "import sys, rf_client, rf_client.errors; "
        "rf_client.InferenceHTTPClient('http://localhost:9001', 'k'); "
        "print(sorted(m for m in ('numpy', 'PIL', 'cv2') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert loaded.stdout.strip() == "[]"
