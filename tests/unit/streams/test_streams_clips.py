"""infer_on_video (action recognition, whole clips): v1 and v0 payloads, checks, async twins."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from rf_client import (
    APIKeyNotProvided,
    ApiKeyTransport,
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidInputError,
    ModelTaskTypeNotSupportedError,
    ResponseValidationError,
    WrongClientModeError,
)
from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer, json_reply

CLIP_URL = "https://videos.example.com/clip.mp4"
TIMELINE: dict[str, Any] = {
    "timeline": [
        {"class": "jumping", "class_id": 1, "start_frame_idx": 0, "end_frame_idx": 15},
        {"class": "running", "class_id": 0, "start_frame_idx": 16, "end_frame_idx": 29},
    ],
    "source_fps": 10.0,
    "frame_count": 30,
    "windows_classified": 2,
}


def serve_action_model(server: FakeServer, model_id: str = "clips/1") -> None:
    """The fake server with one action-recognition model and its routes (v1 and v0)."""
    registry = {
        "models": [
            {
                "model_id": model_id,
                "task_type": "action-recognition",
                "input_height": 224,
                "input_width": 224,
                "batch_size": None,
            }
        ]
    }
    server.on("GET", "/model/registry", json_reply(200, registry))
    server.on("POST", "/infer/action_recognition", json_reply(200, TIMELINE))
    server.on("POST", f"/{model_id}", json_reply(200, TIMELINE))


CLIP_BYTES = b"\x00\x00\x00\x18ftypmp42 pretend video bytes"


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp4"
    path.write_bytes(CLIP_BYTES)
    return path


def test_v1_url_is_passed_for_the_server_to_fetch(fake_server: FakeServer) -> None:
    serve_action_model(fake_server)
    client = InferenceHTTPClient(fake_server.url, "key")
    result = client.infer_on_video(CLIP_URL, model_id="clips/1")
    assert result == TIMELINE
    [request] = fake_server.requests_to("POST", "/infer/action_recognition")
    body = request.json()
    assert body == {"model_id": "clips/1", "video": {"type": "url", "value": CLIP_URL}}
    assert request.headers["authorization"] == "Bearer key"
    assert request.query == {}


def test_v1_file_is_sent_as_base64_with_the_configured_fields(
    fake_server: FakeServer, clip: Path
) -> None:
    serve_action_model(fake_server)
    client = InferenceHTTPClient(fake_server.url, "key").configure(
        InferenceConfiguration(
            class_filter=["jumping"],
            source="dashboard",
            count_inference=False,
            service_secret="s3cret",
            api_key_transport=ApiKeyTransport.LEGACY,
        )
    )
    client.infer_on_video(str(clip), model_id="clips/1")
    [request] = fake_server.requests_to("POST", "/infer/action_recognition")
    body = request.json()
    assert body["video"]["type"] == "base64"
    assert base64.b64decode(body["video"]["value"]) == clip.read_bytes()
    assert body["class_filter"] == ["jumping"]
    assert body["source"] == "dashboard"
    assert body["api_key"] == "key"
    assert "authorization" not in request.headers
    assert request.param("countinference") == "false"
    assert request.param("service_secret") == "s3cret"


def test_v1_image_model_is_refused_with_the_methods_to_use(
    fake_server: FakeServer, clip: Path
) -> None:
    serve_model(fake_server, "coco/3")
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(ModelTaskTypeNotSupportedError) as caught:
        client.infer_on_video(clip, model_id="coco/3")
    message = str(caught.value)
    assert "'object-detection'" in message
    assert "infer()" in message
    assert "infer_on_stream()" in message
    assert fake_server.requests_to("POST", "/infer/action_recognition") == []


def test_infer_on_an_action_recognition_model_points_here(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_action_model(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(ModelTaskTypeNotSupportedError, match=r"infer_on_video\(\)"):
        client.infer(str(images_dir / "chelsea.png"), model_id="clips/1")


def test_the_model_description_is_cached_between_clips(fake_server: FakeServer) -> None:
    serve_action_model(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    client.infer_on_video(CLIP_URL, model_id="clips/1")
    client.infer_on_video(CLIP_URL, model_id="clips/1")
    assert len(fake_server.requests_to("GET", "/model/registry")) == 1
    assert len(fake_server.requests_to("POST", "/infer/action_recognition")) == 2


@pytest.mark.parametrize("reference", ["missing/clip.mp4", "ftp://host/clip.mp4"])
def test_a_reference_that_is_neither_url_nor_file_is_named_and_nothing_is_sent(
    fake_server: FakeServer, reference: str
) -> None:
    serve_action_model(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InvalidInputError) as caught:
        client.infer_on_video(reference, model_id="clips/1")
    assert repr(reference) in str(caught.value)
    assert fake_server.requests == []


@pytest.mark.parametrize("reference", [b"clip", 3, None])
def test_a_reference_of_another_type_is_refused(reference: object) -> None:
    client = InferenceHTTPClient("http://127.0.0.1:9")  # nothing listens: nothing may be sent
    with pytest.raises(InvalidInputError, match="URL or a local file path"):
        client.infer_on_video(reference, model_id="clips/1")  # type: ignore[arg-type]


def test_a_folder_is_not_a_clip(fake_server: FakeServer, tmp_path: Path) -> None:
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InvalidInputError, match=r"infer_on_stream\(\)"):
        client.infer_on_video(tmp_path, model_id="clips/1")


def test_an_answer_that_is_not_an_object_is_a_validation_error(fake_server: FakeServer) -> None:
    serve_action_model(fake_server)
    fake_server.on("POST", "/infer/action_recognition", json_reply(200, ["not", "an", "object"]))
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(ResponseValidationError, match="/infer/action_recognition"):
        client.infer_on_video(CLIP_URL, model_id="clips/1")


def test_v0_url_goes_as_the_image_query_parameter(fake_server: FakeServer) -> None:
    serve_action_model(fake_server)
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    client.configure(InferenceConfiguration(class_filter=["jumping", "running"]))
    assert client.infer_on_video(CLIP_URL, model_id="clips/1") == TIMELINE
    [request] = fake_server.requests_to("POST", "/clips/1")
    assert request.param("image") == CLIP_URL
    assert request.param("api_key") == "key"
    assert request.param("class_filter") == "jumping,running"
    assert request.body == b""
    assert fake_server.requests_to("GET", "/model/registry") == []


def test_v0_file_goes_as_the_raw_base64_body(fake_server: FakeServer, clip: Path) -> None:
    serve_action_model(fake_server)
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    client.infer_on_video(clip, model_id="clips/1")
    [request] = fake_server.requests_to("POST", "/clips/1")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert base64.b64decode(request.body) == clip.read_bytes()
    assert request.param("image") is None
    assert request.param("class_filter") is None


def test_v0_needs_an_api_key(fake_server: FakeServer) -> None:
    client = InferenceHTTPClient(fake_server.url).select_api_v0()
    with pytest.raises(APIKeyNotProvided):
        client.infer_on_video(CLIP_URL, model_id="clips/1")
    assert fake_server.requests == []


def test_explicit_routes_ignore_or_check_the_mode(fake_server: FakeServer) -> None:
    serve_action_model(fake_server)
    client = InferenceHTTPClient(fake_server.url, "key")
    assert client.infer_on_video_from_api_v0(CLIP_URL, model_id="clips/1") == TIMELINE
    assert len(fake_server.requests_to("POST", "/clips/1")) == 1
    client.select_api_v0()
    with pytest.raises(WrongClientModeError):
        client.infer_on_video_from_api_v1(CLIP_URL, model_id="clips/1")


async def test_async_twins_send_the_same_requests(fake_server: FakeServer, clip: Path) -> None:
    serve_action_model(fake_server)
    client = InferenceHTTPClient(fake_server.url, "key")
    assert await client.infer_on_video_async(clip, model_id="clips/1") == TIMELINE
    assert await client.infer_on_video_from_api_v1_async(CLIP_URL, "clips/1") == TIMELINE
    assert await client.infer_on_video_from_api_v0_async(CLIP_URL, "clips/1") == TIMELINE
    v1 = fake_server.requests_to("POST", "/infer/action_recognition")
    assert [r.json()["video"]["type"] for r in v1] == ["base64", "url"]
    assert base64.b64decode(v1[0].json()["video"]["value"]) == CLIP_BYTES
    assert fake_server.requests_to("POST", "/clips/1")[0].param("image") == CLIP_URL
    serve_model(fake_server, "coco/3")
    with pytest.raises(ModelTaskTypeNotSupportedError):
        await client.infer_on_video_async(CLIP_URL, model_id="coco/3")
