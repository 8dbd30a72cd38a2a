"""Turning the server's answers into what the documented API returns.

Three things happen to a model prediction (and only these, as inference-sdk 1.8.3 does): its
``visualization`` is decoded into the configured format, an ``anomaly_map`` payload becomes a
float32 array, and, when the client downsized the image, coordinates are mapped back to the
original image. Workflow outputs get their images decoded the same way.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from rf_client._images import bytes_to_numpy, bytes_to_pil, decode_base64_image
from rf_client.config import VisualisationResponseFormat
from rf_client.errors import EncodingError, ResponseValidationError


def convert_image_bytes(data: bytes, image_format: VisualisationResponseFormat, what: str) -> Any:
    """Image bytes as base64 text, a BGR numpy array or a PIL image."""
    if image_format is VisualisationResponseFormat.NUMPY:
        return bytes_to_numpy(data, what)
    if image_format is VisualisationResponseFormat.PILLOW:
        return bytes_to_pil(data, what)
    return base64.b64encode(data).decode("ascii")


def convert_base64_image(value: str, image_format: VisualisationResponseFormat, what: str) -> Any:
    """A base64 image from the server in the requested format (base64 text stays as it is).

    Raises:
        ResponseValidationError: The server's image is not valid base64 or not decodable
            (``what`` names it).
    """
    if image_format is VisualisationResponseFormat.BASE64:
        return value
    try:
        return convert_image_bytes(decode_base64_image(value, what), image_format, what)
    except EncodingError as error:
        problem = error.message
    # The server sent it: a bad answer, not a bad input of the caller's.
    raise ResponseValidationError(f"{problem} The server sent an image that cannot be decoded.")


def finish_prediction(
    prediction: dict[str, Any],
    image_format: VisualisationResponseFormat,
    scale: float | None,
    endpoint: str,
    original_size: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """One model prediction as the documented API returns it (modified in place, returned).

    ``original_size`` (width, height) is the image's size before client downsizing, when known.
    """
    visualization = prediction.get("visualization")
    if isinstance(visualization, str) and visualization:
        prediction["visualization"] = convert_base64_image(
            visualization, image_format, f"the visualization from {endpoint}"
        )
    anomaly_map = prediction.get("anomaly_map")
    if isinstance(anomaly_map, Mapping):
        prediction["anomaly_map"] = decode_anomaly_map(anomaly_map, endpoint)
    if scale is not None:
        rescale_prediction(prediction, scale, original_size)
    return prediction


def decode_anomaly_map(payload: Mapping[str, Any], endpoint: str) -> Any:
    """An ``anomaly_map`` payload (``shape``, ``dtype`` float32, base64 ``data``) as an array."""
    import numpy as np

    shape = payload.get("shape")
    if payload.get("dtype") != "float32" or not (
        isinstance(shape, list | tuple)
        and len(shape) == 2
        and all(isinstance(side, int) and side > 0 for side in shape)
    ):
        raise ResponseValidationError(
            f"{endpoint} sent an anomaly_map that is not a 2-D float32 payload: "
            f"dtype={payload.get('dtype')!r}, shape={shape!r}."
        )
    try:
        data = base64.b64decode(payload.get("data", ""), validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise ResponseValidationError(
            f"{endpoint} sent an anomaly_map that is not base64."
        ) from None
    if len(data) != shape[0] * shape[1] * 4:
        raise ResponseValidationError(
            f"{endpoint} sent an anomaly_map of {len(data)} bytes for shape {tuple(shape)}."
        )
    return np.frombuffer(data, dtype="<f4").reshape(shape).astype(np.float32, copy=True)


def rescale_prediction(
    prediction: dict[str, Any], scale: float, original_size: tuple[int, int] | None = None
) -> None:
    """Map a prediction made on an image downsized by ``scale`` back to the original image.

    Boxes, polygon points and key points are divided by ``scale``. The reported image size
    becomes ``original_size`` (width, height) when given, else the downsized size divided by
    ``scale`` (which rounding can leave a pixel off). Results in the mask grid coordinate
    system keep their grid and get the original size.
    """
    if prediction.get("is_stub"):
        return
    mask_metadata = prediction.get("mask_metadata")
    original_image = prediction.get("original_image")
    if (
        isinstance(mask_metadata, dict)
        and mask_metadata.get("coordinate_system") == "mask_grid"
        and isinstance(original_image, Mapping)
    ):
        if _has_size(original_image) and _has_size(mask_metadata):
            restored = _restore_size(original_image, scale, original_size)
            prediction["original_image"] = restored
            mask_metadata["scale_x"] = restored["width"] / mask_metadata["width"]
            mask_metadata["scale_y"] = restored["height"] / mask_metadata["height"]
        return
    image = prediction.get("image")
    if isinstance(image, Mapping) and _has_size(image):
        prediction["image"] = _restore_size(image, scale, original_size)
    predictions = prediction.get("predictions")
    if not isinstance(predictions, list):
        return
    for item in predictions:
        if not isinstance(item, dict):
            continue
        for key in ("x", "y", "width", "height"):
            if isinstance(item.get(key), int | float):
                item[key] = item[key] / scale
        for points_key in ("points", "keypoints"):
            points = item.get(points_key)
            if isinstance(points, list):
                for point in points:
                    if isinstance(point, dict):
                        for key in ("x", "y"):
                            if isinstance(point.get(key), int | float):
                                point[key] = point[key] / scale


def _has_size(size: Mapping[str, Any]) -> bool:
    # A malformed size is left as the server sent it rather than failing the whole result.
    return all(
        isinstance(size.get(key), int | float)
        and not isinstance(size.get(key), bool)
        and size[key] > 0
        for key in ("width", "height")
    )


def _restore_size(
    size: Mapping[str, Any], scale: float, original_size: tuple[int, int] | None
) -> dict[str, Any]:
    if original_size is not None:
        return {**size, "width": original_size[0], "height": original_size[1]}
    return {**size, "width": round(size["width"] / scale), "height": round(size["height"] / scale)}


def is_image_output(value: object) -> bool:
    """Whether a workflow output value is an image (``{"type": "base64", "value": ...}``)."""
    return isinstance(value, dict) and value.get("type") == "base64" and "value" in value


def decode_workflow_outputs(value: Any, image_format: VisualisationResponseFormat) -> Any:
    """Workflow outputs with every image replaced by the requested format, at any depth."""
    if is_image_output(value):
        return convert_base64_image(value["value"], image_format, "a workflow image output")
    if isinstance(value, dict):
        return {key: decode_workflow_outputs(item, image_format) for key, item in value.items()}
    if isinstance(value, list):
        return [decode_workflow_outputs(item, image_format) for item in value]
    return value
