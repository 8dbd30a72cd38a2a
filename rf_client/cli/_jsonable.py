"""Results made JSON-safe: numpy values, images, bytes, enums and non-finite floats."""

from __future__ import annotations

import base64
import enum
import math
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias, cast

from rf_client.cli._pictures import as_picture, encode_picture, is_numpy_array

JSONValue: TypeAlias = "bool | int | float | str | list[JSONValue] | dict[str, JSONValue] | None"
OutputPath: TypeAlias = tuple[str | int, ...]
"""Where a value sits in a result: keys and list indexes from the top."""
ImageHook: TypeAlias = "Callable[[Any, OutputPath], JSONValue]"
"""Turns a PIL image found at a path into its JSON form (e.g. a saved file's path)."""


def inline_image(image: Any, path: OutputPath) -> JSONValue:
    """An image as ``{"type": "base64", "value": ...}``, as the server sends workflow images."""
    data, suffix = encode_picture(image)
    return {
        "type": "base64",
        "format": suffix.lstrip("."),
        "value": base64.b64encode(data).decode("ascii"),
    }


def to_jsonable(
    value: object, image_hook: ImageHook = inline_image, path: OutputPath = ()
) -> JSONValue:
    """``value`` with every part JSON can not hold converted.

    Images (PIL, or uint8 numpy images) go through ``image_hook``; other arrays become lists,
    numpy scalars Python numbers, bytes base64 text, NaN and infinities null.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {
            str(key): to_jsonable(item, image_hook, (*path, str(key)))
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [to_jsonable(item, image_hook, (*path, index)) for index, item in enumerate(value)]
    picture = as_picture(value)
    if picture is not None:
        return image_hook(picture, path)
    if is_numpy_array(value):
        return to_jsonable(value.tolist(), image_hook, path)  # type: ignore[attr-defined]
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        # A numpy scalar (np.float32, np.int64, ...): its Python value.
        return to_jsonable(cast(Any, value).item(), image_hook, path)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value, image_hook, path)
    if isinstance(value, os.PathLike):
        return str(os.fspath(value))
    to_dict: Callable[[], object] | None = getattr(value, "to_dict", None)
    if callable(to_dict):  # generated attrs models
        return to_jsonable(to_dict(), image_hook, path)
    return str(value)
