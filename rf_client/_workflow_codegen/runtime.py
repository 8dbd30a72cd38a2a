"""What the modules ``rf-client generate workflow`` writes run on: parsers and the run helpers.

A generated module describes one workflow (its inputs and the fields of an output row); these
helpers do the rest with the client's own workflow plan (``_ops.workflows.run_workflow``): the
same checks, image encoding, retries and errors as ``run_workflow``. Every row of the answer is
parsed field by field: a missing field or a value of the wrong type raises
:class:`~rf_client.errors.ResponseValidationError` naming the row and the field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeAlias, TypeVar

import attrs

# Only generated modules import this module, and they import these models anyway.
from rf_api_v1.models import (
    ClassificationInferenceResponse,
    InstanceSegmentationInferenceResponse,
    KeypointsDetectionInferenceResponse,
    MultiLabelClassificationInferenceResponse,
    ObjectDetectionInferenceResponse,
)

from rf_client._ops import workflows
from rf_client._ops.registry import parse_model
from rf_client._ops.workflows import WorkflowImage, WorkflowRun
from rf_client._results import convert_base64_image, is_image_output
from rf_client.config import VisualisationResponseFormat
from rf_client.errors import InvalidParameterError, ResponseValidationError

if TYPE_CHECKING:
    import numpy as np

    from rf_client._base_client import BaseClient
    from rf_client._plan import Plan

T = TypeVar("T")
R = TypeVar("R")

JsonValue: TypeAlias = "str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None"
"""Any JSON value, as an output field of a kind without a precise Python type carries it."""

JsonInput: TypeAlias = (
    "str | int | float | bool | Sequence[JsonInput] | Mapping[str, JsonInput] | None"
)
"""Any JSON value given as a workflow parameter (read-only containers, so ``list[int]`` fits)."""

ImageArray: TypeAlias = "np.ndarray[tuple[int, ...], np.dtype[np.uint8]]"
"""A decoded image output: OpenCV's BGR(A) or grey array, ``(height, width[, channels])``.

``NDArray[np.uint8]`` with its shape typed (numpy's alias leaves it ``Any``); it is one.
"""

Parser = Callable[[object, str], T]
"""Turns one output value (and where it is, for messages) into its Python type."""

Detections: TypeAlias = (
    ObjectDetectionInferenceResponse
    | InstanceSegmentationInferenceResponse
    | KeypointsDetectionInferenceResponse
)
"""An output whose kinds allow boxes, masks or keypoints: narrow it with ``isinstance``."""

Classification: TypeAlias = (
    ClassificationInferenceResponse | MultiLabelClassificationInferenceResponse
)
"""A ``classification_prediction``: single-label (``top``) or multi-label
(``predicted_classes``)."""


def _wrong(where: str, expected: str, value: object) -> ResponseValidationError:
    return ResponseValidationError(
        f"{where}: expected {expected}, got {type(value).__name__} {value!r:.80}; was the module "
        "generated from this workflow? (rf-client generate workflow --check)"
    )


def field(row: Mapping[str, object], name: str, parse: Parser[T], where: str) -> T:
    """The output ``name`` of ``row``, parsed; ResponseValidationError if it is missing."""
    if name not in row:
        raise ResponseValidationError(
            f"{where} has no output {name!r} (it has {sorted(row)}); regenerate the module if "
            "the workflow changed (rf-client generate workflow --check)."
        )
    return parse(row[name], f"{where}[{name!r}]")


def as_str(value: object, where: str) -> str:
    """A ``string`` output."""
    if not isinstance(value, str):
        raise _wrong(where, "a string", value)
    return value


def as_bool(value: object, where: str) -> bool:
    """A ``boolean`` output."""
    if not isinstance(value, bool):
        raise _wrong(where, "a boolean", value)
    return value


def as_int(value: object, where: str) -> int:
    """An ``integer`` output (a float with an integral value is accepted, as JSON has one)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _wrong(where, "an integer", value)
    return value


def as_float(value: object, where: str) -> float:
    """A ``float`` output (integers are floats here, as in JSON)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _wrong(where, "a number", value)
    return float(value)


def as_rgb(value: object, where: str) -> tuple[int, int, int]:
    """An ``rgb_color`` output: three integers (the server sends a list)."""
    if not isinstance(value, list | tuple) or len(value) != 3:
        raise _wrong(where, "an RGB colour (three integers)", value)
    red, green, blue = (as_int(item, f"{where}[{i}]") for i, item in enumerate(value))
    return red, green, blue


def as_json(value: object, where: str) -> JsonValue:
    """An output of a kind without a precise type, checked to be JSON."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _wrong(where, "a finite number", value)
        return value
    if isinstance(value, list):
        return [as_json(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, dict):
        return {
            as_str(key, f"{where} key"): as_json(item, f"{where}[{key!r}]")
            for key, item in value.items()
        }
    raise _wrong(where, "a JSON value", value)


def as_image(value: object, where: str) -> ImageArray:
    """An ``image`` output (``{"type": "base64", "value": ...}``) decoded to a BGR array."""
    if not is_image_output(value) or not isinstance(value, dict):
        raise _wrong(where, 'an image ({"type": "base64", "value": ...})', value)
    encoded = value["value"]
    if not isinstance(encoded, str):
        raise _wrong(f"{where}['value']", "base64 text", encoded)
    decoded: ImageArray = convert_base64_image(encoded, VisualisationResponseFormat.NUMPY, where)
    return decoded


def list_of(parse: Parser[T]) -> Parser[list[T]]:
    """A parser of a list whose items ``parse`` parses (outputs of nested steps, e.g. crops)."""

    def parse_list(value: object, where: str) -> list[T]:
        if not isinstance(value, list):
            raise _wrong(where, "a list", value)
        return [parse(item, f"{where}[{index}]") for index, item in enumerate(value)]

    return parse_list


def object_detection(value: object, where: str) -> ObjectDetectionInferenceResponse:
    """An ``object_detection_prediction`` (also QR and barcode detections, with ``data``)."""
    return parse_model(ObjectDetectionInferenceResponse.from_dict, value, where)


def instance_segmentation(value: object, where: str) -> InstanceSegmentationInferenceResponse:
    """An ``instance_segmentation_prediction``."""
    return parse_model(InstanceSegmentationInferenceResponse.from_dict, value, where)


def keypoints_detection(value: object, where: str) -> KeypointsDetectionInferenceResponse:
    """A ``keypoint_detection_prediction``."""
    return parse_model(KeypointsDetectionInferenceResponse.from_dict, value, where)


def _predictions(value: object) -> list[object]:
    predictions = value.get("predictions") if isinstance(value, dict) else None
    return list(predictions) if isinstance(predictions, list) else []


def detections(value: object, where: str) -> Detections:
    """Boxes, masks or keypoints, as the predictions carry them (boxes when there are none)."""
    found = [item for item in _predictions(value) if isinstance(item, dict)]
    if any("keypoints" in item for item in found):
        return keypoints_detection(value, where)
    if any("points" in item or "rle" in item for item in found):
        return instance_segmentation(value, where)
    return object_detection(value, where)


def classification(value: object, where: str) -> Classification:
    """A ``classification_prediction``: multi-label when it has ``predicted_classes``."""
    if isinstance(value, dict) and "predicted_classes" in value:
        return parse_model(MultiLabelClassificationInferenceResponse.from_dict, value, where)
    return parse_model(ClassificationInferenceResponse.from_dict, value, where)


@attrs.frozen
class WorkflowSource:
    """The workflow a generated module runs: its definition, or a saved one's workspace and id."""

    specification: Mapping[str, JsonValue] | None = None
    workspace_name: str | None = None
    workflow_id: str | None = None


RowParser = Callable[[Mapping[str, object], str], R]
"""Builds a generated module's output row from one ``outputs`` item (and its place)."""


def _plan(
    client: BaseClient,
    source: WorkflowSource,
    images: Mapping[str, WorkflowImage],
    parameters: Mapping[str, JsonInput],
    parse_row: RowParser[R],
) -> Plan[list[R]]:
    def parse(data: object, endpoint: str) -> list[R]:
        rows = workflows.workflow_outputs(data, endpoint)
        return [parse_row(row, f"{endpoint} outputs[{index}]") for index, row in enumerate(rows)]

    run = WorkflowRun(
        workspace_name=source.workspace_name,
        workflow_id=source.workflow_id,
        specification=source.specification,
        images=images,
        parameters=parameters,
    )
    return workflows.run_workflow(client._context(), run, parse)


def run_rows(
    client: BaseClient,
    source: WorkflowSource,
    images: Mapping[str, WorkflowImage],
    parameters: Mapping[str, JsonInput],
    parse_row: RowParser[R],
) -> list[R]:
    """Run the workflow once; one parsed row per input image (one when no input is a batch).

    Raises:
        ResponseValidationError: A row misses an output or one has the wrong type.
        RFClientError: Anything ``run_workflow`` raises (bad inputs, server errors, ...).
    """
    return client._run(_plan(client, source, images, parameters, parse_row))


async def run_rows_async(
    client: BaseClient,
    source: WorkflowSource,
    images: Mapping[str, WorkflowImage],
    parameters: Mapping[str, JsonInput],
    parse_row: RowParser[R],
) -> list[R]:
    """Async twin of :func:`run_rows`."""
    return await client._arun(_plan(client, source, images, parameters, parse_row))


def specification_from_json(text: str) -> dict[str, JsonValue]:
    """The workflow definition a generated module embeds, parsed.

    Raises:
        InvalidParameterError: The module was edited into something that is not a JSON object.
    """
    try:
        parsed = as_json(json.loads(text), "the embedded workflow definition")
    except (ValueError, ResponseValidationError) as error:
        raise InvalidParameterError(
            f"the generated module's workflow definition is not JSON ({error}); regenerate it."
        ) from None
    if not isinstance(parsed, dict):
        raise InvalidParameterError(
            "the generated module's workflow definition is not a JSON object; regenerate it."
        )
    return parsed
