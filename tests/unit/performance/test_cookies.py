"""Cookies: kept and sent back as before, but answers setting none are not parsed for them."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from rf_client import InferenceHTTPClient
from rf_client._http import PooledAsyncClient, PooledClient, ResponseCookies
from tests.support.fake_server import FakeServer, Reply, json_reply

INFO = {"name": "Roboflow Inference Server", "version": "1.8.3", "uuid": "x"}


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Response]:
    """The answers httpx's own cookie parsing ran on."""
    seen: list[httpx.Response] = []
    original = httpx.Cookies.extract_cookies

    def spy(self: httpx.Cookies, response: httpx.Response) -> None:
        seen.append(response)
        original(self, response)

    monkeypatch.setattr(httpx.Cookies, "extract_cookies", spy)
    return seen


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_cookie_the_server_sets_is_sent_back_and_other_answers_are_not_parsed(
    mode: str, fake_server: FakeServer, parsed: list[httpx.Response]
) -> None:
    sticky = Reply(200, json_reply(200, INFO).body, {
        "Content-Type": "application/json",
        "Set-Cookie": "AWSALB=node-7; Path=/",
    })  # fmt: skip
    fake_server.on("GET", "/info", json_reply(200, INFO), sticky, json_reply(200, INFO))
    client = InferenceHTTPClient(fake_server.url)

    def three_calls() -> list[Any]:
        return [client.get_server_info() for _ in range(3)]

    async def three_calls_async() -> list[Any]:
        try:
            return [await client.get_server_info_async() for _ in range(3)]
        finally:
            await client.aclose()

    answers = three_calls() if mode == "sync" else asyncio.run(three_calls_async())
    assert [answer.version for answer in answers] == ["1.8.3"] * 3
    cookies = [request.headers.get("cookie") for request in fake_server.requests]
    assert cookies == [None, None, "AWSALB=node-7"]
    assert len(parsed) == 1
    assert parsed[0].headers["set-cookie"].startswith("AWSALB=node-7")


@pytest.mark.parametrize("client_class", [PooledClient, PooledAsyncClient])
def test_the_pooled_clients_keep_their_cookies_in_a_response_cookies_jar(
    client_class: type[PooledClient] | type[PooledAsyncClient],
) -> None:
    client = client_class(limits=httpx.Limits(), timeout=None)
    assert isinstance(client.cookies, ResponseCookies)
    client.cookies = {"session": "abc"}
    assert isinstance(client.cookies, ResponseCookies)
    assert client.cookies["session"] == "abc"
    assert not client.follow_redirects
