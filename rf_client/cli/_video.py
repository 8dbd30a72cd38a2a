"""Reading video frames with OpenCV (the ``video`` extra), for workflows and frame counts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rf_client.errors import InvalidInputError

VIDEO_EXTRA_HINT = 'pip install "rf-client[video]"'


def _opencv() -> Any:
    try:
        import cv2
    except ImportError:
        raise InvalidInputError(
            f"reading videos needs OpenCV, which is not installed: {VIDEO_EXTRA_HINT}."
        ) from None
    return cv2


def frame_count(source: str) -> int | None:
    """How many frames a video file holds, if OpenCV can tell (None for streams or unknown)."""
    try:
        cv2 = _opencv()
    except InvalidInputError:
        return None
    capture = cv2.VideoCapture(source)
    try:
        count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) if capture.isOpened() else 0
    finally:
        capture.release()
    return count if count > 0 else None


def read_frames(source: str) -> Iterator[tuple[int, Any]]:
    """``(frame number, BGR numpy array)`` for every frame of a video, from 0.

    Raises:
        InvalidInputError: OpenCV is missing or can not open ``source``.
    """
    cv2 = _opencv()
    capture = cv2.VideoCapture(source)
    try:
        if not capture.isOpened():
            raise InvalidInputError(
                f"cannot open video {source!r}: check the path or URL and that OpenCV can "
                "decode its format."
            )
        number = 0
        while True:
            ok, frame = capture.read()
            if not ok:
                return
            yield number, frame
            number += 1
    finally:
        capture.release()
