"""The typed API against the real server: generated classes holding the same values.

``client.typed.infer.<task>(...)`` parses each answer into its ``rf_api_v1.models`` class;
its ``to_dict()`` must pass the same checks as the documented API's dicts, and a model of
another task is refused after the registry lookup, before any image is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from rf_client import InferenceConfiguration, InferenceHTTPClient, ModelTaskTypeNotSupportedError
from tests.fixtures.e2e.support import (
    CHELSEA,
    CLS_MODEL,
    FIXTURE_SIZES,
    HUBBLE,
    IMAGES_DIR,
    KP_MODEL,
    OD_MODEL,
    SEG_MODEL,
    AccessLog,
    assert_box,
    assert_chelsea_detections,
    assert_classification,
    assert_keypoints,
    assert_polygons,
    assert_rle,
    new_client,
)

from .conftest import RealServer

if TYPE_CHECKING:
    from rf_api_v1.models import InferenceResponseImage

pytestmark = pytest.mark.e2e


def size_of(image: InferenceResponseImage) -> tuple[int, int]:
    """``(width, height)`` of a response's one image (typed as one: codegen's patches)."""
    return image.width, image.height


@pytest.fixture
def client(real_server: RealServer) -> Iterator[InferenceHTTPClient]:
    with new_client(real_server.url) as client:
        yield client


@pytest.fixture
def access_log(real_server: RealServer) -> AccessLog:
    return AccessLog(real_server.handle.log_path)


def test_object_detection(client: InferenceHTTPClient) -> None:
    from rf_api_v1.models import ObjectDetectionInferenceResponse, ObjectDetectionPrediction

    response = client.typed.infer.object_detection(str(CHELSEA), model_id=OD_MODEL)
    assert isinstance(response, ObjectDetectionInferenceResponse)
    cat, dog = response.predictions
    assert isinstance(cat, ObjectDetectionPrediction)
    assert (cat.x, cat.y, cat.width, cat.height, cat.class_) == (225.5, 150.0, 141.0, 94.0, "cat")
    assert cat.confidence == pytest.approx(0.9, abs=1e-6)
    assert (dog.x, dog.y, dog.width, dog.height, dog.class_) == (113.0, 225.0, 70.0, 38.0, "dog")
    assert size_of(response.image) == (451, 300)
    assert_chelsea_detections(response.to_dict())


def test_classification(client: InferenceHTTPClient) -> None:
    from rf_api_v1.models import ClassificationInferenceResponse

    response = client.typed.infer.classification(str(CHELSEA), model_id=CLS_MODEL)
    assert isinstance(response, ClassificationInferenceResponse)
    assert response.top == "cat"
    assert response.confidence == pytest.approx(0.7)
    assert [p.class_ for p in response.predictions] == ["cat"]
    assert_classification(response.to_dict())


def test_instance_segmentation(client: InferenceHTTPClient) -> None:
    from rf_api_v1.models import (
        InstanceSegmentationInferenceResponse,
        InstanceSegmentationPrediction,
    )

    response = client.typed.infer.instance_segmentation(str(CHELSEA), model_id=SEG_MODEL)
    assert isinstance(response, InstanceSegmentationInferenceResponse)
    cat, dog = response.predictions
    # Polygon masks parse as the polygon variant of the prediction union.
    assert isinstance(cat, InstanceSegmentationPrediction)
    assert isinstance(dog, InstanceSegmentationPrediction)
    assert (len(cat.points), len(dog.points)) == (104, 8)
    assert (cat.points[0].x, cat.points[0].y) == (216.0, 112.0)
    assert_polygons(response.to_dict())


def test_instance_segmentation_rle(client: InferenceHTTPClient) -> None:
    from rf_api_v1.models import InstanceSegmentationRLEPrediction

    client.configure(InferenceConfiguration(response_mask_format="rle"))
    response = client.typed.infer.instance_segmentation(str(CHELSEA), model_id=SEG_MODEL)
    cat, dog = response.predictions
    # RLE masks parse as the RLE variant of the prediction union.
    assert isinstance(cat, InstanceSegmentationRLEPrediction)
    assert isinstance(dog, InstanceSegmentationRLEPrediction)
    assert (cat.x, cat.y, cat.class_) == (225.5, 150.0, "cat")
    assert_rle(response.to_dict())


def test_keypoints_detection(client: InferenceHTTPClient) -> None:
    from rf_api_v1.models import KeypointsDetectionInferenceResponse

    response = client.typed.infer.keypoints_detection(str(CHELSEA), model_id=KP_MODEL)
    assert isinstance(response, KeypointsDetectionInferenceResponse)
    person = response.predictions[0]
    nose = person.keypoints[0]
    assert (nose.class_, nose.x, nose.y) == ("nose", 226.0, 141.0)
    assert nose.confidence == pytest.approx(0.95, abs=1e-6)
    assert_keypoints(response.to_dict())


def test_typed_batch_in_input_order(client: InferenceHTTPClient, access_log: AccessLog) -> None:
    names = ["rocket.jpg", "chelsea.png", "page.png", "astronaut.png", "coffee.png"]
    client.configure(InferenceConfiguration(max_batch_size=2, max_concurrent_requests=2))
    responses = client.typed.infer.object_detection(
        [IMAGES_DIR / name for name in names], model_id=OD_MODEL
    )
    assert [size_of(r.image) for r in responses] == [FIXTURE_SIZES[name] for name in names]
    for response, name in zip(responses, names, strict=True):
        assert_box(response.predictions[0].to_dict(), "A", "cat", FIXTURE_SIZES[name])
    assert access_log.count("POST /infer/object_detection") == 3


def test_typed_results_are_rescaled_after_downsizing(client: InferenceHTTPClient) -> None:
    client.configure(InferenceConfiguration(client_downsizing_disabled=False))
    response = client.typed.infer.keypoints_detection(str(HUBBLE), model_id=KP_MODEL)
    # 1000x872 is sent as 640x558 (scale 0.64); the server's nose (320, 262) maps back.
    assert size_of(response.image) == (1000, 872)
    nose = response.predictions[0].keypoints[0]
    assert (nose.x, nose.y) == pytest.approx((320 / 0.64, 262 / 0.64))


async def test_every_task_async(real_server: RealServer) -> None:
    async with new_client(real_server.url) as client:
        infer = client.typed.infer
        detections = await infer.object_detection_async([str(CHELSEA)], model_id=OD_MODEL)
        classification = await infer.classification_async(str(CHELSEA), model_id=CLS_MODEL)
        segmentation = await infer.instance_segmentation_async(str(CHELSEA), model_id=SEG_MODEL)
        keypoints = await infer.keypoints_detection_async(str(CHELSEA), model_id=KP_MODEL)
    assert len(detections) == 1
    assert_chelsea_detections(detections[0].to_dict())
    assert_classification(classification.to_dict())
    assert_polygons(segmentation.to_dict())
    assert_keypoints(keypoints.to_dict())


@pytest.mark.parametrize(
    ("method", "model_id", "task_type"),
    [
        ("classification", OD_MODEL, "object-detection"),
        ("object_detection", CLS_MODEL, "classification"),
        ("keypoints_detection", SEG_MODEL, "instance-segmentation"),
        ("instance_segmentation", KP_MODEL, "keypoint-detection"),
        ("semantic_segmentation", OD_MODEL, "object-detection"),
    ],
)
def test_wrong_task_is_refused_before_sending_the_image(
    method: str,
    model_id: str,
    task_type: str,
    client: InferenceHTTPClient,
    access_log: AccessLog,
) -> None:
    with pytest.raises(ModelTaskTypeNotSupportedError) as caught:
        getattr(client.typed.infer, method)(str(CHELSEA), model_id=model_id)
    assert model_id in str(caught.value)
    assert task_type in str(caught.value)
    # Only the registry was asked (and the model loaded if it was not); no image went out.
    assert all(not call.startswith("POST /infer/") for call in access_log.calls())
    assert "GET /model/registry" in access_log.calls()


async def test_wrong_task_is_refused_async(real_server: RealServer) -> None:
    access_log = AccessLog(real_server.handle.log_path)
    async with new_client(real_server.url) as client:
        with pytest.raises(ModelTaskTypeNotSupportedError, match="offline-cls/1"):
            await client.typed.infer.keypoints_detection_async(str(CHELSEA), model_id=CLS_MODEL)
    assert all(not call.startswith("POST /infer/") for call in access_log.calls())


def test_typed_partial_batch_returns_each_images_outcome(client: InferenceHTTPClient) -> None:
    import socket

    from rf_api_v1.models import ObjectDetectionInferenceResponse

    from rf_client import RFClientError

    with socket.socket() as probe:  # a loopback port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gone = f"http://127.0.0.1:{port}/gone.jpg"
    results = client.with_options(max_retries=0).typed.infer.object_detection(
        [CHELSEA, gone, CHELSEA], model_id=OD_MODEL, on_error="return"
    )
    first, failed, last = results
    assert isinstance(first, ObjectDetectionInferenceResponse)
    assert isinstance(last, ObjectDetectionInferenceResponse)
    assert size_of(first.image) == size_of(last.image) == (451, 300)
    assert isinstance(failed, RFClientError)
    assert "gone.jpg" in str(failed)
