"""Frame sources of ``infer_on_stream``: a video file, a folder of images, a camera, a stream URL.

:func:`parse_stream_input` is the cheap check made when the stream is created (which kind of
source, does it exist, is OpenCV installed); :func:`open_source` opens it when iteration starts.
A :class:`FrameSource` is read lazily, one item per call, from whichever thread the driver runs
that item's plan in:

- a capture (video file, camera, stream URL) gives its frames in order, so
  :meth:`CaptureSource.read` hands out frame ``i`` only once frame ``i - 1`` was read, and
  never reads ahead of what was asked;
- the images of a folder are independent, so any number may be read and decoded at once.

OpenCV is an optional extra (``pip install "rf-client[video]"``); it loads on first use.
"""

from __future__ import annotations

import abc
import enum
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from rf_client._redaction import display_url
from rf_client.errors import (
    EncodingError,
    InvalidInputError,
    InvalidInputFormatError,
    MissingDependencyError,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

StreamInput: TypeAlias = "str | os.PathLike[str] | int"
"""A video file, a folder of images, a camera index (``0`` or ``"0"``) or a stream URL."""

FrameReference: TypeAlias = "int | str"
"""The frame number (captures) or the image's path (folders)."""

VIDEO_EXTRA_HINT = 'pip install "rf-client[video]"'

_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_ENCODED_AS_IS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # JPEG and PNG go to the server unchanged


def require_opencv() -> Any:
    """The ``cv2`` module; MissingDependencyError saying how to install it when it cannot load."""
    try:
        import cv2
    except ImportError as error:
        raise MissingDependencyError(
            "reading video files, cameras, stream URLs and image folders needs OpenCV, which "
            f"cannot be imported ({error}): install it with {VIDEO_EXTRA_HINT}."
        ) from None
    return cv2


class SourceKind(enum.Enum):
    """What a stream input names."""

    DIRECTORY = "directory"
    VIDEO_FILE = "video file"
    CAMERA = "camera"
    URL = "stream URL"


@attrs.frozen
class StreamSpec:
    """A checked stream input, not opened yet.

    Attributes:
        kind: What the input names.
        target: What OpenCV opens (a path, a URL or a camera index), or the folder.
        shown: A secret-free description for messages (``video file 'clip.mp4'``).
        extensions: Folders only: the lower-case extensions taken, without dots (None: all).
    """

    kind: SourceKind
    target: str | int
    shown: str
    extensions: tuple[str, ...] | None = None


@attrs.frozen
class Frame:
    """One item of a stream.

    Attributes:
        reference: The frame number, or the image's path.
        image: The decoded BGR image, as the caller receives it.
        payload: What goes on the wire: a folder image's own JPEG/PNG bytes (sent unchanged,
            as ``infer(path)`` would), else ``image`` itself (encoded without a copy).
    """

    reference: int | str
    image: NDArray[np.uint8]
    payload: bytes | NDArray[np.uint8]


def parse_stream_input(input_uri: object, extensions: Sequence[str] | None) -> StreamSpec:
    """Check ``input_uri`` and say what it names; nothing is opened yet.

    A URL (``scheme://...``) is a stream; an existing folder gives its images whose extension
    is in ``extensions`` (case-insensitive, with or without the dot; None takes every file);
    an existing file is a video; a whole number (or a string of digits that is not a path) is
    a camera index.

    Raises:
        MissingDependencyError: OpenCV is not installed (the message says how to install it).
        InvalidInputFormatError: The input has the wrong type (also a TypeError, as in 1.8.3).
        InvalidInputError: The input names nothing that exists.
    """
    if isinstance(input_uri, bool) or not isinstance(input_uri, str | int | os.PathLike):
        raise InvalidInputFormatError(
            f"infer_on_stream takes a video file, a folder of images, a camera index or a stream "
            f"URL, not a {type(input_uri).__name__}; for images use infer()."
        )
    require_opencv()
    if isinstance(input_uri, int):
        if input_uri < 0:
            raise InvalidInputError(f"camera index must be 0 or more, not {input_uri}.")
        return StreamSpec(SourceKind.CAMERA, input_uri, f"camera {input_uri}")
    text = os.fspath(input_uri)
    if not isinstance(text, str):
        raise InvalidInputFormatError("a stream path must be text, not bytes.")
    if _URL_SCHEME.match(text):
        return StreamSpec(
            SourceKind.URL, text, f"stream URL {display_url(text, mark_credentials=True)!r}"
        )
    path = Path(text).expanduser()
    if path.is_dir():
        return StreamSpec(
            SourceKind.DIRECTORY, str(path), f"folder {text!r}", _normalised(extensions)
        )
    if path.is_file():
        return StreamSpec(SourceKind.VIDEO_FILE, str(path), f"video file {text!r}")
    if text.isascii() and text.isdigit():
        return StreamSpec(SourceKind.CAMERA, int(text), f"camera {int(text)}")
    raise InvalidInputError(
        f"video file or folder not found: {text!r} (relative paths are from {os.getcwd()!r}). "
        "Pass a video file, a folder of images, a camera index (0, 1, ...) or a stream URL "
        "(rtsp://..., http(s)://...)."
    )


def _normalised(extensions: Sequence[str] | None) -> tuple[str, ...] | None:
    if extensions is None:
        return None
    return tuple(e.lower().lstrip(".") for e in extensions if e.lower().lstrip("."))


def extension_matches(name: str, extensions: tuple[str, ...] | None) -> bool:
    """Whether file ``name`` ends with one of ``extensions`` (lower case, multi-part allowed)."""
    if extensions is None:
        return True
    suffixes = [suffix.lower().lstrip(".") for suffix in PurePath(name).suffixes]
    endings = {".".join(suffixes[start:]) for start in range(len(suffixes))}
    return not endings.isdisjoint(extensions)


class FrameSource(abc.ABC):
    """The items of a stream, read one per :meth:`read` call, thread-safe."""

    def __init__(self, spec: StreamSpec) -> None:
        self.spec = spec
        self._lock = threading.Condition()
        self._closed = False
        self._frames_read = 0

    @property
    def frames_read(self) -> int:
        """How many items were read (and decoded) so far."""
        with self._lock:
            return self._frames_read

    @abc.abstractmethod
    def reference(self, index: int) -> int | str:
        """The frame number or path of item ``index`` (known without reading it)."""

    @abc.abstractmethod
    def exhausted(self, index: int) -> bool:
        """True when item ``index`` is known not to exist (end reached, or closed)."""

    @abc.abstractmethod
    def read(self, index: int) -> Frame | None:
        """Item ``index``, or None past the end (or once closed).

        Raises:
            InvalidInputError: The item cannot be read or decoded (an error for this item only).
        """

    @abc.abstractmethod
    def close(self) -> None:
        """Release the source; later reads give None. Safe to call more than once."""


class CaptureSource(FrameSource):
    """Frames of an OpenCV capture (video file, camera, stream URL), handed out in order.

    ``read(i)`` waits until frame ``i - 1`` was read, so concurrent plans receive consecutive
    frames however the threads are scheduled, and the capture is never read ahead. The read
    itself runs outside the lock, so :meth:`close` never waits for a slow camera or network:
    a capture closed mid-read is released by the reader as soon as its read returns.
    """

    def __init__(self, spec: StreamSpec) -> None:
        super().__init__(spec)
        self._cv2 = require_opencv()
        try:
            capture = self._cv2.VideoCapture(spec.target)
        except self._cv2.error as error:
            raise InvalidInputError(f"OpenCV cannot open {spec.shown} ({error}).") from None
        if not capture.isOpened():
            capture.release()
            raise InvalidInputError(_open_failure(spec))
        self._capture = capture
        self._next_index = 0
        self._ended = False
        self._reading = False
        self._released = False

    def reference(self, index: int) -> int:
        """Frame numbers count from 0."""
        return index

    def exhausted(self, index: int) -> bool:
        """True once the capture gave no frame (end of file or stream), or was closed."""
        with self._lock:
            return self._closed or (self._ended and index >= self._next_index)

    def read(self, index: int) -> Frame | None:
        """Frame ``index`` once every earlier frame was read; None at the end or once closed.

        Raises:
            EncodingError: OpenCV failed while decoding; the stream ends after this frame.
        """
        with self._lock:
            while not (self._closed or self._ended) and self._next_index < index:
                self._lock.wait()
            if self._closed or self._ended:
                return None
            if self._next_index != index:
                raise RuntimeError(f"frame {index} of {self.spec.shown} was already read")
            self._reading = True
        succeeded = False
        image: Any = None
        failure: Exception | None = None
        try:
            succeeded, image = self._capture.read()
        except self._cv2.error as error:
            succeeded, failure = False, error
        finally:
            self._finish_read(succeeded and image is not None)
        if failure is not None:
            raise EncodingError(
                f"{self.spec.shown}: OpenCV failed to decode frame {index} ({failure}); the "
                "stream ends here."
            )
        if not succeeded or image is None:
            return None
        return Frame(index, image, image)

    def _finish_read(self, got_frame: bool) -> None:
        with self._lock:
            self._reading = False
            self._next_index += 1
            if got_frame:
                self._frames_read += 1
            else:
                self._ended = True
            if self._closed:  # closed while this read ran: release now that it returned
                self._release()
            self._lock.notify_all()

    def close(self) -> None:
        """Release the capture now, or as soon as the read in progress returns."""
        with self._lock:
            self._closed = True
            if not self._reading:
                self._release()
            self._lock.notify_all()

    def _release(self) -> None:
        if not self._released:
            self._released = True
            self._capture.release()


def _open_failure(spec: StreamSpec) -> str:
    if spec.kind is SourceKind.CAMERA:
        return (
            f"cannot open {spec.shown}: there is no such device, it is in use by another "
            "program, or this process may not access it."
        )
    if spec.kind is SourceKind.URL:
        return (
            f"cannot open {spec.shown}: check that it is reachable and that your OpenCV build "
            "supports its protocol (FFmpeg for rtsp:// and http(s)://)."
        )
    return (
        f"OpenCV cannot open {spec.shown} as a video: it is not a video, or your OpenCV build "
        "has no decoder for its codec."
    )


class DirectorySource(FrameSource):
    """The images of a folder whose extension is taken, in sorted path order, each once."""

    def __init__(self, spec: StreamSpec) -> None:
        super().__init__(spec)
        self._cv2 = require_opencv()
        folder = Path(str(spec.target))
        try:
            with os.scandir(folder) as entries:
                names = sorted(
                    entry.name
                    for entry in entries
                    if _is_file(entry) and extension_matches(entry.name, spec.extensions)
                )
        except OSError as error:
            raise InvalidInputError(
                f"cannot list {spec.shown}: {error.strerror or type(error).__name__}."
            ) from None
        self.paths: list[str] = [(folder / name).as_posix() for name in names]

    def reference(self, index: int) -> str:
        """The image's path: the folder as given joined with the file name."""
        return self.paths[index]

    def exhausted(self, index: int) -> bool:
        """True past the last image, or once closed."""
        with self._lock:
            return self._closed or index >= len(self.paths)

    def read(self, index: int) -> Frame | None:
        """Image ``index`` read and decoded to BGR (as ``cv2.imread``); None once closed.

        Raises:
            InvalidInputError: The file cannot be read or is empty.
            EncodingError: The file is not an image OpenCV can decode.
        """
        import numpy as np

        if self.exhausted(index):
            return None
        path = self.paths[index]
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise InvalidInputError(
                f"cannot read image file {path!r}: {error.strerror or type(error).__name__}."
            ) from None
        if not data:
            raise InvalidInputError(f"image file {path!r} is empty.")
        try:
            image = self._cv2.imdecode(np.frombuffer(data, dtype=np.uint8), self._cv2.IMREAD_COLOR)
        except self._cv2.error:
            image = None
        if image is None:
            raise EncodingError(
                f"image file {path!r} cannot be decoded: it is not an image, or OpenCV cannot "
                "read its format."
            )
        with self._lock:
            self._frames_read += 1
        return Frame(path, image, data if data.startswith(_ENCODED_AS_IS) else image)

    def close(self) -> None:
        """Stop handing out images."""
        with self._lock:
            self._closed = True


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def open_source(spec: StreamSpec) -> FrameSource:
    """Open the source ``spec`` names (blocking: a camera or URL may take seconds).

    Raises:
        InvalidInputError: It cannot be opened (the message says why and what to check).
    """
    if spec.kind is SourceKind.DIRECTORY:
        return DirectorySource(spec)
    return CaptureSource(spec)
