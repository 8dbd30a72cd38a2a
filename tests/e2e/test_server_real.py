"""The real inference server serving the locally built models, over raw HTTP.

Every expected number follows from the constant outputs of the offline models (see
rf_client.server.offline_models.catalogue) and the server's own post-processing.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from rf_client.server import PortInUseError, start, status
from rf_client.server.offline_models import CANDIDATES, expected_box, expected_point

from .conftest import RealServer

pytestmark = pytest.mark.e2e

CHELSEA_SIZE = (451, 300)
CANDIDATE = {candidate.label: candidate for candidate in CANDIDATES}


@pytest.fixture(scope="module")
def client(real_server: RealServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=real_server.url, timeout=60, trust_env=False) as http:
        yield http


@pytest.fixture(scope="module")
def chelsea_b64(chelsea_png: bytes) -> str:
    return base64.b64encode(chelsea_png).decode("ascii")


def _infer(client: httpx.Client, task: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/infer/{task}", json=body)
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()
    return payload


def _assert_box(prediction: dict[str, Any], label: str, name: str, confidence: float) -> None:
    box = expected_box(CANDIDATE[label], *CHELSEA_SIZE)
    assert (prediction["x"], prediction["y"]) == (box.x, box.y)
    assert (prediction["width"], prediction["height"]) == (box.width, box.height)
    assert prediction["class"] == name
    assert prediction["confidence"] == pytest.approx(confidence, abs=1e-6)


def _assert_cat_and_dog(payload: dict[str, Any]) -> None:
    assert payload["image"] == {"width": 451, "height": 300}
    cat, dog = payload["predictions"]
    _assert_box(cat, "A", "cat", 0.9)
    assert (cat["x"], cat["y"], cat["width"], cat["height"]) == (225.5, 150.0, 141.0, 94.0)
    _assert_box(dog, "C", "dog", 0.75)
    assert (dog["x"], dog["y"], dog["width"], dog["height"]) == (113.0, 225.0, 70.0, 38.0)


def test_info(client: httpx.Client) -> None:
    info = client.get("/info").json()
    assert info["name"] == "Roboflow Inference Server"
    assert info["version"] == "1.8.3"


def test_status_reports_the_running_server(real_server: RealServer) -> None:
    current = status(real_server.handle.port)
    assert current.running
    assert current.responding
    assert current.pid == real_server.handle.pid
    assert current.version == "1.8.3"
    assert current.models_dir == real_server.models_dir


def test_second_start_on_the_same_port_is_refused(real_server: RealServer) -> None:
    with pytest.raises(PortInUseError, match=str(real_server.handle.pid)):
        start(real_server.handle.port, models_dir=real_server.models_dir)


def test_object_detection(client: httpx.Client, chelsea_b64: str) -> None:
    payload = _infer(
        client,
        "object_detection",
        {"model_id": "offline-od/1", "image": {"type": "base64", "value": chelsea_b64}},
    )
    _assert_cat_and_dog(payload)
    assert payload["resolved_model"]["model_package_id"] == "offlineonnx1"


def test_object_detection_low_thresholds_return_all_four(
    client: httpx.Client, chelsea_b64: str
) -> None:
    payload = _infer(
        client,
        "object_detection",
        {
            "model_id": "offline-od/1",
            "image": {"type": "base64", "value": chelsea_b64},
            "confidence": 0.1,
            "iou_threshold": 0.95,
        },
    )
    a, c, b, d = payload["predictions"]
    _assert_box(a, "A", "cat", 0.9)
    _assert_box(c, "C", "dog", 0.75)
    _assert_box(b, "B", "cat", 0.6)
    _assert_box(d, "D", "person", 0.2)


def test_classification(client: httpx.Client, chelsea_b64: str) -> None:
    payload = _infer(
        client,
        "classification",
        {"model_id": "offline-cls/1", "image": {"type": "base64", "value": chelsea_b64}},
    )
    assert payload["top"] == "cat"
    assert payload["confidence"] == pytest.approx(0.7)
    assert payload["predictions"][0]["class"] == "cat"


def test_instance_segmentation_polygons(client: httpx.Client, chelsea_b64: str) -> None:
    payload = _infer(
        client,
        "instance_segmentation",
        {"model_id": "offline-seg/1", "image": {"type": "base64", "value": chelsea_b64}},
    )
    _assert_cat_and_dog(payload)
    cat, dog = payload["predictions"]
    for prediction in (cat, dog):
        assert prediction["mask_format"] == "polygon"
        points = prediction["points"]
        left = prediction["x"] - prediction["width"] / 2
        top = prediction["y"] - prediction["height"] / 2
        assert all(left - 1 <= p["x"] <= left + prediction["width"] + 1 for p in points)
        assert all(top - 1 <= p["y"] <= top + prediction["height"] + 1 for p in points)
    # A's mask is a disc (an ellipse once stretched), C's mask fills its box.
    assert len(cat["points"]) > 50
    assert len(dog["points"]) < 16


def test_instance_segmentation_rle(client: httpx.Client, chelsea_b64: str) -> None:
    payload = _infer(
        client,
        "instance_segmentation",
        {
            "model_id": "offline-seg/1",
            "image": {"type": "base64", "value": chelsea_b64},
            "response_mask_format": "rle",
        },
    )
    assert len(payload["predictions"]) == 2
    for prediction in payload["predictions"]:
        assert prediction["mask_format"] == "rle"
        assert prediction["rle"]["size"] == [300, 451]
        assert prediction["rle"]["counts"]


def test_keypoints(client: httpx.Client, chelsea_b64: str) -> None:
    payload = _infer(
        client,
        "keypoints_detection",
        {"model_id": "offline-kp/1", "image": {"type": "base64", "value": chelsea_b64}},
    )
    person, other = payload["predictions"]
    _assert_box(person, "A", "person", 0.9)
    _assert_box(other, "C", "person", 0.75)
    assert other["keypoints"] == []
    found = {k["class"]: (k["x"], k["y"], k["confidence"]) for k in person["keypoints"]}
    for keypoint in CANDIDATE["A"].keypoints:
        x, y, confidence = found[keypoint.name]
        assert (x, y) == expected_point(keypoint, *CHELSEA_SIZE)
        assert confidence == pytest.approx(keypoint.confidence, abs=1e-6)
    assert found["nose"][:2] == (226.0, 141.0)
    assert found["left_eye"][:2] == (204.0, 127.0)
    assert found["right_eye"][:2] == (247.0, 127.0)


def test_legacy_route_with_base64_body(client: httpx.Client, chelsea_b64: str) -> None:
    response = client.post(
        "/offline-od/1",
        params={"confidence": 50},
        content=chelsea_b64,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text
    _assert_cat_and_dog(response.json())


def test_legacy_route_with_multipart(client: httpx.Client, chelsea_png: bytes) -> None:
    response = client.post(
        "/offline-od/1",
        params={"api_key": "anything"},
        files={"file": ("chelsea.png", chelsea_png, "image/png")},
    )
    assert response.status_code == 200, response.text
    _assert_cat_and_dog(response.json())


def test_model_add_and_registry(client: httpx.Client) -> None:
    added = client.post("/model/add", json={"model_id": "offline-od/1"})
    assert added.status_code == 200, added.text
    registry = client.get("/model/registry")
    assert registry.status_code == 200
    models = {model["model_id"]: model for model in registry.json()["models"]}
    assert models["offline-od/1"]["task_type"] == "object-detection"
    assert models["offline-od/1"]["input_width"] == 640


def test_unknown_model_is_503_offline(client: httpx.Client, chelsea_b64: str) -> None:
    response = client.post(
        "/infer/object_detection",
        json={"model_id": "offline-od/2", "image": {"type": "base64", "value": chelsea_b64}},
    )
    assert response.status_code == 503
    assert "Could not connect to Roboflow API" in response.json()["message"]
