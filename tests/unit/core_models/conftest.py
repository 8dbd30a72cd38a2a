"""Fixtures of the core-model tests: every test runs once synchronously, once asynchronously."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rf_client import InferenceHTTPClient
from tests.support.fake_server import FakeServer

Call = Callable[..., Any]
"""``call(client, "typed.clip.embed_images", *args, **kwargs)``: the method's result."""


@pytest.fixture(scope="module")
def shared_server() -> Iterator[FakeServer]:
    """One fake server per module: stopping one waits out its half-second poll interval."""
    server = FakeServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_server(shared_server: FakeServer) -> FakeServer:
    """The module's fake server, emptied for this test: no routes, no recorded requests."""
    with shared_server._lock:
        shared_server._routes.clear()
        shared_server._prefix_routes.clear()
        shared_server.requests.clear()
        shared_server.in_flight = 0
        shared_server.max_in_flight = 0
    return shared_server


@pytest.fixture(params=["sync", "async"])
def call(request: pytest.FixtureRequest) -> Call:
    """Calls a method by its dotted path on a client: itself, or its ``_async`` twin."""

    def invoke(client: InferenceHTTPClient, path: str, *args: Any, **kwargs: Any) -> Any:
        *owners, name = path.split(".")
        target: Any = client
        for owner in owners:
            target = getattr(target, owner)
        if request.param == "sync":
            return getattr(target, name)(*args, **kwargs)

        async def run() -> Any:
            try:
                return await getattr(target, f"{name}_async")(*args, **kwargs)
            finally:
                await client.aclose()

        return asyncio.run(run())

    return invoke


@pytest.fixture
def cat(images_dir: Path) -> str:
    """Path of a 451 x 300 PNG photograph."""
    return str(images_dir / "chelsea.png")


@pytest.fixture
def rocket(images_dir: Path) -> str:
    """Path of a JPEG photograph."""
    return str(images_dir / "rocket.jpg")


def b64(path: str) -> str:
    """The file's bytes as base64 (what the client sends for a JPEG or PNG file)."""
    return base64.b64encode(Path(path).read_bytes()).decode("ascii")


@pytest.fixture
def encoded() -> Callable[[str], str]:
    """``encoded(path)``: the base64 the client sends for that image file."""
    return b64
