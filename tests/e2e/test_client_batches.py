"""Batches against the real server: every input kind, mixed sizes, results in input order.

Each image's boxes depend on its size, so a result that landed at the wrong index would show
the wrong boxes. The server's access log counts the requests and the connections they came
over: one pooled client per ``InferenceHTTPClient`` opens at most ``max_concurrent_requests``
connections.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from rf_client import InferenceConfiguration, InferenceHTTPClient
from tests.fixtures.e2e.support import (
    CLS_MODEL,
    FIXTURE_SIZES,
    IMAGES_DIR,
    KP_MODEL,
    OD_MODEL,
    SEG_MODEL,
    AccessLog,
    assert_box,
    in_order_sizes,
    new_client,
)

from .conftest import RealServer

if TYPE_CHECKING:
    from rf_client._images import ImageInput

pytestmark = pytest.mark.e2e

ORDER = [
    "chelsea.png",
    "rocket.jpg",
    "coffee.png",
    "astronaut.png",
    "page.png",
    "hubble_deep_field.jpg",
]
KINDS = ["str path", "Path", "bytes", "numpy BGR", "PIL", "base64"]


def as_input(path: Path, kind: str) -> ImageInput:
    """The image at ``path`` as one of the input kinds the client accepts."""
    import cv2
    from PIL import Image

    if kind == "str path":
        return str(path)
    if kind == "Path":
        return path
    if kind == "bytes":
        return path.read_bytes()
    if kind == "numpy BGR":
        array = cv2.imread(str(path), cv2.IMREAD_COLOR)
        assert array is not None, f"OpenCV cannot read {path}"
        return array
    if kind == "PIL":
        with Image.open(path) as image:
            image.load()
            return image.copy()
    return base64.b64encode(path.read_bytes()).decode("ascii")


def mixed_batch(count: int) -> tuple[list[ImageInput], list[tuple[int, int]]]:
    """``count`` images cycling through six sizes and six input kinds; their sizes."""
    inputs: list[ImageInput] = []
    sizes: list[tuple[int, int]] = []
    for index in range(count):
        name = ORDER[index % len(ORDER)]
        # Shift the kind each round so every size meets several kinds.
        kind = KINDS[(index + index // len(ORDER)) % len(KINDS)]
        inputs.append(as_input(IMAGES_DIR / name, kind))
        sizes.append(FIXTURE_SIZES[name])
    return inputs, sizes


def assert_detections_per_size(
    results: Sequence[Mapping[str, Any]], sizes: Sequence[tuple[int, int]]
) -> None:
    """Each result reports its own image's size and the cat and dog placed for that size."""
    assert in_order_sizes(results) == list(sizes)
    for result, size in zip(results, sizes, strict=True):
        cat, dog = result["predictions"]
        assert_box(cat, "A", "cat", size)
        assert_box(dog, "C", "dog", size)


@pytest.fixture
def client(real_server: RealServer) -> Iterator[InferenceHTTPClient]:
    with new_client(real_server.url) as client:
        yield client


@pytest.fixture
def access_log(real_server: RealServer) -> AccessLog:
    return AccessLog(real_server.handle.log_path)


@pytest.mark.parametrize(("batch_size", "requests"), [(1, 12), (4, 3)])
def test_v1_batch_in_input_order(
    batch_size: int, requests: int, client: InferenceHTTPClient, access_log: AccessLog
) -> None:
    inputs, sizes = mixed_batch(12)
    client.configure(InferenceConfiguration(max_batch_size=batch_size, max_concurrent_requests=4))
    assert_detections_per_size(client.infer(inputs, model_id=OD_MODEL), sizes)
    assert access_log.count("POST /infer/object_detection") == requests
    assert 1 <= len(access_log.connections("POST /infer/object_detection")) <= 4


@pytest.mark.parametrize(("batch_size", "requests"), [(1, 12), (4, 3)])
async def test_v1_batch_in_input_order_async(
    batch_size: int, requests: int, real_server: RealServer
) -> None:
    access_log = AccessLog(real_server.handle.log_path)
    inputs, sizes = mixed_batch(12)
    async with new_client(real_server.url) as client:
        client.configure(
            InferenceConfiguration(max_batch_size=batch_size, max_concurrent_requests=4)
        )
        results = await client.infer_async(inputs, model_id=OD_MODEL)
    assert_detections_per_size(results, sizes)
    assert access_log.count("POST /infer/object_detection") == requests
    assert 1 <= len(access_log.connections("POST /infer/object_detection")) <= 4


def test_v0_batch_sends_one_image_per_request(
    client: InferenceHTTPClient, access_log: AccessLog
) -> None:
    inputs, sizes = mixed_batch(12)
    client.select_api_v0().configure(
        InferenceConfiguration(max_batch_size=4, max_concurrent_requests=4)
    )
    assert_detections_per_size(client.infer(inputs, model_id=OD_MODEL), sizes)
    assert access_log.count("POST /offline-od/1") == 12
    assert 1 <= len(access_log.connections("POST /offline-od/1")) <= 4


async def test_v0_batch_async(real_server: RealServer) -> None:
    access_log = AccessLog(real_server.handle.log_path)
    inputs, sizes = mixed_batch(12)
    async with new_client(real_server.url) as client:
        client.select_api_v0().configure(InferenceConfiguration(max_concurrent_requests=4))
        results = await client.infer_async(inputs, model_id=OD_MODEL)
    assert_detections_per_size(results, sizes)
    assert access_log.count("POST /offline-od/1") == 12
    assert 1 <= len(access_log.connections("POST /offline-od/1")) <= 4


def test_one_request_at_a_time_reuses_one_connection(
    client: InferenceHTTPClient, access_log: AccessLog
) -> None:
    inputs, sizes = mixed_batch(6)
    client.configure(InferenceConfiguration(max_batch_size=2, max_concurrent_requests=1))
    assert_detections_per_size(client.infer(inputs, model_id=OD_MODEL), sizes)
    # A second call on the same client goes over the same pooled connection.
    assert_detections_per_size(client.infer(inputs[:2], model_id=OD_MODEL), sizes[:2])
    assert access_log.count("POST /infer/object_detection") == 4
    assert len(access_log.connections("POST /infer/object_detection")) == 1


@pytest.mark.parametrize("model_id", [CLS_MODEL, SEG_MODEL, KP_MODEL])
def test_batches_of_every_task(model_id: str, client: InferenceHTTPClient) -> None:
    inputs, sizes = mixed_batch(6)
    client.configure(InferenceConfiguration(max_batch_size=4, max_concurrent_requests=2))
    results = client.infer(inputs, model_id=model_id)
    assert in_order_sizes(results) == sizes
    for result, size in zip(results, sizes, strict=True):
        if model_id == CLS_MODEL:
            assert result["top"] == "cat"
            continue
        first, second = result["predictions"]
        name = "person" if model_id == KP_MODEL else "cat"
        assert_box(first, "A", name, size)
        assert_box(second, "C", "person" if model_id == KP_MODEL else "dog", size)
        if model_id == SEG_MODEL:
            # C's mask fills its box: its outline runs along the box's edges, a few pixels in.
            left, top = second["x"] - second["width"] / 2, second["y"] - second["height"] / 2
            right, bottom = left + second["width"], top + second["height"]
            xs = [point["x"] for point in second["points"]]
            ys = [point["y"] for point in second["points"]]
            assert left <= min(xs) <= left + 4
            assert right - 4 <= max(xs) <= right
            assert top <= min(ys) <= top + 4
            assert bottom - 4 <= max(ys) <= bottom
        if model_id == KP_MODEL:
            assert [k["class"] for k in first["keypoints"]] == ["nose", "left_eye", "right_eye"]


def test_a_single_item_list_gives_a_list(client: InferenceHTTPClient) -> None:
    inputs, sizes = mixed_batch(1)
    results = client.infer(inputs, model_id=OD_MODEL)
    assert isinstance(results, list)
    assert_detections_per_size(results, sizes)
