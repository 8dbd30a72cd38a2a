"""``infer_on_stream`` on a generated video and a folder, and ``infer_on_video``'s refusal.

Video frames are 450x300 crops of chelsea.png, so every frame has the cat and the dog where
the offline models put them on a 450x300 image. ``infer_on_video`` is for action-recognition
models, which cannot be built offline: on an image model it must fail clearly.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from rf_client import BadRequestError, InferenceHTTPClient, ModelTaskTypeNotSupportedError
from tests.fixtures.e2e.media import FRAMES, write_video
from tests.fixtures.e2e.support import (
    CLS_MODEL,
    FIXTURE_SIZES,
    IMAGES_DIR,
    OD_MODEL,
    AccessLog,
    assert_box,
    new_client,
)

from .conftest import RealServer

pytestmark = pytest.mark.e2e

FRAME_SIZE = (450, 300)
FOLDER_FILES = {
    "rocket.jpg": "rocket.jpg",
    "chelsea.png": "chelsea.png",
    "page.png": "page.png",
    "b.PNG": "coffee.png",  # upper-case extensions count too
}


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_video(tmp_path_factory.mktemp("video") / "clip.avi")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("frames")
    for name, source in FOLDER_FILES.items():
        shutil.copy(IMAGES_DIR / source, root / name)
    (root / "notes.txt").write_text("not an image", encoding="utf-8")
    (root / "nested").mkdir()
    shutil.copy(IMAGES_DIR / "astronaut.png", root / "nested" / "astronaut.png")
    return root


@pytest.fixture
def client(real_server: RealServer) -> Iterator[InferenceHTTPClient]:
    with new_client(real_server.url) as client:
        yield client


@pytest.fixture
def access_log(real_server: RealServer) -> AccessLog:
    return AccessLog(real_server.handle.log_path)


@pytest.mark.parametrize("mode", ["v1", "v0"])
def test_video_frames_in_order(
    mode: str, client: InferenceHTTPClient, video: Path, access_log: AccessLog
) -> None:
    if mode == "v0":
        client.select_api_v0()
    references = []
    for reference, frame, prediction in client.infer_on_stream(str(video), model_id=OD_MODEL):
        references.append(reference)
        assert frame.shape == (300, 450, 3)
        assert prediction["image"] == {"width": 450, "height": 300}
        cat, dog = prediction["predictions"]
        assert_box(cat, "A", "cat", FRAME_SIZE)
        assert_box(dog, "C", "dog", FRAME_SIZE)
    assert references == list(range(FRAMES))
    route = "POST /infer/object_detection" if mode == "v1" else "POST /offline-od/1"
    assert access_log.count(route) == FRAMES


async def test_video_frames_async(real_server: RealServer, video: Path) -> None:
    async with new_client(real_server.url) as client:
        seen = [
            (reference, frame.shape, prediction["top"])
            async for reference, frame, prediction in client.infer_on_stream_async(
                video, model_id=CLS_MODEL
            )
        ]
    assert seen == [(index, (300, 450, 3), "cat") for index in range(FRAMES)]


def test_folder_in_sorted_path_order(
    client: InferenceHTTPClient, folder: Path, access_log: AccessLog
) -> None:
    results = list(client.infer_on_stream(str(folder), model_id=OD_MODEL))
    names = sorted(FOLDER_FILES)
    assert [reference for reference, _, _ in results] == [str(folder / name) for name in names]
    for (_, frame, prediction), name in zip(results, names, strict=True):
        width, height = FIXTURE_SIZES[FOLDER_FILES[name]]
        assert frame.shape == (height, width, 3)
        assert prediction["image"] == {"width": width, "height": height}
        assert_box(prediction["predictions"][0], "A", "cat", (width, height))
    # Only the folder's own images: not the text file, not the nested folder.
    assert access_log.count("POST /infer/object_detection") == len(FOLDER_FILES)


async def test_folder_async(real_server: RealServer, folder: Path) -> None:
    async with new_client(real_server.url) as client:
        sizes = [
            prediction["image"]
            async for _, _, prediction in client.infer_on_stream_async(folder, model_id=OD_MODEL)
        ]
    expected = [FIXTURE_SIZES[FOLDER_FILES[name]] for name in sorted(FOLDER_FILES)]
    assert [(size["width"], size["height"]) for size in sizes] == expected


def test_infer_on_video_refuses_an_image_model(
    client: InferenceHTTPClient, video: Path, access_log: AccessLog
) -> None:
    with pytest.raises(ModelTaskTypeNotSupportedError) as caught:
        client.infer_on_video(str(video), model_id=OD_MODEL)
    message = str(caught.value)
    assert "offline-od/1" in message
    assert "object-detection" in message
    assert "infer_on_stream()" in message
    # The registry told the client the task; the clip was never sent.
    assert all(not call.startswith("POST /infer/") for call in access_log.calls())


async def test_infer_on_video_refuses_an_image_model_async(
    real_server: RealServer, video: Path
) -> None:
    async with new_client(real_server.url) as client:
        with pytest.raises(ModelTaskTypeNotSupportedError, match="infer_async"):
            await client.infer_on_video_async(video, model_id=CLS_MODEL)


def test_infer_on_video_in_v0_gets_the_server_refusal(
    client: InferenceHTTPClient, video: Path
) -> None:
    # v0 cannot ask for the task type first: the legacy route tries the clip as an image.
    client.select_api_v0()
    with pytest.raises(BadRequestError) as caught:
        client.with_options(max_retries=0).infer_on_video(str(video), model_id=OD_MODEL)
    assert caught.value.endpoint == "POST /offline-od/1"
    assert caught.value.api_message is not None
    assert "Could not load input image" in caught.value.api_message


def test_typed_stream(client: InferenceHTTPClient, video: Path) -> None:
    from rf_api_v1.models import ObjectDetectionInferenceResponse

    frames = list(
        client.typed.video.stream(
            str(video), model_id=OD_MODEL, response=ObjectDetectionInferenceResponse
        )
    )
    assert [reference for reference, _, _ in frames] == list(range(FRAMES))
    for _, frame, response in frames:
        assert frame.shape == (300, 450, 3)
        assert isinstance(response, ObjectDetectionInferenceResponse)
        cat, dog = response.predictions
        assert_box(cat.to_dict(), "A", "cat", FRAME_SIZE)
        assert_box(dog.to_dict(), "C", "dog", FRAME_SIZE)


def test_typed_stream_refuses_a_model_of_another_task(
    client: InferenceHTTPClient, video: Path, access_log: AccessLog
) -> None:
    from rf_api_v1.models import KeypointsDetectionInferenceResponse

    with pytest.raises(ModelTaskTypeNotSupportedError, match="offline-od/1"):
        list(
            client.typed.video.stream(
                video, model_id=OD_MODEL, response=KeypointsDetectionInferenceResponse
            )
        )
    assert all(not call.startswith("POST /infer/") for call in access_log.calls())
