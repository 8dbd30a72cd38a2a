"""Timeouts per client and per call, ``None`` for none; ``with_options`` copies.

The timeout httpx really applies is read from each request's ``timeout`` extension, and
checked by behaviour: a delayed answer times out with a small timeout and arrives with none.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from rf_client import APITimeoutError, InferenceConfiguration, InferenceHTTPClient, URLImagePolicy
from rf_client._http import DEFAULT_TIMEOUT
from tests.support.fake_server import FakeServer, delay, json_reply, raw_reply
from tests.unit.reliability.reliability_support import Caller, ScriptedModel, item_image

INFO = json_reply(200, {"name": "s", "version": "1", "uuid": "u"})
NO_TIMEOUT = {"connect": None, "read": None, "write": None, "pool": None}


@pytest.fixture
def sent_timeouts(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The ``timeout`` extension of every request httpx sends (sync and async clients)."""
    seen: list[dict[str, Any]] = []
    sync_send, async_send = httpx.Client.send, httpx.AsyncClient.send

    def record_sync(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return sync_send(self, request, **kwargs)

    async def record_async(
        self: httpx.AsyncClient, request: httpx.Request, **kwargs: Any
    ) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return await async_send(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", record_sync)
    monkeypatch.setattr(httpx.AsyncClient, "send", record_async)
    return seen


def test_every_request_has_the_default_timeout(
    fake_server: FakeServer, call: Caller, sent_timeouts: list[dict[str, Any]]
) -> None:
    fake_server.on("GET", "/info", INFO)
    call(InferenceHTTPClient(fake_server.url), "get_server_info")
    assert DEFAULT_TIMEOUT.connect == 10.0
    assert DEFAULT_TIMEOUT.read == 120.0
    assert sent_timeouts == [DEFAULT_TIMEOUT.as_dict()]


def test_a_client_timeout_applies_to_every_phase(
    fake_server: FakeServer, call: Caller, sent_timeouts: list[dict[str, Any]]
) -> None:
    fake_server.on("GET", "/info", delay(2.0, INFO))
    client = InferenceHTTPClient(fake_server.url, timeout=0.3, max_retries=0)
    with pytest.raises(APITimeoutError, match=r"GET /info timed out: it got no answer within 0\.3"):
        call(client, "get_server_info")
    assert sent_timeouts == [{"connect": 0.3, "read": 0.3, "write": 0.3, "pool": 0.3}]


def test_an_httpx_timeout_is_used_as_given(
    fake_server: FakeServer, call: Caller, sent_timeouts: list[dict[str, Any]]
) -> None:
    fake_server.on("GET", "/info", INFO)
    timeout = httpx.Timeout(7.0, connect=1.5, pool=None)
    call(InferenceHTTPClient(fake_server.url, timeout=timeout), "get_server_info")
    assert sent_timeouts == [{"connect": 1.5, "read": 7.0, "write": 7.0, "pool": None}]


def test_none_means_no_timeout_at_all(
    fake_server: FakeServer, call: Caller, sent_timeouts: list[dict[str, Any]]
) -> None:
    fake_server.on("GET", "/info", delay(0.8, INFO))
    client = InferenceHTTPClient(fake_server.url, timeout=0.2, max_retries=0)
    assert call(client.with_options(timeout=None), "get_server_info").uuid == "u"
    with pytest.raises(APITimeoutError):
        call(client, "get_server_info")
    assert sent_timeouts[0] == NO_TIMEOUT
    assert sent_timeouts[1]["read"] == 0.2
    assert call(InferenceHTTPClient(fake_server.url, timeout=None), "get_server_info").uuid == "u"


def test_a_per_call_timeout_leaves_the_original_client_alone(
    fake_server: FakeServer, call: Caller, sent_timeouts: list[dict[str, Any]]
) -> None:
    fake_server.on("GET", "/info", delay(0.6, INFO))
    client = InferenceHTTPClient(fake_server.url, max_retries=0)
    with pytest.raises(APITimeoutError):
        call(client.with_options(timeout=0.2), "get_server_info")
    assert call(client, "get_server_info").uuid == "u"
    assert client.options.timeout == DEFAULT_TIMEOUT
    assert [t["read"] for t in sent_timeouts] == [0.2, 120.0]


def test_timeouts_are_retried_like_connection_errors(fake_server: FakeServer, call: Caller) -> None:
    fake_server.on("GET", "/info", delay(1.0, INFO), INFO)
    client = InferenceHTTPClient(fake_server.url, timeout=0.25)
    assert call(client, "get_server_info").version == "1"
    assert len(fake_server.requests) == 2


def test_url_image_downloads_use_their_own_timeout(
    fake_server: FakeServer, call: Caller, sent_timeouts: list[dict[str, Any]]
) -> None:
    ScriptedModel(fake_server)
    fake_server.on("GET", "/a.png", raw_reply(200, item_image(0), "image/png"))
    policy = URLImagePolicy(timeout=httpx.Timeout(4.0, connect=2.0))
    client = InferenceHTTPClient(fake_server.url, timeout=9, url_image_policy=policy)
    call(client, "infer", f"{fake_server.url}/a.png", model_id="coco/3")
    # The registry lookup and the inference use the client's 9 s, the download its own 4 s.
    assert sorted(t["read"] for t in sent_timeouts) == [4.0, 9.0, 9.0]
    assert {"connect": 2.0, "read": 4.0, "write": 4.0, "pool": 4.0} in sent_timeouts


# with_options: copies share the pool, not the options or the state.


def test_with_options_copies_share_the_connection_pool(fake_server: FakeServer) -> None:
    client = InferenceHTTPClient(fake_server.url, "key-123")
    copy = client.with_options(timeout=5, max_retries=0)
    assert copy._pools is client._pools
    assert copy._pools.sync_pool.current() is client._pools.sync_pool.current()
    assert copy.api_url == client.api_url


def test_with_options_copies_reuse_open_connections(fake_server: FakeServer) -> None:
    fake_server.on("GET", "/info", INFO)
    client = InferenceHTTPClient(fake_server.url)
    for timeout in (5, 6, 7):
        client.with_options(timeout=timeout).get_server_info()
    client.get_server_info()
    assert len({request.client_port for request in fake_server.requests}) == 1

    async def on_one_loop() -> None:
        for timeout in (5, 6, 7):
            await client.with_options(timeout=timeout).get_server_info_async()
        await client.get_server_info_async()

    fake_server.requests.clear()
    asyncio.run(on_one_loop())
    assert len({request.client_port for request in fake_server.requests}) == 1


def test_with_options_does_not_change_the_original(fake_server: FakeServer) -> None:
    client = InferenceHTTPClient(fake_server.url, "key-123", timeout=30, max_retries=4)
    client.select_model("coco/3")
    before = client.options
    copy = client.with_options(timeout=None, max_retries=0)
    copy.select_model("other/1")
    copy.configure(InferenceConfiguration(max_batch_size=8))
    assert client.options == before
    assert client.options.retry.max_retries == 4
    assert copy.options.timeout is None
    assert copy.options.retry.max_retries == 0
    assert client.selected_model == "coco/3"
    assert client.inference_configuration == InferenceConfiguration()
    assert copy.selected_model == "other/1"


def test_with_options_keeps_what_is_not_given(fake_server: FakeServer) -> None:
    client = InferenceHTTPClient(fake_server.url, timeout=12, max_retries=5)
    copy = client.with_options(max_retries=1)
    assert copy.options.timeout == httpx.Timeout(12.0)
    assert copy.with_options().options == copy.options
    assert client.with_options(timeout=3).options.retry.max_retries == 5


def test_the_typed_api_of_a_copy_uses_the_copy_options(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("GET", "/info", delay(0.6, INFO))
    client = InferenceHTTPClient(fake_server.url, max_retries=0)
    assert client.typed.server.info().uuid == "u"  # caches client.typed
    fast = client.with_options(timeout=0.2)
    with pytest.raises(APITimeoutError):
        call(fast.typed.server, "info")
    assert client.typed.server.info().uuid == "u"
