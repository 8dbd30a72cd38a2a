"""Client-side downsizing (``client_downsizing_disabled=False``) and rescaling of the results.

The fake server answers relative to the image it received, so a result mapped back to the
original image must equal the answer for the full-size image, within the rounding of one
downsized pixel.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pytest
from PIL import Image

from rf_client import InferenceConfiguration, InferenceHTTPClient
from tests.support.canned import prediction_for
from tests.support.fake_server import FakeServer, json_reply
from tests.unit.compat.compat_support import (
    IMAGES_DIR,
    ModelSpec,
    Runner,
    decode,
    fixture_bytes,
    infer_requests,
    sent_images,
    serve_models,
)

CHELSEA = IMAGES_DIR / "chelsea.png"  # 451 x 300
DOWNSIZE = InferenceConfiguration(client_downsizing_disabled=False)
POINT_KEYS = ("points", "keypoints")


def received_size(server: FakeServer) -> tuple[int, int]:
    """(width, height) of the one image the server received."""
    (request,) = infer_requests(server)
    (image,) = sent_images(request)
    return decode(image).size


def assert_close(actual: Any, expected: Any, tolerance: float, where: str = "") -> None:
    """Recursively equal, numbers within ``tolerance``."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        assert set(actual) == set(expected), f"{where}: {set(actual) ^ set(expected)}"
        for key in expected:
            assert_close(actual[key], expected[key], tolerance, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), where
        assert len(actual) == len(expected), where
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_close(a, e, tolerance, f"{where}[{index}]")
    elif isinstance(expected, float | int) and not isinstance(expected, bool):
        assert isinstance(actual, float | int), where
        assert abs(actual - expected) <= tolerance, f"{where}: {actual} vs {expected}"
    else:
        assert actual == expected, where


@pytest.mark.parametrize(
    "task_type", ["object-detection", "instance-segmentation", "keypoint-detection"]
)
def test_v1_downsizes_to_the_model_input_and_maps_results_back(
    fake_server: FakeServer, runner: Runner, task_type: str
) -> None:
    serve_models(fake_server, {"m/1": ModelSpec(task_type, 320, 320)})
    client = InferenceHTTPClient(fake_server.url, "key").configure(DOWNSIZE)
    result = runner.one(client, str(CHELSEA), "m/1")
    width, height = received_size(fake_server)
    assert (width, height) == (320, 213)  # 451 x 300 scaled by 320/451, aspect ratio kept
    assert result["image"] == {"width": 451, "height": 300}
    full_size = prediction_for(task_type, 451, 300)
    # One downsized pixel is 451/320 original pixels.
    assert_close(result, full_size, tolerance=451 / 320)
    box = result["predictions"][0]
    assert box["x"] != 160  # the raw answer (for 320 wide) was mapped back
    for key in POINT_KEYS:
        for point in box.get(key, []):
            assert 0 <= point["x"] <= 451
            assert 0 <= point["y"] <= 300


def test_classification_image_size_is_mapped_back(fake_server: FakeServer, runner: Runner) -> None:
    serve_models(fake_server, {"m/1": ModelSpec("classification", 224, 224)})
    client = InferenceHTTPClient(fake_server.url, "key").configure(DOWNSIZE)
    result = runner.one(client, str(CHELSEA), "m/1")
    assert received_size(fake_server) == (224, 149)
    assert result["image"] == {"width": 451, "height": 300}
    assert result["top"] == "cat"


def test_non_square_input_limits_height_and_width_separately(
    fake_server: FakeServer, runner: Runner
) -> None:
    # Height 100, width 400: the height is the binding limit (300 -> 100, a third).
    serve_models(fake_server, {"m/1": ModelSpec("object-detection", 100, 400)})
    client = InferenceHTTPClient(fake_server.url, "key").configure(DOWNSIZE)
    result = runner.one(client, str(CHELSEA), "m/1")
    assert received_size(fake_server) == (150, 100)
    assert_close(result, prediction_for("object-detection", 451, 300), tolerance=3.01)


def test_never_upscales_and_small_files_go_out_unchanged(
    fake_server: FakeServer, runner: Runner
) -> None:
    serve_models(fake_server, {"m/1": ModelSpec("object-detection", 1280, 1280)})
    client = InferenceHTTPClient(fake_server.url, "key").configure(DOWNSIZE)
    result = runner.one(client, str(CHELSEA), "m/1")
    (request,) = infer_requests(fake_server)
    assert base64.b64decode(sent_images(request)[0]) == fixture_bytes("chelsea.png")
    assert result == prediction_for("object-detection", 451, 300)


def test_v0_limit_is_default_max_input_size(fake_server: FakeServer, runner: Runner) -> None:
    serve_models(fake_server, {"m/1": ModelSpec("keypoint-detection", 1000, 1000)})
    client = (
        InferenceHTTPClient(fake_server.url, "key")
        .select_api_v0()
        .configure(
            InferenceConfiguration(client_downsizing_disabled=False, default_max_input_size=200)
        )
    )
    result = runner.one(client, str(CHELSEA), "m/1")
    assert [r.path for r in fake_server.requests] == ["/m/1"]  # no registry in v0
    assert decode(fake_server.requests[0].body.decode("ascii")).size == (200, 133)
    assert_close(result, prediction_for("keypoint-detection", 451, 300), tolerance=451 / 200)
    assert result["image"] == {"width": 451, "height": 300}


def test_v1_without_an_input_size_falls_back_to_default_max_input_size(
    fake_server: FakeServer, runner: Runner
) -> None:
    serve_models(fake_server, {"m/1": ModelSpec()})
    # A registry entry without input size (as some servers report).
    fake_server.on(
        "GET",
        "/model/registry",
        json_reply(200, {"models": [{"model_id": "m/1", "task_type": "object-detection"}]}),
    )
    client = InferenceHTTPClient(fake_server.url, "key").configure(
        InferenceConfiguration(client_downsizing_disabled=False, default_max_input_size=300)
    )
    runner.one(client, str(CHELSEA), "m/1")
    assert received_size(fake_server) == (300, 200)


def test_disabled_by_default_sends_the_original(fake_server: FakeServer, runner: Runner) -> None:
    serve_models(fake_server, {"m/1": ModelSpec("object-detection", 160, 160)})
    client = InferenceHTTPClient(fake_server.url, "key")
    assert client.inference_configuration.client_downsizing_disabled is True
    result = runner.one(client, str(CHELSEA), "m/1")
    (request,) = infer_requests(fake_server)
    assert base64.b64decode(sent_images(request)[0]) == fixture_bytes("chelsea.png")
    assert result == prediction_for("object-detection", 451, 300)


def test_arrays_and_pil_images_are_downsized_too(fake_server: FakeServer, runner: Runner) -> None:
    serve_models(fake_server, {"m/1": ModelSpec("object-detection", 320, 320)})
    client = InferenceHTTPClient(fake_server.url, "key").configure(
        InferenceConfiguration(client_downsizing_disabled=False, max_batch_size=2)
    )
    array = np.zeros((400, 800, 3), dtype=np.uint8)
    pil = Image.new("RGB", (200, 640), (1, 2, 3))
    results = runner.many(client, [array, pil], "m/1")
    (request,) = infer_requests(fake_server)
    assert [decode(i).size for i in sent_images(request)] == [(320, 160), (100, 320)]
    assert [r["image"] for r in results] == [
        {"width": 800, "height": 400},
        {"width": 200, "height": 640},
    ]
    assert_close(results[0], prediction_for("object-detection", 800, 400), tolerance=2.5)
    assert_close(results[1], prediction_for("object-detection", 200, 640), tolerance=2.5)
