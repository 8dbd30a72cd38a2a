"""infer against the fake server: requests sent, results returned, in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from rf_client import (
    InferenceConfiguration,
    InferenceHTTPClient,
    ServiceUnavailableError,
    WrongClientModeError,
)
from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer, json_reply


def test_single_image_gives_one_prediction_after_one_registry_lookup(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    client = InferenceHTTPClient(fake_server.url, "key")
    first = client.infer(str(images_dir / "chelsea.png"), model_id="coco/3")
    second = client.infer(images_dir / "chelsea.png", model_id="coco/3")
    assert first["predictions"][0]["x"] == 451 / 2
    assert second["image"] == {"width": 451, "height": 300}
    paths = [r.path for r in fake_server.requests]
    assert paths == ["/model/registry", "/infer/object_detection", "/infer/object_detection"]
    body = fake_server.requests[1].json()
    assert body["model_id"] == "coco/3"
    assert body["image"]["type"] == "base64"
    assert fake_server.requests[1].headers["authorization"] == "Bearer key"
    assert "api_key" not in body


def test_batch_results_follow_input_order_within_the_in_flight_limit(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=2, max_concurrent_requests=3)
    )
    names = ["chelsea.png", "rocket.jpg", "coffee.png", "astronaut.png", "page.png"] * 2
    results = client.infer([str(images_dir / n) for n in names], model_id="coco/3")
    widths = [r["image"]["width"] for r in results]
    assert widths == [451, 640, 600, 512, 384] * 2
    infer_requests = fake_server.requests_to("POST", "/infer/object_detection")
    assert len(infer_requests) == 5
    assert fake_server.max_in_flight <= 3


def test_failed_item_raises_its_error_with_every_other_result_reachable(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=0)
    fake_server.on(
        "POST",
        "/infer/object_detection",
        json_reply(200, {"image": {"width": 1, "height": 1}, "predictions": []}),
        json_reply(503, {"message": "overloaded"}),
        json_reply(200, {"image": {"width": 2, "height": 2}, "predictions": []}),
    )
    with pytest.raises(ServiceUnavailableError) as caught:
        client.infer([str(images_dir / "chelsea.png")] * 3, model_id="coco/3")
    assert caught.value.batch is not None
    assert caught.value.batch.failed_indexes == [1]
    results = caught.value.batch.results
    assert results[0] is not None
    assert results[0]["image"]["width"] == 1
    assert results[1] is None
    assert results[2] is not None
    assert results[2]["image"]["width"] == 2
    assert "item 2 of 3 failed" in str(caught.value)


def test_the_typed_api_names_itself_when_the_client_is_in_v0_mode() -> None:
    client = InferenceHTTPClient("https://detect.roboflow.com", "key")
    with pytest.raises(WrongClientModeError, match=r"^client\.typed\.models\.list needs"):
        client.typed.models.list()
    with pytest.raises(WrongClientModeError, match=r"^infer_from_api_v1 needs"):
        client.infer_from_api_v1("photo.jpg", model_id="project/3")
