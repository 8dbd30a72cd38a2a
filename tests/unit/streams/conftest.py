"""Fixtures of the stream tests: a colour-coded video, a folder of images, a fake capture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest

from tests.unit.streams.streams_support import FakeCapture, write_image, write_video

VIDEO_FRAMES = 30


@pytest.fixture
def colour_video(tmp_path: Path) -> Path:
    """An MJPG AVI of 30 frames, frame ``i`` a solid colour encoding ``i``."""
    return write_video(tmp_path / "clip.avi", VIDEO_FRAMES)


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    """Images with mixed extensions and unsorted names, plus files the scan must skip.

    Created out of order on purpose. Sorted, the images are ``C.JPEG`` (colour 3),
    ``a.jpg`` (0), ``b.png`` (1), ``d.PNG`` (2); ``e.bmp`` is not a default extension,
    ``notes.txt`` is not an image and ``nested/`` is not scanned.
    """
    folder = tmp_path / "images"
    folder.mkdir()
    write_image(folder / "d.PNG", 2)
    write_image(folder / "b.png", 1)
    (folder / "notes.txt").write_text("not an image")
    write_image(folder / "e.bmp", 4)
    write_image(folder / "a.jpg", 0)
    write_image(folder / "C.JPEG", 3)
    (folder / "nested").mkdir()
    write_image(folder / "nested" / "f.jpg", 5)
    return folder


@pytest.fixture
def fake_capture(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FakeCapture]]:
    """``cv2.VideoCapture`` replaced by :class:`FakeCapture` (30 frames) for the test."""
    FakeCapture.reset()
    monkeypatch.setattr(cv2, "VideoCapture", FakeCapture)
    yield FakeCapture
    FakeCapture.reset()
