"""Reading video frames for workflows, and video lengths for the progress bar.

Both go through the client's own stream sources (:mod:`rf_client._streams`): the same checks,
messages and OpenCV loading as ``infer_on_stream``, and OpenCV's errors come out as rf-client
errors naming the video.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rf_client._streams import open_source, parse_stream_input, require_opencv
from rf_client.errors import RFClientError


def frame_count(source: str) -> int | None:
    """How many frames a video file holds, if OpenCV can tell (None for streams or unknown).

    Never raises: a video that cannot be measured is measured as unknown; reading it reports
    what is wrong.
    """
    try:
        cv2 = require_opencv()
    except RFClientError:
        return None
    # The stream sources keep their capture to themselves, so the file is opened a second
    # time here, for its header only.
    try:
        capture = cv2.VideoCapture(source)
    except cv2.error:
        return None
    try:
        count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) if capture.isOpened() else 0
    except (cv2.error, ValueError, OverflowError):  # a NaN or absurd count from a broken file
        count = 0
    finally:
        capture.release()
    return count if count > 0 else None


def read_frames(source: str) -> Iterator[tuple[int, Any]]:
    """``(frame number, BGR numpy array)`` for every frame of a video, from 0.

    Raises:
        MissingDependencyError: OpenCV is not installed (the message says how to install it).
        InvalidInputError: ``source`` names nothing, or OpenCV cannot open it.
        EncodingError: OpenCV failed while decoding a frame (the frames before it came).
    """
    capture = open_source(parse_stream_input(source, None))
    try:
        index = 0
        while (frame := capture.read(index)) is not None:
            yield index, frame.image
            index += 1
    finally:
        capture.close()
