"""Workflow kinds as Python types: the annotation and the parser a generated module uses.

Names in annotations and parsers are those ``render`` imports: the runtime's parsers and
aliases (``ImageArray``, ``JsonValue``, ...) and ``rf_api_v1.models`` classes. A kind without
a precise mapping (``*``, ``dictionary``, ``zone``, ...) is
:data:`~rf_client.workflow_runtime.JsonValue`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import attrs


@attrs.frozen
class PyType:
    """How one output kind is typed and parsed; ``models`` are the rf_api_v1 classes it names."""

    annotation: str
    parser: str
    models: tuple[str, ...] = ()


JSON = PyType("JsonValue", "as_json")
STR = PyType("str", "as_str")
OBJECT_DETECTION = PyType(
    "ObjectDetectionInferenceResponse", "object_detection", ("ObjectDetectionInferenceResponse",)
)
DETECTIONS = PyType(
    "Detections",
    "detections",
    (
        "InstanceSegmentationInferenceResponse",
        "KeypointsDetectionInferenceResponse",
        "ObjectDetectionInferenceResponse",
    ),
)

OUTPUT_KINDS: dict[str, PyType] = {
    "string": STR,
    "top_class": STR,
    "language_model_output": STR,
    "roboflow_model_id": STR,
    "roboflow_project": STR,
    "parent_id": STR,
    "inference_id": STR,
    "prediction_type": STR,
    "timestamp": STR,
    "integer": PyType("int", "as_int"),
    "float": PyType("float", "as_float"),
    "float_zero_to_one": PyType("float", "as_float"),
    "boolean": PyType("bool", "as_bool"),
    "rgb_color": PyType("tuple[int, int, int]", "as_rgb"),
    "image": PyType("ImageArray", "as_image"),
    "object_detection_prediction": OBJECT_DETECTION,
    # QR and barcode detections are boxes whose predictions carry the decoded ``data``.
    "qr_code_detection": OBJECT_DETECTION,
    "bar_code_detection": OBJECT_DETECTION,
    "instance_segmentation_prediction": PyType(
        "InstanceSegmentationInferenceResponse",
        "instance_segmentation",
        ("InstanceSegmentationInferenceResponse",),
    ),
    "keypoint_detection_prediction": PyType(
        "KeypointsDetectionInferenceResponse",
        "keypoints_detection",
        ("KeypointsDetectionInferenceResponse",),
    ),
    "classification_prediction": PyType(
        "Classification",
        "classification",
        ("ClassificationInferenceResponse", "MultiLabelClassificationInferenceResponse"),
    ),
    "list_of_values": PyType("list[JsonValue]", "list_of(as_json)"),
}
"""Output kinds of inference 1.8.3 with a precise type; every other kind is :data:`JSON`."""

_DETECTION_PARSERS = frozenset({"object_detection", "instance_segmentation", "keypoints_detection"})


def output_type(kinds: Sequence[str], depth: int) -> PyType:
    """The type of an output of these kinds, inside ``depth`` lists.

    Several kinds give their common type; boxes, masks and keypoints together give
    ``Detections`` (a union to narrow); integers and floats ``float``; anything else JSON.
    """
    mapped = [OUTPUT_KINDS.get(kind, JSON) for kind in kinds]
    unique = list(dict.fromkeys(mapped))
    if len(unique) == 1:
        found = unique[0]
    elif all(t.parser in _DETECTION_PARSERS for t in unique):
        found = DETECTIONS
    elif {t.annotation for t in unique} == {"int", "float"}:
        found = OUTPUT_KINDS["float"]
    else:
        found = JSON
    for _ in range(depth):
        found = PyType(f"list[{found.annotation}]", f"list_of({found.parser})", found.models)
    return found


INPUT_KINDS: dict[str, str] = {
    "string": "str",
    "integer": "int",
    "float": "float",
    "float_zero_to_one": "float",
    "boolean": "bool",
    "list_of_values": "Sequence[JsonInput]",
    "roboflow_model_id": "str",
    "roboflow_project": "str",
    "top_class": "str",
}
"""Parameter kinds with a precise type; other kinds are typed from the default, else JSON."""


def _from_default(default: object) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    if isinstance(default, str):
        return "str"
    if isinstance(default, list):
        return "Sequence[JsonInput]"
    return "JsonInput"


def parameter_annotation(kinds: Sequence[str], has_default: bool, default: object) -> str:
    """The annotation of a parameter (not image) input of these kinds.

    ``integer`` with ``float`` is ``float`` (an int is a float to type checkers). A default of
    ``None`` (or one that is not a plain value) makes the parameter ``... | None``: None is not
    sent, so the server uses the definition's default.
    """
    names = [INPUT_KINDS.get(kind) for kind in kinds]
    if None in names:
        precise = [_from_default(default)] if has_default and default is not None else []
    else:
        precise = list(dict.fromkeys(name for name in names if name is not None))
    if "float" in precise and "int" in precise:
        precise.remove("int")
    if not precise or "JsonInput" in precise:
        return "JsonInput"
    annotation = " | ".join(precise)
    if has_default and not _is_literal(default):
        annotation += " | None"
    return annotation


def _is_literal(value: object) -> bool:
    # json.loads reads Infinity and NaN, which have no Python literal: left to the server.
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str | int | bool)


def default_literal(default: object) -> str:
    """The Python source of a parameter's default (None when it is not a plain value)."""
    if isinstance(default, str):
        return json.dumps(default)
    return repr(default) if _is_literal(default) else "None"
