"""supervision reads rf-client's results: documented dicts as they are, typed models via to_dict.

``sv.Detections.from_inference`` / ``sv.KeyPoints.from_inference`` take a dict (or an object
with pydantic's ``.dict()``/``.json()``); the generated attrs models have ``to_dict()``, so the
typed API's idiom is ``sv.Detections.from_inference(response.to_dict())``. Real-shaped answers
of inference 1.8.3 (tests/fixtures/payloads) go through the fake server and the client.
"""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest
import supervision as sv

from rf_client import InferenceHTTPClient
from tests.support.fake_server import FakeServer
from tests.unit.typing_surface.payloads import IMAGE, load_payload, serve_payload

BOXES = [[155.0, 103.0, 296.0, 197.0], [78.0, 206.0, 148.0, 244.0]]
"""The two boxes of every payload (centre x/y, width/height) as x1, y1, x2, y2."""
CONFIDENCES = [0.8999999761581421, 0.75]


def assert_detections(
    detections: sv.Detections, names: list[str], class_ids: tuple[int, int] = (0, 1)
) -> None:
    assert detections.xyxy.tolist() == BOXES
    assert detections.confidence is not None
    assert detections.confidence.tolist() == pytest.approx(CONFIDENCES)
    assert detections.class_id is not None
    assert detections.class_id.tolist() == list(class_ids)
    assert np.asarray(detections.data["class_name"]).tolist() == names


def assert_masks_inside_boxes(detections: sv.Detections) -> None:
    masks = detections.mask
    assert isinstance(masks, np.ndarray)
    assert masks.shape == (2, 300, 451)
    for mask, (x1, y1, x2, y2) in zip(masks, BOXES, strict=True):
        ys, xs = np.nonzero(mask)
        assert len(xs) > 1000
        assert (xs.min(), ys.min()) >= (x1 - 1, y1 - 1)
        assert (xs.max(), ys.max()) <= (x2 + 1, y2 + 1)


def infer_both(client: InferenceHTTPClient, model_id: str, use_async: bool, task: str) -> Any:
    """The documented dict and the typed model for one image, sync or async."""
    typed = getattr(client.typed.infer, task)
    typed_async = getattr(client.typed.infer, f"{task}_async")
    if not use_async:
        return client.infer(str(IMAGE), model_id=model_id), typed(str(IMAGE), model_id=model_id)

    async def run() -> tuple[Any, Any]:
        documented = await client.infer_async(str(IMAGE), model_id=model_id)
        model = await typed_async(str(IMAGE), model_id=model_id)
        await client.aclose()
        return documented, model

    return asyncio.run(run())


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_object_detection_results_become_detections(
    fake_server: FakeServer, use_async: bool
) -> None:
    model_id = serve_payload(fake_server, "object-detection", load_payload("object_detection"))
    client = InferenceHTTPClient(fake_server.url)
    documented, typed = infer_both(client, model_id, use_async, "object_detection")
    assert_detections(sv.Detections.from_inference(documented), ["cat", "dog"])
    assert_detections(sv.Detections.from_inference(typed.to_dict()), ["cat", "dog"])
    assert typed.to_dict() == documented
    assert [r.path for r in fake_server.requests].count("/infer/object_detection") == 2


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_polygon_instances_become_detections_with_masks(
    fake_server: FakeServer, use_async: bool
) -> None:
    payload = load_payload("instance_segmentation_polygon")
    model_id = serve_payload(fake_server, "instance-segmentation", payload)
    client = InferenceHTTPClient(fake_server.url)
    documented, typed = infer_both(client, model_id, use_async, "instance_segmentation")
    for result in (documented, typed.to_dict()):
        detections = sv.Detections.from_inference(result)
        assert_detections(detections, ["cat", "dog"])
        assert_masks_inside_boxes(detections)


def test_rle_instances_become_detections_with_masks(fake_server: FakeServer) -> None:
    payload = load_payload("instance_segmentation_rle")
    model_id = serve_payload(fake_server, "instance-segmentation", payload)
    client = InferenceHTTPClient(fake_server.url)
    typed = client.typed.infer.instance_segmentation(str(IMAGE), model_id=model_id)
    for result in (client.infer(str(IMAGE), model_id=model_id), typed.to_dict()):
        detections = sv.Detections.from_inference(result)
        assert_detections(detections, ["cat", "dog"])
        assert_masks_inside_boxes(detections)


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_keypoint_results_become_key_points(fake_server: FakeServer, use_async: bool) -> None:
    payload = load_payload("keypoints_detection")
    model_id = serve_payload(fake_server, "keypoint-detection", payload)
    client = InferenceHTTPClient(fake_server.url)
    documented, typed = infer_both(client, model_id, use_async, "keypoints_detection")
    for result in (documented, typed.to_dict()):
        key_points = sv.KeyPoints.from_inference(result)
        assert key_points.xy.shape == (2, 3, 2)
        assert key_points.xy[0].tolist() == [[226.0, 141.0], [204.0, 127.0], [247.0, 127.0]]
        assert key_points.keypoint_confidence is not None
        assert key_points.keypoint_confidence[0].tolist() == pytest.approx([0.95, 0.9, 0.3])
        assert np.asarray(key_points.data["class_name"]).tolist() == ["person", "person"]
        detections = sv.Detections.from_inference(result)
        assert_detections(detections, ["person", "person"], class_ids=(0, 0))


def test_supervision_needs_the_dict_of_a_typed_model(fake_server: FakeServer) -> None:
    # supervision converts pydantic models (.dict()/.json()), not attrs ones: a typed response
    # given as it is reads as a mapping without "predictions". If this starts to pass, the
    # to_dict() idiom of docs/typed.md can go.
    model_id = serve_payload(fake_server, "object-detection", load_payload("object_detection"))
    client = InferenceHTTPClient(fake_server.url)
    response = client.typed.infer.object_detection(str(IMAGE), model_id=model_id)
    with pytest.raises(KeyError, match="predictions"):
        sv.Detections.from_inference(response)
