"""Bad input gets a clear error naming it, and nothing reaches the server.

Each case asserts the error class, that the message names the input, and that the fake
server received no request at all (inputs are checked before the first request, the model
registry lookup included).
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx
import numpy as np
import pytest
from PIL import Image

from rf_client import (
    APIKeyNotProvided,
    EncodingError,
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidInputError,
    InvalidInputFormatError,
    InvalidModelIdentifier,
    InvalidParameterError,
    InvalidParameterTypeError,
    InvalidURLImageInput,
    ModelNotSelectedError,
    RetryPolicy,
    RFClientError,
    URLImagePolicy,
    WrongClientModeError,
)
from tests.support.fake_server import FakeServer
from tests.unit.reliability.reliability_support import MODEL_ID, Caller, tiny_png

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "images"
PNG = (FIXTURES / "chelsea.png").read_bytes()
JPEG = (FIXTURES / "rocket.jpg").read_bytes()


def _file(tmp: Path, name: str, content: bytes) -> str:
    path = tmp / name
    path.write_bytes(content)
    return str(path)


@dataclass(frozen=True)
class Case:
    """One bad image input: how to make it, the error it must raise, what the message names."""

    make: Callable[[Path], object]
    error: type[RFClientError]
    names: str


IMAGE_CASES: dict[str, Case] = {
    "missing-path": Case(lambda t: str(t / "nope.jpg"), InvalidInputError, "nope.jpg"),
    "missing-relative-path": Case(lambda t: "no/such/photo.png", InvalidInputError, "photo.png"),
    "missing-pathlike": Case(lambda t: t / "gone.png", InvalidInputError, "gone.png"),
    "directory": Case(lambda t: str(t), InvalidInputError, "is a directory"),
    "empty-file": Case(lambda t: _file(t, "empty.jpg", b""), InvalidInputError, "empty.jpg"),
    "truncated-png": Case(
        lambda t: _file(t, "half.png", PNG[: len(PNG) // 2]), EncodingError, "truncated PNG"
    ),
    "truncated-jpeg": Case(
        lambda t: _file(t, "half.jpg", JPEG[: len(JPEG) // 2]), EncodingError, "truncated JPEG"
    ),
    "corrupt-png": Case(
        lambda t: _file(t, "bad.png", PNG[:120] + b"\x00" * 4000 + PNG[-64:]),
        EncodingError,
        "bad.png",
    ),
    "corrupt-jpeg": Case(
        lambda t: _file(t, "bad.jpg", JPEG[:2] + b"\x00" * 2000 + JPEG[-64:]),
        EncodingError,
        "bad.jpg",
    ),
    "text-file": Case(
        lambda t: _file(t, "notes.txt", b"hello, world"), EncodingError, "supported format"
    ),
    "svg-file": Case(
        lambda t: _file(t, "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        EncodingError,
        "logo.svg",
    ),
    "zero-size-array": Case(
        lambda t: np.zeros((0, 10, 3), np.uint8), InvalidInputError, "shape (0, 10, 3)"
    ),
    "float-array": Case(lambda t: np.zeros((8, 8, 3), np.float32), InvalidInputError, "float32"),
    "bool-array": Case(lambda t: np.zeros((8, 8), bool), InvalidInputError, "dtype bool"),
    "five-channel-array": Case(
        lambda t: np.zeros((8, 8, 5), np.uint8), InvalidInputError, "shape (8, 8, 5)"
    ),
    "one-dimensional-array": Case(
        lambda t: np.zeros((64,), np.uint8), InvalidInputError, "shape (64,)"
    ),
    "four-dimensional-array": Case(
        lambda t: np.zeros((1, 8, 8, 3), np.uint8), InvalidInputError, "shape (1, 8, 8, 3)"
    ),
    "zero-size-pil": Case(lambda t: Image.new("RGB", (0, 0)), InvalidInputError, "PIL image"),
    "bad-base64": Case(lambda t: "!!!!not-base64!!!!====", InvalidInputError, "!!!!not-base64"),
    "base64-of-text": Case(
        lambda t: base64.b64encode(b"just some text, not a picture").decode(),
        EncodingError,
        "string of 40 characters",
    ),
    "data-uri-bad-payload": Case(
        lambda t: "data:image/png;base64,@@@@", EncodingError, "payload of the data URI"
    ),
    "data-uri-not-base64": Case(
        lambda t: "data:image/png,rawtext", EncodingError, "not a base64 data URI"
    ),
    "data-uri-empty": Case(lambda t: "data:image/png;base64,", InvalidInputError, "no data"),
    "empty-bytes": Case(lambda t: b"", InvalidInputError, "bytes (0 bytes)"),
    "garbage-bytes": Case(lambda t: b"\x00\x01garbage", EncodingError, "bytes (9 bytes)"),
    "empty-string": Case(lambda t: "", InvalidInputError, "empty string"),
    "none": Case(lambda t: None, InvalidInputFormatError, "image is None"),
    "set": Case(lambda t: {PNG}, InvalidInputFormatError, "not a set"),
    "int": Case(lambda t: 42, InvalidInputFormatError, "int value"),
    "dict": Case(lambda t: {"type": "base64"}, InvalidInputFormatError, "dict value"),
    "list-with-none": Case(lambda t: [PNG, None], InvalidInputFormatError, "input #2 of 2"),
    "list-with-bad-third": Case(lambda t: [PNG, PNG, b"", PNG], InvalidInputError, "input #3 of 4"),
    "nested-list": Case(lambda t: [[PNG]], InvalidInputFormatError, "list value"),
    "ftp-url": Case(lambda t: "ftp://host/a.jpg", InvalidURLImageInput, "ftp://host/a.jpg"),
    "file-url": Case(lambda t: "file:///etc/hosts", InvalidURLImageInput, "only http://"),
    "url-without-host": Case(lambda t: "http:///a.jpg", InvalidURLImageInput, "no host"),
    "url-with-space": Case(
        lambda t: "http://exa mple.com/a.jpg", InvalidURLImageInput, "spaces or control"
    ),
    "url-bad-port": Case(
        lambda t: "http://example.com:99999/a.jpg", InvalidURLImageInput, "Port out of range"
    ),
    "url-bad-ipv6": Case(lambda t: "http://[::1/a.jpg", InvalidURLImageInput, "Invalid IPv6"),
}


@pytest.mark.parametrize("case", sorted(IMAGE_CASES))
def test_a_bad_image_input_is_refused_before_anything_is_sent(
    fake_server: FakeServer, call: Caller, tmp_path: Path, case: str
) -> None:
    spec = IMAGE_CASES[case]
    client = InferenceHTTPClient(fake_server.url, "key-123")
    with pytest.raises(RFClientError) as caught:
        call(client, "infer", spec.make(tmp_path), model_id=MODEL_ID)
    assert type(caught.value) is spec.error, f"{type(caught.value).__name__}: {caught.value}"
    assert spec.names in str(caught.value)
    assert fake_server.requests == []


@pytest.mark.parametrize(
    ("model_id", "error", "names"),
    [
        ("", InvalidModelIdentifier, "invalid model id ''"),
        ("   ", InvalidModelIdentifier, "invalid model id '   '"),
        ("my model/1", InvalidModelIdentifier, "'my model/1'"),
        ("/coco/3", InvalidModelIdentifier, "'/coco/3'"),
        ("coco/3/", InvalidModelIdentifier, "'coco/3/'"),
        ("coco//3", InvalidModelIdentifier, "'coco//3'"),
        (" coco/3", InvalidModelIdentifier, "' coco/3'"),
        ("coco/3?x=1", InvalidModelIdentifier, "'coco/3?x=1'"),
        (3, InvalidParameterTypeError, "not int"),
        (["coco/3"], InvalidParameterTypeError, "not list"),
        (None, ModelNotSelectedError, "needs a model"),
    ],
)
def test_a_bad_model_id_is_refused_before_anything_is_sent(
    fake_server: FakeServer, call: Caller, model_id: object, error: type[RFClientError], names: str
) -> None:
    client = InferenceHTTPClient(fake_server.url, "key-123")
    with pytest.raises(error) as caught:
        call(client, "infer", tiny_png(8), model_id=model_id)
    assert names in str(caught.value)
    assert fake_server.requests == []


@pytest.mark.parametrize("model_id", ["coco", "a/b/c", "project/"])
def test_a_v0_model_id_must_be_project_slash_version(
    fake_server: FakeServer, call: Caller, model_id: str
) -> None:
    client = InferenceHTTPClient(fake_server.url, "key-123").select_api_v0()
    with pytest.raises(InvalidModelIdentifier) as caught:
        call(client, "infer", tiny_png(8), model_id=model_id)
    assert repr(model_id) in str(caught.value)
    assert fake_server.requests == []


def test_v0_without_an_api_key_is_refused(fake_server: FakeServer, call: Caller) -> None:
    client = InferenceHTTPClient(fake_server.url).select_api_v0()
    with pytest.raises(APIKeyNotProvided, match="needs an API key"):
        call(client, "infer", tiny_png(8), model_id=MODEL_ID)
    assert fake_server.requests == []


@pytest.mark.parametrize("method", ["infer_from_api_v1", "list_loaded_models", "load_model"])
def test_v1_only_calls_in_v0_mode_are_refused(
    fake_server: FakeServer, call: Caller, method: str
) -> None:
    client = InferenceHTTPClient(fake_server.url, "key-123").select_api_v0()
    arguments: dict[str, tuple[Any, ...]] = {
        "infer_from_api_v1": (tiny_png(8), MODEL_ID),
        "list_loaded_models": (),
        "load_model": (MODEL_ID,),
    }
    with pytest.raises(WrongClientModeError, match="select_api_v1"):
        call(client, method, *arguments[method])
    assert fake_server.requests == []


WRONG_CONFIGURATION_VALUES: dict[str, Any] = {
    "confidence_threshold": 1.5,
    "keypoint_confidence_threshold": -0.1,
    "format": "xml",
    "mask_decode_mode": "slow",
    "tradeoff_factor": 2,
    "max_candidates": 0,
    "max_detections": -3,
    "iou_threshold": "high",
    "stroke_width": 0,
    "count_inference": "no",
    "service_secret": 1234,
    "disable_preproc_auto_orientation": "yes",
    "disable_preproc_contrast": 1,
    "disable_preproc_grayscale": "true",
    "disable_preproc_static_crop": [],
    "class_agnostic_nms": "on",
    "class_filter": "cat",
    "fix_batch_size": "y",
    "include_anomaly_map": 0,
    "visualize_predictions": "yes",
    "visualize_labels": "yes",
    "output_visualisation_format": "jpeg",
    "image_extensions_for_directory_scan": "jpg",
    "client_downsizing_disabled": None,
    "default_max_input_size": 0,
    "disable_active_learning": "false",
    "active_learning_target_dataset": 7,
    "max_concurrent_requests": 0,
    "max_batch_size": -1,
    "source": 5,
    "source_info": ["x"],
    "profiling_directory": 5,
    "workflow_run_retries_enabled": "off",
    "response_mask_format": "bitmap",
    "api_key_transport": "cookie",
    "allow_reduced_mask_resolution": 1,
}


def test_every_configuration_field_has_a_wrong_value_case() -> None:
    fields = {field.name for field in dataclasses.fields(InferenceConfiguration)}
    assert set(WRONG_CONFIGURATION_VALUES) == fields


@pytest.mark.parametrize("field", sorted(WRONG_CONFIGURATION_VALUES))
def test_a_wrong_configuration_value_is_refused_naming_its_field(
    fake_server: FakeServer, field: str
) -> None:
    client = InferenceHTTPClient(fake_server.url, "key-123")
    with pytest.raises(InvalidParameterError) as caught:
        # InferenceConfiguration checks ranges and choices, configure() the types.
        client.configure(InferenceConfiguration(**{field: WRONG_CONFIGURATION_VALUES[field]}))
    assert f"InferenceConfiguration.{field}" in str(caught.value)
    assert client.inference_configuration == InferenceConfiguration()
    assert fake_server.requests == []


def test_use_configuration_refuses_wrong_values_too(fake_server: FakeServer) -> None:
    client = InferenceHTTPClient(fake_server.url)
    with (
        pytest.raises(InvalidParameterError, match="visualize_labels"),
        client.use_configuration(InferenceConfiguration(visualize_labels="yes")),  # type: ignore[arg-type]
    ):
        pass
    with pytest.raises(InvalidParameterError, match="expected an InferenceConfiguration"):
        client.configure({"max_batch_size": 2})  # type: ignore[arg-type]


@pytest.mark.parametrize("field", sorted(WRONG_CONFIGURATION_VALUES))
def test_a_wrong_configuration_value_is_refused_when_built(field: str) -> None:
    # Not only by configure(): a configuration cannot exist with a wrong value.
    with pytest.raises(InvalidParameterError) as caught:
        InferenceConfiguration(**{field: WRONG_CONFIGURATION_VALUES[field]})
    assert f"InferenceConfiguration.{field}" in str(caught.value)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("max_batch_size", 0),
        ("max_batch_size", -4),
        ("max_concurrent_requests", 0),
        ("max_concurrent_requests", -1),
        ("default_max_input_size", 0),
        ("default_max_input_size", -640),
        ("max_batch_size", 2.5),
        ("max_concurrent_requests", True),
    ],
)
def test_batch_and_concurrency_settings_must_be_at_least_one(setting: str, value: Any) -> None:
    with pytest.raises(InvalidParameterError, match=f"{setting}=.*at least 1"):
        InferenceConfiguration(**{setting: value})


CLIENT_SETTINGS: list[tuple[str, dict[str, object], str]] = [
    ("timeout-zero", {"timeout": 0}, "timeout must be seconds above 0"),
    ("timeout-negative", {"timeout": -5}, "not -5"),
    ("timeout-text", {"timeout": "5"}, "not '5'"),
    ("timeout-infinite", {"timeout": float("inf")}, "not inf"),
    ("timeout-nan", {"timeout": float("nan")}, "not nan"),
    ("timeout-bool", {"timeout": True}, "not True"),
    ("timeout-negative-part", {"timeout": httpx.Timeout(5, connect=-1)}, "httpx.Timeout"),
    ("max-retries-negative", {"max_retries": -1}, "max_retries must be a whole number"),
    ("max-retries-float", {"max_retries": 1.5}, "not 1.5"),
    ("max-retries-bool", {"max_retries": True}, "not True"),
    ("max-retries-text", {"max_retries": "2"}, "not '2'"),
    ("url-policy-type", {"url_image_policy": {"max_bytes": 5}}, "must be a URLImagePolicy"),
    ("retry-policy-type", {"retry_policy": 3}, "must be a RetryPolicy"),
]


@pytest.mark.parametrize(
    ("settings", "names"),
    [(s, n) for _, s, n in CLIENT_SETTINGS],
    ids=[c[0] for c in CLIENT_SETTINGS],
)
def test_bad_client_settings_are_refused_by_the_client_and_with_options(
    fake_server: FakeServer, settings: dict[str, Any], names: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        InferenceHTTPClient(fake_server.url, **settings)
    assert names in str(caught.value)
    client = InferenceHTTPClient(fake_server.url)
    before = client.options
    with pytest.raises(InvalidParameterError):
        client.with_options(**settings)
    assert client.options == before
    assert fake_server.requests == []


@pytest.mark.parametrize(
    ("api_url", "names"),
    [
        ("ftp://example.com", "'ftp://example.com'"),
        ("localhost:9001", "'localhost:9001'"),
        ("http://", "'http://'"),
        ("http:///path", "'http:///path'"),
        ("", "''"),
        ("http://exa mple.com", "contains spaces"),
        ("http://[::1", "Invalid IPv6"),
        ("http://localhost:70000", "out of range"),
        (None, "not NoneType"),
        (9001, "not int"),
    ],
)
def test_a_non_http_api_url_is_refused(api_url: object, names: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        InferenceHTTPClient(api_url)  # type: ignore[arg-type]
    assert "api_url must be an http(s) URL" in str(caught.value)
    assert names in str(caught.value)


@pytest.mark.parametrize(
    "api_url",
    [
        "http://admin:hunter2pass@inference..local:9001",
        "http://admin:hunter2pass@h:99999",
        "ftp://admin:hunter2pass@h",
    ],
)
def test_a_refused_api_url_is_shown_without_its_password(api_url: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        InferenceHTTPClient(api_url)
    assert "hunter2pass" not in str(caught.value)
    assert "***@" in str(caught.value) or "://..." in str(caught.value)


def test_a_clients_repr_hides_the_api_urls_password() -> None:
    client = InferenceHTTPClient("http://admin:hunter2pass@localhost:9001")
    assert "hunter2pass" not in repr(client)
    assert "http://***@localhost:9001" in repr(client)


@pytest.mark.parametrize("api_url", ["HTTP://LOCALHOST:9001", "https://localhost/", " http://h:1 "])
def test_valid_api_urls_are_accepted_in_any_case(api_url: str) -> None:
    assert InferenceHTTPClient(api_url).api_url == api_url.strip().rstrip("/")


@pytest.mark.parametrize(
    ("api_key", "names"),
    [
        (12345, "not int"),
        ("abc\n", "line breaks"),
        (" abc", "spaces"),
        ("abc def", "spaces"),
        ("clé", "non-ASCII"),
        ("a\x00b", "line breaks"),
    ],
)
def test_an_api_key_that_cannot_be_sent_is_refused(api_key: object, names: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        InferenceHTTPClient("http://localhost:9001", api_key)  # type: ignore[arg-type]
    assert names in str(caught.value)
    if isinstance(api_key, str):
        assert api_key not in str(caught.value)


@pytest.mark.parametrize(
    ("build", "names"),
    [
        (lambda: RetryPolicy(max_retries=-1), "RetryPolicy.max_retries"),
        (lambda: RetryPolicy(initial_delay=-0.5), "RetryPolicy.initial_delay"),
        (lambda: RetryPolicy(max_delay=float("inf")), "RetryPolicy.max_delay"),
        (lambda: RetryPolicy(max_retry_after=cast("Any", "60")), "RetryPolicy.max_retry_after"),
        (lambda: URLImagePolicy(max_bytes=0), "URLImagePolicy.max_bytes"),
        (lambda: URLImagePolicy(max_redirects=-1), "URLImagePolicy.max_redirects"),
        (lambda: URLImagePolicy(timeout=None), "URLImagePolicy.timeout"),  # type: ignore[arg-type]
        (lambda: URLImagePolicy(timeout=httpx.Timeout(None)), "URLImagePolicy.timeout"),
        (lambda: URLImagePolicy(timeout=httpx.Timeout(5, read=None)), "URLImagePolicy.timeout"),
        (lambda: URLImagePolicy(allow_private_addresses="no"), "allow_private_addresses"),  # type: ignore[arg-type]
    ],
)
def test_bad_policies_are_refused(build: Callable[[], object], names: str) -> None:
    with pytest.raises(InvalidParameterError, match=names):
        build()
