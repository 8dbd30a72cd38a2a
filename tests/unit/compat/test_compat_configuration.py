"""InferenceConfiguration: the 36 fields of inference-sdk 1.8.3, their defaults and wire names.

Every field is set to a distinctive non-default value, ``infer`` runs against the fake server,
and the exact JSON body (v1) or query string (v0) is compared with the tables below. The tables
transcribe 1.8.3's ``InferenceConfiguration.to_*_parameters`` (inference_sdk/http/entities.py):
that is the compatibility being documented. 1.8.3 itself (bench/.venvs/sdk, installed by
``make unit``) computes the same values, and they are compared.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from typing import Any

import pytest

from rf_client import (
    ApiKeyTransport,
    HTTPClientMode,
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidParameterError,
    VisualisationResponseFormat,
)
from rf_client.config import ApiKeyTransportName, ConfigurationChanges
from tests.support.fake_server import FakeServer, RecordedRequest
from tests.unit.compat.compat_support import (
    IMAGES_DIR,
    ModelSpec,
    Runner,
    infer_requests,
    run_in_sdk,
    sdk_available,
    serve_models,
)

IMAGE = str(IMAGES_DIR / "page.png")  # 384 x 191: smaller than any model input used here

DEFAULTS: list[tuple[str, Any]] = [
    ("confidence_threshold", None),
    ("keypoint_confidence_threshold", None),
    ("format", None),
    ("mask_decode_mode", None),
    ("tradeoff_factor", None),
    ("max_candidates", None),
    ("max_detections", None),
    ("iou_threshold", None),
    ("stroke_width", None),
    ("count_inference", None),
    ("service_secret", None),
    ("disable_preproc_auto_orientation", None),
    ("disable_preproc_contrast", None),
    ("disable_preproc_grayscale", None),
    ("disable_preproc_static_crop", None),
    ("class_agnostic_nms", None),
    ("class_filter", None),
    ("fix_batch_size", None),
    ("include_anomaly_map", None),
    ("visualize_predictions", False),
    ("visualize_labels", None),
    ("output_visualisation_format", VisualisationResponseFormat.BASE64),
    ("image_extensions_for_directory_scan", ["jpg", "jpeg", "JPG", "JPEG", "png", "PNG"]),
    ("client_downsizing_disabled", True),
    ("default_max_input_size", 1024),
    ("disable_active_learning", False),
    ("active_learning_target_dataset", None),
    ("max_concurrent_requests", 1),
    ("max_batch_size", 1),
    ("source", None),
    ("source_info", None),
    ("profiling_directory", "./inference_profiling"),
    ("workflow_run_retries_enabled", True),
    ("response_mask_format", None),
    ("api_key_transport", None),
    ("allow_reduced_mask_resolution", False),
]
"""inference-sdk 1.8.3's fields, in declaration order (positional construction), with defaults.

``workflow_run_retries_enabled`` defaults to the WORKFLOW_RUN_RETRIES_ENABLED environment
variable, True when unset (as in 1.8.3).
"""

EVERY_FIELD_SET: dict[str, Any] = {
    "confidence_threshold": 0.31,
    "keypoint_confidence_threshold": 0.42,
    "format": "image_and_json",
    "mask_decode_mode": "tradeoff",
    "tradeoff_factor": 0.53,
    "max_candidates": 123,
    "max_detections": 45,
    "iou_threshold": 0.64,
    "stroke_width": 7,
    "count_inference": False,
    "service_secret": "s3cret-xyz",
    "disable_preproc_auto_orientation": True,
    "disable_preproc_contrast": True,
    "disable_preproc_grayscale": True,
    "disable_preproc_static_crop": True,
    "class_agnostic_nms": True,
    "class_filter": ["cat", "dog"],
    "fix_batch_size": True,
    "include_anomaly_map": True,
    "visualize_predictions": True,
    "visualize_labels": True,
    "output_visualisation_format": VisualisationResponseFormat.PILLOW,
    "image_extensions_for_directory_scan": ["bmp"],
    "client_downsizing_disabled": False,
    "default_max_input_size": 4096,
    "disable_active_learning": True,
    "active_learning_target_dataset": "target-ds",
    "max_concurrent_requests": 2,
    "max_batch_size": 3,
    "source": "src-app",
    "source_info": "src-info",
    "profiling_directory": "/tmp/rf-profiles",
    "workflow_run_retries_enabled": False,
    "response_mask_format": "rle",
    "api_key_transport": "header",
    "allow_reduced_mask_resolution": True,
}
"""A value different from the default for each of the 36 fields."""

PREPROCESSING = {
    "disable_preproc_auto_orient": True,
    "disable_preproc_contrast": True,
    "disable_preproc_grayscale": True,
    "disable_preproc_static_crop": True,
}
SOURCE = {"source": "src-app", "source_info": "src-info"}
ACTIVE_LEARNING = {"disable_active_learning": True, "active_learning_target_dataset": "target-ds"}
DETECTION_BODY = {
    **PREPROCESSING,
    "class_agnostic_nms": True,
    "class_filter": ["cat", "dog"],
    "confidence": 0.31,
    "fix_batch_size": True,
    "iou_threshold": 0.64,
    "max_detections": 45,
    "max_candidates": 123,
    "visualization_labels": True,
    "visualization_stroke_width": 7,
    "visualize_predictions": True,
    **ACTIVE_LEARNING,
    **SOURCE,
}
V1_BODY: dict[str, dict[str, Any]] = {
    # to_object_detection_parameters()
    "object-detection": DETECTION_BODY,
    # to_keypoints_detection_parameters(): detection plus keypoint_confidence
    "keypoint-detection": {**DETECTION_BODY, "keypoint_confidence": 0.42},
    # to_instance_segmentation_parameters(): detection plus the mask fields
    "instance-segmentation": {
        **DETECTION_BODY,
        "mask_decode_mode": "tradeoff",
        "tradeoff_factor": 0.53,
        "allow_reduced_mask_resolution": True,
        "response_mask_format": "rle",
    },
    # to_classification_parameters(): no NMS, labels, class filter or batch fields
    "classification": {
        "include_anomaly_map": True,
        **PREPROCESSING,
        "confidence": 0.31,
        "visualize_predictions": True,
        "visualization_stroke_width": 7,
        **ACTIVE_LEARNING,
        **SOURCE,
    },
    # Beyond 1.8.3 (it has no semantic-segmentation route): what the v1 request model takes.
    "semantic-segmentation": {**PREPROCESSING, "confidence": 0.31, **SOURCE},
}
"""The v1 JSON body fields (besides ``model_id`` and ``image``) of each task type."""

V1_BILLING_QUERY = {"service_secret": "s3cret-xyz", "countinference": "false"}
"""to_api_v1_query_parameters(): the billing fields go in the query string in v1."""

V0_QUERY = {
    "confidence": "0.31",
    "keypoint_confidence": "0.42",
    "format": "image_and_json",
    "labels": "true",
    "mask_decode_mode": "tradeoff",
    "tradeoff_factor": "0.53",
    "allow_reduced_mask_resolution": "true",
    "max_detections": "45",
    "overlap": "0.64",
    "stroke": "7",
    "disable_preproc_auto_orient": "true",
    "disable_preproc_contrast": "true",
    "disable_preproc_grayscale": "true",
    "disable_preproc_static_crop": "true",
    "disable_active_learning": "true",
    "active_learning_target_dataset": "target-ds",
    "source": "src-app",
    "source_info": "src-info",
    "response_mask_format": "rle",
    "include_anomaly_map": "true",
    "countinference": "false",
    "service_secret": "s3cret-xyz",
}
"""to_legacy_call_parameters(): the v0 query, the same for every task type."""

V1_DEFAULT_BODY: dict[str, dict[str, Any]] = {
    "object-detection": {"visualize_predictions": False, "disable_active_learning": False},
    "keypoint-detection": {"visualize_predictions": False, "disable_active_learning": False},
    "instance-segmentation": {
        "visualize_predictions": False,
        "disable_active_learning": False,
        "allow_reduced_mask_resolution": False,
    },
    "classification": {"visualize_predictions": False, "disable_active_learning": False},
    "semantic-segmentation": {},
}
"""What a default configuration sends in v1: the non-None defaults only (1.8.3 drops None)."""

V0_DEFAULT_QUERY = {"disable_active_learning": "false", "allow_reduced_mask_resolution": "false"}

TASKS = list(V1_BODY)
SDK_TASKS = [task for task in TASKS if task != "semantic-segmentation"]


def query_of(request: RecordedRequest) -> dict[str, str]:
    """The query string as a flat dict (booleans lower-cased: servers read either case)."""
    flat: dict[str, str] = {}
    for name, values in request.query.items():
        assert len(values) == 1, f"{name} sent {len(values)} times"
        value = values[0]
        flat[name] = value.lower() if value in ("True", "False") else value
    return flat


def body_fields(request: RecordedRequest) -> dict[str, Any]:
    """The v1 JSON body without ``model_id`` and ``image``."""
    body = dict(request.json())
    body.pop("model_id")
    body.pop("image")
    return body


def test_the_36_fields_exist_in_order_with_the_same_defaults() -> None:
    fields = dataclasses.fields(InferenceConfiguration)
    assert [f.name for f in fields] == [name for name, _ in DEFAULTS]
    assert len(fields) == 36
    default = InferenceConfiguration()
    for name, expected in DEFAULTS:
        assert getattr(default, name) == expected, name
    assert InferenceConfiguration.init_default() == default
    # Positional construction, as 1.8.3 code may do it.
    assert InferenceConfiguration(0.5).confidence_threshold == 0.5
    assert set(EVERY_FIELD_SET) == {name for name, _ in DEFAULTS}
    assert all(EVERY_FIELD_SET[name] != value for name, value in DEFAULTS)


def test_every_field_accepts_a_non_default_value() -> None:
    configuration = InferenceConfiguration(**EVERY_FIELD_SET)
    for name, value in EVERY_FIELD_SET.items():
        assert getattr(configuration, name) == value, name
    assert configuration.api_key_transport is ApiKeyTransport.HEADER
    assert "s3cret-xyz" not in repr(configuration)


def test_defaults_match_inference_sdk_1_8_3() -> None:
    if not sdk_available():
        pytest.skip("inference-sdk 1.8.3 not installed in bench/.venvs/sdk: no cross-check")
    sdk_defaults = run_in_sdk(
        "import dataclasses, json\n"
        "from inference_sdk.http.entities import InferenceConfiguration as C\n"
        "d = C()\n"
        "print(json.dumps([[f.name, getattr(d, f.name)] for f in dataclasses.fields(C)]))"
    )
    ours = [[name, value] for name, value in DEFAULTS]
    assert json.loads(json.dumps(ours)) == sdk_defaults


@pytest.mark.parametrize("task_type", TASKS)
def test_v1_body_carries_every_field_under_its_1_8_3_name(
    fake_server: FakeServer, runner: Runner, task_type: str
) -> None:
    serve_models(fake_server, {"m/1": ModelSpec(task_type)})
    client = InferenceHTTPClient(fake_server.url, "key")
    client.configure(InferenceConfiguration(**EVERY_FIELD_SET))
    runner.one(client, IMAGE, "m/1")
    (request,) = infer_requests(fake_server)
    assert request.json()["model_id"] == "m/1"
    assert body_fields(request) == V1_BODY[task_type]
    assert query_of(request) == V1_BILLING_QUERY
    assert request.headers["authorization"] == "Bearer key"


def test_v1_instance_segmentation_mask_fields_without_response_mask_format(
    fake_server: FakeServer, runner: Runner
) -> None:
    # The mask fields that do not hit the response_mask_format bug above, checked on their own.
    serve_models(fake_server, {"m/1": ModelSpec("instance-segmentation")})
    client = InferenceHTTPClient(fake_server.url, "key")
    settings = {**EVERY_FIELD_SET, "response_mask_format": None}
    client.configure(InferenceConfiguration(**settings))
    runner.one(client, IMAGE, "m/1")
    (request,) = infer_requests(fake_server)
    expected = dict(V1_BODY["instance-segmentation"])
    del expected["response_mask_format"]
    assert body_fields(request) == expected
    assert query_of(request) == V1_BILLING_QUERY


@pytest.mark.parametrize("task_type", TASKS)
def test_v1_default_configuration_sends_only_non_none_defaults(
    fake_server: FakeServer, runner: Runner, task_type: str
) -> None:
    serve_models(fake_server, {"m/1": ModelSpec(task_type)})
    client = InferenceHTTPClient(fake_server.url, "key")
    runner.one(client, IMAGE, "m/1")
    (request,) = infer_requests(fake_server)
    assert body_fields(request) == V1_DEFAULT_BODY[task_type]
    assert query_of(request) == {}


@pytest.mark.parametrize("task_type", TASKS)
def test_v0_query_carries_every_field_under_its_1_8_3_name(
    fake_server: FakeServer, runner: Runner, task_type: str
) -> None:
    serve_models(fake_server, {"m/1": ModelSpec(task_type)})
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    client.configure(InferenceConfiguration(**EVERY_FIELD_SET))
    runner.one(client, IMAGE, "m/1")
    (request,) = fake_server.requests  # v0 never asks the registry
    assert request.path == "/m/1"
    assert query_of(request) == V0_QUERY
    assert request.headers["authorization"] == "Bearer key"


def test_v0_default_configuration_query(fake_server: FakeServer, runner: Runner) -> None:
    serve_models(fake_server, {"m/1": ModelSpec()})
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    client.configure(InferenceConfiguration(api_key_transport="legacy"))
    runner.one(client, IMAGE, "m/1")
    (request,) = fake_server.requests
    assert query_of(request) == {**V0_DEFAULT_QUERY, "api_key": "key"}
    assert "authorization" not in request.headers


def test_confidence_presets_travel_as_text(fake_server: FakeServer, runner: Runner) -> None:
    serve_models(fake_server, {"m/1": ModelSpec()})
    client = InferenceHTTPClient(fake_server.url, "key")
    with client.use_configuration(InferenceConfiguration(confidence_threshold="best")):
        runner.one(client, IMAGE, "m/1")
    with (
        client.use_api_v0(),
        client.use_configuration(InferenceConfiguration(confidence_threshold="default")),
    ):
        runner.one(client, IMAGE, "m/1")
    v1, v0 = infer_requests(fake_server)
    assert v1.json()["confidence"] == "best"
    assert v0.param("confidence") == "default"


@pytest.mark.parametrize(
    ("mode", "transport", "header", "legacy"),
    [
        (HTTPClientMode.V1, None, True, False),
        (HTTPClientMode.V1, "header", True, False),
        (HTTPClientMode.V1, "legacy", False, True),
        (HTTPClientMode.V1, "both", True, True),
        (HTTPClientMode.V0, None, True, True),
        (HTTPClientMode.V0, "header", True, False),
        (HTTPClientMode.V0, "legacy", False, True),
        (HTTPClientMode.V0, "both", True, True),
    ],
)
def test_api_key_transport_decides_where_the_key_goes(
    fake_server: FakeServer,
    runner: Runner,
    mode: HTTPClientMode,
    transport: ApiKeyTransportName | None,
    header: bool,
    legacy: bool,
) -> None:
    serve_models(fake_server, {"m/1": ModelSpec()})
    client = InferenceHTTPClient(fake_server.url, "the-key")
    client.configure(InferenceConfiguration(api_key_transport=transport))
    if mode is HTTPClientMode.V0:
        client.select_api_v0()
    runner.one(client, IMAGE, "m/1")
    (request,) = infer_requests(fake_server)
    assert (request.headers.get("authorization") == "Bearer the-key") is header
    assert ("authorization" in request.headers) is header
    if mode is HTTPClientMode.V1:
        assert (request.json().get("api_key") == "the-key") is legacy
        assert ("api_key" in request.json()) is legacy
        assert request.param("api_key") is None
    else:
        assert (request.param("api_key") == "the-key") is legacy
        assert ("api_key" in request.query) is legacy


@pytest.fixture(scope="module")
def sdk_wire() -> dict[str, Any]:
    """1.8.3's own wire parameters for EVERY_FIELD_SET and for the defaults."""
    if not sdk_available():
        pytest.skip("inference-sdk 1.8.3 not installed in bench/.venvs/sdk: no cross-check")
    values = {
        **EVERY_FIELD_SET,
        "output_visualisation_format": EVERY_FIELD_SET["output_visualisation_format"].value,
    }
    code = f"""
import json
from inference_sdk.http.entities import HTTPClientMode, InferenceConfiguration as C
full = C(**json.loads({json.dumps(json.dumps(values))}))
default = C(api_key_transport="legacy")
out = {{}}
for name, config in (("full", full), ("default", default)):
    out[name] = {{
        "v1": {{t: config.to_api_call_parameters(HTTPClientMode.V1, t) for t in {SDK_TASKS!r}}},
        "v1_query": config.to_api_v1_query_parameters(),
        "v0": config.to_legacy_call_parameters(),
    }}
print(json.dumps(out))
"""
    result: dict[str, Any] = run_in_sdk(code)
    return result


@pytest.mark.parametrize("task_type", SDK_TASKS)
def test_v1_wire_matches_inference_sdk_1_8_3(
    fake_server: FakeServer, sdk_wire: dict[str, Any], task_type: str
) -> None:
    serve_models(fake_server, {"m/1": ModelSpec(task_type)})
    client = InferenceHTTPClient(fake_server.url, "key")
    client.configure(InferenceConfiguration(**EVERY_FIELD_SET))
    client.infer(IMAGE, model_id="m/1")
    client.configure(InferenceConfiguration())
    client.infer(IMAGE, model_id="m/1")
    full, default = infer_requests(fake_server)
    assert body_fields(full) == sdk_wire["full"]["v1"][task_type]
    assert body_fields(default) == sdk_wire["default"]["v1"][task_type]
    expected_query = {
        k: str(v).lower() if isinstance(v, bool) else str(v)
        for k, v in sdk_wire["full"]["v1_query"].items()
    }
    assert query_of(full) == expected_query
    assert sdk_wire["default"]["v1_query"] is None
    assert query_of(default) == {}
    # The public to_*_parameters methods (1.8.3 code calls them) agree too.
    ours = InferenceConfiguration(**EVERY_FIELD_SET)
    assert (
        ours.to_api_call_parameters(HTTPClientMode.V1, task_type)
        == (sdk_wire["full"]["v1"][task_type])
    )


def test_v0_wire_matches_inference_sdk_1_8_3(
    fake_server: FakeServer, sdk_wire: dict[str, Any]
) -> None:
    serve_models(fake_server, {"m/1": ModelSpec()})
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    client.configure(InferenceConfiguration(**EVERY_FIELD_SET))
    client.infer(IMAGE, model_id="m/1")
    client.configure(InferenceConfiguration(api_key_transport="legacy"))
    client.infer(IMAGE, model_id="m/1")
    full, default = fake_server.requests

    def as_query(parameters: dict[str, Any]) -> dict[str, str]:
        return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in parameters.items()}

    assert query_of(full) == as_query(sdk_wire["full"]["v0"])
    assert query_of(default) == {**as_query(sdk_wire["default"]["v0"]), "api_key": "key"}
    ours = InferenceConfiguration(**EVERY_FIELD_SET).to_legacy_call_parameters()
    assert ours == sdk_wire["full"]["v0"]


def test_replace_keywords_are_the_fields_with_their_types() -> None:
    # replace(**changes: Unpack[ConfigurationChanges]): the TypedDict must track the fields.
    fields = typing.get_type_hints(InferenceConfiguration)
    keywords = typing.get_type_hints(ConfigurationChanges)
    assert list(keywords) == [f.name for f in dataclasses.fields(InferenceConfiguration)]
    assert keywords == {name: fields[name] for name in keywords}
    assert ConfigurationChanges.__required_keys__ == frozenset()


def test_replace_validates_and_refuses_unknown_fields() -> None:
    base = InferenceConfiguration(max_batch_size=4)
    changed = base.replace(confidence_threshold=0.5, max_concurrent_requests=8)
    assert (changed.confidence_threshold, changed.max_concurrent_requests) == (0.5, 8)
    assert changed.max_batch_size == 4
    assert base.confidence_threshold is None
    misspelt: Any = {"confidence_treshold": 0.5}  # untyped callers get the runtime check
    with pytest.raises(InvalidParameterError, match="confidence_treshold"):
        base.replace(**misspelt)
    with pytest.raises(InvalidParameterError, match="max_batch_size"):
        base.replace(max_batch_size=0)
