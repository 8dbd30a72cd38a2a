"""The model routes' errors against the real server, as rf-client errors.

503 for a model the offline server cannot resolve, 410 for the removed gaze route, 500 for a
core model it cannot load offline, 422 for a body that does not validate (sent through the
layer below the public API, which refuses such bodies itself), and the typed API's refusal of
a model of another task type.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rf_client import (
    FeatureDeprecatedError,
    FeatureRemovedError,
    InferenceHTTPClient,
    InternalServerError,
    ServiceUnavailableError,
    UnprocessableEntityError,
)
from rf_client._http import Request
from rf_client._plan import send
from tests.fixtures.e2e.support import (
    CHELSEA,
    OD_MODEL,
    ROBOFLOW_UNREACHABLE,
    UNKNOWN_MODEL,
    AccessLog,
    new_client,
)

from .conftest import RealServer

pytestmark = pytest.mark.e2e


@pytest.fixture
def client(real_server: RealServer) -> Iterator[InferenceHTTPClient]:
    with new_client(real_server.url) as client:
        yield client


@pytest.fixture
def access_log(real_server: RealServer) -> AccessLog:
    return AccessLog(real_server.handle.log_path)


def assert_unreachable_registry(error: ServiceUnavailableError, endpoint: str) -> None:
    """The offline server's 503 for a model it cannot resolve, from ``endpoint``."""
    assert error.status_code == 503
    assert error.endpoint == endpoint
    assert error.api_message is not None
    assert ROBOFLOW_UNREACHABLE in error.api_message
    assert ROBOFLOW_UNREACHABLE in str(error)
    assert endpoint in str(error)


def test_unknown_model_in_v1_is_503_after_retries(
    client: InferenceHTTPClient, access_log: AccessLog
) -> None:
    with pytest.raises(ServiceUnavailableError) as caught:
        client.infer(str(CHELSEA), model_id=UNKNOWN_MODEL)
    # infer describes the model first; loading it is what fails, and 503 is retried twice.
    assert_unreachable_registry(caught.value, "POST /model/add")
    assert "after 3 attempts" in str(caught.value)
    assert access_log.count("POST /model/add") == 3
    assert access_log.count("POST /infer/object_detection") == 0


def test_unknown_model_in_v1_without_retries(
    client: InferenceHTTPClient, access_log: AccessLog
) -> None:
    with pytest.raises(ServiceUnavailableError) as caught:
        client.with_options(max_retries=0).infer(str(CHELSEA), model_id=UNKNOWN_MODEL)
    assert_unreachable_registry(caught.value, "POST /model/add")
    assert "attempts" not in str(caught.value)
    assert access_log.count("POST /model/add") == 1


def test_unknown_model_in_v0_fails_every_item_of_a_batch(
    client: InferenceHTTPClient, access_log: AccessLog
) -> None:
    client = client.with_options(max_retries=0).select_api_v0()
    with pytest.raises(ServiceUnavailableError) as caught:
        client.infer([str(CHELSEA)] * 3, model_id=UNKNOWN_MODEL)
    assert_unreachable_registry(caught.value, "POST /offline-od/2")
    assert caught.value.batch is not None
    assert caught.value.batch.failed_indexes == [0, 1, 2]
    assert "items 1, 2, 3 of 3 failed" in str(caught.value)
    assert access_log.count("POST /offline-od/2") == 3


async def test_unknown_model_async(real_server: RealServer) -> None:
    async with new_client(real_server.url) as client:
        with pytest.raises(ServiceUnavailableError) as caught:
            await client.with_options(max_retries=0).infer_async(
                str(CHELSEA), model_id=UNKNOWN_MODEL
            )
    assert_unreachable_registry(caught.value, "POST /model/add")


def test_gaze_route_is_gone(client: InferenceHTTPClient, access_log: AccessLog) -> None:
    with pytest.raises(FeatureRemovedError) as caught:
        client.detect_gazes(str(CHELSEA))
    error = caught.value
    assert isinstance(error, FeatureDeprecatedError)  # what inference-sdk 1.8.3 raises
    assert error.status_code == 410
    assert error.feature == "/gaze/gaze_detection"
    assert error.error_type == "FeatureDeprecatedError"
    assert error.endpoint == "POST /gaze/gaze_detection"
    assert "older than 1.8.3" in str(error)
    # 410 is final: sent once, never retried.
    assert access_log.count("POST /gaze/gaze_detection") == 1


async def test_gaze_route_is_gone_async_and_typed(real_server: RealServer) -> None:
    async with new_client(real_server.url) as client:
        with pytest.raises(FeatureRemovedError, match="gaze"):
            await client.detect_gazes_async(str(CHELSEA))
        with pytest.raises(FeatureRemovedError) as caught:
            await client.typed.gaze.detect_async(str(CHELSEA))
    assert caught.value.status_code == 410


def test_core_model_without_weights_is_500(
    client: InferenceHTTPClient, access_log: AccessLog
) -> None:
    # CLIP cannot be fetched offline: the server fails fast with 500.
    with pytest.raises(InternalServerError) as caught:
        client.with_options(max_retries=0).get_clip_text_embeddings("a cat")
    assert caught.value.status_code == 500
    assert caught.value.endpoint == "POST /clip/embed_text"
    assert access_log.count("POST /clip/embed_text") == 1


def run_raw(client: InferenceHTTPClient, kwargs: dict[str, Any]) -> object:
    """Send a generated operation's request as it is, through the client's own transport."""
    request = client._context().authorised(Request.from_generated(kwargs))
    return client._run(send(request, client.options)).json()


def test_workflow_without_specification_is_422(client: InferenceHTTPClient) -> None:
    from rf_api_v1.api.workflows import run_workflow_specification
    from rf_api_v1.models import (
        WorkflowSpecificationInferenceRequest,
        WorkflowSpecificationInferenceRequestInputs,
        WorkflowSpecificationInferenceRequestSpecification,
    )

    body = WorkflowSpecificationInferenceRequest(
        inputs=WorkflowSpecificationInferenceRequestInputs(),
        specification=WorkflowSpecificationInferenceRequestSpecification(),
    )
    kwargs = run_workflow_specification.build_request_kwargs(body=body)
    del kwargs["json"]["specification"]
    with pytest.raises(UnprocessableEntityError) as caught:
        run_raw(client, kwargs)
    error = caught.value
    assert error.status_code == 422
    assert error.endpoint == "POST /workflows/run"
    (entry,) = error.validation_errors
    assert entry["type"] == "missing"
    assert entry["loc"] == ["body", "specification"]
    assert entry["msg"] == "Field required"
    assert error.api_message == "body.specification: Field required"


def test_model_request_without_image_is_422(client: InferenceHTTPClient) -> None:
    from rf_api_v1.api.inference import infer_object_detection
    from rf_api_v1.models import InferenceRequestImage, ObjectDetectionInferenceRequest

    body = ObjectDetectionInferenceRequest(
        model_id=OD_MODEL, image=InferenceRequestImage(type_="base64", value="")
    )
    kwargs = infer_object_detection.build_request_kwargs(body=body)
    del kwargs["json"]["image"]
    with pytest.raises(UnprocessableEntityError) as caught:
        run_raw(client, kwargs)
    assert caught.value.endpoint == "POST /infer/object_detection"
    assert [entry["loc"] for entry in caught.value.validation_errors] == [["body", "image"]]
