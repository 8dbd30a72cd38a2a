"""What ``rf-client infer`` runs on: the command line's inputs as images and videos.

A folder becomes its image files (the configured extensions, sorted by name, not recursive);
a file or URL whose extension is a video format, or an ``rtsp://``-like stream, is a video;
anything else is an image (a path or an http(s) URL), checked when the job runs.

What is shown of an input (its ``label``) never holds a credential: see :func:`shown_input`.
"""

from __future__ import annotations

import dataclasses
import os
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from rf_client._redaction import REDACTED, display_url, redact
from rf_client._streams import extension_matches
from rf_client.cli._common import UsageError

VIDEO_EXTENSIONS = frozenset(
    {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp"}
)
STREAM_SCHEMES = frozenset({"rtsp", "rtsps", "rtmp", "udp", "tcp", "srt"})
SECRET_PARAMETER_PARTS = (
    "key", "token", "secret", "password", "passwd", "signature", "credential", "auth", "session",
)  # fmt: skip
"""A URL parameter whose name contains one of these (any case) has its value hidden."""
SECRET_PARAMETER_NAMES = frozenset({"sig", "sign", "pwd", "pass"})
"""Short parameter names that are secrets only as a whole name."""


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


def _is_secret_parameter(name: str) -> bool:
    lowered = urllib.parse.unquote_plus(name).lower()
    return lowered in SECRET_PARAMETER_NAMES or any(
        part in lowered for part in SECRET_PARAMETER_PARTS
    )


def _hide_secret_parameters(query: str) -> str:
    """``a=1&api_key=K`` gives ``a=1&api_key=***``: values of secret-looking names hidden."""
    shown = []
    for parameter in query.split("&"):
        name, separator, _ = parameter.partition("=")
        shown.append(
            f"{name}={REDACTED}" if separator and _is_secret_parameter(name) else parameter
        )
    return "&".join(shown)


def shown_input(text: str, secrets: Sequence[str] = ()) -> str:
    """``text`` (an input as given) fit to print: in results, tables, errors and file names.

    A URL loses its user info (``user:password@`` becomes ``***@``) and the values of its
    query parameters whose names look secret (``api_key``, ``token``, ``X-Amz-Signature``,
    ...); then every registered secret and every one of ``secrets`` (the command line's API
    key) is replaced by ``***`` wherever it stands.
    """
    if "://" not in text:
        return redact(text, *secrets)
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:  # an invalid IPv6 literal: show what display_url can
        return redact(display_url(text), *secrets)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rpartition('@')[2]}"
    shown = urllib.parse.urlunsplit(
        (
            parts.scheme,
            netloc,
            parts.path,
            _hide_secret_parameters(parts.query),
            # OAuth-style links carry tokens in the fragment: the same rule.
            _hide_secret_parameters(parts.fragment),
        )
    )
    return redact(shown, *secrets)


def _url_parts(text: str) -> urllib.parse.SplitResult | None:
    """``text`` split as a URL; None when it is not one or cannot be split (``http://[::1``):
    such an input is then an image, whose check reports what is wrong with it."""
    if "://" not in text:
        return None
    try:
        return urllib.parse.urlsplit(text)
    except ValueError:
        return None


def _suffix(text: str) -> str:
    parts = _url_parts(text)
    path = parts.path if parts is not None else text
    return os.path.splitext(path)[1].lower()


def is_video(text: str) -> bool:
    """Whether ``text`` names a video file, a video URL or a live stream."""
    parts = _url_parts(text)
    scheme = parts.scheme.lower() if parts is not None else ""
    return scheme in STREAM_SCHEMES or _suffix(text) in VIDEO_EXTENSIONS


def folder_images(folder: Path, extensions: Sequence[str]) -> list[Path]:
    """The image files directly in ``folder`` with one of ``extensions``, sorted by name.

    Extensions match in any case, with or without their dot (``jpg`` takes ``ROCKET.Jpg``),
    as for ``infer_on_stream`` over a folder.

    Raises:
        UsageError: The folder cannot be listed (no permission, gone, ...).
    """
    wanted = tuple(e.lower().lstrip(".") for e in extensions if e.lower().lstrip("."))
    try:
        return sorted(
            entry
            for entry in folder.iterdir()
            if extension_matches(entry.name, wanted) and entry.is_file()
        )
    except OSError as error:
        raise UsageError(
            f"cannot list folder {str(folder)!r}: {error.strerror or type(error).__name__}; "
            "check that it exists and that you may read it."
        ) from None


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        # Cannot even look (e.g. no permission on a parent): not taken as a folder, so the
        # image check reports it by name.
        return False


def expand_inputs(
    arguments: Sequence[str], extensions: Sequence[str], secrets: Sequence[str] = ()
) -> list[Input]:
    """The images and videos of the command line's input arguments, in order.

    Each input's label is :func:`shown_input` of it, ``secrets`` hidden.

    Raises:
        UsageError: A folder holds no file with one of ``extensions``, or cannot be listed.
    """
    inputs: list[Input] = []
    for argument in arguments:
        path = Path(argument).expanduser()
        if "://" not in argument and _is_folder(path):
            images = folder_images(path, extensions)
            if not images:
                raise UsageError(
                    f"folder {argument!r} has no images with the extensions "
                    f"{', '.join(extensions)}; set --image-extensions-for-directory-scan "
                    "to take others."
                )
            inputs.extend(ImageInput(shown_input(str(i), secrets), str(i)) for i in images)
            continue
        label = shown_input(argument, secrets)
        source = argument if "://" in argument else str(path)
        if is_video(argument):
            inputs.append(VideoInput(label, source))
        else:
            inputs.append(ImageInput(label, source))
    return inputs
