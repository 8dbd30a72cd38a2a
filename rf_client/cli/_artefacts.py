"""Files written with ``--output-dir``: annotated inputs and the images results carry.

Names come from the input: ``photo.jpg`` gives ``photo.jpg`` (annotated), a workflow's image
output ``viz`` gives ``photo_viz.jpg``, frame 12 of ``clip.mp4`` gives ``clip_f000012.jpg``; a
name already written in this run gets ``-2``, ``-3``, ... so nothing is overwritten twice.
"""

from __future__ import annotations

import re
import threading
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rf_client.cli._annotate import draw_predictions
from rf_client.cli._jsonable import JSONValue, OutputPath
from rf_client.cli._pictures import encode_picture

if TYPE_CHECKING:
    from PIL import Image


def safe_stem(text: str) -> str:
    """A file-name stem made of ``text``'s last path segment (no suffix, no odd characters).

    For a URL that is the last segment of its path: its query and fragment, where signed
    URLs carry their tokens, never reach a file name.
    """
    if "://" in text:
        try:
            text = urllib.parse.urlsplit(text).path
        except ValueError:  # an invalid IPv6 literal
            text = text.split("?", 1)[0].split("#", 1)[0]
    name = re.split(r"[\\/]", text.rstrip("/\\"))[-1] or "image"
    stem = name.rsplit(".", 1)[0] if "." in name[1:] else name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._")
    return cleaned[:80] or "image"


def path_suffix(path: OutputPath) -> str:
    """``("crops", 0)`` gives ``"crops-0"``: where an image sat in a result, for its file name."""
    return "-".join(safe_stem(str(part)) for part in path) or "image"


class OutputFolder:
    """Writes images into one folder, never twice under the same name in a run.

    Args:
        folder: The folder (created on first write).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._used: set[str] = set()
        self._lock = threading.Lock()

    def _claim(self, stem: str, suffix: str) -> Path:
        with self._lock:
            candidate, number = stem + suffix, 1
            while candidate in self._used:
                number += 1
                candidate = f"{stem}-{number}{suffix}"
            self._used.add(candidate)
        return self.folder / candidate

    def save(self, image: Image.Image, stem: str) -> Path:
        """Write ``image`` as ``<stem>.jpg`` (or ``.png``); the path written.

        Raises:
            OSError: The folder or file can not be written.
        """
        data, suffix = encode_picture(image)
        target = self._claim(stem, suffix)
        self.folder.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return target

    def image_hook(self, stem: str, written: list[str]) -> Any:
        """An image hook for :func:`~rf_client.cli._jsonable.to_jsonable` that saves images.

        Each image found at ``path`` in a result is saved as ``<stem>_<path>`` and replaced by
        ``{"type": "file", "path": ...}``; the paths written are appended to ``written``.
        """

        def hook(image: Any, path: OutputPath) -> JSONValue:
            target = self.save(image, f"{stem}_{path_suffix(path)}")
            written.append(str(target))
            return {"type": "file", "path": str(target)}

        return hook

    def annotate(self, image: Image.Image, stem: str, results: Sequence[Mapping[str, Any]]) -> Path:
        """Draw ``results`` on ``image`` and save it as ``<stem>``; the path written."""
        return self.save(draw_predictions(image, results), stem)
