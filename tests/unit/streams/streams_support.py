"""Fixture makers for the stream tests: colour-coded videos and folders, a colour-reading server,
and a stand-in for ``cv2.VideoCapture`` (so no camera or network is ever opened).

Frame ``i`` is a solid colour that encodes ``i`` (:func:`colour_of`), so the server can tell
which frame it received (:func:`index_of`) and answer with it; the tests then check that each
yielded prediction belongs to the frame yielded with it.
"""

from __future__ import annotations

import base64
import io
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply

WIDTH, HEIGHT = 64, 48
STEP = 50  # colour levels 0, 50, ..., 250: far apart enough to survive JPEG and MJPG


def colour_of(index: int) -> tuple[int, int, int]:
    """The BGR colour of frame ``index`` (0 <= index < 36)."""
    return (index % 6) * STEP, (index // 6) * STEP, 128


def index_of_bgr(blue: float, green: float) -> int:
    """The frame index a (blue, green) mean colour encodes."""
    return round(green / STEP) * 6 + round(blue / STEP)


def frame_index(frame: NDArray[np.uint8]) -> int:
    """The index a BGR frame encodes."""
    blue, green, _ = frame.reshape(-1, 3).mean(axis=0)
    return index_of_bgr(float(blue), float(green))


def solid_frame(index: int) -> NDArray[np.uint8]:
    """A WIDTH x HEIGHT BGR frame of colour ``index``."""
    frame = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
    frame[:] = colour_of(index)
    return frame


def write_video(path: Path, frames: int) -> Path:
    """An MJPG AVI of ``frames`` colour-coded frames."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (WIDTH, HEIGHT))
    assert writer.isOpened()
    for index in range(frames):
        writer.write(solid_frame(index))
    writer.release()
    return path


def write_image(path: Path, index: int) -> Path:
    """An image of colour ``index`` in the format of ``path``'s extension."""
    assert cv2.imwrite(str(path), solid_frame(index)), path
    return path


def index_of_encoded(data: bytes) -> int:
    """The index an encoded image's colour encodes."""
    with Image.open(io.BytesIO(data)) as image:
        red_green_blue = np.asarray(image.convert("RGB"), dtype=np.float64)
    _red, green, blue = red_green_blue.reshape(-1, 3).mean(axis=0)
    return index_of_bgr(float(blue), float(green))


def colour_prediction(index: int) -> dict[str, Any]:
    """What the colour-reading server answers for frame ``index``."""
    return {
        "image": {"width": WIDTH, "height": HEIGHT},
        "predictions": [
            {
                "x": 32.0,
                "y": 24.0,
                "width": 10.0,
                "height": 10.0,
                "confidence": 0.9,
                "class": f"colour-{index}",
                "class_id": index,
                "detection_id": f"d{index}",
            }
        ],
    }


def predicted_index(prediction: dict[str, Any]) -> int:
    """The frame index the server read from the image it received."""
    class_id = prediction["predictions"][0]["class_id"]
    assert isinstance(class_id, int)
    return class_id


class ColourServer:
    """The fake server as an inference server whose model reports each image's colour index.

    ``delay(index)`` seconds are waited before answering (to finish frames out of order);
    ``failing`` indexes are answered 400. ``received`` lists the indexes in arrival order,
    ``finished`` in the order their answers were made; :meth:`wait_finished` waits for one.
    """

    def __init__(
        self,
        server: FakeServer,
        model_id: str = "coco/3",
        delay: Callable[[int], float] | None = None,
        failing: frozenset[int] = frozenset(),
    ) -> None:
        self.server = server
        self.delay = delay or (lambda index: 0.0)
        self.failing = failing
        self.received: list[int] = []
        self.finished: list[int] = []
        self._lock = threading.Lock()
        self._finishing = threading.Condition(self._lock)
        serve_model(server, model_id)
        project, version = model_id.split("/")
        server.on("POST", "/infer/object_detection", handler=self._answer_v1)
        server.on("POST", f"/{project}/{version}", handler=self._answer_v0)

    def _answer(self, encoded: str) -> Reply:
        index = index_of_encoded(base64.b64decode(encoded))
        with self._lock:
            self.received.append(index)
        time.sleep(self.delay(index))
        with self._finishing:
            self.finished.append(index)
            self._finishing.notify_all()
        if index in self.failing:
            return json_reply(400, {"message": f"cannot use frame {index}"})
        return json_reply(200, colour_prediction(index))

    def wait_finished(self, index: int, timeout: float) -> bool:
        """Wait until frame ``index`` has been answered; False when ``timeout`` ran out."""
        with self._finishing:
            return self._finishing.wait_for(lambda: index in self.finished, timeout)

    def _answer_v1(self, request: RecordedRequest) -> Reply:
        image = request.json()["image"]
        assert isinstance(image, dict), "one frame per request"
        return self._answer(image["value"])

    def _answer_v0(self, request: RecordedRequest) -> Reply:
        return self._answer(request.body.decode())


class FakeCapture:
    """Stands in for ``cv2.VideoCapture``: ``frames`` colour-coded frames, then the end.

    Every instance is recorded in ``FakeCapture.opened``; ``reads`` counts read() calls and
    ``released`` tells whether release() was called (``release_seen`` is set then, for a
    release made by another thread). ``open_fails`` makes isOpened() False.
    """

    opened: ClassVar[list[FakeCapture]] = []
    frames: ClassVar[int] = 30
    open_fails: ClassVar[bool] = False

    def __init__(self, source: object) -> None:
        self.source = source
        self.reads = 0
        self.released = False
        self.release_seen = threading.Event()
        FakeCapture.opened.append(self)

    @classmethod
    def reset(cls, frames: int = 30, open_fails: bool = False) -> None:
        """Forget earlier captures and set how the next ones behave."""
        cls.opened = []
        cls.frames = frames
        cls.open_fails = open_fails

    def isOpened(self) -> bool:
        return not self.open_fails and not self.released

    def read(self) -> tuple[bool, NDArray[np.uint8] | None]:
        assert not self.released, "read after release"
        self.reads += 1
        if self.reads > self.frames:
            return False, None
        return True, solid_frame(self.reads - 1)

    def release(self) -> None:
        self.released = True
        self.release_seen.set()
