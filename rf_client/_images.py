"""Image inputs: recognise, validate, load, downsize and encode them for the wire.

An image may be a file path (``str`` or ``os.PathLike``), an http(s) URL (downloaded by the
client under :class:`~rf_client._http.URLImagePolicy`: see ``_url_images``), raw bytes, a
numpy array (BGR, as OpenCV gives), a PIL image in any mode, a base64 string or a ``data:``
URI. Files and bytes that are already JPEG or PNG go out unchanged when no resizing is
needed. Everything else is encoded as JPEG (PNG when it has transparency).

:func:`check_image` is the cheap up-front check (run on every input of a batch before anything
is sent); :func:`prepare_image` is the plan that produces what goes on the wire. numpy, PIL and
OpenCV load on first use, never at import.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
import stat
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TypeAlias

import attrs

from rf_client._http import Base64Bytes, ClientOptions, JSONSafeText
from rf_client._plan import Plan, offload
from rf_client._redaction import display_url, redact
from rf_client._url_images import check_image_url, download_image
from rf_client.errors import (
    EncodingError,
    InvalidInputError,
    InvalidInputFormatError,
    InvalidURLImageInput,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from PIL import Image

ImageInput: TypeAlias = (
    "str | os.PathLike[str] | bytes | bytearray | memoryview | NDArray[Any] | Image.Image"
)
"""One image: a path, an http(s) URL, bytes, a BGR numpy array, a PIL image, base64, a data URI."""

JPEG_QUALITY = 95
SUPPORTED_FORMATS = "JPEG, PNG, BMP, TIFF, WEBP or GIF"


@attrs.frozen
class PreparedImage:
    """An image ready for the wire.

    Attributes:
        data: The encoded image (JPEG or PNG; other formats as given).
        scale: The factor client-side downsizing applied (new size / original size), or None
            when the image went at its own size.
        original_size: (width, height) before downsizing, or None when not downsized; lets
            results report the original size exactly instead of dividing a rounded one.
    """

    data: bytes
    scale: float | None = None
    original_size: tuple[int, int] | None = None

    def base64(self) -> str:
        """The encoded image as base64 text (spliced into JSON bodies without a scan)."""
        return JSONSafeText(base64.b64encode(self.data))

    def base64_bytes(self) -> Base64Bytes:
        """The encoded image as base64 for a body rf-client builds itself (no ``str`` copy)."""
        return Base64Bytes(base64.b64encode(self.data))


def describe_input(item: object) -> str:
    """A short, secret-free description of an input for messages (never its content).

    URLs are shown without user info, query string or fragment; long strings (base64) by
    their length only.
    """
    if isinstance(item, os.PathLike):
        try:
            return f"path {redact(os.fsdecode(item))!r}"
        except TypeError:  # its __fspath__ returns neither str nor bytes
            return f"{type(item).__name__} value"
    if isinstance(item, str):
        if _is_url(item) or _OTHER_SCHEME.match(item):
            return f"URL {display_url(item)!r}"
        if item.startswith("data:"):
            return f"data URI ({len(item)} characters)"
        if len(item) <= 260 and not _looks_like_base64(item):
            return f"path {redact(item)!r}" if _looks_like_path(item) else f"string {item!r}"
        return f"string of {len(item)} characters"
    if isinstance(item, bytes | bytearray | memoryview):
        return f"bytes ({len(item)} bytes)"
    module = type(item).__module__
    if module.startswith("numpy"):
        shape, dtype = getattr(item, "shape", "?"), getattr(item, "dtype", "?")
        return f"numpy array (shape {shape}, dtype {dtype})"
    if module.startswith("PIL"):
        return f"PIL image ({getattr(item, 'mode', '?')}, {getattr(item, 'size', '?')})"
    return f"{type(item).__name__} value"


_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def _is_url(text: str) -> bool:
    return text[:8].lower().startswith(("http://", "https://"))


def _looks_like_path(text: str) -> bool:
    return os.sep in text or "/" in text or "." in text or text.startswith("~")


def _looks_like_base64(text: str) -> bool:
    return len(text) >= 16 and all(c.isalnum() or c in "+/=\n\r-_" for c in text[:4096])


def check_image(item: object) -> None:
    """Raise InvalidInputError (or EncodingError) if ``item`` can obviously not be an image.

    Cheap enough to run on every input of a batch before anything is sent: files are
    checked on disk (existence, kind, size, header, trailer), arrays and PIL images by shape
    and mode, base64 by decoding. URLs are checked for scheme only (downloading happens later).
    """
    if item is None:
        raise InvalidInputFormatError(
            "image is None: pass a path, URL, bytes, numpy array or PIL image."
        )
    if isinstance(item, str) and not item.strip():
        raise InvalidInputError(
            "image is an empty string: pass a path, URL, bytes, numpy array or PIL image."
        )
    if isinstance(item, str) and _is_url(item):
        check_image_url(item)
        return
    if isinstance(item, str) and _OTHER_SCHEME.match(item):
        raise InvalidURLImageInput(
            f"{describe_input(item)}: only http:// and https:// URLs can be downloaded; "
            "pass a local path without a scheme, or the image's bytes."
        )
    if isinstance(item, str | os.PathLike):
        kind, value = _text_source(item)
        if kind == "path":
            _check_file(Path(value), describe_input(item))
        else:
            _encoded_image_info(value, describe_input(item))
        return
    if isinstance(item, bytes | bytearray | memoryview):
        _encoded_image_info(_decode_base64_bytes_if_needed(bytes(item)), describe_input(item))
        return
    if _is_numpy_array(item):
        _check_array(item)
        return
    if _is_pil_image(item):
        _check_pil(item)
        return
    raise InvalidInputFormatError(
        f"{describe_input(item)} is not an image input: pass a path, an http(s) URL, bytes, a "
        "numpy array, a PIL image, base64 text or a data: URI."
    )


def prepare_image(
    item: object,
    max_size: tuple[int, int] | None,
    options: ClientOptions,
    *,
    checked: bool = False,
) -> Plan[PreparedImage]:
    """The plan that turns one input into a :class:`PreparedImage`.

    ``max_size`` is ``(height, width)``: a larger image is downsized to fit, keeping its aspect
    ratio (never upscaled), and ``scale`` records the factor so results can be mapped back.
    ``checked`` says the caller ran :func:`check_image` on ``item`` already (``infer`` checks
    every input before sending any), so it is not run again. Either way an input is checked
    once: a JPEG or PNG file or bytes going out at its own size is then read once and sent
    without being opened again.
    """
    if not checked:
        check_image(item)
    if isinstance(item, str) and _is_url(item):
        data = yield from download_image(item, options.url_images)
        return (yield from offload(lambda: _prepare_encoded(data, describe_input(item), max_size)))
    if isinstance(item, str | os.PathLike):
        kind, value = _text_source(item)
        encoded = _read_file(Path(value)) if kind == "path" else value
        if _sendable_as_is(encoded, max_size):
            return PreparedImage(encoded)
        return (
            yield from offload(lambda: _prepare_encoded(encoded, describe_input(item), max_size))
        )
    if isinstance(item, bytes | bytearray | memoryview):
        raw = _decode_base64_bytes_if_needed(bytes(item))
        if _sendable_as_is(raw, max_size):
            return PreparedImage(raw)
        return (yield from offload(lambda: _prepare_encoded(raw, describe_input(item), max_size)))
    if _is_numpy_array(item):
        return (yield from offload(lambda: _prepare_array(item, max_size)))
    return (yield from offload(lambda: _prepare_pil(item, max_size)))


def _sendable_as_is(data: bytes, max_size: tuple[int, int] | None) -> bool:
    # A checked JPEG or PNG without downsizing goes out unchanged: opening it with PIL again
    # (as _prepare_encoded does, for its size) would change nothing. A file that changed
    # since its check into something else takes the full path (and its errors).
    return max_size is None and _sniff_format(data) in ("JPEG", "PNG")


def load_image_bytes(item: object, options: ClientOptions) -> Plan[bytes]:
    """The encoded bytes of an image input (downloaded, read or encoded), never resized."""
    prepared = yield from prepare_image(item, None, options)
    return prepared.data


# Text inputs: path, base64 or data URI.


def _path_text(item: os.PathLike[Any]) -> str:
    """The path of an ``os.PathLike`` as text (a ``bytes`` path decoded as the OS does)."""
    try:
        return os.fsdecode(item)
    except TypeError as error:  # its __fspath__ returns neither str nor bytes
        problem = str(error)
    # Raised outside the handler, so the TypeError does not ride along as its context.
    raise InvalidInputFormatError(
        f"{type(item).__name__} value is not a usable path ({problem}); pass a str or a "
        "pathlib.Path."
    )


def _text_source(item: str | os.PathLike[Any]) -> tuple[str, Any]:
    """``_classify_text`` of a string; ``("path", text)`` of any other path-like."""
    return _classify_text(item) if isinstance(item, str) else ("path", _path_text(item))


def _classify_text(text: str) -> tuple[str, Any]:
    """("path", path) | ("bytes", decoded bytes); InvalidInputError when it is neither."""
    if text.startswith("data:"):
        return "bytes", _decode_data_uri(text)
    if len(text) <= 4096:
        path = Path(text).expanduser()
        try:
            exists = path.exists()
        except (OSError, ValueError):
            exists = False
        if exists:
            return "path", str(path)
    if _looks_like_base64(text):
        try:
            return "bytes", _strict_b64decode(text)
        except EncodingError:
            if len(text) > 4096:
                raise
    if "\x00" in text:
        raise InvalidInputError(_nul_in_path(text))
    if len(text) <= 4096 and (_looks_like_path(text) or len(text) < 16):
        raise InvalidInputError(
            f"image file not found: {redact(text)!r}. Check the path (relative paths are from "
            f"{os.getcwd()!r}); URLs must start with http:// or https://."
        )
    raise InvalidInputError(
        f"{describe_input(text)} is neither an existing file, an http(s) URL, valid base64 nor a "
        "data: URI."
    )


def _strict_b64decode(text: str, description: str | None = None) -> bytes:
    cleaned = "".join(text.split())
    try:
        if "-" in cleaned or "_" in cleaned:
            return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError) as error:
        problem = str(error)
    raise EncodingError(
        f"{description or describe_input(text)} is not valid base64 ({problem}); pass the "
        "image's bytes, path or URL instead."
    )


def _decode_data_uri(uri: str) -> bytes:
    header, separator, payload = uri.partition(",")
    if not separator or ";base64" not in header:
        raise EncodingError(
            f"{describe_input(uri)} is not a base64 data URI "
            "(expected 'data:image/...;base64,...')."
        )
    if not payload.strip():
        raise InvalidInputError(f"{describe_input(uri)} holds no data after the comma.")
    return _strict_b64decode(payload, f"the payload of the {describe_input(uri)}")


def _decode_base64_bytes_if_needed(data: bytes) -> bytes:
    """Raw bytes as given, unless they are base64 text of an image (accepted, decoded)."""
    if _sniff_format(data) is not None or not data:
        return data
    try:
        decoded = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return data
    return decoded if _sniff_format(decoded) is not None else data


def _open_file(path: Path) -> BinaryIO:
    """``path`` opened for reading; InvalidInputError naming it (redacted) when it cannot be."""
    shown = redact(str(path))
    try:
        is_directory = path.is_dir()
    except (OSError, ValueError):  # a name too long, a NUL: open() below says which
        is_directory = False
    if is_directory:
        raise InvalidInputError(
            f"{shown!r} is a directory, not an image; use infer_on_stream() for a folder of images."
        )
    file: BinaryIO | None = None
    problem = ""
    try:
        file = path.open("rb")
    except FileNotFoundError:
        problem = f"image file not found: {shown!r}."
    except OSError as error:
        problem = _unreadable(path, error)
    except ValueError as error:  # a NUL in the name; an unencodable name
        problem = (
            _nul_in_path(str(path))
            if "\x00" in str(path)
            else f"cannot open image file {shown!r} ({error}); check the path."
        )
    if file is None:
        raise InvalidInputError(problem)
    return file


def _nul_in_path(path: str) -> str:
    return (
        f"image path {redact(path)!r} contains a NUL character, which no file name can hold; "
        "check how the path was built."
    )


def _unreadable(path: Path, error: OSError) -> str:
    return (
        f"cannot read image file {redact(str(path))!r}: {error.strerror or type(error).__name__}."
    )


def _read_file(path: Path) -> bytes:
    """The whole content of an image file; InvalidInputError when missing, unreadable or empty."""
    with _open_file(path) as file:
        data: bytes | None = None
        problem = ""
        try:
            data = file.read()
        except OSError as error:
            problem = _unreadable(path, error)
    if data is None:
        raise InvalidInputError(problem)
    if not data:
        raise InvalidInputError(f"image file {redact(str(path))!r} is empty.")
    return data


def _check_file(path: Path, description: str) -> None:
    """The checks of :func:`_encoded_image_info` on a file, reading only its head and tail.

    The same errors as reading the whole file (:func:`_read_file`) and checking its bytes,
    without loading the image into memory: PIL reads only the header to learn the size. A
    file that is not a regular file (a pipe, a device) is read whole.
    """
    with _open_file(path) as file:
        ends: tuple[bytes, bytes] | None = None
        whole: bytes | None = None
        problem = ""
        try:
            status = os.fstat(file.fileno())
            if stat.S_ISREG(status.st_mode):
                head = file.read(_SNIFF_BYTES)
                file.seek(max(0, status.st_size - _TAIL_BYTES))
                ends = head, file.read(_TAIL_BYTES)
                file.seek(0)
            else:
                whole = file.read()
                ends = whole[:_SNIFF_BYTES], whole[-_TAIL_BYTES:]
        except OSError as error:
            problem = _unreadable(path, error)
        if ends is None:
            raise InvalidInputError(problem)
        head, tail = ends
        if not head:
            raise InvalidInputError(f"image file {redact(str(path))!r} is empty.")
        _inspect_encoded(head, tail, file if whole is None else io.BytesIO(whole), description)


# Encoded images (JPEG, PNG, ...): format, size, integrity.


def _sniff_format(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"BM"):
        return "BMP"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "WEBP"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    return None


_SNIFF_BYTES = 16
"""Enough of an image's start to tell its format (:func:`_sniff_format`)."""
_TAIL_BYTES = 1024
"""How much of an image's end is searched for its end marker (JPEG EOI, PNG IEND)."""


def _encoded_image_info(data: bytes, description: str) -> tuple[str, int, int]:
    """(format, width, height) of an encoded image; EncodingError when it is not a whole image."""
    if not data:
        raise InvalidInputError(f"{description} is empty.")
    return _inspect_encoded(data[:_SNIFF_BYTES], data[-_TAIL_BYTES:], io.BytesIO(data), description)


def _inspect_encoded(
    head: bytes, tail: bytes, stream: IO[bytes], description: str
) -> tuple[str, int, int]:
    """(format, width, height) from an image's first and last bytes and its header (PIL)."""
    image_format = _sniff_format(head)
    if image_format is None:
        raise EncodingError(
            f"{description} is not an image in a supported format ({SUPPORTED_FORMATS})."
        )
    # Truncation shows at the end of the file: JPEG ends with EOI, PNG with IEND.
    if image_format == "JPEG" and b"\xff\xd9" not in tail:
        raise EncodingError(f"{description} is a truncated JPEG (no end-of-image marker).")
    if image_format == "PNG" and b"IEND" not in tail[-64:]:
        raise EncodingError(f"{description} is a truncated PNG (no IEND chunk).")
    from PIL import Image, UnidentifiedImageError

    size: tuple[int, int] | None = None
    problem = ""
    too_large = False
    try:
        with Image.open(stream) as image:
            size = image.size
    except UnidentifiedImageError:
        # Its text names the stream: a file's full path, which the description shows redacted.
        problem = "PIL cannot identify it"
    except (OSError, ValueError, SyntaxError) as error:
        problem = str(error)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # A header claiming more pixels than PIL decodes safely (or a corrupt header).
        problem, too_large = str(error), True
    if too_large:
        raise EncodingError(
            f"{description} is a {image_format} image too large to decode safely ({problem}); "
            "resize it, or raise PIL.Image.MAX_IMAGE_PIXELS if it is trusted and really that "
            "large."
        )
    if size is None:
        raise EncodingError(f"{description} is a corrupt {image_format} image ({problem}).")
    width, height = size
    if width <= 0 or height <= 0:
        raise EncodingError(f"{description} has no pixels ({width}x{height}).")
    return image_format, width, height


def fit_scale(width: int, height: int, max_size: tuple[int, int] | None) -> float | None:
    """The factor that fits ``width`` x ``height`` in ``max_size`` (h, w); None when it fits."""
    if max_size is None:
        return None
    max_height, max_width = max_size
    scale = min(max_width / width, max_height / height)
    return scale if scale < 1 else None


def _prepare_encoded(
    data: bytes, description: str, max_size: tuple[int, int] | None
) -> PreparedImage:
    image_format, width, height = _encoded_image_info(data, description)
    scale = fit_scale(width, height, max_size)
    if scale is None and image_format in ("JPEG", "PNG"):
        return PreparedImage(data)
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return _encode_pil(image, scale, description)
    except (OSError, ValueError, SyntaxError) as error:
        raise EncodingError(f"{description} cannot be decoded ({error}).") from None


# numpy arrays (BGR, as OpenCV gives).


def _is_numpy_array(item: object) -> bool:
    return type(item).__module__ == "numpy" and type(item).__name__ == "ndarray"


def _check_array(array: Any) -> None:
    import numpy as np

    # The description (shape and dtype as text) is built only for a message: checking a
    # valid frame stays a few comparisons.
    if array.size == 0 or 0 in array.shape:
        raise InvalidInputError(f"{describe_input(array)} is empty.")
    if array.dtype != np.uint8:
        raise InvalidInputError(
            f"{describe_input(array)}: images must be uint8 (0-255); convert with "
            "array.clip(0, 255).astype('uint8')."
        )
    if array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (1, 3, 4)):
        return
    raise InvalidInputError(
        f"{describe_input(array)}: expected height x width (grayscale) or height x width x 1, "
        "3 (BGR) or 4 (BGRA) channels."
    )


def _prepare_array(array: Any, max_size: tuple[int, int] | None) -> PreparedImage:
    height, width = array.shape[:2]
    scale = fit_scale(width, height, max_size)
    cv2 = _opencv()
    if cv2 is not None:
        has_alpha = array.ndim == 3 and array.shape[2] == 4
        extension, params = (
            (".png", []) if has_alpha else (".jpg", [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        )
        description = describe_input(array)
        ok, encoded, problem = False, None, "OpenCV refused it"
        try:
            if scale is not None:
                array = cv2.resize(
                    array,
                    scaled_size(width, height, scale),
                    interpolation=cv2.INTER_AREA,
                )
            ok, encoded = cv2.imencode(extension, array, params)
        except cv2.error as error:
            problem = f"OpenCV: {error.err}" if getattr(error, "err", "") else str(error)
        if not ok or encoded is None:
            new_height, new_width = array.shape[:2]
            image_format = "PNG" if has_alpha else "JPEG"
            raise EncodingError(
                _cannot_encode(description, image_format, new_width, new_height, problem)
            )
        return PreparedImage(
            encoded.tobytes(), scale, (width, height) if scale is not None else None
        )
    from PIL import Image

    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 3:
        # BGR(A) to RGB(A) for PIL.
        array = array[:, :, [2, 1, 0, 3][: array.shape[2]]]
    return _encode_pil(Image.fromarray(array), scale, describe_input(array))


def _opencv() -> Any:
    try:
        import cv2
    except ImportError:
        return None
    return cv2


# PIL images.


def _is_pil_image(item: object) -> bool:
    return any(
        cls.__module__.startswith("PIL.") and cls.__name__ == "Image" for cls in type(item).__mro__
    )


def _check_pil(image: Any) -> None:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise InvalidInputError(f"{describe_input(image)} has no pixels.")


def _prepare_pil(image: Any, max_size: tuple[int, int] | None) -> PreparedImage:
    try:
        image.load()
    except (OSError, ValueError) as error:
        raise EncodingError(f"{describe_input(image)} cannot be read ({error}).") from None
    width, height = image.size
    return _encode_pil(image, fit_scale(width, height, max_size), describe_input(image))


def scaled_size(width: int, height: int, scale: float) -> tuple[int, int]:
    """(width, height) multiplied by ``scale``, rounded, at least one pixel each."""
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode_pil(image: Any, scale: float | None, description: str) -> PreparedImage:
    """JPEG (PNG when the image has transparency) of ``image``, resized by ``scale``.

    Raises:
        EncodingError: PIL cannot convert or encode it (``description`` names the input).
    """
    from PIL import Image

    original_size: tuple[int, int] | None = None
    buffer = io.BytesIO()
    image_format = "JPEG"
    problem: str | None = None
    try:
        image = _to_encodable_mode(image)
        if scale is not None:
            width, height = original_size = image.size
            image = image.resize(
                scaled_size(width, height, scale),
                Image.Resampling.LANCZOS,
            )
        if image.mode in ("RGBA", "LA"):
            image_format = "PNG"
            image.save(buffer, format="PNG")
        else:
            image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    except (OSError, ValueError) as error:  # over 65,500 pixels a side; a mode PIL cannot convert
        problem = str(error)
    if problem is not None:
        width, height = image.size
        raise EncodingError(
            _cannot_encode(description, image_format, width, height, problem, image.mode)
        )
    return PreparedImage(buffer.getvalue(), scale, original_size)


JPEG_MAX_SIDE = 65_500
"""The largest width or height a JPEG can have (libjpeg's limit)."""


def _cannot_encode(
    description: str, image_format: str, width: int, height: int, why: str, mode: str = ""
) -> str:
    """The message for an image that could not be encoded: which, how large, what to do."""
    if image_format == "JPEG" and max(width, height) > JPEG_MAX_SIDE:
        advice = (
            f"a JPEG holds at most {JPEG_MAX_SIDE:,} pixels a side: resize it (or crop it into "
            "tiles) before sending"
        )
    else:
        advice = "convert it to an 8-bit RGB image before sending"
    pixels = f"{mode} {width}x{height}" if mode else f"{width}x{height}"
    return f"{description} could not be encoded as {image_format} ({pixels}: {why}); {advice}."


def _to_encodable_mode(image: Any) -> Any:
    """``image`` in a mode JPEG/PNG can hold: RGB, L, RGBA or LA."""
    mode = image.mode
    if mode in ("RGB", "L", "RGBA", "LA"):
        return image
    if mode in ("La", "RGBa"):
        # Premultiplied alpha: PIL converts these only to their plain-alpha twins.
        return image.convert({"La": "LA", "RGBa": "RGBA"}[mode])
    if mode in ("P", "PA"):
        return image.convert("RGBA" if "transparency" in image.info or mode == "PA" else "RGB")
    if mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        import numpy as np
        from PIL import Image

        values = np.asarray(image, dtype=np.float64)
        low, high = float(values.min()), float(values.max())
        span = high - low or 1.0
        return Image.fromarray(((values - low) * (255.0 / span)).astype(np.uint8), mode="L")
    if mode == "1":
        return image.convert("L")
    return image.convert("RGB")


# Decoding images the server sends back (visualisations, workflow image outputs).


def decode_base64_image(value: str, what: str) -> bytes:
    """The bytes of a base64 image the server sent; EncodingError naming ``what`` if invalid."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise EncodingError(f"{what} is not valid base64.") from None


def bytes_to_numpy(data: bytes, what: str) -> NDArray[np.uint8]:
    """Decode image bytes to a BGR numpy array (OpenCV when installed, else PIL)."""
    import numpy as np

    if not data:
        # OpenCV asserts on an empty buffer (a cv2.error) instead of answering None.
        raise EncodingError(f"{what} is empty.")
    cv2 = _opencv()
    if cv2 is not None:
        problem = ""
        try:
            decoded = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
        except cv2.error as error:  # a header claiming more pixels than OpenCV decodes
            decoded = None
            problem = f" (OpenCV: {error.err})" if getattr(error, "err", "") else ""
        if decoded is None:
            raise EncodingError(f"{what} is not a decodable image{problem}.")
        return decoded  # type: ignore[no-any-return]
    image = bytes_to_pil(data, what)
    array = np.asarray(image.convert("RGB"))
    return np.ascontiguousarray(array[:, :, ::-1])


def bytes_to_pil(data: bytes, what: str) -> Image.Image:
    """Decode image bytes to a loaded PIL image."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise EncodingError(f"{what} is empty.")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        # A header claiming more pixels than PIL decodes safely.
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        problem = str(error)
    else:
        return image
    # Raised outside the handler, so PIL's exception does not ride along as its context.
    raise EncodingError(f"{what} is not a decodable image ({problem}).")
