"""infer_on_stream's sliding window: order, in-flight limit, lazy reads, failures, async twin."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
from pathlib import Path

import pytest

from rf_client import (
    BadRequestError,
    EncodingError,
    InferenceConfiguration,
    InferenceHTTPClient,
    ModelTaskTypeNotSupportedError,
    RFClientError,
)
from tests.support.fake_server import FakeServer, json_reply
from tests.unit.streams.conftest import VIDEO_FRAMES
from tests.unit.streams.streams_support import (
    ColourServer,
    FakeCapture,
    frame_index,
    predicted_index,
    write_image,
)

LIMIT = 4


def concurrent_client(server: FakeServer, limit: int = LIMIT) -> InferenceHTTPClient:
    return InferenceHTTPClient(server.url).configure(
        InferenceConfiguration(max_concurrent_requests=limit)
    )


def slow_even_frames(index: int) -> float:
    """Even frames take longer, so later odd frames finish first."""
    return 0.06 if index % 2 == 0 else 0.0


def test_concurrent_frames_keep_frame_order_within_the_in_flight_limit(
    fake_server: FakeServer, colour_video: Path
) -> None:
    def after_the_next_frame(index: int) -> float:
        # An even frame is answered only once the frame after it has been (an event, not a
        # race against a sleep), so the server finishes 1, 0, 3, 2, ...
        if index % 2 == 0 and index + 1 < VIDEO_FRAMES:
            assert colours.wait_finished(index + 1, timeout=10), "frames were not concurrent"
        return 0.0

    colours = ColourServer(fake_server, delay=after_the_next_frame)
    client = concurrent_client(fake_server)
    results = list(client.infer_on_stream(colour_video, model_id="coco/3"))
    assert [reference for reference, _, _ in results] == list(range(VIDEO_FRAMES))
    assert [frame_index(frame) for _, frame, _ in results] == list(range(VIDEO_FRAMES))
    assert [predicted_index(p) for _, _, p in results] == list(range(VIDEO_FRAMES))
    assert 2 <= fake_server.max_in_flight <= LIMIT
    # Frames finished out of order on the server, yet came out in order.
    # Each frame was sent once: no wait above ran out (its connection drops, the frame is sent
    # again) because the window let the next frame wait behind it.
    assert sorted(colours.received) == list(range(VIDEO_FRAMES))
    finished = colours.finished
    assert sorted(finished) == list(range(VIDEO_FRAMES))
    assert all(finished.index(i) > finished.index(i + 1) for i in range(0, VIDEO_FRAMES - 1, 2))


def test_frames_are_read_only_as_the_window_frees(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    ColourServer(fake_server, delay=slow_even_frames)
    client = concurrent_client(fake_server)
    read_when_yielded = []
    for yielded, (reference, _, _) in enumerate(client.infer_on_stream(0, "coco/3"), start=1):
        assert reference == yielded - 1
        read_when_yielded.append(fake_capture.opened[0].reads)
    assert len(read_when_yielded) == fake_capture.frames
    for yielded, reads in enumerate(read_when_yielded, start=1):
        # In flight (LIMIT) plus finished and waiting for an earlier frame (LIMIT).
        assert reads <= yielded + 2 * LIMIT
    assert read_when_yielded[0] < fake_capture.frames


def test_one_request_at_a_time_reads_one_frame_per_yield(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    fake_capture.reset(frames=5)
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    reads = [fake_capture.opened[0].reads for _ in client.infer_on_stream(0, "coco/3")]
    assert reads == [1, 2, 3, 4, 5]
    assert fake_server.max_in_flight == 1


def test_a_failing_frame_raises_after_the_frames_before_it(
    fake_server: FakeServer, colour_video: Path
) -> None:
    ColourServer(fake_server, failing=frozenset({7}))
    client = concurrent_client(fake_server)
    stream = client.infer_on_stream(colour_video, "coco/3")
    received = [(reference, predicted_index(p)) for reference, _, p in itertools.islice(stream, 7)]
    assert received == [(index, index) for index in range(7)]
    with pytest.raises(BadRequestError) as caught:
        next(stream)
    assert "cannot use frame 7" in str(caught.value)


def test_yield_mode_gives_every_frame_with_its_error_in_place(
    fake_server: FakeServer, colour_video: Path
) -> None:
    ColourServer(fake_server, delay=slow_even_frames, failing=frozenset({3, 20}))
    client = concurrent_client(fake_server)
    results = list(client.infer_on_stream(colour_video, "coco/3", on_error="yield"))
    assert [reference for reference, _, _ in results] == list(range(VIDEO_FRAMES))
    for reference, frame, outcome in results:
        assert frame is not None
        assert frame_index(frame) == reference
        if reference in (3, 20):
            assert isinstance(outcome, BadRequestError)
            assert f"cannot use frame {reference}" in str(outcome)
        else:
            assert isinstance(outcome, dict)
            assert predicted_index(outcome) == reference


def test_an_undecodable_folder_image_fails_only_its_own_item(
    fake_server: FakeServer, image_folder: Path
) -> None:
    (image_folder / "b2.png").write_bytes(b"\x89PNG\r\n\x1a\n but broken")
    ColourServer(fake_server)
    client = concurrent_client(fake_server)
    with pytest.raises(EncodingError, match=re.escape("b2.png")):
        list(client.infer_on_stream(image_folder, "coco/3"))
    results = list(client.infer_on_stream(image_folder, "coco/3", on_error="yield"))
    names = [Path(str(reference)).name for reference, _, _ in results]
    assert names == ["C.JPEG", "a.jpg", "b.png", "b2.png", "d.PNG"]
    _, broken_frame, broken = results[3]
    assert broken_frame is None
    assert isinstance(broken, EncodingError)
    assert [predicted_index(p) for _, _, p in results if isinstance(p, dict)] == [3, 0, 1, 2]


def test_each_folder_image_is_sent_once(fake_server: FakeServer, tmp_path: Path) -> None:
    for index in range(12):
        write_image(tmp_path / f"img{index:02d}.jpg", index)
    colours = ColourServer(fake_server, delay=slow_even_frames)
    client = concurrent_client(fake_server)
    results = list(client.infer_on_stream(tmp_path, "coco/3"))
    assert [predicted_index(p) for _, _, p in results] == list(range(12))
    assert sorted(colours.received) == list(range(12))


def test_v0_mode_sends_each_frame_to_the_hosted_route(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    fake_capture.reset(frames=4)
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    results = list(client.infer_on_stream(0, "coco/3"))
    assert [predicted_index(p) for _, _, p in results] == [0, 1, 2, 3]
    requests = fake_server.requests_to("POST", "/coco/3")
    assert len(requests) == 4
    assert requests[0].param("api_key") == "key"
    assert requests[0].headers["content-type"] == "application/x-www-form-urlencoded"
    assert fake_server.requests_to("GET", "/model/registry") == []


def test_a_stream_on_an_action_recognition_model_points_to_infer_on_video(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    fake_server.on(
        "GET",
        "/model/registry",
        json_reply(200, {"models": [{"model_id": "clips/1", "task_type": "action-recognition"}]}),
    )
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(ModelTaskTypeNotSupportedError, match=r"infer_on_video\(\)"):
        next(client.infer_on_stream(0, "clips/1"))
    assert fake_capture.opened == []


# The async twin.


async def test_async_stream_keeps_order_within_the_in_flight_limit(
    fake_server: FakeServer, colour_video: Path
) -> None:
    ColourServer(fake_server, delay=slow_even_frames)
    client = concurrent_client(fake_server)
    results = [
        (reference, frame_index(frame), predicted_index(prediction))
        async for reference, frame, prediction in client.infer_on_stream_async(
            colour_video, "coco/3"
        )
    ]
    assert results == [(index, index, index) for index in range(VIDEO_FRAMES)]
    assert 2 <= fake_server.max_in_flight <= LIMIT


async def test_async_stream_reads_lazily_and_releases_on_aclose(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    ColourServer(fake_server, delay=slow_even_frames)
    client = concurrent_client(fake_server)
    stream = client.infer_on_stream_async(0, "coco/3")
    async with contextlib.aclosing(stream):
        async for reference, _, _ in stream:
            assert isinstance(reference, int)
            assert fake_capture.opened[0].reads <= reference + 1 + 2 * LIMIT
            if reference == 5:
                break
        assert not fake_capture.opened[0].released
    capture = fake_capture.opened[0]
    # aclose() does not wait for a read running in a worker thread; that thread releases the
    # capture when its read returns (at once here: the fake's reads do not block).
    assert await asyncio.to_thread(capture.release_seen.wait, 5)
    assert capture.reads < fake_capture.frames


async def test_async_stream_raise_and_yield_modes(
    fake_server: FakeServer, colour_video: Path
) -> None:
    ColourServer(fake_server, failing=frozenset({2}))
    client = concurrent_client(fake_server)
    stream = client.infer_on_stream_async(colour_video, "coco/3")
    seen = [(await anext(stream))[0], (await anext(stream))[0]]
    assert seen == [0, 1]
    with pytest.raises(BadRequestError):
        await anext(stream)
    outcomes = [
        outcome
        async for _, _, outcome in client.infer_on_stream_async(
            colour_video, "coco/3", on_error="yield"
        )
    ]
    assert len(outcomes) == VIDEO_FRAMES
    assert [i for i, o in enumerate(outcomes) if isinstance(o, RFClientError)] == [2]


async def test_async_stream_releases_the_capture_at_the_end(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    fake_capture.reset(frames=3)
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    references = [r async for r, _, _ in client.infer_on_stream_async("rtsp://cam/live", "coco/3")]
    assert references == [0, 1, 2]
    assert fake_capture.opened[0].source == "rtsp://cam/live"
    assert fake_capture.opened[0].released
