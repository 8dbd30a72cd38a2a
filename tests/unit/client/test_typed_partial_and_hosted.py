"""client.typed: partial batches (on_error="return") and the hosted v0 API, on the fake server."""

from __future__ import annotations

from pathlib import Path

import pytest
from rf_api_v1.models import (
    ClassificationInferenceResponse,
    InstanceSegmentationInferenceResponse,
    KeypointsDetectionInferenceResponse,
    ObjectDetectionInferenceResponse,
    OCRInferenceResponse,
)

from rf_client import (
    APIKeyNotProvided,
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidInputError,
    InvalidParameterError,
    ResponseValidationError,
    RFClientError,
    ServiceUnavailableError,
    WrongClientModeError,
)
from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer, json_reply

NAMES = ["chelsea.png", "rocket.jpg", "coffee.png"]
WIDTHS = [451, 640, 600]


def count(client: InferenceHTTPClient, photo: str) -> int:
    """The user function of docs/typed.md: the same code for a local server and the hosted API."""
    return len(client.typed.infer.object_detection(photo, model_id="coco/3").predictions)


def photos(images_dir: Path) -> list[str]:
    return [str(images_dir / name) for name in NAMES]


def fail_the_second_request(server: FakeServer, route: str) -> None:
    """The route answers: success, 503, success (sizes 1, -, 3)."""
    server.on(
        "POST",
        route,
        json_reply(200, {"image": {"width": 1, "height": 1}, "predictions": []}),
        json_reply(503, {"message": "overloaded"}),
        json_reply(200, {"image": {"width": 3, "height": 3}, "predictions": []}),
    )


# --- on_error="return" ---------------------------------------------------------------------


def test_return_keeps_every_result_and_error_in_input_order(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    fail_the_second_request(fake_server, "/infer/object_detection")
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=0)
    client.configure(InferenceConfiguration(max_concurrent_requests=1))
    first, second, third = client.typed.infer.object_detection(
        photos(images_dir), model_id="coco/3", on_error="return"
    )
    assert isinstance(first, ObjectDetectionInferenceResponse)
    assert first.image.width == 1
    assert isinstance(second, ServiceUnavailableError)
    assert second.batch is None  # nothing was raised: the list is the batch
    assert isinstance(third, ObjectDetectionInferenceResponse)
    assert third.image.width == 3


def test_raise_stays_the_default_with_every_result_in_error_batch(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    fail_the_second_request(fake_server, "/infer/object_detection")
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=0)
    client.configure(InferenceConfiguration(max_concurrent_requests=1))
    with pytest.raises(ServiceUnavailableError) as caught:
        client.typed.infer.object_detection(photos(images_dir), model_id="coco/3")
    assert caught.value.batch is not None
    assert caught.value.batch.failed_indexes == [1]


async def test_return_on_one_image_gives_its_error_async(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    fake_server.on("POST", "/infer/object_detection", json_reply(503, {"message": "overloaded"}))
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=0)
    result = await client.typed.infer.object_detection_async(
        photos(images_dir)[0], model_id="coco/3", on_error="return"
    )
    assert isinstance(result, ServiceUnavailableError)
    assert "POST /infer/object_detection" in str(result)


def test_core_models_return_each_images_outcome_too(
    fake_server: FakeServer, images_dir: Path
) -> None:
    fake_server.on(
        "POST",
        "/doctr/ocr",
        json_reply(200, {"result": "one", "time": 0.1}),
        json_reply(503, {"message": "overloaded"}),
        json_reply(200, {"result": "three", "time": 0.1}),
    )
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=0)
    client.configure(InferenceConfiguration(max_concurrent_requests=1))
    results = client.typed.ocr.doctr(photos(images_dir), on_error="return")
    assert [type(r) for r in results] == [
        OCRInferenceResponse,
        ServiceUnavailableError,
        OCRInferenceResponse,
    ]
    assert [r.result for r in results if isinstance(r, OCRInferenceResponse)] == ["one", "three"]


def test_errors_of_the_whole_call_still_raise_before_anything_is_sent(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InvalidParameterError, match="on_error must be 'raise' or 'return'"):
        client.typed.infer.object_detection(photos(images_dir), on_error="yield")  # type: ignore[call-overload]
    with pytest.raises(InvalidInputError, match="input #2 of 2"):
        client.typed.infer.object_detection(
            [photos(images_dir)[0], "no/such/photo.jpg"], model_id="coco/3", on_error="return"
        )
    assert fake_server.requests == []


# --- The hosted API (v0 mode) ----------------------------------------------------------------


def test_the_same_user_function_runs_against_a_local_server_and_the_hosted_api(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    photo = photos(images_dir)[0]
    client = InferenceHTTPClient(fake_server.url, "key")
    assert count(client, photo) == 1
    assert fake_server.requests_to("POST", "/infer/object_detection")
    assert count(client.select_api_v0(), photo) == 1
    [hosted] = fake_server.requests_to("POST", "/coco/3")
    assert hosted.param("api_key") == "key"
    assert hosted.body  # the image as the raw base64 body, as the hosted API takes it


@pytest.mark.parametrize(
    ("task", "method", "model"),
    [
        ("instance-segmentation", "instance_segmentation", InstanceSegmentationInferenceResponse),
        ("classification", "classification", ClassificationInferenceResponse),
        ("keypoint-detection", "keypoints_detection", KeypointsDetectionInferenceResponse),
    ],
)
async def test_hosted_answers_parse_into_the_v1_models_sync_and_async(
    fake_server: FakeServer, images_dir: Path, task: str, method: str, model: type[object]
) -> None:
    serve_model(fake_server, "coco/3", task)
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    one = getattr(client.typed.infer, method)(photos(images_dir)[0], model_id="coco/3")
    many = await getattr(client.typed.infer, f"{method}_async")(
        photos(images_dir), model_id="coco/3"
    )
    assert isinstance(one, model)
    assert [type(r) for r in many] == [model] * 3
    assert [r.image.width for r in many] == WIDTHS
    assert len(fake_server.requests_to("POST", "/coco/3")) == 4
    assert fake_server.requests_to("GET", "/model/registry") == []  # the hosted API has none


def test_hosted_partial_batch_returns_each_outcome(
    fake_server: FakeServer, images_dir: Path
) -> None:
    fail_the_second_request(fake_server, "/coco/3")
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0().with_options(max_retries=0)
    client.configure(InferenceConfiguration(max_concurrent_requests=1))
    results = client.typed.infer.object_detection(
        photos(images_dir), model_id="coco/3", on_error="return"
    )
    assert [type(r) for r in results] == [
        ObjectDetectionInferenceResponse,
        ServiceUnavailableError,
        ObjectDetectionInferenceResponse,
    ]


def test_a_hosted_answer_of_another_task_is_a_validation_error(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3", "classification")
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    with pytest.raises(ResponseValidationError, match="ObjectDetectionInferenceResponse"):
        count(client, photos(images_dir)[0])


def test_hosted_calls_name_the_typed_operation_in_their_errors(images_dir: Path) -> None:
    client = InferenceHTTPClient("https://detect.roboflow.com")
    with pytest.raises(
        APIKeyNotProvided, match=r"^client\.typed\.infer \(object-detection\) in v0"
    ):
        count(client, photos(images_dir)[0])


@pytest.mark.parametrize(
    ("call", "operation"),
    [
        (lambda c: c.typed.models.list(), "client.typed.models.list"),
        (lambda c: c.typed.models.describe("coco/3"), "client.typed.models.describe"),
        (lambda c: c.typed.models.load("coco/3"), "client.typed.models.load"),
        (lambda c: c.typed.models.unload("coco/3"), "client.typed.models.unload"),
        (lambda c: c.typed.models.clear(), "client.typed.models.clear"),
        (lambda c: c.typed.lmm.cogvlm("photo.jpg", "hi"), "client.typed.lmm.cogvlm"),
    ],
)
def test_operations_the_hosted_api_lacks_refuse_naming_themselves(
    fake_server: FakeServer, call: object, operation: str
) -> None:
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    assert callable(call)
    with pytest.raises(WrongClientModeError, match=rf"^{operation} needs a self-hosted"):
        call(client)
    assert fake_server.requests == []


async def test_operations_the_hosted_api_lacks_refuse_async(fake_server: FakeServer) -> None:
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    with pytest.raises(WrongClientModeError, match=r"^client\.typed\.models\.list_async needs"):
        await client.typed.models.list_async()
    assert fake_server.requests == []


def test_a_typed_stream_runs_on_the_hosted_route(fake_server: FakeServer, images_dir: Path) -> None:
    serve_model(fake_server, "coco/3")
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    frames = list(
        client.typed.video.stream(
            str(images_dir), "coco/3", response=ObjectDetectionInferenceResponse
        )
    )
    assert frames
    assert all(isinstance(r, ObjectDetectionInferenceResponse) for _, _, r in frames)
    assert len(fake_server.requests_to("POST", "/coco/3")) == len(frames)
    assert fake_server.requests_to("GET", "/model/registry") == []


def test_returned_errors_are_rf_client_errors(fake_server: FakeServer, images_dir: Path) -> None:
    serve_model(fake_server, "coco/3")
    fake_server.on("POST", "/infer/object_detection", json_reply(503, {"message": "no"}))
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=0)
    results = client.typed.infer.object_detection(
        photos(images_dir), model_id="coco/3", on_error="return"
    )
    assert len(results) == 3
    assert all(isinstance(r, RFClientError) for r in results)


async def test_core_models_and_workflows_keep_their_routes_and_models_on_the_hosted_api(
    fake_server: FakeServer, images_dir: Path
) -> None:
    fake_server.on("POST", "/clip/embed_image", json_reply(200, {"embeddings": [[1.0]]}))
    fake_server.on("POST", "/workflows/run", json_reply(200, {"outputs": [{"count": 2}]}))
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    embedding = client.typed.clip.embed_images(photos(images_dir)[0])
    run = await client.typed.workflows.run_async(
        specification={"version": "1.0", "inputs": [], "steps": [], "outputs": []}
    )
    assert embedding.embeddings == [[1.0]]
    assert run.outputs[0]["count"] == 2
    [clip] = fake_server.requests_to("POST", "/clip/embed_image")
    assert clip.param("api_key") == "key"
