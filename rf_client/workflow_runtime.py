"""What modules written by ``rf-client generate workflow`` import: parsers, aliases, run helpers.

Users rarely import it themselves; its aliases :data:`JsonValue` (an output of a kind without a
precise Python type), :data:`JsonInput`, :data:`ImageArray`, :data:`Detections` and
:data:`Classification` name types that generated modules expose.
"""

from rf_client._workflow_codegen.runtime import (
    Classification,
    Detections,
    ImageArray,
    JsonInput,
    JsonValue,
    Parser,
    RowParser,
    WorkflowSource,
    as_bool,
    as_float,
    as_image,
    as_int,
    as_json,
    as_rgb,
    as_str,
    classification,
    detections,
    field,
    instance_segmentation,
    keypoints_detection,
    list_of,
    object_detection,
    run_rows,
    run_rows_async,
    specification_from_json,
)

__all__ = [
    "Classification",
    "Detections",
    "ImageArray",
    "JsonInput",
    "JsonValue",
    "Parser",
    "RowParser",
    "WorkflowSource",
    "as_bool",
    "as_float",
    "as_image",
    "as_int",
    "as_json",
    "as_rgb",
    "as_str",
    "classification",
    "detections",
    "field",
    "instance_segmentation",
    "keypoints_detection",
    "list_of",
    "object_detection",
    "run_rows",
    "run_rows_async",
    "specification_from_json",
]
