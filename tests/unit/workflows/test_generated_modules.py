"""The committed generated modules run against the fake server: rows parsed, errors named.

They are built on ``run_workflow``'s plan: the request is the documented API's, and a row
that misses an output or has one of the wrong type raises ResponseValidationError naming it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest
from rf_api_v1.models import (
    ClassificationInferenceResponse,
    InstanceSegmentationInferenceResponse,
    KeypointsDetectionInferenceResponse,
    MultiLabelClassificationInferenceResponse,
    ObjectDetectionInferenceResponse,
)

from rf_client import InferenceHTTPClient, InvalidInputError, ResponseValidationError
from rf_client.workflow_runtime import as_int, as_json, as_rgb, classification, detections
from tests.fixtures.workflows.typed import image_operations, qr_round_trip, template_matching
from tests.support.fake_server import FakeServer
from tests.unit.workflows.workflows_support import (
    WORKFLOWS_DIR,
    image_output,
    run_reply,
    specification,
)

BOX = {"x": 100.0, "y": 155.0, "width": 120.0, "height": 120.0, "confidence": 1.0,
       "class": "template_match", "class_id": 0, "parent_id": "image"}  # fmt: skip
DETECTIONS = {"image": {"width": 600, "height": 300}, "predictions": [BOX]}


def template_row(**changes: Any) -> dict[str, Any]:
    """A template-matching output row as the real server sends it (images: a real JPEG)."""
    row = {"predictions": DETECTIONS, "count": 1, "crops": [image_output()], "viz": image_output()}
    row.update(changes)
    return {key: value for key, value in row.items() if value is not None}


def client_for(fake_server: FakeServer) -> InferenceHTTPClient:
    return InferenceHTTPClient(fake_server.url, api_key="secret-key")


def run_template(client: InferenceHTTPClient, surface: str) -> list[Any]:
    image, template = WORKFLOWS_DIR / "shapes.png", WORKFLOWS_DIR / "template.png"
    if surface == "async":
        return asyncio.run(template_matching.run_async(client, image=image, template=template))
    return template_matching.run(client, image=image, template=template)


@pytest.mark.parametrize("surface", ["sync", "async"])
def test_a_run_gives_typed_rows(fake_server: FakeServer, surface: str) -> None:
    fake_server.on("POST", "/workflows/run", run_reply([template_row()]))
    (row,) = run_template(client_for(fake_server), surface)
    assert isinstance(row, template_matching.TemplateMatchingOutputs)
    assert isinstance(row.predictions, ObjectDetectionInferenceResponse)
    assert row.predictions.predictions[0].class_ == "template_match"
    assert row.count == 1
    assert [crop.shape for crop in row.crops] == [(427, 640, 3)]
    assert row.viz.dtype == np.uint8
    [request] = fake_server.requests
    body = request.json()
    assert body["specification"] == specification("template_matching")
    assert body["inputs"]["min_conf"] == 0.5  # the definition's default, sent
    assert body["inputs"]["image"]["type"] == "base64"
    assert request.headers["authorization"] == "Bearer secret-key"


def test_parameters_and_a_batch_are_sent_as_run_workflow_sends_them(
    fake_server: FakeServer,
) -> None:
    row = {"resized": image_output(), "crop": image_output(), "blurred": image_output(),
           "thresholded": image_output(), "rotated": image_output(),
           "dominant_color": [255, 255, 255], "red_pixels": 22801, "qr_count": 1,
           "qr": {"image": {"width": 640, "height": 480}, "predictions": []}}  # fmt: skip
    fake_server.on("POST", "/workflows/run", run_reply([row, row]))
    photos = [WORKFLOWS_DIR / "qr.png", WORKFLOWS_DIR / "small.jpg"]
    rows = image_operations.run(client_for(fake_server), image=photos, kernel=7)
    assert [r.dominant_color for r in rows] == [(255, 255, 255)] * 2
    assert rows[0].qr.predictions == []
    inputs = fake_server.requests[0].json()["inputs"]
    assert inputs["kernel"] == 7
    assert len(inputs["image"]) == 2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (template_row(count=None), "outputs[0] has no output 'count'"),
        (template_row(viz="not an image"), "outputs[0]['viz']: expected an image"),
        (template_row(crops=image_output()), "outputs[0]['crops']: expected a list"),
        (template_row(predictions={"image": {}}), "outputs[0]['predictions']"),
    ],
)
def test_a_row_that_does_not_fit_names_the_field(
    fake_server: FakeServer, row: dict[str, Any], message: str
) -> None:
    fake_server.on("POST", "/workflows/run", run_reply([row]))
    with pytest.raises(ResponseValidationError, match=message.replace("[", r"\[")) as caught:
        run_template(client_for(fake_server), "sync")
    assert "secret-key" not in str(caught.value)


def test_an_unusable_image_is_refused_before_sending(fake_server: FakeServer) -> None:
    with pytest.raises(InvalidInputError, match=r"images\['template'\]"):
        template_matching.run(
            client_for(fake_server), image=WORKFLOWS_DIR / "qr.png", template="missing.png"
        )
    assert fake_server.requests == []


def test_a_workflow_without_image_inputs_sends_only_parameters(fake_server: FakeServer) -> None:
    qr = {"image": {"width": 290, "height": 290}, "predictions": [dict(BOX, data="x")]}
    fake_server.on("POST", "/workflows/run", run_reply([{"qr": qr, "image": image_output()}]))
    (row,) = qr_round_trip.run(client_for(fake_server), text="x")
    assert row.qr.predictions[0].additional_properties["data"] == "x"
    assert fake_server.requests[0].json()["inputs"] == {"text": "x"}


def test_parsers_reject_wrong_types() -> None:
    with pytest.raises(ResponseValidationError, match="here: expected an integer"):
        as_int(True, "here")
    assert as_int(3.0, "here") == 3
    with pytest.raises(ResponseValidationError, match=r"here\[2\]: expected an integer"):
        as_rgb([1, 2, "3"], "here")
    with pytest.raises(ResponseValidationError, match="a finite number"):
        as_json([float("nan")], "here")
    assert as_json({"a": [1, None, "b"]}, "here") == {"a": [1, None, "b"]}


def test_detections_and_classifications_are_told_apart() -> None:
    image = {"width": 10, "height": 10}
    points = dict(BOX, points=[{"x": 1.0, "y": 2.0}])
    keypoints = dict(BOX, keypoints=[])
    seg = detections({"image": image, "predictions": [points]}, "o")
    assert isinstance(seg, InstanceSegmentationInferenceResponse)
    kp = detections({"image": image, "predictions": [keypoints]}, "o")
    assert isinstance(kp, KeypointsDetectionInferenceResponse)
    assert isinstance(detections({"image": image, "predictions": []}, "o"),
                      ObjectDetectionInferenceResponse)  # fmt: skip
    single = {"image": image, "predictions": [{"class": "cat", "class_id": 0, "confidence": 0.7}],
              "top": "cat", "confidence": 0.7}  # fmt: skip
    assert isinstance(classification(single, "o"), ClassificationInferenceResponse)
    multi = {"image": image, "predictions": {"cat": {"confidence": 0.7, "class_id": 0}},
             "predicted_classes": ["cat"]}  # fmt: skip
    assert isinstance(classification(multi, "o"), MultiLabelClassificationInferenceResponse)
