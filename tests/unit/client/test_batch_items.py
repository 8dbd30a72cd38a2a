"""In a batched request, an image that cannot be prepared fails alone; the others still go."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rf_client import InferenceConfiguration, InferenceHTTPClient, RFClientError
from rf_client.errors import InvalidInputError
from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply

IMAGES = Path(__file__).resolve().parents[2] / "fixtures" / "images"
Caller = Callable[..., Any]


@pytest.fixture(params=["sync", "async"])
def call(request: pytest.FixtureRequest) -> Caller:
    """Calls ``method`` of a client, or its ``_async`` twin on a fresh event loop."""

    def run(client: InferenceHTTPClient, method: str, *args: Any, **kwargs: Any) -> Any:
        if request.param == "sync":
            return getattr(client, method)(*args, **kwargs)

        async def main() -> Any:
            try:
                return await getattr(client, f"{method}_async")(*args, **kwargs)
            finally:
                await client.aclose()

        return asyncio.run(main())

    return run


def images_sent(request: RecordedRequest) -> int:
    image = request.json()["image"]
    return len(image) if isinstance(image, list) else 1


def embeddings_answer(request: RecordedRequest) -> Reply:
    count = images_sent(request)
    return json_reply(200, {"embeddings": [[float(i)] for i in range(count)], "time": 0.1})


def batch_error(call: Caller, client: InferenceHTTPClient, method: str, *args: Any) -> Any:
    with pytest.raises(RFClientError) as raised:
        call(client, method, *args)
    assert raised.value.batch is not None
    return raised.value.batch


def test_infer_sends_the_good_images_of_a_batch_and_fails_the_bad_one_alone(
    fake_server: FakeServer, call: Caller
) -> None:
    serve_model(fake_server, "coco/3")
    fake_server.on("GET", "/gone.jpg", json_reply(404, {"message": "no such file"}))
    inputs = [
        str(IMAGES / "chelsea.png"),
        f"{fake_server.url}/gone.jpg",
        str(IMAGES / "coffee.png"),
    ]
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=3)
    )
    batch = batch_error(call, client, "infer", inputs, "coco/3")
    assert batch.failed_indexes == [1]
    assert "gone.jpg" in str(batch.errors[1])
    assert batch.results[0] is not None
    assert batch.results[2] is not None
    (sent,) = fake_server.requests_to("POST", "/infer/object_detection")
    assert images_sent(sent) == 2


def test_core_models_send_the_good_images_of_a_batch_and_fail_the_bad_one_alone(
    fake_server: FakeServer, call: Caller, tmp_path: Path
) -> None:
    fake_server.on("POST", "/clip/embed_image", handler=embeddings_answer)
    fake_server.on("GET", "/gone.jpg", json_reply(404, {"message": "no such file"}))
    inputs = [str(IMAGES / "rocket.jpg"), f"{fake_server.url}/gone.jpg"]
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=2)
    )
    batch = batch_error(call, client, "get_clip_image_embeddings", inputs)
    assert batch.failed_indexes == [1]
    assert "gone.jpg" in str(batch.errors[1])
    assert batch.results[0]["embeddings"] == [[0.0]]
    (sent,) = fake_server.requests_to("POST", "/clip/embed_image")
    assert images_sent(sent) == 1


def test_a_batch_with_nothing_to_send_sends_nothing(fake_server: FakeServer, call: Caller) -> None:
    serve_model(fake_server, "coco/3")
    fake_server.on("GET", "/gone.jpg", json_reply(404, {"message": "no such file"}))
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=2)
    )
    gone = f"{fake_server.url}/gone.jpg"
    batch = batch_error(call, client, "infer", [gone, gone], "coco/3")
    assert batch.failed_indexes == [0, 1]
    assert fake_server.requests_to("POST", "/infer/object_detection") == []


def test_a_failed_request_fails_only_the_images_it_carried(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("POST", "/clip/embed_image", json_reply(400, {"message": "bad image"}))
    fake_server.on("GET", "/gone.jpg", json_reply(404, {"message": "no such file"}))
    inputs = [str(IMAGES / "rocket.jpg"), f"{fake_server.url}/gone.jpg"]
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=2)
    )
    batch = batch_error(call, client, "get_clip_image_embeddings", inputs)
    assert "bad image" in str(batch.errors[0])
    assert "gone.jpg" in str(batch.errors[1])
    assert not isinstance(batch.errors[0], InvalidInputError)
