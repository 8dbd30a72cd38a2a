"""Images inside results: recognising them and encoding them for JSON or files.

The command line asks the client for PIL images; numpy arrays (BGR, as rf-client returns
them elsewhere) are recognised too. PIL and numpy load on first use.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image

JPEG_QUALITY = 92


def is_pil_image(value: object) -> bool:
    """Whether ``value`` is a PIL image (without importing PIL)."""
    return type(value).__module__.startswith("PIL.") and hasattr(value, "getbbox")


def is_numpy_array(value: object) -> bool:
    """Whether ``value`` is a numpy array (without importing numpy)."""
    return type(value).__module__ == "numpy" and type(value).__name__ == "ndarray"


def as_picture(value: object) -> Image.Image | None:
    """``value`` as a PIL image if it is one, or a uint8 numpy image (BGR/BGRA/gray); else None."""
    if is_pil_image(value):
        return value  # type: ignore[return-value]  # checked by is_pil_image
    if not is_numpy_array(value):
        return None
    array: Any = value
    shape = tuple(array.shape)
    is_image = str(array.dtype) == "uint8" and (
        len(shape) == 2 or (len(shape) == 3 and shape[2] in (1, 3, 4))
    )
    if not is_image:
        return None
    from PIL import Image

    if len(shape) == 3 and shape[2] == 1:
        array = array[:, :, 0]
    elif len(shape) == 3:
        array = array[:, :, [2, 1, 0, 3][: shape[2]]]  # BGR(A) to RGB(A)
    return Image.fromarray(array.copy())


def encode_picture(image: Image.Image) -> tuple[bytes, str]:
    """``(data, suffix)``: PNG for PNG sources and images with transparency, else JPEG."""
    lossless = image.format == "PNG" or image.mode in ("RGBA", "LA", "P", "I", "I;16", "F")
    buffer = io.BytesIO()
    if lossless:
        image.save(buffer, format="PNG")
        return buffer.getvalue(), ".png"
    picture = image if image.mode in ("RGB", "L") else image.convert("RGB")
    picture.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue(), ".jpg"
