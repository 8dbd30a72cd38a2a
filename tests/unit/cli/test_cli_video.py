"""Videos: frame by frame through ``infer_on_stream`` (models) or the workflow, or whole."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from rf_client.cli import main
from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply
from tests.unit.cli.conftest import RunCLI

FRAMES = 6


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """A 6-frame 160x120 video: frame i is filled with grey level 20 * i."""
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (160, 120))
    for index in range(FRAMES):
        writer.write(np.full((120, 160, 3), 20 * index, dtype=np.uint8))
    writer.release()
    return path


def test_a_video_gives_one_line_per_frame_in_order(
    cli: RunCLI, fake_server: FakeServer, clip: Path, tmp_path: Path
) -> None:
    serve_model(fake_server, "coco/3")
    out = tmp_path / "out"
    result = cli(
        "infer", str(clip), "--model-id", "coco/3", "--api-url", fake_server.url,
        "--max-concurrent-requests", "3", "--output-dir", str(out),
    )  # fmt: skip
    assert result.code == 0
    lines = result.lines()
    assert [line["frame"] for line in lines] == list(range(FRAMES))
    assert {line["input"] for line in lines} == {str(clip)}
    assert lines[0]["result"]["image"] == {"width": 160, "height": 120}
    assert lines[3]["files"] == [str(out / "clip_f000003.jpg")]
    assert len(list(out.glob("clip_f*.jpg"))) == FRAMES
    assert len(fake_server.requests_to("POST", "/infer/object_detection")) == FRAMES
    assert f"{FRAMES} items, 0 failed" in result.err


def test_images_and_a_video_keep_the_command_line_order(
    cli: RunCLI, fake_server: FakeServer, clip: Path, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    chelsea = str(images_dir / "chelsea.png")
    result = cli(
        "infer", chelsea, str(clip), chelsea, "--model-id", "coco/3",
        "--api-url", fake_server.url,
    )  # fmt: skip
    assert result.code == 0
    seen = [(line["input"], line.get("frame")) for line in result.lines()]
    frames = [(str(clip), index) for index in range(FRAMES)]
    assert seen == [(chelsea, None), *frames, (chelsea, None)]


def test_a_failing_frame_is_reported_and_the_stream_goes_on(
    cli: RunCLI, fake_server: FakeServer, clip: Path
) -> None:
    serve_model(fake_server, "coco/3")
    calls: list[int] = []

    def fail_third(request: RecordedRequest) -> Reply:
        calls.append(1)
        if len(calls) == 3:
            return json_reply(400, {"message": "bad frame"})
        return json_reply(200, {"image": {"width": 160, "height": 120}, "predictions": []})

    fake_server.on("POST", "/infer/object_detection", handler=fail_third)
    result = cli("infer", str(clip), "--model-id", "coco/3", "--api-url", fake_server.url)
    assert result.code == 1
    lines = result.lines()
    assert len(lines) == FRAMES
    assert [line["ok"] for line in lines].count(False) == 1
    failed = next(line for line in lines if not line["ok"])
    assert failed["error"]["type"] == "BadRequestError"
    assert isinstance(failed["frame"], int)


def test_a_workflow_runs_on_every_frame(
    cli: RunCLI, fake_server: FakeServer, clip: Path, tmp_path: Path
) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text('{"version": "1.0", "inputs": [], "steps": [], "outputs": []}')
    fake_server.on("POST", "/workflows/run", json_reply(200, {"outputs": [{"n": 1}]}))
    result = cli(
        "infer", str(clip), "--workflow-spec", str(spec), "--api-url", fake_server.url,
        "--max-concurrent-requests", "2",
    )  # fmt: skip
    assert result.code == 0
    assert [line["frame"] for line in result.lines()] == list(range(FRAMES))
    assert len(fake_server.requests_to("POST", "/workflows/run")) == FRAMES


def test_a_video_that_cannot_be_opened_is_one_failed_item(
    cli: RunCLI, fake_server: FakeServer, tmp_path: Path
) -> None:
    serve_model(fake_server, "coco/3")
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    result = cli("infer", str(broken), "--model-id", "coco/3", "--api-url", fake_server.url)
    assert result.code == 1
    (line,) = result.lines()
    assert line["ok"] is False
    assert line["input"] == str(broken)
    assert line["error"]["type"] in ("InvalidInputError", "EncodingError", "RFClientError")


def test_an_action_recognition_model_gets_the_whole_clip(
    cli: RunCLI, fake_server: FakeServer, clip: Path
) -> None:
    registry = {
        "models": [
            {"model_id": "act/1", "task_type": "action-recognition", "input_height": 224,
             "input_width": 224, "batch_size": None},
        ]
    }  # fmt: skip
    fake_server.on("GET", "/model/registry", json_reply(200, registry))
    timeline = {"timeline": [{"start": 0, "end": 5, "class": "wave"}], "frame_count": FRAMES}
    fake_server.on("POST", "/infer/action_recognition", json_reply(200, timeline))
    result = cli("infer", str(clip), "--model-id", "act/1", "--api-url", fake_server.url)
    assert result.code == 0
    assert result.lines() == [{"input": str(clip), "ok": True, "result": timeline}]
    (request,) = fake_server.requests_to("POST", "/infer/action_recognition")
    assert request.json()["video"]["type"] == "base64"


@pytest.mark.parametrize("failing", ["open", "read"])
def test_an_opencv_error_ends_the_video_with_an_error_naming_it(
    cli: RunCLI,
    fake_server: FakeServer,
    clip: Path,
    images_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failing: str,
) -> None:
    real_capture = cv2.VideoCapture

    class BreakingCapture:
        """OpenCV's capture, failing when opened or at the third frame."""

        def __init__(self, source: str) -> None:
            if failing == "open":
                raise cv2.error("no backend")
            self._capture = real_capture(source)
            self._reads = 0

        def read(self) -> tuple[bool, Any]:
            self._reads += 1
            if failing == "read" and self._reads == 3:
                raise cv2.error("decoder exploded")
            return self._capture.read()

        def __getattr__(self, name: str) -> Any:
            return getattr(self._capture, name)

    monkeypatch.setattr(cv2, "VideoCapture", BreakingCapture)
    spec = tmp_path / "spec.json"
    spec.write_text('{"version": "1.0", "inputs": [], "steps": [], "outputs": []}')
    fake_server.on("POST", "/workflows/run", json_reply(200, {"outputs": [{"n": 1}]}))
    chelsea = str(images_dir / "chelsea.png")
    result = cli(
        "infer", str(clip), chelsea, "--workflow-spec", str(spec), "--api-url", fake_server.url,
        "--max-concurrent-requests", "1",
    )  # fmt: skip
    assert result.code == 1
    assert "Traceback" not in result.err
    lines = result.lines()
    frames = 2 if failing == "read" else 0
    assert [line.get("frame") for line in lines[:frames]] == list(range(frames))
    failed = lines[frames]
    assert failed["ok"] is False
    assert failed["input"] == str(clip)
    assert str(clip) in failed["error"]["message"]
    assert failed["error"]["type"] in ("InvalidInputError", "EncodingError")
    assert lines[-1]["input"] == chelsea  # the next input still runs
    assert lines[-1]["ok"] is True


def test_a_workflow_on_a_video_without_opencv_says_how_to_install_it(
    cli: RunCLI,
    fake_server: FakeServer,
    clip: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "cv2", None)
    spec = tmp_path / "spec.json"
    spec.write_text('{"version": "1.0", "inputs": [], "steps": [], "outputs": []}')
    result = cli("infer", str(clip), "--workflow-spec", str(spec), "--api-url", fake_server.url)
    assert result.code == 1
    (line,) = result.lines()
    assert line["error"]["type"] == "MissingDependencyError"
    assert 'pip install "rf-client[video]"' in line["error"]["message"]
    assert fake_server.requests == []


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_single_video_gets_a_progress_bar_counting_its_frames(
    fake_server: FakeServer, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_model(fake_server, "coco/3")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code = main(["infer", str(clip), "--model-id", "coco/3", "--api-url", fake_server.url])
    assert code == 0
    # The last frame always redraws the bar, whatever the redraw interval.
    assert f"] {FRAMES}/{FRAMES} 100%" in terminal.getvalue()
