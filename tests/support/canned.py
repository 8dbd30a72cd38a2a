"""Canned answers of an inference server, for contract tests on the fake server.

:func:`serve_model` makes the fake server behave like an inference server that has one model:
the registry lists it, ``/model/add`` loads it, and its task route answers one prediction per
image sent (a list for a batch), sized to the image actually received, so downsizing and
rescaling can be checked end to end.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image

from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply

TASK_ROUTES = {
    "object-detection": "/infer/object_detection",
    "instance-segmentation": "/infer/instance_segmentation",
    "semantic-segmentation": "/infer/semantic_segmentation",
    "classification": "/infer/classification",
    "keypoint-detection": "/infer/keypoints_detection",
}


def image_size(encoded: str) -> tuple[int, int]:
    """(width, height) of a base64 image."""
    with Image.open(io.BytesIO(base64.b64decode(encoded))) as image:
        return image.size


def detection(width: int, height: int) -> dict[str, Any]:
    """One object-detection prediction: a box at the image centre, half its size."""
    return {
        "x": width / 2,
        "y": height / 2,
        "width": width / 2,
        "height": height / 2,
        "confidence": 0.9,
        "class": "cat",
        "class_id": 0,
        "detection_id": "d1",
    }


def prediction_for(task_type: str, width: int, height: int) -> dict[str, Any]:
    """The canned prediction body of ``task_type`` for an image of ``width`` x ``height``."""
    image = {"width": width, "height": height}
    if task_type == "classification":
        return {
            "image": image,
            "predictions": [{"class": "cat", "class_id": 0, "confidence": 0.7}],
            "top": "cat",
            "confidence": 0.7,
        }
    box = detection(width, height)
    if task_type == "instance-segmentation":
        box["points"] = [
            {"x": width / 4, "y": height / 4},
            {"x": width * 3 / 4, "y": height * 3 / 4},
        ]
    if task_type == "keypoint-detection":
        box["keypoints"] = [
            {"x": width / 2, "y": height / 3, "confidence": 0.95, "class_id": 0, "class": "nose"}
        ]
    if task_type == "semantic-segmentation":
        return {
            "image": image,
            "predictions": {"segmentation_mask": "", "class_map": {"0": "background"}},
        }
    return {"image": image, "predictions": [box]}


def serve_model(
    server: FakeServer,
    model_id: str = "coco/3",
    task_type: str = "object-detection",
    input_size: int = 640,
) -> None:
    """Make ``server`` serve ``model_id`` (registry, load, and its task route)."""
    registry = {
        "models": [
            {
                "model_id": model_id,
                "task_type": task_type,
                "input_height": input_size,
                "input_width": input_size,
                "batch_size": None,
            }
        ]
    }
    server.on("GET", "/model/registry", json_reply(200, registry))
    server.on("POST", "/model/add", json_reply(200, registry))

    def answer(request: RecordedRequest) -> Reply:
        body = request.json()
        images = body["image"] if isinstance(body["image"], list) else [body["image"]]
        predictions = [prediction_for(task_type, *image_size(i["value"])) for i in images]
        return json_reply(200, predictions if isinstance(body["image"], list) else predictions[0])

    server.on("POST", TASK_ROUTES[task_type], handler=answer)
    project, version = model_id.split("/")

    def answer_v0(request: RecordedRequest) -> Reply:
        return json_reply(200, prediction_for(task_type, *image_size(request.body.decode())))

    server.on("POST", f"/{project}/{version}", handler=answer_v0)
