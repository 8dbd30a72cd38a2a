"""Fixtures of the documentation-example tests: the fake server and the example's folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.fake_server import FakeServer
from tests.unit.compat.compat_support import IMAGES_DIR
from tests.unit.seed.seed_support import serve_documentation_routes

VIDEO_FRAMES = 5
DIRECTORY_IMAGES = {"a.jpg": 20, "b.png": 30, "e.JPG": 50}
"""The images of ``local/dir/`` the default extensions take, by name, with their widths."""


@pytest.fixture
def docs_server(fake_server: FakeServer) -> FakeServer:
    """The fake server, answering every route the documentation's examples call."""
    serve_documentation_routes(fake_server)
    return fake_server


@pytest.fixture
def example_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working folder of an example, holding the files it names.

    ``my_image.jpg`` (rocket.jpg, 640 x 427), ``other_image.jpg`` (hubble_deep_field.jpg,
    1000 x 872), ``video.mp4`` (five 64 x 48 frames, grey levels 0, 40, ... 160) and
    ``local/dir/`` (three images the default extensions take, plus a BMP and a text file they
    do not).
    """
    shutil.copy(IMAGES_DIR / "rocket.jpg", tmp_path / "my_image.jpg")
    shutil.copy(IMAGES_DIR / "hubble_deep_field.jpg", tmp_path / "other_image.jpg")
    write_video(tmp_path / "video.mp4")
    directory = tmp_path / "local" / "dir"
    directory.mkdir(parents=True)
    for name, width in DIRECTORY_IMAGES.items():
        image_format = "PNG" if name.endswith(".png") else "JPEG"
        write_image(directory / name, width, image_format)
    write_image(directory / "d.bmp", 40, "BMP")
    (directory / "notes.txt").write_text("not an image")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_image(path: Path, width: int, image_format: str) -> None:
    """A ``width`` x 16 image in ``image_format``."""
    from PIL import Image

    Image.new("RGB", (width, 16), (width, 0, 0)).save(path, format=image_format)


def write_video(path: Path) -> None:
    """An MP4 of VIDEO_FRAMES 64 x 48 frames, frame i filled with grey level 40 * i."""
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 5, (64, 48))
    assert writer.isOpened(), "OpenCV cannot write MP4 here"
    for index in range(VIDEO_FRAMES):
        writer.write(np.full((48, 64, 3), 40 * index, dtype=np.uint8))
    writer.release()
