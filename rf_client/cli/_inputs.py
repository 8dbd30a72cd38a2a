"""What ``rf-client infer`` runs on: the command line's inputs as images and videos.

A folder becomes its image files (the configured extensions, sorted by name, not recursive);
a file or URL whose extension is a video format, or an ``rtsp://``-like stream, is a video;
anything else is an image (a path or an http(s) URL), checked when the job runs.
"""

from __future__ import annotations

import dataclasses
import os
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from rf_client.cli._common import UsageError

VIDEO_EXTENSIONS = frozenset(
    {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp"}
)
STREAM_SCHEMES = frozenset({"rtsp", "rtsps", "rtmp", "udp", "tcp", "srt"})


@dataclasses.dataclass(frozen=True)
class ImageInput:
    """One image: ``source`` is what the client gets (a path or a URL), ``label`` what is shown."""

    label: str
    source: str


@dataclasses.dataclass(frozen=True)
class VideoInput:
    """A video file, URL or stream, processed frame by frame."""

    label: str
    source: str


Input = ImageInput | VideoInput


def _suffix(text: str) -> str:
    path = urllib.parse.urlsplit(text).path if "://" in text else text
    return os.path.splitext(path)[1].lower()


def is_video(text: str) -> bool:
    """Whether ``text`` names a video file, a video URL or a live stream."""
    scheme = urllib.parse.urlsplit(text).scheme.lower() if "://" in text else ""
    return scheme in STREAM_SCHEMES or _suffix(text) in VIDEO_EXTENSIONS


def folder_images(folder: Path, extensions: Sequence[str]) -> list[Path]:
    """The image files directly in ``folder`` with one of ``extensions``, sorted by name."""
    wanted = {extension.lstrip(".") for extension in extensions}
    return sorted(
        entry
        for entry in folder.iterdir()
        if entry.is_file() and entry.suffix.lstrip(".") in wanted
    )


def expand_inputs(arguments: Sequence[str], extensions: Sequence[str]) -> list[Input]:
    """The images and videos of the command line's input arguments, in order.

    Raises:
        UsageError: A folder holds no file with one of ``extensions``.
    """
    inputs: list[Input] = []
    for argument in arguments:
        path = Path(argument).expanduser()
        if "://" not in argument and path.is_dir():
            images = folder_images(path, extensions)
            if not images:
                raise UsageError(
                    f"folder {argument!r} has no images with the extensions "
                    f"{', '.join(extensions)}; set --image-extensions-for-directory-scan "
                    "to take others."
                )
            inputs.extend(ImageInput(str(image), str(image)) for image in images)
        elif is_video(argument):
            inputs.append(VideoInput(argument, argument if "://" in argument else str(path)))
        else:
            inputs.append(ImageInput(argument, argument if "://" in argument else str(path)))
    return inputs
