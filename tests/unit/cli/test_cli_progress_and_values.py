"""The progress bar, JSON-safe values and table helpers, without a server."""

from __future__ import annotations

import base64
import gc
import io
import json
import math
import weakref
from typing import Any

import numpy as np
import pytest
from PIL import Image

from rf_client.cli._common import (
    EXIT_ITEMS_FAILED,
    EXIT_SERVER,
    EXIT_USAGE,
    exit_code_for_failures,
)
from rf_client.cli._emit import Emitter, ItemReport
from rf_client.cli._jsonable import to_jsonable
from rf_client.cli._progress import Progress
from rf_client.cli._table import Row, describe_workflow_outputs, render_table, top_confidence
from rf_client.config import HTTPClientMode
from rf_client.errors import (
    APIConnectionError,
    EncodingError,
    InvalidParameterError,
    RFClientError,
)


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Clock:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_bar_redraws_in_place_on_a_terminal() -> None:
    stream, clock = Terminal(), Clock()
    progress = Progress(10, stream, clock=clock)
    clock.now += 1
    progress.advance(4, failed=1)
    text = stream.getvalue()
    assert text.startswith("\r\x1b[K[")
    assert "4/10" in text
    assert " 40%" in text
    assert "1 failed" in text
    assert "4.0 items/s" in text
    assert "ETA 2s" in text
    assert "\n" not in text
    progress.clear()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_redraws_are_throttled_but_the_last_one_always_shows() -> None:
    stream, clock = Terminal(), Clock()
    progress = Progress(5, stream, clock=clock)
    clock.now += 1
    progress.advance()
    progress.advance()  # same instant: no redraw
    assert stream.getvalue().count("\r\x1b[K") == 1
    progress.advance(3)  # finished: drawn even within the interval
    assert stream.getvalue().count("\r\x1b[K") == 2
    assert "5/5" in stream.getvalue()


@pytest.mark.parametrize(
    ("stream", "total", "enabled"),
    [
        (io.StringIO(), 50, True),  # not a terminal
        (Terminal(), 3, True),  # too short a job
        (Terminal(), 50, False),  # --quiet
    ],
)
def test_the_bar_stays_silent(stream: io.StringIO, total: int, enabled: bool) -> None:
    progress = Progress(total, stream, enabled=enabled)
    progress.advance(total)
    progress.clear()
    progress.redraw()
    assert stream.getvalue() == ""


def test_an_unknown_total_shows_count_and_rate() -> None:
    stream, clock = Terminal(), Clock()
    progress = Progress(None, stream, clock=clock)
    clock.now += 2
    progress.advance(6)
    assert "6 items 3.0 items/s 2s" in stream.getvalue()


def test_summary_line() -> None:
    clock = Clock()
    progress = Progress(3, io.StringIO(), clock=clock)
    progress.advance(3, failed=1)
    clock.now += 1.5
    assert progress.summary() == "3 items, 1 failed, 2.0 items/s, 1.50 s elapsed"


def test_json_lines_on_a_shared_terminal_wipe_the_bar_first() -> None:
    terminal, clock = Terminal(), Clock()
    progress = Progress(10, terminal, clock=clock)
    clock.now += 1
    progress.advance()
    emitter = Emitter(terminal, terminal, progress, table=False)
    emitter.emit(ItemReport({"input": "a", "ok": True}, Row("a", "x", None, 0.0, True)))
    text = terminal.getvalue()
    line_at = text.index('{"input"')
    assert text[:line_at].endswith("\r\x1b[K")
    after = text[text.index("\n", line_at) :]
    assert after.startswith("\n\r\x1b[K[")  # drawn again below the line
    assert "2/10" in after


def test_json_safe_values() -> None:
    picture = Image.new("RGB", (3, 2), (255, 0, 0))
    bgr = np.zeros((2, 2, 3), dtype=np.uint8)
    bgr[:, :, 2] = 255  # red in BGR
    value = {
        "n": np.float32(0.5),
        "i": np.int64(3),
        "nan": math.nan,
        "mask": np.array([[0.25, 0.5]], dtype=np.float32),
        "picture": picture,
        "bgr": bgr,
        "raw": b"\x00\x01",
        "mode": HTTPClientMode.V1,
        "tuple": (1, 2),
    }
    converted = to_jsonable(value)
    assert isinstance(converted, dict)
    json.dumps(converted, allow_nan=False)
    assert converted["n"] == 0.5
    assert converted["i"] == 3
    assert converted["nan"] is None
    assert converted["mask"] == [[0.25, 0.5]]
    assert converted["raw"] == "AAE="
    assert converted["mode"] == "v1"
    assert converted["tuple"] == [1, 2]
    image = converted["picture"]
    assert isinstance(image, dict)
    assert image["type"] == "base64"
    assert image["format"] == "jpg"
    decoded = converted["bgr"]
    assert isinstance(decoded, dict)
    assert decoded["format"] == "jpg"
    with Image.open(io.BytesIO(base64.b64decode(str(decoded["value"])))) as back:
        red = back.convert("RGB").getpixel((0, 0))
    assert isinstance(red, tuple)
    assert red[0] > 200
    assert red[2] < 60


def test_workflow_outputs_are_summarised_per_output() -> None:
    outputs = {
        "qr": {"image": {"width": 4, "height": 4},
               "predictions": [{"x": 1, "y": 1, "width": 2, "height": 2, "class": "qr_code",
                                "confidence": 0.5}]},
        "count": 3,
        "label": "ok",
        "viz": Image.new("RGB", (2, 2)),
        "crops": [Image.new("RGB", (2, 2))] * 2,
        "values": [1, 2],
    }  # fmt: skip
    assert describe_workflow_outputs(outputs) == (
        "qr: qr_code; count: 3; label: 'ok'; viz: image; crops: 2 images; values: 2 values"
    )
    assert top_confidence(outputs) == 0.5
    assert top_confidence({"count": 1}) is None


def test_the_table_keeps_the_end_of_long_inputs_and_lists_errors() -> None:
    rows = [
        Row("/a/very/long/folder/name/that/goes/on/and/on/and/on/photo.jpg", "cat", 0.9, 0.012,
            True),
        Row("b.jpg", "BadRequestError: no", None, 0.5, False),
    ]  # fmt: skip
    lines = render_table(rows).splitlines()
    assert lines[1].startswith("...")
    assert "photo.jpg" in lines[1]
    assert lines[1].endswith("0.90     12 ms")
    assert "ERROR BadRequestError: no" in lines[2]
    assert lines[-2:] == ["errors:", "  b.jpg: BadRequestError: no"]


def _failed_report(error_class: type[RFClientError], frame: np.ndarray[Any, Any]) -> ItemReport:
    """A report whose error carries a traceback holding ``frame`` (as a failed request's does)."""

    def request(image: np.ndarray[Any, Any]) -> None:
        raise error_class(f"frame of {image.nbytes} bytes rejected")

    try:
        request(frame)
    except RFClientError as error:
        return ItemReport({"ok": False}, Row("clip #1", "error", None, 0.0, False), error)
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    ("error_class", "code"),
    [
        (APIConnectionError, EXIT_SERVER),
        (InvalidParameterError, EXIT_USAGE),
        (EncodingError, EXIT_ITEMS_FAILED),
    ],
)
def test_failed_items_are_counted_not_kept(error_class: type[RFClientError], code: int) -> None:
    emitter = Emitter(io.StringIO(), io.StringIO(), Progress(None, io.StringIO()), table=True)
    frame = np.zeros((72, 128, 3), dtype=np.uint8)  # a decoded frame
    alive = weakref.ref(frame)
    report = _failed_report(error_class, frame)
    error = report.error
    assert error is not None
    kept = weakref.ref(error)
    emitter.emit(report)
    del report, error, frame
    gc.collect()
    # Neither the error nor the image its traceback held outlive the report.
    assert kept() is None
    assert alive() is None
    assert emitter.rows[0].input == "clip #1"
    assert exit_code_for_failures(emitter.failures, emitter.succeeded) == code


def test_the_bar_appears_once_a_video_makes_the_job_long_enough() -> None:
    stream, clock = Terminal(), Clock()
    progress = Progress(1, stream, clock=clock)  # one video, its length not known yet
    progress.add_total(99)  # its 100 frames
    clock.now += 1
    progress.advance()
    assert "1/100" in stream.getvalue()


def test_an_unknown_length_keeps_the_total_unknown_whatever_is_added_later() -> None:
    stream, clock = Terminal(), Clock()
    progress = Progress(3, stream, clock=clock)
    progress.mark_total_unknown()  # a live stream
    progress.add_total(5)  # then a video of 6 frames
    assert progress.total is None
    clock.now += 1
    progress.advance(10)
    assert "10 items 10.0 items/s" in stream.getvalue()
    assert "10/" not in stream.getvalue()
