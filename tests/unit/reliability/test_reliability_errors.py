"""One error hierarchy: statuses map to classes, bodies to fields, 1.8.3 names keep working."""

from __future__ import annotations

import ast
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import rf_client
import rf_client.errors as errors
from rf_client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    FeatureDeprecatedError,
    FeatureRemovedError,
    HTTPCallErrorError,
    HTTPClientError,
    HTTPServerConnectionError,
    InferenceHTTPClient,
    InvalidInputError,
    InvalidInputFormatError,
    ResponseValidationError,
    RetryError,
    RFClientError,
    UnprocessableEntityError,
)
from rf_client._http import Reply, status_error
from tests.support.fake_server import FakeServer, json_reply, raw_reply
from tests.unit.reliability.reliability_support import Caller

STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: errors.BadRequestError,
    401: errors.AuthenticationError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    405: errors.ClientRequestError,
    408: errors.RequestTimeoutStatusError,
    409: errors.ConflictError,
    410: errors.GoneError,
    413: errors.PayloadTooLargeError,
    418: errors.ClientRequestError,
    422: errors.UnprocessableEntityError,
    429: errors.RateLimitError,
    500: errors.InternalServerError,
    501: errors.ServerError,
    502: errors.BadGatewayError,
    503: errors.ServiceUnavailableError,
    504: errors.GatewayTimeoutError,
    599: errors.ServerError,
}

SDK_1_8_3_NAMES = (
    "HTTPClientError",
    "HTTPCallErrorError",
    "HTTPServerConnectionError",
    "InvalidInputFormatError",
    "InvalidModelIdentifier",
    "ModelNotInitializedError",
    "ModelTaskTypeNotSupportedError",
    "ModelNotSelectedError",
    "APIKeyNotProvided",
    "EncodingError",
    "WrongClientModeError",
    "InvalidParameterError",
    "FeatureDeprecatedError",
    "RetryError",
    "InvalidURLImageInput",
    "URLAddressNotAllowedError",
)
"""Every class of inference_sdk/http/errors.py in inference-sdk 1.8.3."""


@pytest.mark.parametrize("status", sorted(STATUS_CLASSES))
def test_every_status_maps_to_its_class(fake_server: FakeServer, call: Caller, status: int) -> None:
    fake_server.on("GET", "/info", json_reply(status, {"message": f"status {status} here"}))
    client = InferenceHTTPClient(fake_server.url, max_retries=0)
    with pytest.raises(APIStatusError) as caught:
        call(client, "get_server_info")
    error = caught.value
    assert type(error) is STATUS_CLASSES[status]
    assert isinstance(error, HTTPCallErrorError)
    assert isinstance(error, HTTPClientError)
    assert isinstance(error, errors.ClientRequestError if status < 500 else errors.ServerError)
    assert error.status_code == status
    assert error.api_message == f"status {status} here"
    assert error.endpoint == "GET /info"
    assert error.description.startswith("GET /info failed")


def _reply(status: int, body: bytes, content_type: str = "application/json") -> Reply:
    return Reply(status, {"content-type": content_type}, body, "POST /workflows/run")


def test_the_servers_message_shape_gives_api_message() -> None:
    body = b'{"message":"Internal error. Could not connect to Roboflow API."}'
    error = status_error(_reply(503, body))
    assert error.api_message == "Internal error. Could not connect to Roboflow API."
    assert error.error_type is None
    assert str(error).endswith("(status 503): Internal error. Could not connect to Roboflow API.")


def test_fastapi_validation_details_give_api_message_and_validation_errors() -> None:
    body = (
        b'{"detail":[{"type":"json_invalid","loc":["body",19],"msg":"JSON decode error",'
        b'"input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}},'
        b'{"type":"missing","loc":["body","specification"],"msg":"Field required",'
        b'"input":{"inputs":{}}}]}'
    )
    error = status_error(_reply(422, body))
    assert isinstance(error, UnprocessableEntityError)
    assert error.api_message == "body.19: JSON decode error; body.specification: Field required"
    assert [entry["type"] for entry in error.validation_errors] == ["json_invalid", "missing"]


def test_the_workflow_error_shape_gives_error_type_and_inner_error() -> None:
    body = (
        b'{"message":"Workflow references \'$steps.missing\' which points to a non-existent '
        b'block.","error_type":"InvalidReferenceTargetError","context":"workflow_compilation '
        b'| execution_graph_construction","inner_error_type":"None","inner_error_message":'
        b'"None","blocks_errors":[{"block_id":"$outputs","block_type":null,"block_details":'
        b'null,"property_name":"o","property_details":"Invalid reference to $steps.missing",'
        b'"block_traceback":null}],"python_blocks_output_streams":null,'
        b'"python_blocks_debug_traces":null}'
    )
    error = status_error(_reply(400, body))
    assert isinstance(error, BadRequestError)
    assert error.error_type == "InvalidReferenceTargetError"
    assert error.inner_error_type is None  # the string "None" means none
    assert error.inner_error_message is None
    assert error.api_message == (
        "Workflow references '$steps.missing' which points to a non-existent block."
    )
    assert isinstance(error.body, dict)
    assert error.body["blocks_errors"][0]["property_name"] == "o"
    assert "(status 400, InvalidReferenceTargetError)" in str(error)


def test_a_step_error_keeps_the_inner_error() -> None:
    body = (
        b'{"message":"Could not connect to Roboflow API.","error_type":"StepExecutionError",'
        b'"context":"workflow_execution | step_execution","inner_error_type":'
        b'"RoboflowAPIConnectionError","inner_error_message":"Could not connect to Roboflow '
        b'API.","blocks_errors":[]}'
    )
    error = status_error(_reply(500, body))
    assert error.error_type == "StepExecutionError"
    assert error.inner_error_type == "RoboflowAPIConnectionError"
    assert error.inner_error_message == "Could not connect to Roboflow API."
    assert error.api_message == "Could not connect to Roboflow API."


def test_a_different_inner_message_is_appended() -> None:
    body = (
        b'{"message":"Step failed.","error_type":"StepExecutionError","inner_error_message":"boom"}'
    )
    assert status_error(_reply(500, body)).api_message == "Step failed.. More details: boom"


def test_a_removed_feature_is_gone_and_deprecated() -> None:
    body = (
        b'{"message":"Gaze detection was removed.","error_type":"FeatureDeprecatedError",'
        b'"feature":"gaze_detection","removal_release":"1.8.0","replacement":"none",'
        b'"reason":"unmaintained"}'
    )
    error = status_error(_reply(410, body))
    assert isinstance(error, FeatureRemovedError)
    assert isinstance(error, errors.GoneError)
    assert isinstance(error, FeatureDeprecatedError)
    assert error.feature == "gaze_detection"
    assert error.removal_release == "1.8.0"


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"plain text failure", "text/plain", "plain text failure"),
        (b"<html><body><p>Oops &amp; <b>bad</b></p></body></html>", "text/html", "Oops & bad"),
        (b"", "text/plain", None),
        (b'{"not": "a message"}', "application/json", None),
        (b"not json at all", "application/json", "not json at all"),
    ],
)
def test_other_bodies_give_a_readable_message(
    body: bytes, content_type: str, expected: str | None
) -> None:
    error = status_error(_reply(500, body, content_type))
    assert error.api_message == expected


def test_an_error_status_answer_through_the_client_keeps_the_body(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("GET", "/info", raw_reply(404, b"<h1>Not Found</h1>", "text/html"))
    with pytest.raises(errors.NotFoundError) as caught:
        call(InferenceHTTPClient(fake_server.url), "get_server_info")
    assert caught.value.api_message == "Not Found"
    assert caught.value.body is None


# The 1.8.3 names.


@pytest.mark.parametrize("name", SDK_1_8_3_NAMES)
def test_the_1_8_3_names_are_importable_and_rf_client_errors(name: str) -> None:
    from_package = getattr(rf_client, name)
    assert from_package is getattr(errors, name)
    assert issubclass(from_package, HTTPClientError)
    assert issubclass(from_package, Exception)
    assert from_package.__doc__


def test_http_call_error_is_constructible_as_in_1_8_3() -> None:
    error = HTTPCallErrorError("Request failed", 500, "Internal error.")
    assert error.description == "Request failed"
    assert error.status_code == 500
    assert error.api_message == "Internal error."
    by_keyword = HTTPCallErrorError(description="d", status_code=404, api_message=None)
    assert by_keyword.status_code == 404
    assert by_keyword.api_message is None
    assert "d" in str(by_keyword)
    assert "404" in str(by_keyword)
    with pytest.raises(HTTPCallErrorError):
        raise error


@pytest.mark.parametrize(
    ("raised", "caught_as"),
    [
        (errors.AuthenticationError("d", 401), HTTPCallErrorError),
        (errors.ServiceUnavailableError("d", 503), HTTPCallErrorError),
        (APIConnectionError("down"), HTTPServerConnectionError),
        (APITimeoutError("slow"), HTTPServerConnectionError),
        (errors.IncompleteResponseError("cut"), HTTPServerConnectionError),
        (errors.IncompleteResponseError("cut"), ResponseValidationError),
        (InvalidInputFormatError("bad"), InvalidInputFormatError),
        (InvalidInputFormatError("bad"), InvalidInputError),
        (errors.EncodingError("bad"), errors.EncodingError),
        (errors.EncodingError("bad"), InvalidInputError),
        (errors.InvalidURLImageInput("bad"), InvalidInputError),
        (errors.URLAddressNotAllowedError("bad"), errors.URLAddressNotAllowedError),
        (FeatureRemovedError("d", 410, feature="x"), FeatureDeprecatedError),
        (RetryError("d", 503, None), RetryError),
    ],
)
def test_new_errors_are_caught_by_the_1_8_3_names(
    raised: RFClientError, caught_as: type[Exception]
) -> None:
    with pytest.raises(caught_as):
        raise raised
    with pytest.raises(HTTPClientError):
        raise raised


@pytest.mark.parametrize(
    ("raised", "builtin"),
    [
        (InvalidInputError("bad"), ValueError),
        (InvalidInputFormatError("bad"), ValueError),
        (InvalidInputFormatError("bad"), TypeError),
        (errors.EncodingError("bad"), ValueError),
        (errors.InvalidURLImageInput("bad"), ValueError),
        (errors.InvalidParameterError("bad"), ValueError),
        (errors.InvalidParameterTypeError("bad"), ValueError),
        (errors.InvalidParameterTypeError("bad"), TypeError),
        (errors.InvalidFlagTextError("bad"), ValueError),
        (errors.MissingDependencyError("bad"), ImportError),
    ],
)
def test_bad_argument_errors_are_builtin_errors_too(
    raised: RFClientError, builtin: type[Exception]
) -> None:
    # Code written for 1.8.3 catches ValueError (an unknown OCR model) or TypeError.
    with pytest.raises(builtin):
        raise raised
    assert pickle.loads(pickle.dumps(raised)).args == raised.args


@pytest.mark.parametrize(
    "raised",
    [
        errors.APIStatusError("d", 500),
        APIConnectionError("down"),
        ResponseValidationError("odd"),
        errors.ModelNotSelectedError("none"),
        errors.WrongClientModeError("v0"),
    ],
)
def test_server_and_state_errors_are_no_builtin_argument_errors(raised: RFClientError) -> None:
    assert not isinstance(raised, ValueError | TypeError)


def test_the_errors_module_imports_no_other_rf_client_module() -> None:
    # errors.py is the bottom of the package: every module imports it, it imports none.
    tree = ast.parse(Path(errors.__file__).read_text(encoding="utf-8"))
    imported = [
        name
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    ]
    assert imported, "the walk found no import at all: the check is broken"
    assert [name for name in imported if name.split(".")[0] == "rf_client"] == []
    assert all(node.level == 0 for node in ast.walk(tree) if isinstance(node, ast.ImportFrom))


def test_plain_errors_take_any_arguments_as_1_8_3s_do() -> None:
    # 1.8.3's errors are plain Exceptions: mocks raise them bare or with several values.
    bare = HTTPClientError()
    assert str(bare) == ""
    assert bare.args == ("",)
    several = errors.InvalidParameterError("bad value", 42)
    assert str(several) == "bad value"
    assert several.args == ("bad value", 42)
    assert pickle.loads(pickle.dumps(several)).args == ("bad value", 42)


def test_warnings_are_shown_by_default_and_silenced_like_1_8_3s() -> None:
    script = (
        "import warnings, rf_client\n"
        "warnings.warn('old', rf_client.InferenceSDKDeprecationWarning)\n"
        "print(rf_client.INFERENCE_WARNINGS_DISABLED, rf_client.str2bool('TRUE'))\n"
    )
    for disabled, shown in (("false", True), ("true", False)):
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            env={**os.environ, "INFERENCE_WARNINGS_DISABLED": disabled},
        )
        assert ("old" in done.stderr) is shown
        assert done.stdout.split() == [str(disabled == "true"), "True"]
    with pytest.raises(errors.InvalidParameterError):
        rf_client.str2bool("maybe")
    with pytest.raises(ValueError, match="maybe"):  # what 1.8.3 code catches
        rf_client.str2bool("maybe")


def test_feature_deprecated_and_retry_errors_take_their_1_8_3_arguments() -> None:
    deprecated = FeatureDeprecatedError(
        "infer_on_video", reason="use pipelines", removal_release="1.0", replacement="x()"
    )
    assert deprecated.feature == "infer_on_video"
    assert "use pipelines" in str(deprecated)
    assert "Closest replacement: x()" in str(deprecated)
    inner = ValueError("inner")
    retry = RetryError("gave up", status_code=503, inner_error=inner)
    assert (retry.description, retry.status_code, retry.inner_error) == ("gave up", 503, inner)


@pytest.mark.parametrize(
    "error",
    [
        errors.ServiceUnavailableError(
            "GET /info failed", 503, "busy", error_type="E", endpoint="GET /info", body={"a": 1}
        ),
        FeatureRemovedError("d", 410, "m", feature="gaze", replacement="none"),
        APITimeoutError("GET /info timed out"),
        errors.IncompleteResponseError("cut"),
        FeatureDeprecatedError("f", reason="r"),
        RetryError("d", 500),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_survive_pickling(error: RFClientError) -> None:
    copy: Any = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)


def test_the_batch_summary_is_part_of_the_message() -> None:
    from rf_client._batch import BatchOutcome, Outcome

    failure = errors.NotFoundError("POST /x failed", 404, "gone")
    outcome: BatchOutcome[int] = BatchOutcome(
        [Outcome(value=1), Outcome(error=failure), Outcome(value=3), Outcome(error=failure)]
    )
    with pytest.raises(errors.NotFoundError) as caught:
        outcome.raise_first_error()
    assert caught.value.batch is outcome
    assert str(caught.value).endswith(
        "[items 2, 4 of 4 failed; the other results are in error.batch.results]"
    )
    assert outcome.results == [1, None, 3, None]
    assert outcome.failed_indexes == [1, 3]
