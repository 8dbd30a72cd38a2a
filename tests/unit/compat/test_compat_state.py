"""Configuration state: select_* / configure persist and chain, use_* are scoped and isolated."""

from __future__ import annotations

import asyncio
import threading

import pytest

from rf_client import (
    HTTPClientMode,
    InferenceConfiguration,
    InferenceHTTPClient,
    ModelNotSelectedError,
)
from tests.support.fake_server import FakeServer, RecordedRequest, json_reply
from tests.unit.compat.compat_support import (
    IMAGES_DIR,
    ModelSpec,
    Runner,
    infer_requests,
    serve_models,
)

IMAGE = str(IMAGES_DIR / "page.png")


def mode_of(client: InferenceHTTPClient) -> HTTPClientMode:
    """The client's mode (a call, so type checkers do not narrow it between statements)."""
    return client.client_mode


def selected(client: InferenceHTTPClient) -> str | None:
    """The client's selected model (a call, for the same reason)."""
    return client.selected_model


class Boom(Exception):
    """Raised inside a ``with`` block to check that state is restored on the way out."""


def test_select_methods_chain_and_return_the_client() -> None:
    client = InferenceHTTPClient("http://localhost:9001", "key")
    configuration = InferenceConfiguration(confidence_threshold=0.3)
    chained = client.select_api_v0().select_model("a/1").configure(configuration).select_api_v1()
    assert chained is client
    assert mode_of(client) is HTTPClientMode.V1
    assert selected(client) == "a/1"
    assert client.inference_configuration is configuration
    assert client.select_api_v0() is client
    assert mode_of(client) is HTTPClientMode.V0


def test_select_and_configure_persist_until_changed() -> None:
    client = InferenceHTTPClient("https://detect.roboflow.com", "key")
    assert mode_of(client) is HTTPClientMode.V0
    client.select_api_v1()
    first = InferenceConfiguration(max_batch_size=4)
    client.configure(first)
    client.select_model("a/1")
    assert (mode_of(client), client.inference_configuration, selected(client)) == (
        HTTPClientMode.V1,
        first,
        "a/1",
    )
    second = InferenceConfiguration(max_batch_size=8)
    client.configure(second).select_model("b/2")
    assert client.inference_configuration is second
    assert selected(client) == "b/2"
    assert mode_of(client) is HTTPClientMode.V1


def test_context_managers_yield_the_client_and_restore_state() -> None:
    client = InferenceHTTPClient("http://localhost:9001", "key").select_model("base/1")
    base_configuration = client.inference_configuration
    override = InferenceConfiguration(confidence_threshold=0.9)
    with client.use_configuration(override) as inside:
        assert inside is client
        assert client.inference_configuration is override
    assert client.inference_configuration is base_configuration
    with client.use_api_v0() as inside:
        assert inside is client
        assert mode_of(client) is HTTPClientMode.V0
    assert mode_of(client) is HTTPClientMode.V1
    client.select_api_v0()
    with client.use_api_v1() as inside:
        assert inside is client
        assert mode_of(client) is HTTPClientMode.V1
    assert mode_of(client) is HTTPClientMode.V0
    with client.use_model("other/2") as inside:
        assert inside is client
        assert selected(client) == "other/2"
    assert selected(client) == "base/1"


def test_context_managers_restore_state_when_the_block_raises() -> None:
    client = InferenceHTTPClient("http://localhost:9001", "key")
    with pytest.raises(Boom), client.use_model("a/1"):
        raise Boom
    assert selected(client) is None
    with pytest.raises(Boom), client.use_api_v0():
        raise Boom
    assert mode_of(client) is HTTPClientMode.V1
    with pytest.raises(Boom), client.use_configuration(InferenceConfiguration(max_batch_size=9)):
        raise Boom
    assert client.inference_configuration.max_batch_size == 1


def test_nested_contexts_unwind_one_level_at_a_time() -> None:
    client = InferenceHTTPClient("http://localhost:9001", "key").select_model("base/1")
    outer = InferenceConfiguration(confidence_threshold=0.1)
    inner = InferenceConfiguration(confidence_threshold=0.2)
    with client.use_model("outer/1"), client.use_configuration(outer):
        assert selected(client) == "outer/1"
        with client.use_model("inner/1"), client.use_api_v0(), client.use_configuration(inner):
            assert selected(client) == "inner/1"
            assert mode_of(client) is HTTPClientMode.V0
            assert client.inference_configuration is inner
        assert selected(client) == "outer/1"
        assert mode_of(client) is HTTPClientMode.V1
        assert client.inference_configuration is outer
    assert selected(client) == "base/1"
    assert client.inference_configuration == InferenceConfiguration()


def test_select_inside_a_use_block_survives_the_block() -> None:
    # select_* change the base state; the scoped override wins only while the block lasts.
    client = InferenceHTTPClient("http://localhost:9001", "key")
    with client.use_model("scoped/1"):
        client.select_model("base/2")
        assert selected(client) == "scoped/1"
    assert selected(client) == "base/2"


def test_use_model_sends_the_model_and_restores_model_less_calls(
    fake_server: FakeServer, runner: Runner
) -> None:
    serve_models(fake_server, {"a/1": ModelSpec(), "b/2": ModelSpec()})
    client = InferenceHTTPClient(fake_server.url, "key")
    with client.use_model("a/1"):
        runner.one(client, IMAGE)
    with client.use_model("b/2"):
        runner.one(client, IMAGE)
    with pytest.raises(ModelNotSelectedError):
        runner.one(client, IMAGE)
    assert [r.json()["model_id"] for r in infer_requests(fake_server)] == ["a/1", "b/2"]


def test_threads_sharing_a_client_each_send_their_own_model(fake_server: FakeServer) -> None:
    # Both requests must be in flight at once before either is answered: the server-side
    # barrier makes the overlap certain rather than likely.
    server_barrier = threading.Barrier(2, timeout=10)

    def overlap(_request: RecordedRequest, _sizes: list[tuple[int, int]]) -> float:
        server_barrier.wait()
        return 0.0

    serve_models(fake_server, {"a/1": ModelSpec(), "b/2": ModelSpec()}, delay=overlap, echo=True)
    client = InferenceHTTPClient(fake_server.url, "key")
    client.get_model_description("a/1")
    client.get_model_description("b/2")
    client_barrier = threading.Barrier(2, timeout=10)
    results: dict[str, object] = {}
    errors: list[BaseException] = []

    def work(model_id: str) -> None:
        try:
            with client.use_model(model_id):
                client_barrier.wait()
                assert selected(client) == model_id
                results[model_id] = client.infer(IMAGE)["echo_model_id"]
                assert selected(client) == model_id
        except BaseException as error:  # collected and re-raised in the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(m,)) for m in ("a/1", "b/2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert results == {"a/1": "a/1", "b/2": "b/2"}
    assert fake_server.max_in_flight >= 2
    assert selected(client) is None
    assert sorted(r.json()["model_id"] for r in infer_requests(fake_server)) == ["a/1", "b/2"]


async def test_asyncio_tasks_each_send_their_own_configuration(fake_server: FakeServer) -> None:
    server_barrier = threading.Barrier(2, timeout=10)

    def overlap(_request: RecordedRequest, _sizes: list[tuple[int, int]]) -> float:
        server_barrier.wait()
        return 0.0

    serve_models(fake_server, {"a/1": ModelSpec()}, delay=overlap, echo=True)
    client = InferenceHTTPClient(fake_server.url, "key").select_model("a/1")
    await client.get_model_description_async("a/1")
    started = asyncio.Event()
    entered = 0

    async def work(confidence: float) -> object:
        nonlocal entered
        with client.use_configuration(InferenceConfiguration(confidence_threshold=confidence)):
            entered += 1
            if entered == 2:
                started.set()
            await started.wait()
            assert client.inference_configuration.confidence_threshold == confidence
            result = await client.infer_async(IMAGE)
            assert client.inference_configuration.confidence_threshold == confidence
            return result["echo_confidence"]

    low, high = await asyncio.gather(work(0.11), work(0.22))
    assert (low, high) == (0.11, 0.22)
    assert fake_server.max_in_flight >= 2
    assert client.inference_configuration.confidence_threshold is None
    assert sorted(r.json()["confidence"] for r in infer_requests(fake_server)) == [0.11, 0.22]


def test_load_model_set_as_default_selects_and_unload_unselects(fake_server: FakeServer) -> None:
    serve_models(fake_server, {"a/1": ModelSpec(), "b/2": ModelSpec()})
    client = InferenceHTTPClient(fake_server.url, "key")
    fake_server.on("POST", "/model/remove", json_reply(200, {"models": []}))
    fake_server.on("POST", "/model/clear", json_reply(200, {"models": []}))

    client.load_model("a/1")
    assert selected(client) is None
    client.load_model("a/1", set_as_default=True)
    assert selected(client) == "a/1"
    client.unload_model("b/2")
    assert selected(client) == "a/1"
    client.unload_model("a/1")
    assert selected(client) is None
    client.load_model("b/2", set_as_default=True)
    assert selected(client) == "b/2"
    client.unload_all_models()
    assert selected(client) is None
    assert [(r.method, r.path) for r in fake_server.requests] == [
        ("POST", "/model/add"),
        ("POST", "/model/add"),
        ("POST", "/model/remove"),
        ("POST", "/model/remove"),
        ("POST", "/model/add"),
        ("POST", "/model/clear"),
    ]
    assert [r.json().get("model_id") for r in fake_server.requests[:5]] == [
        "a/1",
        "a/1",
        "b/2",
        "a/1",
        "b/2",
    ]


async def test_async_registry_calls_select_and_unselect_too(fake_server: FakeServer) -> None:
    serve_models(fake_server, {"a/1": ModelSpec()})
    fake_server.on("POST", "/model/remove", json_reply(200, {"models": []}))
    fake_server.on("POST", "/model/clear", json_reply(200, {"models": []}))
    client = InferenceHTTPClient(fake_server.url, "key")
    await client.load_model_async("a/1", set_as_default=True)
    assert selected(client) == "a/1"
    await client.unload_model_async("a/1")
    assert selected(client) is None
    await client.load_model_async("a/1", set_as_default=True)
    await client.unload_all_models_async()
    assert selected(client) is None
    assert [r.path for r in fake_server.requests] == [
        "/model/add",
        "/model/remove",
        "/model/add",
        "/model/clear",
    ]
