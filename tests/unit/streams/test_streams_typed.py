"""client.typed.video: action recognition and typed streams, parsed into generated models."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rf_api_v1.models import (
    ActionRecognitionInferenceResponse,
    ClassificationInferenceResponse,
    ObjectDetectionInferenceResponse,
    ServerVersionInfo,
)

from rf_client import (
    BadRequestError,
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidParameterError,
    ModelTaskTypeNotSupportedError,
    RFClientError,
    WrongClientModeError,
)
from tests.support.fake_server import FakeServer, json_reply
from tests.unit.streams.streams_support import ColourServer, FakeCapture, frame_index
from tests.unit.streams.test_streams_clips import CLIP_URL, serve_action_model


def test_action_recognition_returns_the_parsed_timeline(fake_server: FakeServer) -> None:
    serve_action_model(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    result = client.typed.video.action_recognition(CLIP_URL, model_id="clips/1")
    assert isinstance(result, ActionRecognitionInferenceResponse)
    assert [(p.class_, p.start_frame_idx, p.end_frame_idx) for p in result.timeline] == [
        ("jumping", 0, 15),
        ("running", 16, 29),
    ]
    assert result.frame_count == 30
    [request] = fake_server.requests_to("POST", "/infer/action_recognition")
    assert request.json()["video"] == {"type": "url", "value": CLIP_URL}


async def test_action_recognition_async_refuses_image_models_and_v0(
    fake_server: FakeServer,
) -> None:
    serve_action_model(fake_server)
    client = InferenceHTTPClient(fake_server.url, "key")
    result = await client.typed.video.action_recognition_async(CLIP_URL, "clips/1")
    assert result.windows_classified == 2
    fake_server.on(
        "GET",
        "/model/registry",
        json_reply(200, {"models": [{"model_id": "coco/3", "task_type": "object-detection"}]}),
    )
    with pytest.raises(ModelTaskTypeNotSupportedError):
        await client.typed.video.action_recognition_async(CLIP_URL, "coco/3")
    with client.use_api_v0(), pytest.raises(WrongClientModeError, match=re.escape("typed.video")):
        await client.typed.video.action_recognition_async(CLIP_URL, "clips/1")


def test_action_recognition_answer_off_schema_is_a_validation_error(
    fake_server: FakeServer,
) -> None:
    serve_action_model(fake_server)
    fake_server.on("POST", "/infer/action_recognition", json_reply(200, {"timeline": "nope"}))
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(RFClientError, match="ActionRecognitionInferenceResponse"):
        client.typed.video.action_recognition(CLIP_URL, "clips/1")


def test_stream_yields_parsed_responses_in_frame_order(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    fake_capture.reset(frames=6)
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    results = list(
        client.typed.video.stream(0, "coco/3", response=ObjectDetectionInferenceResponse)
    )
    assert [reference for reference, _, _ in results] == list(range(6))
    for reference, frame, detections in results:
        assert isinstance(detections, ObjectDetectionInferenceResponse)
        assert detections.predictions[0].class_id == reference == frame_index(frame)
        assert isinstance(detections.predictions[0].x, float)
    assert fake_capture.opened[0].released


def test_stream_yield_mode_keeps_errors_in_place(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    fake_capture.reset(frames=4)
    ColourServer(fake_server, failing=frozenset({1}))
    client = InferenceHTTPClient(fake_server.url)
    outcomes = [
        outcome
        for _, _, outcome in client.typed.video.stream(
            0, "coco/3", response=ObjectDetectionInferenceResponse, on_error="yield"
        )
    ]
    assert isinstance(outcomes[1], BadRequestError)
    assert [isinstance(o, ObjectDetectionInferenceResponse) for o in outcomes] == [
        True,
        False,
        True,
        True,
    ]


def test_stream_refuses_a_model_of_another_task_before_opening_the_source(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    stream = client.typed.video.stream(0, "coco/3", response=ClassificationInferenceResponse)
    with pytest.raises(ModelTaskTypeNotSupportedError, match="'object-detection'"):
        next(stream)
    assert fake_capture.opened == []


def test_stream_refuses_a_class_that_is_not_an_image_response(fake_server: FakeServer) -> None:
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InvalidParameterError, match="ObjectDetectionInferenceResponse"):
        # Type checkers refuse it too; untyped callers meet the runtime check.
        client.typed.video.stream(0, "coco/3", response=ServerVersionInfo)  # type: ignore[type-var]
    assert fake_server.requests == []


async def test_stream_async_yields_parsed_responses(
    fake_server: FakeServer, colour_video: Path
) -> None:
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_concurrent_requests=8)
    )
    classes = [
        detections.predictions[0].class_
        async for _, _, detections in client.typed.video.stream_async(
            colour_video, "coco/3", response=ObjectDetectionInferenceResponse
        )
    ]
    assert classes == [f"colour-{index}" for index in range(30)]
