"""Frame sources on their own: ordered reads from many threads, closing, names in messages."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
import time
from pathlib import Path

import httpx
import pytest

from rf_client._batch import Outcome
from rf_client._ops.video import Stream, StreamItem
from rf_client._plan import AsyncDriver, Plan, SyncDriver, offload
from rf_client._redaction import display_url
from rf_client._streams import (
    CaptureSource,
    DirectorySource,
    Frame,
    SourceKind,
    StreamSpec,
    extension_matches,
    parse_stream_input,
)
from rf_client.errors import EncodingError, ResponseValidationError
from tests.unit.streams.streams_support import FakeCapture, frame_index


def camera_source() -> CaptureSource:
    return CaptureSource(StreamSpec(SourceKind.CAMERA, 0, "camera 0"))


def test_capture_hands_frame_i_to_the_reader_of_i_whatever_the_thread_order(
    fake_capture: type[FakeCapture],
) -> None:
    source = camera_source()
    frames: dict[int, Frame | None] = {}

    def read(index: int) -> None:
        frames[index] = source.read(index)

    threads = [threading.Thread(target=read, args=(index,)) for index in reversed(range(8))]
    for thread in threads:
        thread.start()
        time.sleep(0.01)  # later indexes are waiting before earlier ones ask
    for thread in threads:
        thread.join(timeout=5)
    assert sorted(frames) == list(range(8))
    for index, frame in frames.items():
        assert frame is not None
        assert frame.reference == index
        assert frame_index(frame.image) == index
        assert frame.payload is frame.image  # sent without a copy
    assert fake_capture.opened[0].reads == 8
    assert source.frames_read == 8
    source.close()
    assert fake_capture.opened[0].released


def test_capture_end_makes_later_reads_none_and_marks_it_exhausted(
    fake_capture: type[FakeCapture],
) -> None:
    fake_capture.reset(frames=2)
    source = camera_source()
    assert not source.exhausted(0)
    assert source.read(0) is not None
    assert source.read(1) is not None
    assert source.read(2) is None
    assert source.exhausted(3)
    assert source.read(3) is None
    assert fake_capture.opened[0].reads == 3


def test_close_wakes_readers_waiting_for_their_turn(fake_capture: type[FakeCapture]) -> None:
    source = camera_source()
    results: list[Frame | None] = []
    waiter = threading.Thread(target=lambda: results.append(source.read(5)))
    waiter.start()
    time.sleep(0.05)
    assert waiter.is_alive()
    source.close()
    waiter.join(timeout=5)
    assert results == [None]
    assert fake_capture.opened[0].released
    assert fake_capture.opened[0].reads == 0


def test_a_capture_closed_mid_read_is_released_by_the_reader(
    fake_capture: type[FakeCapture], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = camera_source()
    capture = fake_capture.opened[0]
    reading, proceed = threading.Event(), threading.Event()
    original_read = capture.read

    def slow_read() -> object:
        reading.set()
        proceed.wait(timeout=5)
        return original_read()

    monkeypatch.setattr(capture, "read", slow_read)
    reader = threading.Thread(target=source.read, args=(0,))
    reader.start()
    assert reading.wait(timeout=5)
    source.close()  # returns at once: the read is still running
    assert not capture.released
    proceed.set()
    reader.join(timeout=5)
    assert capture.released


def test_opencv_errors_while_reading_end_the_stream_with_an_encoding_error(
    fake_capture: type[FakeCapture], monkeypatch: pytest.MonkeyPatch
) -> None:
    import cv2

    source = camera_source()

    def broken_read() -> object:
        raise cv2.error("decoder exploded")

    monkeypatch.setattr(fake_capture.opened[0], "read", broken_read)
    with pytest.raises(EncodingError, match="camera 0: OpenCV failed to decode frame 0"):
        source.read(0)
    assert source.exhausted(1)
    assert source.read(1) is None


def test_folder_source_lists_once_and_reads_in_any_order(image_folder: Path) -> None:
    source = DirectorySource(parse_stream_input(str(image_folder), ["jpg", "JPG", "png"]))
    assert [Path(p).name for p in source.paths] == ["a.jpg", "b.png", "d.PNG"]
    second = source.read(1)
    first = source.read(0)
    assert first is not None
    assert second is not None
    assert (frame_index(first.image), frame_index(second.image)) == (0, 1)
    assert first.payload == (image_folder / "a.jpg").read_bytes()
    assert source.read(3) is None
    source.close()
    assert source.read(0) is None


def test_folder_images_other_than_jpeg_and_png_are_sent_as_the_decoded_frame(
    image_folder: Path,
) -> None:
    source = DirectorySource(parse_stream_input(image_folder, ["bmp"]))
    frame = source.read(0)
    assert frame is not None
    assert frame.payload is frame.image


@pytest.mark.parametrize(
    ("name", "extensions", "taken"),
    [
        ("a.JPG", ("jpg",), True),
        ("a.jpeg", ("jpg",), False),
        ("archive.tar.gz", ("tar.gz",), True),
        ("archive.tar.gz", ("gz",), True),
        ("notes", ("jpg",), False),
        ("notes", None, True),
        ("a.png", (), False),
    ],
)
def test_extension_matching(name: str, extensions: tuple[str, ...] | None, taken: bool) -> None:
    assert extension_matches(name, extensions) is taken


def test_configured_extensions_are_normalised(tmp_path: Path) -> None:
    spec = parse_stream_input(tmp_path, [".JPG", "png", "", "."])
    assert spec.extensions == ("jpg", "png")
    assert parse_stream_input(tmp_path, None).extensions is None


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("rtsp://user:pw@cam.local:554/live?token=t", "rtsp://***@cam.local:554/live?..."),
        ("http://10.0.0.2/video.mjpg", "http://10.0.0.2/video.mjpg"),
        ("rtsp://cam:notaport/x", "rtsp://..."),
    ],
)
def test_urls_are_shown_without_credentials_or_query(url: str, shown: str) -> None:
    assert display_url(url, mark_credentials=True) == shown


def no_inference(payload: object) -> Plan[dict[str, object]]:
    yield from ()
    return {}


def test_an_offloaded_failure_keeps_the_frame_reference(fake_capture: type[FakeCapture]) -> None:
    stream = Stream(camera_source(), no_inference, 1)
    error = EncodingError("cannot encode")
    item = stream.item(4, Outcome(error=error))
    assert item == StreamItem(4, None, error=error)
    assert stream.item(5, Outcome(value=None)) is None
    stream.close()


def failing_encode(payload: object) -> Plan[dict[str, object]]:
    def encode() -> dict[str, object]:
        raise EncodingError("cannot encode")

    return (yield from offload(encode))


@pytest.mark.parametrize("limit", [1, 3])
def test_an_encoding_failure_keeps_the_frame_under_both_drivers(
    fake_capture: type[FakeCapture], limit: int
) -> None:
    # The drivers throw offloaded work's errors into the frame's plan, which keeps them with
    # its item: the decoded frame stays, sync (alone or in a pool) as async.
    # As iterate_stream does: close the driver's iterator, then release the source (reads of
    # frames whose plans were cancelled would otherwise wait for their turn forever).
    stream = Stream(camera_source(), failing_encode, limit)
    with httpx.Client() as http:
        driver = SyncDriver(http, "http://127.0.0.1:9")
        with contextlib.closing(driver.iter_ordered(stream.plans(), limit)) as ordered:
            outcomes = list(itertools.islice(ordered, 4))
    stream.close()

    async def gathered() -> list[Outcome[StreamItem[dict[str, object]] | None]]:
        driver = AsyncDriver(httpx.AsyncClient, "http://127.0.0.1:9")
        stream = Stream(camera_source(), failing_encode, limit)
        found = []
        try:
            async with contextlib.aclosing(driver.iter_ordered(stream.plans(), limit)) as ordered:
                async for outcome in ordered:
                    found.append(outcome)
                    if len(found) == 4:
                        break
        finally:
            stream.close()
        return found

    async_outcomes = asyncio.run(gathered())
    for found in (outcomes, async_outcomes):
        items = [outcome.value for outcome in found]
        assert [item.reference for item in items if item is not None] == [0, 1, 2, 3]
        for index, item in enumerate(items):
            assert item is not None
            assert item.image is not None
            assert frame_index(item.image) == index
            assert isinstance(item.error, EncodingError)


def parse_failing(payload: object) -> Plan[dict[str, object]]:
    yield from ()
    answer: dict[str, dict[str, object]] = {}
    try:
        return answer["predictions"]
    except KeyError:
        raise ResponseValidationError("answer misses predictions") from None


def test_a_frame_error_kept_by_its_plan_carries_no_foreign_exception(
    fake_capture: type[FakeCapture],
) -> None:
    # The KeyError (which may quote a body, or a secret) stays out of what users get.
    stream = Stream(camera_source(), parse_failing, 1)
    with httpx.Client() as http:
        outcome = next(SyncDriver(http, "http://127.0.0.1:9").iter_ordered(stream.plans(), 1))
    stream.close()
    item = outcome.value
    assert item is not None
    assert isinstance(item.error, ResponseValidationError)
    assert item.error.__context__ is None
    assert item.error.__cause__ is None
