"""Depth, SAM 2 / SAM 3, YOLO-World and gaze; documented and typed, sync and async."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from PIL import Image
from rf_api_v1.models import (
    DepthEstimationResponse,
    GazeDetectionInferenceResponse,
    ObjectDetectionInferenceResponse,
    Sam2SegmentationResponse,
    Sam3EmbeddingResponse,
    Sam3SegmentationResponse,
)

from rf_client import (
    FeatureDeprecatedError,
    FeatureRemovedError,
    GoneError,
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidParameterError,
    ResponseValidationError,
)
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply
from tests.unit.core_models.conftest import Call

Encoded = Callable[[str], str]


def png(values: np.ndarray[Any, Any]) -> str:
    """A grayscale PNG (8- or 16-bit, by dtype) as base64."""
    buffer = io.BytesIO()
    Image.fromarray(values).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


# Depth.


def test_depth_json_sends_model_and_format_and_keeps_the_lists(
    fake_server: FakeServer, call: Call, cat: str, encoded: Encoded
) -> None:
    answer = {"normalized_depth": [[0.0, 1.0]], "image": "89504e", "depth_map_format": "json"}
    fake_server.on("POST", "/infer/depth-estimation", json_reply(200, answer))
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(source_info="depth-test")
    )
    assert call(client, "depth_estimation", cat) == answer
    assert fake_server.requests[0].json() == {
        "image": {"type": "base64", "value": encoded(cat)},
        "model_id": "depth-anything-v3/small",
        "depth_map_format": "json",
        "source_info": "depth-test",
    }


@pytest.mark.parametrize(
    ("fmt", "dtype", "top"), [("png16", np.uint16, 65535), ("png8", np.uint8, 255)]
)
def test_depth_png_payloads_are_decoded_to_float_arrays(
    fake_server: FakeServer, call: Call, cat: str, fmt: str, dtype: type[Any], top: int
) -> None:
    values = np.array([[0, top // 2], [top, top // 4]], dtype=dtype)
    answer = {"normalized_depth": png(values), "depth_map_format": fmt, "image": None}
    fake_server.on(
        "POST", "/infer/depth-estimation/depth-anything-v2/small", json_reply(200, answer)
    )
    results = call(
        InferenceHTTPClient(fake_server.url),
        "depth_estimation",
        [cat, cat],
        model_id="depth-anything-v2/small",
        model_id_in_path=True,
        depth_map_format=fmt,
    )
    for result in results:
        depth = result["normalized_depth"]
        assert depth.dtype == np.float32
        np.testing.assert_allclose(depth, values.astype(np.float32) / top)
    assert [r.path for r in fake_server.requests] == [
        "/infer/depth-estimation/depth-anything-v2/small"
    ] * 2
    assert fake_server.requests[0].json()["model_id"] == "depth-anything-v2/small"


def test_typed_depth_keeps_the_payload_and_decodes_on_request(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    values = np.array([[0, 65535]], dtype=np.uint16)
    answer = {"normalized_depth": png(values), "depth_map_format": "png16"}
    fake_server.on("POST", "/infer/depth-estimation", json_reply(200, answer))
    client = InferenceHTTPClient(fake_server.url)
    result = call(client, "typed.depth.estimate", cat, depth_map_format="png16")
    assert isinstance(result, DepthEstimationResponse)
    assert isinstance(result.normalized_depth, str)
    np.testing.assert_allclose(client.typed.depth.depth_map(result), [[0.0, 1.0]])


def test_depth_payload_that_is_no_grayscale_png_is_a_validation_error(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    rgb = np.zeros((2, 2, 3), dtype=np.uint8)
    fake_server.on(
        "POST", "/infer/depth-estimation", json_reply(200, {"normalized_depth": png(rgb)})
    )
    with pytest.raises(ResponseValidationError, match="grayscale"):
        call(InferenceHTTPClient(fake_server.url), "depth_estimation", cat)


def test_unknown_depth_format_sends_nothing(fake_server: FakeServer, call: Call, cat: str) -> None:
    with pytest.raises(InvalidParameterError, match="depth_map_format"):
        call(InferenceHTTPClient(fake_server.url), "depth_estimation", cat, depth_map_format="exr")
    assert fake_server.requests == []


# SAM.

SAM2_ANSWER = {"predictions": [{"masks": [[[1, 2], [3, 4]]], "confidence": 0.9}], "time": 0.4}
PROMPTS = [
    {"box": {"x": 10, "y": 20, "width": 30, "height": 40}},
    {"points": [{"x": 5, "y": 6, "positive": True}]},
]


def test_sam2_sends_prompts_as_1_8_3_does(
    fake_server: FakeServer, call: Call, cat: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/sam2/segment_image", json_reply(200, SAM2_ANSWER))
    client = InferenceHTTPClient(fake_server.url)
    assert call(client, "sam2_segment_image", cat, prompts=PROMPTS) == SAM2_ANSWER
    assert fake_server.requests[0].json() == {
        "image": {"type": "base64", "value": encoded(cat)},
        "sam2_version_id": "hiera_tiny",
        "multimask_output": True,
        "format": "json",
        "prompts": {"prompts": PROMPTS},
    }


def test_sam2_sends_one_image_per_request(
    fake_server: FakeServer, call: Call, cat: str, rocket: str
) -> None:
    fake_server.on("POST", "/sam2/segment_image", json_reply(200, SAM2_ANSWER))
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=4)
    )
    results = call(
        client, "sam2_segment_image", [cat, rocket], sam2_version_id="hiera_large",
        multimask_output=False, mask_input_format="binary",
    )  # fmt: skip
    assert results == [SAM2_ANSWER, SAM2_ANSWER]
    bodies = [r.json() for r in fake_server.requests]
    assert [isinstance(b["image"], dict) for b in bodies] == [True, True]
    assert bodies[0]["sam2_version_id"] == "hiera_large"
    assert bodies[0]["multimask_output"] is False
    assert bodies[0]["format"] == "binary"
    assert "prompts" not in bodies[0]


@pytest.mark.parametrize(
    ("prompts", "message"),
    [
        ("box", "list of prompt dicts"),
        ([1, 2], "list of prompt dicts"),
        ([PROMPTS[0], {"points": [{"x": 1, "y": 2}]}], r"prompts\[1\] .* \"positive\""),
    ],
)
def test_sam2_refuses_prompts_that_are_not_prompt_dicts(
    fake_server: FakeServer, call: Call, cat: str, prompts: object, message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        call(InferenceHTTPClient(fake_server.url), "sam2_segment_image", cat, prompts=prompts)
    assert fake_server.requests == []


def test_typed_sam2(fake_server: FakeServer, call: Call, cat: str) -> None:
    fake_server.on("POST", "/sam2/segment_image", json_reply(200, SAM2_ANSWER))
    result = call(InferenceHTTPClient(fake_server.url), "typed.sam.sam2_segment", cat)
    assert isinstance(result, Sam2SegmentationResponse)
    assert result.predictions[0].confidence == 0.9


SAM3_ANSWER = {
    "prompt_results": [{"prompt_index": 0, "echo": {"prompt_index": 0}, "predictions": []}],
    "time": 1.0,
}


def test_sam3_concept_segment_body_and_typed_result(
    fake_server: FakeServer, call: Call, cat: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/sam3/concept_segment", json_reply(200, SAM3_ANSWER))
    client = InferenceHTTPClient(fake_server.url)
    prompts = [{"type": "text", "text": "cat"}]
    assert call(client, "sam3_concept_segment", cat, prompts, nms_iou_threshold=0.4) == SAM3_ANSWER
    assert fake_server.requests[0].json() == {
        "image": {"type": "base64", "value": encoded(cat)},
        "prompts": prompts,
        "model_id": "sam3/sam3_final",
        "output_prob_thresh": 0.5,
        "format": "polygon",
        "nms_iou_threshold": 0.4,
    }
    typed = call(client, "typed.sam.sam3_concept_segment", [cat], prompts, format="rle")
    assert [type(r) for r in typed] == [Sam3SegmentationResponse]
    assert fake_server.requests[1].json()["format"] == "rle"
    assert "nms_iou_threshold" not in fake_server.requests[1].json()


def test_sam3_concept_segment_needs_prompts(fake_server: FakeServer, call: Call, cat: str) -> None:
    with pytest.raises(InvalidParameterError, match="non-empty list of prompt dicts"):
        call(InferenceHTTPClient(fake_server.url), "sam3_concept_segment", cat, [])
    assert fake_server.requests == []


def test_sam3_visual_segment(fake_server: FakeServer, call: Call, cat: str) -> None:
    fake_server.on("POST", "/sam3/visual_segment", json_reply(200, SAM2_ANSWER))
    client = InferenceHTTPClient(fake_server.url)
    assert call(client, "sam3_visual_segment", cat, prompts=PROMPTS) == SAM2_ANSWER
    body = fake_server.requests[0].json()
    assert body["prompts"] == {"prompts": PROMPTS}
    assert body["multimask_output"] is True
    assert body["format"] == "json"
    assert "sam2_version_id" not in body
    typed = call(client, "typed.sam.sam3_visual_segment", cat)
    assert isinstance(typed, Sam2SegmentationResponse)


def test_sam3_embed(fake_server: FakeServer, call: Call, cat: str, rocket: str) -> None:
    def answer(request: RecordedRequest) -> Reply:
        return json_reply(200, {"image_id": request.json().get("image_id", "auto"), "time": 0.1})

    fake_server.on("POST", "/sam3/embed_image", handler=answer)
    client = InferenceHTTPClient(fake_server.url)
    assert call(client, "sam3_embed_image", cat, image_id="mine") == {
        "image_id": "mine",
        "time": 0.1,
    }
    results = call(client, "typed.sam.sam3_embed", [cat, rocket])
    assert [r.image_id for r in results] == ["auto", "auto"]
    assert all(isinstance(r, Sam3EmbeddingResponse) for r in results)


# YOLO-World.

DETECTIONS = {
    "image": {"width": 451, "height": 300},
    "predictions": [
        {"x": 1.0, "y": 2.0, "width": 3.0, "height": 4.0, "confidence": 0.8, "class": "cat",
         "class_id": 0}
    ],
}  # fmt: skip


def test_yolo_world_always_returns_a_list(
    fake_server: FakeServer, call: Call, cat: str, rocket: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/yolo_world/infer", json_reply(200, DETECTIONS))
    client = InferenceHTTPClient(fake_server.url)
    one = call(
        client, "infer_from_yolo_world", cat, ["cat", "dog"], model_version="v2-s", confidence=0.2
    )
    assert one == [DETECTIONS]
    assert fake_server.requests[0].json() == {
        "image": {"type": "base64", "value": encoded(cat)},
        "text": ["cat", "dog"],
        "yolo_world_version_id": "v2-s",
        "confidence": 0.2,
    }
    two = call(client, "infer_from_yolo_world", [cat, rocket], ["cat"])
    assert two == [DETECTIONS, DETECTIONS]
    assert len(fake_server.requests) == 3


def test_typed_yolo_world(fake_server: FakeServer, call: Call, cat: str) -> None:
    fake_server.on("POST", "/yolo_world/infer", json_reply(200, DETECTIONS))
    result = call(InferenceHTTPClient(fake_server.url), "typed.yolo_world.infer", cat, ["cat"])
    assert isinstance(result, ObjectDetectionInferenceResponse)
    assert result.predictions[0].class_ == "cat"


@pytest.mark.parametrize("class_names", ["cat", [], [1]])
def test_yolo_world_needs_class_names(
    fake_server: FakeServer, call: Call, cat: str, class_names: object
) -> None:
    with pytest.raises(InvalidParameterError, match="class_names"):
        call(InferenceHTTPClient(fake_server.url), "infer_from_yolo_world", cat, class_names)
    assert fake_server.requests == []


# Gaze.

GAZE_410 = {
    "message": "Feature '/gaze/gaze_detection' has been removed from inference. Reason: "
    "MediaPipe dependency removed from inference; endpoint is a 410 stub.. Removed in end of "
    "Q2 2026. No drop-in replacement is provided; contact Roboflow if you require this "
    "capability.",
    "error_type": "FeatureDeprecatedError",
    "feature": "/gaze/gaze_detection",
    "removal_release": "end of Q2 2026",
    "replacement": None,
    "reason": "MediaPipe dependency removed from inference; endpoint is a 410 stub.",
}


def test_gaze_on_a_1_8_3_server_raises_feature_removed_saying_what_to_do(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    fake_server.on("POST", "/gaze/gaze_detection", json_reply(410, GAZE_410))
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(FeatureRemovedError) as caught:
        call(client, "detect_gazes", cat)
    error = caught.value
    assert isinstance(error, GoneError)
    assert isinstance(error, FeatureDeprecatedError)
    assert error.feature == "/gaze/gaze_detection"
    assert error.removal_release == "end of Q2 2026"
    assert "older than 1.8.3" in str(error)
    assert "no drop-in replacement" in str(error)
    assert len(fake_server.requests) == 1  # 410 is not retried


def test_gaze_410_names_the_replacement_when_the_server_gives_one(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    fake_server.on(
        "POST", "/gaze/gaze_detection", json_reply(410, {**GAZE_410, "replacement": "workflow X"})
    )
    with pytest.raises(FeatureRemovedError, match="replacement: workflow X"):
        call(InferenceHTTPClient(fake_server.url), "typed.gaze.detect", cat)


GAZE_RESULT = {
    "predictions": [
        {
            "face": {"x": 1.0, "y": 2.0, "width": 3.0, "height": 4.0, "confidence": 0.9,
                     "class": "face", "landmarks": [{"x": 1.0, "y": 1.0}]},
            "yaw": 0.1,
            "pitch": -0.2,
        }
    ],
    "time": 0.05,
}  # fmt: skip


def test_gaze_on_an_older_server_gives_one_result_per_image(
    fake_server: FakeServer, call: Call, cat: str, rocket: str
) -> None:
    def answer(request: RecordedRequest) -> Reply:
        image = request.json()["image"]
        return json_reply(200, [GAZE_RESULT] * (len(image) if isinstance(image, list) else 1))

    fake_server.on("POST", "/gaze/gaze_detection", handler=answer)
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=2)
    )
    assert call(client, "detect_gazes", cat) == GAZE_RESULT
    assert call(client, "detect_gazes", [cat, rocket, cat]) == [GAZE_RESULT] * 3
    batch_images = [r.json()["image"] for r in fake_server.requests[1:3]]
    assert isinstance(batch_images[0], list)
    assert len(batch_images[0]) == 2
    assert isinstance(batch_images[1], dict)
    typed = call(client, "typed.gaze.detect", [cat])
    assert [type(r) for r in typed] == [GazeDetectionInferenceResponse]
    assert typed[0].predictions[0].yaw == 0.1
