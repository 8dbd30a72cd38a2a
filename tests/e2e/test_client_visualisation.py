"""Server-drawn visualisations, decoded into each ``VisualisationResponseFormat``.

v0 with ``format="image"`` answers the annotated JPEG itself; v1 with
``visualize_predictions=True`` (and v0 with ``image_and_json``) puts it next to the
predictions. Either way the client hands it back as base64 text, a BGR numpy array or a PIL
image, and the boxes the model predicted are visibly drawn on chelsea.png.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from rf_client import InferenceConfiguration, InferenceHTTPClient, VisualisationResponseFormat
from tests.fixtures.e2e.support import (
    CHELSEA,
    OD_MODEL,
    AccessLog,
    assert_chelsea_detections,
    new_client,
)

from .conftest import RealServer

pytestmark = pytest.mark.e2e

FORMATS = list(VisualisationResponseFormat)


def as_bgr(visualization: object, image_format: VisualisationResponseFormat) -> Any:
    """The visualisation as a BGR array, checking it has the type ``image_format`` promises."""
    import cv2
    import numpy as np
    from PIL import Image

    if image_format is VisualisationResponseFormat.BASE64:
        assert isinstance(visualization, str)
        data = np.frombuffer(base64.b64decode(visualization, validate=True), dtype=np.uint8)
        assert data[:3].tolist() == [0xFF, 0xD8, 0xFF]  # the server's JPEG, passed through
        return cv2.imdecode(data, cv2.IMREAD_COLOR)
    if image_format is VisualisationResponseFormat.NUMPY:
        assert isinstance(visualization, np.ndarray)
        assert visualization.dtype == np.uint8
        return visualization
    assert isinstance(visualization, Image.Image)
    assert visualization.size == (451, 300)
    return cv2.cvtColor(np.asarray(visualization.convert("RGB")), cv2.COLOR_RGB2BGR)


def assert_boxes_drawn(bgr: Any) -> None:
    """``bgr`` is chelsea.png with the cat's and the dog's boxes drawn on it."""
    import cv2
    import numpy as np

    assert bgr.shape == (300, 451, 3)
    original = cv2.imread(str(CHELSEA), cv2.IMREAD_COLOR)
    assert original is not None
    difference = np.abs(bgr.astype(np.int16) - original.astype(np.int16)).sum(axis=2)
    # The cat's box spans x 155-296 with its top edge at y=103; the dog's top edge is y=206.
    assert difference[103, 165:285].mean() > 60
    assert difference[206, 85:140].mean() > 60
    # Far from both boxes only JPEG noise differs.
    assert difference[10:40, 20:120].mean() < 25


@pytest.fixture
def client(real_server: RealServer) -> Iterator[InferenceHTTPClient]:
    with new_client(real_server.url) as client:
        yield client


@pytest.mark.parametrize("image_format", FORMATS)
def test_v0_format_image(
    image_format: VisualisationResponseFormat,
    client: InferenceHTTPClient,
    real_server: RealServer,
) -> None:
    access_log = AccessLog(real_server.handle.log_path)
    client.select_api_v0().configure(
        InferenceConfiguration(format="image", output_visualisation_format=image_format)
    )
    result = client.infer(str(CHELSEA), model_id=OD_MODEL)
    assert list(result) == ["visualization"]
    assert_boxes_drawn(as_bgr(result["visualization"], image_format))
    (entry,) = access_log.entries()
    assert entry.call == "POST /offline-od/1"
    assert "format=image" in entry.query.split("&")


@pytest.mark.parametrize("image_format", FORMATS)
def test_v0_image_and_json(
    image_format: VisualisationResponseFormat, client: InferenceHTTPClient
) -> None:
    client.select_api_v0().configure(
        InferenceConfiguration(format="image_and_json", output_visualisation_format=image_format)
    )
    result = client.infer(str(CHELSEA), model_id=OD_MODEL)
    assert_chelsea_detections(result)
    assert_boxes_drawn(as_bgr(result["visualization"], image_format))


@pytest.mark.parametrize("image_format", FORMATS)
def test_v1_visualize_predictions(
    image_format: VisualisationResponseFormat, client: InferenceHTTPClient
) -> None:
    client.configure(
        InferenceConfiguration(visualize_predictions=True, output_visualisation_format=image_format)
    )
    result = client.infer(str(CHELSEA), model_id=OD_MODEL)
    assert_chelsea_detections(result)
    assert_boxes_drawn(as_bgr(result["visualization"], image_format))


async def test_v0_format_image_async(real_server: RealServer) -> None:
    async with new_client(real_server.url) as client:
        client.select_api_v0().configure(
            InferenceConfiguration(
                format="image", output_visualisation_format=VisualisationResponseFormat.NUMPY
            )
        )
        results = await client.infer_async([str(CHELSEA)] * 3, model_id=OD_MODEL)
    assert len(results) == 3
    for result in results:
        assert_boxes_drawn(as_bgr(result["visualization"], VisualisationResponseFormat.NUMPY))
