"""Batching and concurrency: images per request, requests in flight, order, model descriptions."""

from __future__ import annotations

import base64

import pytest

from rf_client import (
    InferenceConfiguration,
    InferenceHTTPClient,
    ServiceUnavailableError,
)
from tests.support.fake_server import FakeServer, RecordedRequest, json_reply
from tests.unit.compat.compat_support import (
    InferLog,
    ModelSpec,
    Runner,
    decode,
    infer_requests,
    png_bytes,
    sent_images,
    serve_models,
)


def images_of_widths(*widths: int) -> list[bytes]:
    """PNG images whose widths identify them in requests and results."""
    return [png_bytes((width, 20), (width % 256, 0, 0)) for width in widths]


def widths_of(request: RecordedRequest) -> list[int]:
    """The widths of the images one request carried, in order."""
    return [decode(image).size[0] for image in sent_images(request)]


@pytest.mark.parametrize(
    ("batch_size", "expected"),
    [
        (1, [[101], [102], [103], [104], [105], [106], [107]]),
        (3, [[101, 102, 103], [104, 105, 106], [107]]),
        (10, [[101, 102, 103, 104, 105, 106, 107]]),
    ],
)
def test_max_batch_size_images_go_in_each_request(
    fake_server: FakeServer, runner: Runner, batch_size: int, expected: list[list[int]]
) -> None:
    serve_models(fake_server, {"m/1": ModelSpec()})
    client = InferenceHTTPClient(fake_server.url, "key").configure(
        InferenceConfiguration(max_batch_size=batch_size)
    )
    widths = list(range(101, 108))
    results = runner.many(client, list(images_of_widths(*widths)), "m/1")
    assert [r["image"]["width"] for r in results] == widths
    assert [widths_of(r) for r in infer_requests(fake_server)] == expected
    for request in infer_requests(fake_server):
        # As in 1.8.3: one image travels as an object, several as a list.
        image_field = request.json()["image"]
        expected_type = dict if len(widths_of(request)) == 1 else list
        assert type(image_field) is expected_type


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_at_most_max_concurrent_requests_are_in_flight(
    fake_server: FakeServer, runner: Runner, limit: int
) -> None:
    serve_models(fake_server, {"m/1": ModelSpec()}, delay=lambda _r, _s: 0.15)
    client = InferenceHTTPClient(fake_server.url, "key").configure(
        InferenceConfiguration(max_concurrent_requests=limit)
    )
    results = runner.many(client, images_of_widths(*range(101, 108)), "m/1")
    assert [r["image"]["width"] for r in results] == list(range(101, 108))
    assert len(infer_requests(fake_server)) == 7
    # Exactly the limit: never above it, and the requests really did overlap up to it.
    assert fake_server.max_in_flight == limit


def test_results_keep_input_order_when_replies_finish_out_of_order(
    fake_server: FakeServer, runner: Runner
) -> None:
    log = InferLog()
    # Later images answer sooner: completion order is the reverse of input order.
    serve_models(
        fake_server,
        {"m/1": ModelSpec()},
        delay=lambda _r, sizes: (110 - sizes[0][0]) * 0.08,
        log=log,
    )
    client = InferenceHTTPClient(fake_server.url, "key").configure(
        InferenceConfiguration(max_concurrent_requests=5, max_batch_size=1)
    )
    widths = [101, 102, 103, 104, 105]
    results = runner.many(client, images_of_widths(*widths), "m/1")
    assert [r["image"]["width"] for r in results] == widths
    assert [width for _, width in sorted(log.finished)] == list(reversed(widths))


def test_one_slow_request_does_not_stall_the_others(
    fake_server: FakeServer, runner: Runner
) -> None:
    log = InferLog()
    serve_models(
        fake_server,
        {"m/1": ModelSpec()},
        delay=lambda _r, sizes: 1.2 if sizes[0][0] == 101 else 0.05,
        log=log,
    )
    client = InferenceHTTPClient(fake_server.url, "key").configure(
        InferenceConfiguration(max_concurrent_requests=2, max_batch_size=1)
    )
    widths = [101, 102, 103, 104, 105, 106]
    results = runner.many(client, images_of_widths(*widths), "m/1")
    assert [r["image"]["width"] for r in results] == widths
    finished = [width for _, width in sorted(log.finished)]
    # A sliding window: while the first request is slow, the second slot serves all the rest.
    assert finished[-1] == 101
    assert sorted(finished[:-1]) == widths[1:]
    assert fake_server.max_in_flight == 2


def test_v0_always_sends_one_image_per_request(fake_server: FakeServer, runner: Runner) -> None:
    serve_models(fake_server, {"m/1": ModelSpec()}, delay=lambda _r, _s: 0.1)
    client = (
        InferenceHTTPClient(fake_server.url, "key")
        .select_api_v0()
        .configure(InferenceConfiguration(max_batch_size=4, max_concurrent_requests=2))
    )
    widths = [101, 102, 103, 104, 105]
    results = runner.many(client, images_of_widths(*widths), "m/1")
    assert [r["image"]["width"] for r in results] == widths
    requests = fake_server.requests
    assert [r.path for r in requests] == ["/m/1"] * 5
    assert sorted(decode(r.body.decode("ascii")).size[0] for r in requests) == widths
    # The raw body is exactly one base64 image.
    for request in requests:
        base64.b64decode(request.body, validate=True)
    assert fake_server.max_in_flight == 2


def registry_lookups(server: FakeServer) -> int:
    return len(server.requests_to("GET", "/model/registry"))


def test_the_model_description_is_fetched_once_per_client(fake_server: FakeServer) -> None:
    serve_models(fake_server, {"m/1": ModelSpec()})
    fake_server.on("POST", "/model/remove", json_reply(200, {"models": []}))
    fake_server.on("POST", "/model/clear", json_reply(200, {"models": []}))
    image = images_of_widths(101)[0]
    client = InferenceHTTPClient(fake_server.url, "key")
    client.infer(image, model_id="m/1")
    client.infer([image, image], model_id="m/1")
    runner = Runner("async")
    runner.one(client, image, "m/1")
    assert registry_lookups(fake_server) == 1
    InferenceHTTPClient(fake_server.url, "key").infer(image, model_id="m/1")
    assert registry_lookups(fake_server) == 2  # a new client has its own cache

    client.unload_model("m/1")
    client.infer(image, model_id="m/1")
    assert registry_lookups(fake_server) == 3
    client.infer(image, model_id="m/1")
    assert registry_lookups(fake_server) == 3

    client.load_model("m/1")
    client.infer(image, model_id="m/1")
    assert registry_lookups(fake_server) == 4

    client.unload_all_models()
    client.infer(image, model_id="m/1")
    assert registry_lookups(fake_server) == 5


def test_a_503_on_the_model_forgets_its_description(fake_server: FakeServer) -> None:
    serve_models(fake_server, {"m/1": ModelSpec()})
    client = InferenceHTTPClient(fake_server.url, "key", max_retries=0)
    image = images_of_widths(101)[0]
    client.infer(image, model_id="m/1")
    assert registry_lookups(fake_server) == 1
    fake_server.on(
        "POST",
        "/infer/object_detection",
        json_reply(503, {"message": "model unloaded"}),
        json_reply(200, {"image": {"width": 101, "height": 20}, "predictions": []}),
    )
    with pytest.raises(ServiceUnavailableError):
        client.infer(image, model_id="m/1")
    client.infer(image, model_id="m/1")
    assert registry_lookups(fake_server) == 2
