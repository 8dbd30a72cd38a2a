"""Server-side visualisations in the three formats, and the v0 ``format="image"`` answer."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pytest
from PIL import Image

from rf_client import InferenceConfiguration, InferenceHTTPClient, VisualisationResponseFormat
from tests.support.fake_server import FakeServer, raw_reply
from tests.unit.compat.compat_support import (
    IMAGES_DIR,
    ModelSpec,
    Runner,
    close_to,
    infer_requests,
    jpeg_bytes,
    serve_models,
)

IMAGE = str(IMAGES_DIR / "page.png")
COLOUR = (200, 30, 60)  # RGB
VISUALISATION = jpeg_bytes((64, 48), COLOUR)
VISUALISATION_B64 = base64.b64encode(VISUALISATION).decode("ascii")


def assert_visualisation(value: Any, image_format: VisualisationResponseFormat) -> None:
    """``value`` is the canned 64 x 48 visualisation in ``image_format``."""
    if image_format is VisualisationResponseFormat.BASE64:
        assert value == VISUALISATION_B64
    elif image_format is VisualisationResponseFormat.NUMPY:
        assert isinstance(value, np.ndarray)
        assert value.shape == (48, 64, 3)
        assert value.dtype == np.uint8
        blue, green, red = (int(v) for v in value[20, 30])
        assert close_to((red, green, blue), COLOUR)  # BGR, as OpenCV gives it
    else:
        assert isinstance(value, Image.Image)
        assert value.size == (64, 48)
        pixel = value.convert("RGB").getpixel((30, 20))
        assert isinstance(pixel, tuple)
        assert close_to(pixel, COLOUR)


FORMATS = list(VisualisationResponseFormat)


@pytest.mark.parametrize("image_format", FORMATS)
@pytest.mark.parametrize("task_type", ["object-detection", "classification"])
def test_v1_visualisation_in_each_format(
    fake_server: FakeServer,
    runner: Runner,
    image_format: VisualisationResponseFormat,
    task_type: str,
) -> None:
    serve_models(
        fake_server,
        {"m/1": ModelSpec(task_type)},
        extra=lambda _request: {"visualization": VISUALISATION_B64},
    )
    client = InferenceHTTPClient(fake_server.url, "key").configure(
        InferenceConfiguration(visualize_predictions=True, output_visualisation_format=image_format)
    )
    result = runner.one(client, IMAGE, "m/1")
    assert_visualisation(result["visualization"], image_format)
    assert result["image"] == {"width": 384, "height": 191}
    (request,) = infer_requests(fake_server)
    assert request.json()["visualize_predictions"] is True


@pytest.mark.parametrize("image_format", FORMATS)
def test_v1_batch_converts_every_visualisation(
    fake_server: FakeServer, runner: Runner, image_format: VisualisationResponseFormat
) -> None:
    serve_models(
        fake_server,
        {"m/1": ModelSpec()},
        extra=lambda _request: {"visualization": VISUALISATION_B64},
    )
    client = InferenceHTTPClient(fake_server.url, "key").configure(
        InferenceConfiguration(
            visualize_predictions=True, output_visualisation_format=image_format, max_batch_size=2
        )
    )
    results = runner.many(client, [IMAGE, IMAGE, IMAGE], "m/1")
    for result in results:
        assert_visualisation(result["visualization"], image_format)


@pytest.mark.parametrize("image_format", FORMATS)
def test_v0_image_answer_becomes_a_visualization_entry(
    fake_server: FakeServer, runner: Runner, image_format: VisualisationResponseFormat
) -> None:
    fake_server.on("POST", "/m/1", raw_reply(200, VISUALISATION, "image/jpeg"))
    client = (
        InferenceHTTPClient(fake_server.url, "key")
        .select_api_v0()
        .configure(InferenceConfiguration(format="image", output_visualisation_format=image_format))
    )
    result = runner.one(client, IMAGE, "m/1")
    assert set(result) == {"visualization"}
    assert_visualisation(result["visualization"], image_format)
    (request,) = fake_server.requests
    assert request.param("format") == "image"


@pytest.mark.parametrize("image_format", FORMATS)
def test_v0_image_and_json_answer_converts_its_visualization(
    fake_server: FakeServer, runner: Runner, image_format: VisualisationResponseFormat
) -> None:
    serve_models(
        fake_server,
        {"m/1": ModelSpec()},
        extra=lambda _request: {"visualization": VISUALISATION_B64},
    )
    client = (
        InferenceHTTPClient(fake_server.url, "key")
        .select_api_v0()
        .configure(
            InferenceConfiguration(
                format="image_and_json", output_visualisation_format=image_format
            )
        )
    )
    result = runner.one(client, IMAGE, "m/1")
    assert_visualisation(result["visualization"], image_format)
    assert result["predictions"][0]["class"] == "cat"


def test_no_visualisation_leaves_the_prediction_as_sent(
    fake_server: FakeServer, runner: Runner
) -> None:
    serve_models(fake_server, {"m/1": ModelSpec()})
    client = InferenceHTTPClient(fake_server.url, "key").configure(
        InferenceConfiguration(output_visualisation_format=VisualisationResponseFormat.NUMPY)
    )
    result = runner.one(client, IMAGE, "m/1")
    assert "visualization" not in result
    (request,) = infer_requests(fake_server)
    assert request.json()["visualize_predictions"] is False
