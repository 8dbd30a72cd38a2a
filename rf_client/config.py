"""Client configuration: :class:`InferenceConfiguration` and the names its fields travel under.

The configuration is a frozen dataclass with the 36 fields of inference-sdk 1.8.3, validated
when it is built: a value the server would refuse, or a batch or concurrency setting below 1,
raises :class:`~rf_client.errors.InvalidParameterError` before anything is sent.

Which fields a request carries, and under which wire name, depends on the API version and the
model's task type; that is data (``V0_QUERY_PARAMETERS``, ``V1_BODY_PARAMETERS``), not
branches.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any, Literal, TypeAlias, TypedDict, Unpack

from rf_client.errors import (
    InvalidFlagTextError,
    InvalidParameterError,
    ModelTaskTypeNotSupportedError,
)


class HTTPClientMode(str, Enum):
    """Which API the client speaks: the hosted v0 API or a self-hosted server's v1 API."""

    V0 = "v0"
    V1 = "v1"


class VisualisationResponseFormat(str, Enum):
    """The form visualisations (and workflow image outputs) are returned in."""

    BASE64 = "base64"
    NUMPY = "numpy"
    PILLOW = "pillow"


class ApiKeyTransport(str, Enum):
    """How the API key reaches the server.

    Attributes:
        LEGACY: As the ``api_key`` query parameter (v0) or JSON-body field (v1) only.
        BOTH: The legacy channel plus an ``Authorization: Bearer`` header.
        HEADER: Only the ``Authorization: Bearer`` header (inference servers 1.5.0 and newer):
            the key never appears in a URL or a body.
    """

    LEGACY = "legacy"
    BOTH = "both"
    HEADER = "header"


Confidence: TypeAlias = float | Literal["best", "default"]
"""A confidence threshold in [0, 1], or ``"best"`` / ``"default"`` on servers that know them."""

ResultFormat: TypeAlias = Literal["json", "image", "image_and_json"]
"""What the v0 route answers: predictions, the annotated image, or both."""

MaskDecodeMode: TypeAlias = Literal["accurate", "fast", "tradeoff"]
"""How instance-segmentation masks are decoded."""

MaskFormat: TypeAlias = Literal["polygon", "rle"]
"""How instance-segmentation masks come back."""

ApiKeyTransportName: TypeAlias = Literal["legacy", "both", "header"]
"""The values of :class:`ApiKeyTransport` as strings."""

OcrModel: TypeAlias = Literal["doctr", "trocr", "easy_ocr", "pp_ocr"]
"""The OCR engines of ``ocr_image``."""

DepthMapFormat: TypeAlias = Literal["json", "png16", "png8"]
"""How ``depth_estimation`` asks for the depth map: a nested float list or a 16/8-bit PNG."""

ClipInputType: TypeAlias = Literal["image", "text"]
"""What a CLIP comparison's subject or prompt is."""

SamMaskFormat: TypeAlias = Literal["json", "rle", "binary"]
"""How SAM 2 returns masks (json: polygons) and takes mask inputs."""

TaskType: TypeAlias = str
"""A model's task type, as the server's model registry reports it."""

OBJECT_DETECTION_TASK = "object-detection"
"""Task type of object-detection models (``/infer/object_detection``)."""
INSTANCE_SEGMENTATION_TASK = "instance-segmentation"
"""Task type of instance-segmentation models (``/infer/instance_segmentation``)."""
SEMANTIC_SEGMENTATION_TASK = "semantic-segmentation"
"""Task type of semantic-segmentation models (``/infer/semantic_segmentation``)."""
CLASSIFICATION_TASK = "classification"
"""Task type of single- and multi-label classification models (``/infer/classification``)."""
KEYPOINTS_DETECTION_TASK = "keypoint-detection"
"""Task type of key-point detection models (``/infer/keypoints_detection``)."""
ACTION_RECOGNITION_TASK = "action-recognition"
"""Task type of action-recognition models, which take video clips (``infer_on_video``)."""

DEFAULT_IMAGE_EXTENSIONS = ["jpg", "jpeg", "JPG", "JPEG", "png", "PNG"]
"""Default of ``image_extensions_for_directory_scan`` (inference-sdk 1.8.3's)."""
DEFAULT_MAX_INPUT_SIZE = 1024
"""Default of ``default_max_input_size``: the downsizing limit when a model's is unknown."""
RESULT_FORMATS = ("json", "image", "image_and_json")
"""The values of ``format`` (v0 only)."""
MASK_DECODE_MODES = ("accurate", "fast", "tradeoff")
"""The values of ``mask_decode_mode``."""
MASK_FORMATS = ("polygon", "rle")
"""The values of ``response_mask_format``."""


def str2bool(value: str | bool) -> bool:
    """``"true"``/``"false"`` (any case) or a bool as a bool, as inference-sdk 1.8.3 reads flags.

    Raises:
        InvalidFlagTextError: Any other text (an InvalidParameterError and a ValueError).
    """
    if isinstance(value, bool):
        return value
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise InvalidFlagTextError(f"expected 'true' or 'false', not {value!r}.")


def _env_flag(name: str, default: bool) -> bool:
    value = os.getenv(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


WORKFLOW_RUN_RETRIES_ENABLED = _env_flag("WORKFLOW_RUN_RETRIES_ENABLED", True)
"""Default of ``workflow_run_retries_enabled`` (env ``WORKFLOW_RUN_RETRIES_ENABLED``, as 1.8.3)."""


class ConfigurationChanges(TypedDict, total=False):
    """The fields :meth:`InferenceConfiguration.replace` takes, so type checkers see a typo.

    Kept in step with :class:`InferenceConfiguration`'s fields (names and types) by a test.
    """

    confidence_threshold: Confidence | None
    keypoint_confidence_threshold: float | None
    format: ResultFormat | None
    mask_decode_mode: MaskDecodeMode | None
    tradeoff_factor: float | None
    max_candidates: int | None
    max_detections: int | None
    iou_threshold: float | None
    stroke_width: int | None
    count_inference: bool | None
    service_secret: str | None
    disable_preproc_auto_orientation: bool | None
    disable_preproc_contrast: bool | None
    disable_preproc_grayscale: bool | None
    disable_preproc_static_crop: bool | None
    class_agnostic_nms: bool | None
    class_filter: list[str] | None
    fix_batch_size: bool | None
    include_anomaly_map: bool | None
    visualize_predictions: bool
    visualize_labels: bool | None
    output_visualisation_format: VisualisationResponseFormat
    image_extensions_for_directory_scan: list[str] | None
    client_downsizing_disabled: bool
    default_max_input_size: int
    disable_active_learning: bool
    active_learning_target_dataset: str | None
    max_concurrent_requests: int
    max_batch_size: int
    source: str | None
    source_info: str | None
    profiling_directory: str
    workflow_run_retries_enabled: bool
    response_mask_format: MaskFormat | None
    api_key_transport: ApiKeyTransport | ApiKeyTransportName | None
    allow_reduced_mask_resolution: bool


@dataclasses.dataclass(frozen=True)
class InferenceConfiguration:
    """Settings for models trained on the platform, and for the client itself.

    Server-side fields (thresholds, NMS, visualisation, preprocessing) are sent only to the
    model routes and task types that take them, under their wire names. Client-side fields
    (formats, downsizing, batching, concurrency) shape what the client does.

    Attributes:
        confidence_threshold: Drop predictions below this confidence (``confidence``).
        keypoint_confidence_threshold: Drop key points below this confidence.
        format: v0 only: ``json``, ``image`` or ``image_and_json``.
        mask_decode_mode: Instance segmentation: ``accurate``, ``fast`` or ``tradeoff``.
        tradeoff_factor: Between 0 (fast) and 1 (accurate) for the ``tradeoff`` mode.
        max_candidates: Candidates passed to NMS.
        max_detections: Predictions returned at most.
        iou_threshold: NMS IoU threshold (``overlap`` in v0).
        stroke_width: Stroke width of server-side visualisations.
        count_inference: False asks the server not to count the call (needs service_secret).
        service_secret: Shared secret of internal services; never logged or shown.
        disable_preproc_auto_orientation: Disable EXIF auto-orientation.
        disable_preproc_contrast: Disable contrast preprocessing.
        disable_preproc_grayscale: Disable grayscale preprocessing.
        disable_preproc_static_crop: Disable static-crop preprocessing.
        class_agnostic_nms: Run NMS across classes.
        class_filter: Keep only these classes.
        fix_batch_size: Pad batches to the server's batch size.
        include_anomaly_map: Anomaly detection: include the heat map.
        visualize_predictions: Ask the server to draw the predictions (``visualization``).
        visualize_labels: Draw class labels on visualisations.
        output_visualisation_format: BASE64, NUMPY or PILLOW for returned images.
        image_extensions_for_directory_scan: File extensions ``infer_on_stream`` takes from a
            directory.
        client_downsizing_disabled: False downsizes images larger than the model input
            before sending (and rescales the predictions back).
        default_max_input_size: Downsizing limit when the model's input size is unknown.
        disable_active_learning: Keep images out of Active Learning.
        active_learning_target_dataset: Project Active Learning registers images in.
        max_concurrent_requests: Requests in flight at once (at least 1); for a client of
            several servers the total over all of them, spread to the least busy.
        max_batch_size: Images per request (at least 1; v0 always sends one).
        source: Where requests come from, for model monitoring.
        source_info: More detail on the source.
        profiling_directory: Where workflow profiler traces are saved.
        workflow_run_retries_enabled: Retry workflow runs on transient failures.
        response_mask_format: Instance segmentation masks as ``polygon`` or ``rle``.
        api_key_transport: How the API key travels (see :class:`ApiKeyTransport`); None
            picks the header for v1 and header plus query parameter for v0.
        allow_reduced_mask_resolution: Let the mask decoding settings reduce resolution.
    """

    confidence_threshold: Confidence | None = None
    keypoint_confidence_threshold: float | None = None
    format: ResultFormat | None = None
    mask_decode_mode: MaskDecodeMode | None = None
    tradeoff_factor: float | None = None
    max_candidates: int | None = None
    max_detections: int | None = None
    iou_threshold: float | None = None
    stroke_width: int | None = None
    count_inference: bool | None = None
    service_secret: str | None = dataclasses.field(default=None, repr=False)
    disable_preproc_auto_orientation: bool | None = None
    disable_preproc_contrast: bool | None = None
    disable_preproc_grayscale: bool | None = None
    disable_preproc_static_crop: bool | None = None
    class_agnostic_nms: bool | None = None
    class_filter: list[str] | None = None
    fix_batch_size: bool | None = None
    include_anomaly_map: bool | None = None
    visualize_predictions: bool = False
    visualize_labels: bool | None = None
    output_visualisation_format: VisualisationResponseFormat = VisualisationResponseFormat.BASE64
    image_extensions_for_directory_scan: list[str] | None = dataclasses.field(
        default_factory=lambda: list(DEFAULT_IMAGE_EXTENSIONS)
    )
    client_downsizing_disabled: bool = True
    default_max_input_size: int = DEFAULT_MAX_INPUT_SIZE
    disable_active_learning: bool = False
    active_learning_target_dataset: str | None = None
    max_concurrent_requests: int = 1
    max_batch_size: int = 1
    source: str | None = None
    source_info: str | None = None
    profiling_directory: str = "./inference_profiling"
    workflow_run_retries_enabled: bool = WORKFLOW_RUN_RETRIES_ENABLED
    response_mask_format: MaskFormat | None = None
    api_key_transport: ApiKeyTransport | ApiKeyTransportName | None = None
    allow_reduced_mask_resolution: bool = False

    def __post_init__(self) -> None:
        _validate(self)

    def __repr__(self) -> str:
        changed = [
            f"{f.name}={getattr(self, f.name)!r}"
            for f in dataclasses.fields(self)
            if f.repr and getattr(self, f.name) != _DEFAULTS.get(f.name)
        ]
        if self.service_secret is not None:
            changed.append("service_secret='***'")
        return f"InferenceConfiguration({', '.join(changed)})"

    @classmethod
    def init_default(cls) -> InferenceConfiguration:
        """The default configuration."""
        return cls()

    def replace(self, **changes: Unpack[ConfigurationChanges]) -> InferenceConfiguration:
        """A copy with ``changes`` applied (validated like a new configuration).

        ``config.replace(max_batch_size=8, confidence_threshold=0.5)``; type checkers know the
        field names and types.

        Raises:
            InvalidParameterError: A field name is unknown, or a value is invalid.
        """
        unknown = sorted(set(changes) - {field.name for field in dataclasses.fields(self)})
        if unknown:
            raise InvalidParameterError(
                f"InferenceConfiguration has no field {', '.join(map(repr, unknown))}; see "
                "dataclasses.fields(InferenceConfiguration) for the 36 it has."
            )
        return dataclasses.replace(self, **changes)

    # Wire parameters (kept public: inference-sdk 1.8.3 code calls these).

    def to_api_call_parameters(
        self, client_mode: HTTPClientMode, task_type: TaskType
    ) -> dict[str, Any]:
        """The fields a model request carries in ``client_mode`` for ``task_type``, by wire name."""
        if client_mode is HTTPClientMode.V0:
            return self.to_legacy_call_parameters()
        table = V1_BODY_PARAMETERS.get(task_type)
        if table is None:
            raise ModelTaskTypeNotSupportedError(
                f"Model task {task_type!r} has no v1 inference route in rf-client; supported: "
                f"{', '.join(sorted(V1_BODY_PARAMETERS))}."
            )
        return _wire_values(self, table)

    def to_object_detection_parameters(self) -> dict[str, Any]:
        """The v1 body fields of an object-detection request."""
        return _wire_values(self, V1_BODY_PARAMETERS[OBJECT_DETECTION_TASK])

    def to_instance_segmentation_parameters(self) -> dict[str, Any]:
        """The v1 body fields of an instance-segmentation request."""
        return _wire_values(self, V1_BODY_PARAMETERS[INSTANCE_SEGMENTATION_TASK])

    def to_keypoints_detection_parameters(self) -> dict[str, Any]:
        """The v1 body fields of a keypoint-detection request."""
        return _wire_values(self, V1_BODY_PARAMETERS[KEYPOINTS_DETECTION_TASK])

    def to_classification_parameters(self) -> dict[str, Any]:
        """The v1 body fields of a classification request."""
        return _wire_values(self, V1_BODY_PARAMETERS[CLASSIFICATION_TASK])

    def to_legacy_call_parameters(self) -> dict[str, Any]:
        """The v0 query parameters of a model request (billing parameters included)."""
        parameters = _wire_values(self, V0_QUERY_PARAMETERS)
        parameters.update(self.to_billing_query_parameters() or {})
        return parameters

    def to_billing_query_parameters(self) -> dict[str, Any] | None:
        """``service_secret`` and ``countinference`` when set; they go in the query string."""
        return _wire_values(self, BILLING_QUERY_PARAMETERS) or None

    def to_api_v1_query_parameters(self) -> dict[str, Any] | None:
        """The v1 query parameters of a model request (the billing ones)."""
        return self.to_billing_query_parameters()

    def to_source_parameters(self) -> dict[str, str]:
        """``source`` and ``source_info`` when set."""
        return _wire_values(self, SOURCE_PARAMETERS)


WireTable: TypeAlias = Sequence[tuple[str, str]]
"""(configuration field, wire name) pairs."""

PREPROCESSING: WireTable = (
    ("disable_preproc_auto_orientation", "disable_preproc_auto_orient"),
    ("disable_preproc_contrast", "disable_preproc_contrast"),
    ("disable_preproc_grayscale", "disable_preproc_grayscale"),
    ("disable_preproc_static_crop", "disable_preproc_static_crop"),
)
"""Preprocessing switches, sent to every model route."""

SOURCE_PARAMETERS: WireTable = (("source", "source"), ("source_info", "source_info"))
"""Where requests come from, for model monitoring."""

ACTIVE_LEARNING: WireTable = (
    ("disable_active_learning", "disable_active_learning"),
    ("active_learning_target_dataset", "active_learning_target_dataset"),
)
"""Active Learning settings."""

BILLING_QUERY_PARAMETERS: WireTable = (
    ("service_secret", "service_secret"),
    ("count_inference", "countinference"),
)
"""Query parameters of internal services' billing (v1 routes)."""

DETECTION: WireTable = (
    *PREPROCESSING,
    ("class_agnostic_nms", "class_agnostic_nms"),
    ("class_filter", "class_filter"),
    ("confidence_threshold", "confidence"),
    ("fix_batch_size", "fix_batch_size"),
    ("iou_threshold", "iou_threshold"),
    ("max_detections", "max_detections"),
    ("max_candidates", "max_candidates"),
    ("visualize_labels", "visualization_labels"),
    ("stroke_width", "visualization_stroke_width"),
    ("visualize_predictions", "visualize_predictions"),
    *ACTIVE_LEARNING,
    *SOURCE_PARAMETERS,
)
"""The body fields of object detection (and the base of key points and instance segmentation)."""

V1_BODY_PARAMETERS: Mapping[TaskType, WireTable] = {
    OBJECT_DETECTION_TASK: DETECTION,
    KEYPOINTS_DETECTION_TASK: (
        *DETECTION,
        ("keypoint_confidence_threshold", "keypoint_confidence"),
    ),
    INSTANCE_SEGMENTATION_TASK: (
        *DETECTION,
        ("mask_decode_mode", "mask_decode_mode"),
        ("tradeoff_factor", "tradeoff_factor"),
        ("allow_reduced_mask_resolution", "allow_reduced_mask_resolution"),
        ("response_mask_format", "response_mask_format"),
    ),
    CLASSIFICATION_TASK: (
        ("include_anomaly_map", "include_anomaly_map"),
        *PREPROCESSING,
        ("confidence_threshold", "confidence"),
        ("visualize_predictions", "visualize_predictions"),
        ("stroke_width", "visualization_stroke_width"),
        *ACTIVE_LEARNING,
        *SOURCE_PARAMETERS,
    ),
    SEMANTIC_SEGMENTATION_TASK: (
        *PREPROCESSING,
        ("confidence_threshold", "confidence"),
        *SOURCE_PARAMETERS,
    ),
}
"""The JSON body fields of each v1 model route (inference-sdk 1.8.3's names and sets)."""

V0_QUERY_PARAMETERS: WireTable = (
    ("confidence_threshold", "confidence"),
    ("keypoint_confidence_threshold", "keypoint_confidence"),
    ("format", "format"),
    ("visualize_labels", "labels"),
    ("mask_decode_mode", "mask_decode_mode"),
    ("tradeoff_factor", "tradeoff_factor"),
    ("allow_reduced_mask_resolution", "allow_reduced_mask_resolution"),
    ("max_detections", "max_detections"),
    ("iou_threshold", "overlap"),
    ("stroke_width", "stroke"),
    *PREPROCESSING,
    *ACTIVE_LEARNING,
    *SOURCE_PARAMETERS,
    ("response_mask_format", "response_mask_format"),
    ("include_anomaly_map", "include_anomaly_map"),
)
"""The query parameters of the v0 model route (inference-sdk 1.8.3's names)."""


def _wire_values(configuration: InferenceConfiguration, table: WireTable) -> dict[str, Any]:
    values = {wire: getattr(configuration, field) for field, wire in table}
    return {wire: value for wire, value in values.items() if value is not None}


_DEFAULTS: dict[str, Any] = {}


def _check(condition: bool, field: str, value: object, expected: str) -> None:
    if not condition:
        raise InvalidParameterError(
            f"InferenceConfiguration.{field}={value!r} is invalid: expected {expected}."
        )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


BOOLEAN_FIELDS = (
    "visualize_predictions",
    "client_downsizing_disabled",
    "disable_active_learning",
    "workflow_run_retries_enabled",
    "allow_reduced_mask_resolution",
)
"""Fields that must be True or False."""

OPTIONAL_BOOLEAN_FIELDS = (
    "count_inference",
    "disable_preproc_auto_orientation",
    "disable_preproc_contrast",
    "disable_preproc_grayscale",
    "disable_preproc_static_crop",
    "class_agnostic_nms",
    "fix_batch_size",
    "include_anomaly_map",
    "visualize_labels",
)
"""Fields that must be True, False or None."""

OPTIONAL_TEXT_FIELDS = (
    "service_secret",
    "active_learning_target_dataset",
    "source",
    "source_info",
)
"""Fields that must be a string or None."""


def _check_types(config: InferenceConfiguration) -> None:
    # A flag given as "yes" or a name given as a number reaches the server as something else
    # (or breaks the generated request models): refuse it here, naming the field.
    for name in BOOLEAN_FIELDS:
        value = getattr(config, name)
        _check(isinstance(value, bool), name, value, "True or False")
    for name in OPTIONAL_BOOLEAN_FIELDS:
        value = getattr(config, name)
        _check(value is None or isinstance(value, bool), name, value, "True, False or None")
    for name in OPTIONAL_TEXT_FIELDS:
        value = getattr(config, name)
        shown = "<a secret, not shown>" if name == "service_secret" else value
        _check(
            value is None or (isinstance(value, str) and value != ""),
            name,
            shown,
            "a non-empty string or None",
        )
    directory = config.profiling_directory
    _check(
        isinstance(directory, str | os.PathLike) and os.fspath(directory) != "",
        "profiling_directory",
        directory,
        "a folder path",
    )


def _validate(config: InferenceConfiguration) -> None:
    _check_types(config)
    confidence = config.confidence_threshold
    _check(
        confidence is None
        or confidence in ("best", "default")
        or (_is_number(confidence) and 0 <= float(confidence) <= 1),
        "confidence_threshold",
        confidence,
        'a number in [0, 1], "best" or "default"',
    )
    for name in ("keypoint_confidence_threshold", "tradeoff_factor", "iou_threshold"):
        value = getattr(config, name)
        _check(
            value is None or (_is_number(value) and 0 <= value <= 1),
            name,
            value,
            "a number in [0, 1]",
        )
    for name in ("max_candidates", "max_detections", "stroke_width"):
        value = getattr(config, name)
        _check(
            value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0),
            name,
            value,
            "a whole number above 0",
        )
    for name in ("max_concurrent_requests", "max_batch_size", "default_max_input_size"):
        value = getattr(config, name)
        _check(
            isinstance(value, int) and not isinstance(value, bool) and value >= 1,
            name,
            value,
            "a whole number of at least 1",
        )
    _check(
        config.format is None or config.format in RESULT_FORMATS,
        "format",
        config.format,
        " or ".join(RESULT_FORMATS),
    )
    _check(
        config.mask_decode_mode is None or config.mask_decode_mode in MASK_DECODE_MODES,
        "mask_decode_mode",
        config.mask_decode_mode,
        " or ".join(MASK_DECODE_MODES),
    )
    _check(
        config.response_mask_format is None or config.response_mask_format in MASK_FORMATS,
        "response_mask_format",
        config.response_mask_format,
        " or ".join(MASK_FORMATS),
    )
    class_filter = config.class_filter
    _check(
        class_filter is None
        or (
            isinstance(class_filter, list | tuple) and all(isinstance(c, str) for c in class_filter)
        ),
        "class_filter",
        class_filter,
        "a list of class names",
    )
    extensions = config.image_extensions_for_directory_scan
    _check(
        extensions is None
        or (
            isinstance(extensions, list | tuple)
            and all(isinstance(e, str) and e for e in extensions)
        ),
        "image_extensions_for_directory_scan",
        extensions,
        'a list of extensions such as ["jpg", "png"]',
    )
    try:
        object.__setattr__(
            config,
            "output_visualisation_format",
            VisualisationResponseFormat(config.output_visualisation_format),
        )
    except ValueError:
        _check(
            False,
            "output_visualisation_format",
            config.output_visualisation_format,
            "one of " + ", ".join(repr(f.value) for f in VisualisationResponseFormat),
        )
    if config.api_key_transport is not None:
        try:
            object.__setattr__(
                config, "api_key_transport", ApiKeyTransport(config.api_key_transport)
            )
        except ValueError:
            _check(
                False,
                "api_key_transport",
                config.api_key_transport,
                "one of " + ", ".join(repr(t.value) for t in ApiKeyTransport),
            )


_DEFAULTS.update(
    {
        f.name: getattr(InferenceConfiguration(), f.name)
        for f in dataclasses.fields(InferenceConfiguration)
    }
)
