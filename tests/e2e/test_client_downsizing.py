"""Client-side downsizing against the real server: predictions come back in original pixels.

With ``client_downsizing_disabled=False`` an image larger than the limit (the model's input
size in v1, ``default_max_input_size`` in v0) is shrunk, keeping its aspect ratio, before it
is sent; the server predicts on the small image and the client divides every coordinate by
the scale. The expected numbers are the server's predictions on the small image, scaled back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from rf_client import InferenceConfiguration, InferenceHTTPClient
from rf_client.server.offline_models import expected_point
from tests.fixtures.e2e.support import (
    CANDIDATE,
    CHELSEA,
    HUBBLE,
    KP_MODEL,
    MODEL_INPUT_SIZE,
    OD_MODEL,
    SEG_MODEL,
    assert_chelsea_detections,
    expected_xywh,
    new_client,
    xywh,
)

from .conftest import RealServer

pytestmark = pytest.mark.e2e

HUBBLE_SIZE = (1000, 872)
DOWNSIZING = InferenceConfiguration(client_downsizing_disabled=False)


def sent_size(size: tuple[int, int], limit: int) -> tuple[tuple[int, int], float]:
    """The size an image of ``size`` is sent at under a square ``limit``, and the scale."""
    width, height = size
    scale = min(limit / width, limit / height)
    return (round(width * scale), round(height * scale)), scale


def scaled_back(label: str, size: tuple[int, int], limit: int) -> tuple[float, ...]:
    """Candidate ``label`` predicted on the downsized image, in original pixels."""
    small, scale = sent_size(size, limit)
    return tuple(value / scale for value in expected_xywh(label, small))


def assert_downsized_detections(
    result: Mapping[str, Any], size: tuple[int, int], limit: int
) -> None:
    """The cat and dog predicted on the image shrunk to ``limit``, in original pixels."""
    # The original size exactly (inference-sdk 1.8.3 reports round(sent size / scale)).
    assert result["image"] == {"width": size[0], "height": size[1]}
    cat, dog = result["predictions"]
    assert xywh(cat) == pytest.approx(scaled_back("A", size, limit))
    assert xywh(dog) == pytest.approx(scaled_back("C", size, limit))
    # And the boxes are where the model puts them on the full-size image, within the
    # resolution lost by shrinking (one small-image pixel, rounded by the server).
    _, scale = sent_size(size, limit)
    assert xywh(cat) == pytest.approx(expected_xywh("A", size), abs=1 / scale)
    assert xywh(dog) == pytest.approx(expected_xywh("C", size), abs=1 / scale)


@pytest.fixture
def client(real_server: RealServer) -> Iterator[InferenceHTTPClient]:
    with new_client(real_server.url) as client:
        yield client.configure(DOWNSIZING)


def test_v1_downsizes_to_the_model_input(client: InferenceHTTPClient) -> None:
    result = client.infer(str(HUBBLE), model_id=OD_MODEL)
    assert_downsized_detections(result, HUBBLE_SIZE, MODEL_INPUT_SIZE)
    # 1000x872 goes as 640x558: A is 312.5 wide once scaled back, not the 312 of full size.
    assert xywh(result["predictions"][0]) == (500.0, 435.9375, 312.5, 271.875)


def test_v1_without_downsizing_sends_the_full_image(client: InferenceHTTPClient) -> None:
    client.configure(InferenceConfiguration())
    result = client.infer(str(HUBBLE), model_id=OD_MODEL)
    assert xywh(result["predictions"][0]) == expected_xywh("A", HUBBLE_SIZE)
    assert xywh(result["predictions"][0]) == (500.0, 436.0, 312.0, 272.0)


def test_v1_downsizes_a_large_generated_array(client: InferenceHTTPClient) -> None:
    import cv2
    import numpy as np

    chelsea = cv2.imread(str(CHELSEA), cv2.IMREAD_COLOR)
    assert chelsea is not None
    large = cv2.resize(chelsea, (2400, 1600), interpolation=cv2.INTER_LINEAR)
    assert large.dtype == np.uint8
    result = client.infer(large, model_id=OD_MODEL)
    assert_downsized_detections(result, (2400, 1600), MODEL_INPUT_SIZE)


def test_reported_size_is_the_original_size(client: InferenceHTTPClient) -> None:
    import numpy as np

    large = np.zeros((1600, 2400, 3), dtype=np.uint8)
    result = client.infer(large, model_id=OD_MODEL)
    assert result["image"] == {"width": 2400, "height": 1600}


def test_v1_never_upscales(client: InferenceHTTPClient) -> None:
    assert_chelsea_detections(client.infer(str(CHELSEA), model_id=OD_MODEL))


def test_v0_downsizes_to_default_max_input_size(client: InferenceHTTPClient) -> None:
    client.select_api_v0().configure(
        InferenceConfiguration(client_downsizing_disabled=False, default_max_input_size=500)
    )
    result = client.infer(HUBBLE, model_id=OD_MODEL)
    assert_downsized_detections(result, HUBBLE_SIZE, 500)
    # 1000x872 goes as 500x436: every coordinate doubles.
    assert xywh(result["predictions"][0]) == (500.0, 436.0, 312.0, 272.0)
    assert xywh(result["predictions"][1]) == (250.0, 654.0, 156.0, 108.0)
    # The default limit (1024) leaves a 1000x872 image as it is.
    client.configure(DOWNSIZING)
    assert xywh(client.infer(HUBBLE, model_id=OD_MODEL)["predictions"][0]) == expected_xywh(
        "A", HUBBLE_SIZE
    )


def test_key_points_are_scaled_back(client: InferenceHTTPClient) -> None:
    result = client.infer(str(HUBBLE), model_id=KP_MODEL)
    small, scale = sent_size(HUBBLE_SIZE, MODEL_INPUT_SIZE)
    person = result["predictions"][0]
    assert xywh(person) == pytest.approx(scaled_back("A", HUBBLE_SIZE, MODEL_INPUT_SIZE))
    for found, keypoint in zip(person["keypoints"], CANDIDATE["A"].keypoints, strict=True):
        x, y = expected_point(keypoint, *small)
        assert found["class"] == keypoint.name
        assert (found["x"], found["y"]) == pytest.approx((x / scale, y / scale))


def test_polygon_points_are_scaled_back(client: InferenceHTTPClient) -> None:
    result = client.infer(str(HUBBLE), model_id=SEG_MODEL)
    assert result["image"] == {"width": 1000, "height": 872}
    for prediction in result["predictions"]:
        left = prediction["x"] - prediction["width"] / 2
        top = prediction["y"] - prediction["height"] / 2
        xs = [point["x"] for point in prediction["points"]]
        ys = [point["y"] for point in prediction["points"]]
        assert left - 2 <= min(xs)
        assert max(xs) <= left + prediction["width"] + 2
        assert top - 2 <= min(ys)
        assert max(ys) <= top + prediction["height"] + 2
    # The dog's outline hugs its box (C's mask is the whole box), in original pixels.
    _, scale = sent_size(HUBBLE_SIZE, MODEL_INPUT_SIZE)
    dog = result["predictions"][1]
    left, top = dog["x"] - dog["width"] / 2, dog["y"] - dog["height"] / 2
    assert min(p["x"] for p in dog["points"]) == pytest.approx(left, abs=5 / scale)
    assert max(p["x"] for p in dog["points"]) == pytest.approx(left + dog["width"], abs=5 / scale)
    assert min(p["y"] for p in dog["points"]) == pytest.approx(top, abs=5 / scale)
    assert max(p["y"] for p in dog["points"]) == pytest.approx(top + dog["height"], abs=5 / scale)


async def test_v1_downsizing_async(real_server: RealServer) -> None:
    async with new_client(real_server.url) as client:
        client.configure(DOWNSIZING)
        results = await client.infer_async([str(HUBBLE), str(CHELSEA)], model_id=OD_MODEL)
    assert_downsized_detections(results[0], HUBBLE_SIZE, MODEL_INPUT_SIZE)
    assert_chelsea_detections(results[1])
