"""Inputs of the benchmarks, made once under ``bench/.work`` (git-ignored).

- ``images/``: 200 copies of the test fixtures (JPEG and PNG, 384x191 to 1000x872);
- ``folder/``: 2,000 images (hard links to the fixtures, so the folder costs no disk);
- ``video.mp4``: 2,000 frames of 640x480, made with OpenCV;
- ``sized/``: 150 JPEGs of distinct sizes (the many-servers benchmark's order check);
- ``qr.png``: the 640x480 QR-code image of the model-free workflow (real-server.md, 4a).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, TypedDict

from bench.environment import REPO_DIR

FIXTURES_DIR = REPO_DIR / "tests" / "fixtures" / "images"
SOURCE_IMAGES = sorted(p for p in FIXTURES_DIR.iterdir() if p.suffix in (".jpg", ".png"))
NUMPY_SOURCE = FIXTURES_DIR / "rocket.jpg"
VIDEO_SIZE = (640, 480)
VIDEO_FRAMES = 2000
FOLDER_FILES = 2000
IMAGE_COPIES = 200


class Fixtures(TypedDict):
    """Paths of the generated inputs."""

    images: list[str]
    folder: str
    video: str
    qr_image: str
    numpy_source: str


def image_copies(work: Path, count: int = IMAGE_COPIES) -> list[str]:
    """``count`` file copies cycling through the fixtures (one file per image: no cache)."""
    folder = work / "images"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        source = SOURCE_IMAGES[index % len(SOURCE_IMAGES)]
        target = folder / f"img_{index:03d}{source.suffix}"
        if not target.exists():
            shutil.copyfile(source, target)
        paths.append(str(target))
    return paths


def image_folder(work: Path, count: int = FOLDER_FILES) -> str:
    """A folder of ``count`` images, hard links to the fixtures (copies across devices)."""
    folder = work / "folder"
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        source = SOURCE_IMAGES[index % len(SOURCE_IMAGES)]
        target = folder / f"{index:04d}{source.suffix}"
        if target.exists():
            continue
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    return str(folder)


def video(work: Path, frames: int = VIDEO_FRAMES) -> str:
    """An MPEG-4 video of ``frames`` 640x480 frames: a fixture panning one column a frame."""
    import cv2
    import numpy as np

    path = work / "video.mp4"
    if path.exists() and _frame_count(path) == frames:
        return str(path)
    width, height = VIDEO_SIZE
    base = cv2.resize(read_image(NUMPY_SOURCE), (width, height))
    partial = path.with_suffix(".partial.mp4")
    writer = cv2.VideoWriter(str(partial), cv2.VideoWriter.fourcc(*"mp4v"), 30.0, (width, height))
    if not writer.isOpened():
        raise RuntimeError("OpenCV cannot write MPEG-4 video here")
    try:
        for index in range(frames):
            writer.write(np.roll(base, index * 3, axis=1))
    finally:
        writer.release()
    partial.replace(path)
    if _frame_count(path) != frames:
        raise RuntimeError(f"{path} does not hold {frames} frames")
    return str(path)


def read_image(path: str | Path) -> Any:
    """The BGR array of an image file; RuntimeError when OpenCV cannot read it."""
    import cv2

    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise RuntimeError(f"OpenCV cannot read {path}")
    return image


def _frame_count(path: Path) -> int:
    import cv2

    capture = cv2.VideoCapture(str(path))
    try:
        return int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    finally:
        capture.release()


def qr_image(work: Path) -> str:
    """640x480 white canvas, QR code "hello" scaled x8 at (40, 40), a red square at (450, 300)."""
    import cv2
    import numpy as np

    path = work / "qr.png"
    if path.exists():
        return str(path)
    code = cv2.QRCodeEncoder.create().encode("hello")
    code = cv2.resize(code, None, fx=8, fy=8, interpolation=cv2.INTER_NEAREST)
    canvas = np.full((480, 640, 3), 255, np.uint8)
    canvas[40 : 40 + code.shape[0], 40 : 40 + code.shape[1]] = code[:, :, None]
    canvas[300:450, 450:600] = (0, 0, 255)
    if not cv2.imwrite(str(path), canvas):
        raise RuntimeError(f"cannot write {path}")
    return str(path)


SIZED_IMAGES = 150


def sized_images(work: Path, count: int = SIZED_IMAGES) -> list[tuple[str, tuple[int, int]]]:
    """``count`` JPEGs cut from the fixtures, image ``i`` of (160 + i) x (120 + i % 7) pixels.

    No two inputs share a size, so a server that echoes the size it read tells which input
    an answer belongs to (the many-servers benchmark checks the order of results with it).
    """
    import cv2

    folder = work / "sized"
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for index in range(count):
        size = (160 + index, 120 + index % 7)
        target = folder / f"sized_{index:03d}.jpg"
        if not target.exists():
            source = read_image(SOURCE_IMAGES[index % len(SOURCE_IMAGES)])
            if not cv2.imwrite(str(target), cv2.resize(source, size)):
                raise RuntimeError(f"cannot write {target}")
        made.append((str(target), size))
    return made


def make_all(work: Path) -> Fixtures:
    """Every input, made where missing."""
    work.mkdir(parents=True, exist_ok=True)
    return Fixtures(
        images=image_copies(work),
        folder=image_folder(work),
        video=video(work),
        qr_image=qr_image(work),
        numpy_source=str(NUMPY_SOURCE),
    )
