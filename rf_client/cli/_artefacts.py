"""Files written with ``--output-dir``: annotated inputs and the images results carry.

Names come from the input: ``photo.jpg`` gives ``photo.jpg`` (annotated), a workflow's image
output ``viz`` gives ``photo_viz.jpg``, frame 12 of ``clip.mp4`` gives ``clip_f000012.jpg``; a
name already written in this run gets ``-2``, ``-3``, ... so nothing is overwritten twice.
Names are given in input order, whichever request finishes first.
"""

from __future__ import annotations

import base64
import re
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


class PendingFile:
    """An image encoded (in a worker thread) and waiting for its file name.

    Names are given on the main thread, in input order (:meth:`OutputFolder.write`), so which
    of two inputs called ``photo.jpg`` gets ``photo-2.jpg`` does not depend on which request
    finished first.

    Args:
        stem: The file name wanted, without its suffix.
        image: The image to encode.
        reference: The ``{"type": "file", "path": ...}`` object in the item's result that
            stands for this image (None for the annotated input); filled in once written.
    """

    def __init__(
        self, stem: str, image: Image.Image, reference: dict[str, JSONValue] | None = None
    ) -> None:
        self.stem = stem
        self.data, self.suffix = encode_picture(image)
        self.reference = reference

    def written(self, path: Path) -> None:
        """Point the result at the file written."""
        if self.reference is not None:
            self.reference["path"] = str(path)

    def not_written(self) -> None:
        """Put the image back into the result as base64, since no file holds it."""
        if self.reference is not None:
            self.reference.clear()
            self.reference.update(
                {
                    "type": "base64",
                    "format": self.suffix.lstrip("."),
                    "value": base64.b64encode(self.data).decode("ascii"),
                }
            )


class OutputFolder:
    """Writes images into one folder, never twice under the same name in a run.

    Images are encoded wherever results are made (:class:`PendingFile`, :meth:`image_hook`,
    :meth:`annotated`), and named and written by :meth:`write` on the main thread, in order.

    Args:
        folder: The folder (created on first write).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._used: set[str] = set()

    def _claim(self, stem: str, suffix: str) -> Path:
        candidate, number = stem + suffix, 1
        while candidate in self._used:
            number += 1
            candidate = f"{stem}-{number}{suffix}"
        self._used.add(candidate)
        return self.folder / candidate

    def write(self, pending: Sequence[PendingFile]) -> tuple[list[str], list[str]]:
        """Name and write ``pending`` files in order (main thread only).

        Returns:
            The paths written, and a warning for each file that could not be written (its
            image then stays in the result as base64).
        """
        written: list[str] = []
        warnings: list[str] = []
        for file in pending:
            target = self._claim(file.stem, file.suffix)
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                target.write_bytes(file.data)
            except OSError as error:
                warnings.append(f"cannot write {target}: {error.strerror or error}")
                file.not_written()
                continue
            file.written(target)
            written.append(str(target))
        return written, warnings

    def save(self, image: Image.Image, stem: str) -> Path:
        """Write ``image`` as ``<stem>.jpg`` (or ``.png``) now; the path written.

        Raises:
            OSError: The folder or file can not be written.
        """
        file = PendingFile(stem, image)
        target = self._claim(stem, file.suffix)
        self.folder.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.data)
        return target

    def image_hook(self, stem: str, pending: list[PendingFile]) -> Any:
        """An image hook for :func:`~rf_client.cli._jsonable.to_jsonable` that keeps images.

        Each image found at ``path`` in a result is encoded, appended to ``pending`` to be
        written as ``<stem>_<path>``, and replaced by ``{"type": "file", "path": ...}`` (the
        path is filled in by :meth:`write`).
        """

        def hook(image: Any, path: OutputPath) -> JSONValue:
            reference: dict[str, JSONValue] = {"type": "file", "path": None}
            pending.append(PendingFile(f"{stem}_{path_suffix(path)}", image, reference))
            return reference

        return hook

    def annotated(
        self, image: Image.Image, stem: str, results: Sequence[Mapping[str, Any]]
    ) -> PendingFile:
        """``image`` with ``results`` drawn on it, encoded, to be written as ``<stem>``."""
        return PendingFile(stem, draw_predictions(image, results))
