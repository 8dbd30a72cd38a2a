"""infer_on_stream sources: video files, folders, cameras, stream URLs; opening and releasing."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from rf_client import (
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidInputError,
    InvalidParameterError,
    RFClientError,
)
from tests.support.fake_server import FakeServer
from tests.unit.streams.conftest import VIDEO_FRAMES
from tests.unit.streams.streams_support import (
    ColourServer,
    FakeCapture,
    frame_index,
    predicted_index,
)


def test_video_frames_come_numbered_in_order_each_with_its_own_prediction(
    fake_server: FakeServer, colour_video: Path
) -> None:
    colours = ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url, "key")
    results = list(client.infer_on_stream(str(colour_video), model_id="coco/3"))
    assert [reference for reference, _, _ in results] == list(range(VIDEO_FRAMES))
    assert [frame_index(frame) for _, frame, _ in results] == list(range(VIDEO_FRAMES))
    assert [predicted_index(prediction) for _, _, prediction in results] == list(
        range(VIDEO_FRAMES)
    )
    assert colours.received == list(range(VIDEO_FRAMES))
    first_frame = results[0][1]
    assert first_frame.shape == (48, 64, 3)
    assert str(first_frame.dtype) == "uint8"
    requests = fake_server.requests_to("POST", "/infer/object_detection")
    assert len(requests) == VIDEO_FRAMES
    assert requests[0].json()["model_id"] == "coco/3"
    assert requests[0].headers["authorization"] == "Bearer key"


def test_video_path_object_and_selected_model_are_accepted(
    fake_server: FakeServer, colour_video: Path
) -> None:
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url).select_model("coco/3")
    client.configure(InferenceConfiguration(max_concurrent_requests=8))
    references = [reference for reference, _, _ in client.infer_on_stream(colour_video)]
    assert references == list(range(VIDEO_FRAMES))


def test_folder_images_come_in_sorted_path_order_filtered_by_extension(
    fake_server: FakeServer, image_folder: Path
) -> None:
    colours = ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    results = list(client.infer_on_stream(str(image_folder), model_id="coco/3"))
    names = ["C.JPEG", "a.jpg", "b.png", "d.PNG"]
    assert [reference for reference, _, _ in results] == [
        (image_folder / name).as_posix() for name in names
    ]
    assert [frame_index(frame) for _, frame, _ in results] == [3, 0, 1, 2]
    assert [predicted_index(prediction) for _, _, prediction in results] == [3, 0, 1, 2]
    assert sorted(colours.received) == [0, 1, 2, 3]


def test_folder_png_and_jpeg_files_go_to_the_server_unchanged(
    fake_server: FakeServer, image_folder: Path
) -> None:
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    list(client.infer_on_stream(image_folder, model_id="coco/3"))
    import base64

    sent = [
        base64.b64decode(r.json()["image"]["value"])
        for r in fake_server.requests_to("POST", "/infer/object_detection")
    ]
    assert sent == [
        (image_folder / name).read_bytes() for name in ["C.JPEG", "a.jpg", "b.png", "d.PNG"]
    ]


def test_folder_scan_uses_the_configured_extensions_case_insensitively(
    fake_server: FakeServer, image_folder: Path
) -> None:
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(image_extensions_for_directory_scan=[".BMP", "png"])
    )
    references = [r for r, _, _ in client.infer_on_stream(image_folder, model_id="coco/3")]
    assert references == [(image_folder / n).as_posix() for n in ["b.png", "d.PNG", "e.bmp"]]


def test_folder_scan_without_extensions_takes_every_file_and_keeps_going_past_a_non_image(
    fake_server: FakeServer, image_folder: Path
) -> None:
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(image_extensions_for_directory_scan=None)
    )
    results = list(client.infer_on_stream(image_folder, model_id="coco/3", on_error="yield"))
    references = [reference for reference, _, _ in results]
    assert references == [
        (image_folder / n).as_posix()
        for n in ["C.JPEG", "a.jpg", "b.png", "d.PNG", "e.bmp", "notes.txt"]
    ]
    _, frame, error = results[-1]
    assert frame is None
    assert isinstance(error, InvalidInputError)
    assert "notes.txt" in str(error)
    assert "cannot be decoded" in str(error)
    assert [predicted_index(p) for _, _, p in results[:-1] if isinstance(p, dict)] == [
        3,
        0,
        1,
        2,
        4,
    ]
    assert len(fake_server.requests_to("POST", "/infer/object_detection")) == 5


def test_an_empty_folder_yields_nothing(fake_server: FakeServer, tmp_path: Path) -> None:
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    assert list(client.infer_on_stream(tmp_path, model_id="coco/3")) == []
    assert fake_server.requests_to("POST", "/infer/object_detection") == []


@pytest.mark.parametrize(("given", "opened"), [(0, 0), ("1", 1), (2, 2)])
def test_camera_index_opens_that_camera(
    fake_server: FakeServer, fake_capture: type[FakeCapture], given: int | str, opened: int
) -> None:
    fake_capture.reset(frames=3)
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    results = list(client.infer_on_stream(given, model_id="coco/3"))
    assert [reference for reference, _, _ in results] == [0, 1, 2]
    assert [predicted_index(p) for _, _, p in results] == [0, 1, 2]
    assert len(fake_capture.opened) == 1
    assert fake_capture.opened[0].source == opened
    assert fake_capture.opened[0].released


def test_stream_url_is_opened_by_opencv(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    fake_capture.reset(frames=2)
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    url = "rtsp://viewer:hunter2@camera.local:554/live?token=abc"
    results = list(client.infer_on_stream(url, model_id="coco/3"))
    assert [predicted_index(p) for _, _, p in results] == [0, 1]
    assert fake_capture.opened[0].source == url
    assert fake_capture.opened[0].released


def test_a_stream_that_cannot_be_opened_names_it_without_credentials(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    fake_capture.reset(open_fails=True)
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InvalidInputError) as caught:
        list(client.infer_on_stream("rtsp://viewer:hunter2@camera.local/live?token=abc", "coco/3"))
    message = str(caught.value)
    assert "rtsp://***@camera.local/live?..." in message
    assert "hunter2" not in message
    assert "abc" not in message
    assert fake_capture.opened[0].released
    assert fake_server.requests_to("POST", "/infer/object_detection") == []


def test_a_camera_that_cannot_be_opened_says_so(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    fake_capture.reset(open_fails=True)
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InvalidInputError, match="cannot open camera 3"):
        next(client.infer_on_stream(3, "coco/3"))


def test_a_file_opencv_cannot_decode_is_an_input_error(
    fake_server: FakeServer, tmp_path: Path
) -> None:
    ColourServer(fake_server)
    bogus = tmp_path / "clip.mp4"
    bogus.write_bytes(b"this is not a video")
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InvalidInputError, match=re.escape("clip.mp4")):
        next(client.infer_on_stream(bogus, "coco/3"))


def test_a_missing_path_is_refused_by_the_call_before_anything_is_sent(
    fake_server: FakeServer,
) -> None:
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InvalidInputError) as caught:
        client.infer_on_stream("no/such/video.mp4", model_id="coco/3")
    assert "'no/such/video.mp4'" in str(caught.value)
    assert "camera index" in str(caught.value)
    assert fake_server.requests == []


# Nothing may be sent: the client points at a closed port, where sending would fail otherwise.
NOWHERE = "http://127.0.0.1:9"


@pytest.mark.parametrize("bad", [-1, True, 1.5, b"video.mp4", ["video.mp4"]])
def test_inputs_of_the_wrong_kind_are_refused(bad: object) -> None:
    client = InferenceHTTPClient(NOWHERE)
    with pytest.raises(InvalidInputError):
        client.infer_on_stream(bad, model_id="coco/3")  # type: ignore[call-overload]


def test_on_error_must_be_raise_or_yield(colour_video: Path) -> None:
    client = InferenceHTTPClient(NOWHERE)
    with pytest.raises(InvalidParameterError, match="on_error"):
        client.infer_on_stream(colour_video, "coco/3", on_error="ignore")  # type: ignore[call-overload]


def test_missing_opencv_says_how_to_install_it(
    fake_server: FakeServer, colour_video: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cv2", None)
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(RFClientError) as caught:
        client.infer_on_stream(colour_video, model_id="coco/3")
    assert 'pip install "rf-client[video]"' in str(caught.value)
    assert fake_server.requests == []


def test_capture_is_released_when_the_consumer_stops_early(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_concurrent_requests=4)
    )
    stream = client.infer_on_stream(0, model_id="coco/3")
    taken = []
    for reference, _, _ in stream:
        taken.append(reference)
        if reference == 2:
            break
    assert taken == [0, 1, 2]
    assert not fake_capture.opened[0].released
    stream.close()
    capture = fake_capture.opened[0]
    assert capture.released
    assert capture.reads < fake_capture.frames


def test_capture_is_released_when_a_frame_fails(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    ColourServer(fake_server, failing=frozenset({1}))
    client = InferenceHTTPClient(fake_server.url)
    stream = client.infer_on_stream(0, model_id="coco/3")
    assert next(stream)[0] == 0
    with pytest.raises(RFClientError):
        next(stream)
    assert fake_capture.opened[0].released


def test_capture_is_released_when_the_model_cannot_be_resolved(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(RFClientError, match="needs a model"):
        next(client.infer_on_stream(0))
    # The model is resolved before the source opens: no camera was touched.
    assert fake_capture.opened == []


def test_nothing_is_opened_or_sent_until_iteration_starts(
    fake_server: FakeServer, fake_capture: type[FakeCapture]
) -> None:
    ColourServer(fake_server)
    client = InferenceHTTPClient(fake_server.url)
    stream = client.infer_on_stream(0, model_id="coco/3")
    assert fake_capture.opened == []
    assert fake_server.requests == []
    assert next(stream)[0] == 0
    assert len(fake_capture.opened) == 1
    stream.close()
