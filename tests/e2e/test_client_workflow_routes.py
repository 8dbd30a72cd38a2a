"""Every workflow route against the real server, and the workflow errors as rf-client errors.

validate, describe interface, describe blocks, definition schema and execution engine
versions (sync, async and typed); 400 for definitions that do not compile or inputs that are
missing, 500 for a step that fails, with ``error_type`` and ``inner_error_type`` filled in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rf_client import (
    BadRequestError,
    InferenceConfiguration,
    InferenceHTTPClient,
    InternalServerError,
)
from tests.fixtures.e2e.media import write_workflow_images
from tests.fixtures.e2e.support import (
    CHELSEA,
    UNKNOWN_MODEL,
    AccessLog,
    new_client,
    workflow_spec,
)

from .conftest import RealServer

pytestmark = pytest.mark.e2e

ENGINE_VERSION = "1.17.0"
"""The Execution Engine of inference 1.8.3."""

TEMPLATE_INTERFACE = {
    "inputs": {"image": ["image"], "template": ["image"], "min_conf": ["*"]},
    "outputs": {
        "predictions": [
            "object_detection_prediction",
            "instance_segmentation_prediction",
            "keypoint_detection_prediction",
        ],
        "count": ["*"],
        "crops": ["image"],
        "viz": ["image"],
    },
}


def unknown_block() -> dict[str, Any]:
    """A definition using a block that does not exist (400 WorkflowSyntaxError)."""
    spec = workflow_spec("qr_and_barcode")
    spec["steps"] = [{"type": "roboflow_core/nope@v1", "name": "x", "images": "$inputs.image"}]
    spec["outputs"] = [{"type": "JsonField", "name": "o", "selector": "$steps.x.predictions"}]
    return spec


def missing_step() -> dict[str, Any]:
    """A definition whose output refers to a step it lacks (400 InvalidReferenceTargetError)."""
    spec = workflow_spec("qr_and_barcode")
    spec["outputs"] = [{"type": "JsonField", "name": "o", "selector": "$steps.missing.predictions"}]
    return spec


def unknown_model_block() -> dict[str, Any]:
    """A detection model block on a model the offline server cannot load (500)."""
    spec = workflow_spec("model_blocks")
    spec["steps"] = [dict(spec["steps"][0], name="m", model_id=UNKNOWN_MODEL)]
    spec["outputs"] = [{"type": "JsonField", "name": "od", "selector": "$steps.m.predictions"}]
    return spec


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_workflow_images(tmp_path_factory.mktemp("workflow-images"))


@pytest.fixture
def client(real_server: RealServer) -> Iterator[InferenceHTTPClient]:
    with new_client(real_server.url) as client:
        yield client


@pytest.fixture
def access_log(real_server: RealServer) -> AccessLog:
    return AccessLog(real_server.handle.log_path)


def assert_block_catalogue(blocks: dict[str, Any]) -> None:
    """The 1.8.3 block catalogue: 250 blocks, the ones these tests use among them."""
    identifiers = {block["manifest_type_identifier"] for block in blocks["blocks"]}
    assert {
        "roboflow_core/template_matching@v1",
        "roboflow_core/qr_code_detector@v1",
        "roboflow_core/roboflow_object_detection_model@v2",
        "roboflow_core/roboflow_keypoint_detection_model@v2",
    } <= identifiers
    assert len(identifiers) == len(blocks["blocks"]) == 250
    kinds = {kind["name"] for kind in blocks["declared_kinds"]}
    assert {"image", "object_detection_prediction", "qr_code_detection"} <= kinds


def test_every_route(client: InferenceHTTPClient, access_log: AccessLog) -> None:
    spec = workflow_spec("template_matching")
    assert client.validate_workflow(spec) == {"status": "ok"}
    interface = client.describe_workflow_interface(specification=spec)
    assert {key: interface[key] for key in ("inputs", "outputs")} == TEMPLATE_INTERFACE
    assert set(interface) == {"inputs", "outputs", "typing_hints", "kinds_schemas"}
    assert_block_catalogue(client.describe_workflow_blocks())
    schema = client.get_workflow_definition_schema()["schema"]
    assert schema["type"] == "object"
    assert {"version", "inputs", "steps", "outputs"} <= set(schema["properties"])
    assert client.get_workflow_execution_engine_versions() == {"versions": [ENGINE_VERSION]}
    assert access_log.calls() == [
        "POST /workflows/validate",
        "POST /workflows/describe_interface",
        "GET /workflows/blocks/describe",
        "GET /workflows/definition/schema",
        "GET /workflows/execution_engine/versions",
    ]


async def test_every_route_async(real_server: RealServer) -> None:
    spec = workflow_spec("qr_and_barcode")
    async with new_client(real_server.url) as client:
        assert await client.validate_workflow_async(spec) == {"status": "ok"}
        interface = await client.describe_workflow_interface_async(specification=spec)
        blocks = await client.describe_workflow_blocks_async()
        schema = await client.get_workflow_definition_schema_async()
        versions = await client.get_workflow_execution_engine_versions_async()
    assert interface["inputs"] == {"image": ["image"]}
    assert interface["outputs"] == {"qr": ["qr_code_detection"], "barcodes": ["bar_code_detection"]}
    assert_block_catalogue(blocks)
    assert "steps" in schema["schema"]["properties"]
    assert versions["versions"] == [ENGINE_VERSION]


def test_every_route_typed(client: InferenceHTTPClient) -> None:
    from rf_api_v1.models import (
        DescribeInterfaceResponse,
        ExecutionEngineVersions,
        WorkflowsBlocksDescription,
        WorkflowsBlocksSchemaDescription,
        WorkflowValidationStatus,
    )

    typed = client.typed.workflows
    spec = workflow_spec("qr_and_barcode")
    status = typed.validate(spec)
    assert isinstance(status, WorkflowValidationStatus)
    assert status.status == "ok"
    interface = typed.describe_interface(specification=spec)
    assert isinstance(interface, DescribeInterfaceResponse)
    assert interface.inputs.to_dict() == {"image": ["image"]}
    assert interface.outputs.to_dict() == {
        "qr": ["qr_code_detection"],
        "barcodes": ["bar_code_detection"],
    }
    blocks = typed.describe_blocks()
    assert isinstance(blocks, WorkflowsBlocksDescription)
    assert_block_catalogue(blocks.to_dict())
    schema = typed.definition_schema()
    assert isinstance(schema, WorkflowsBlocksSchemaDescription)
    assert "steps" in schema.to_dict()["schema"]["properties"]
    versions = typed.execution_engine_versions()
    assert isinstance(versions, ExecutionEngineVersions)
    assert versions.versions == [ENGINE_VERSION]


async def test_every_route_typed_async(real_server: RealServer) -> None:
    spec = workflow_spec("template_matching")
    async with new_client(real_server.url) as client:
        typed = client.typed.workflows
        status = await typed.validate_async(spec)
        interface = await typed.describe_interface_async(specification=spec)
        blocks = await typed.describe_blocks_async()
        schema = await typed.definition_schema_async()
        versions = await typed.execution_engine_versions_async()
    assert status.status == "ok"
    assert interface.to_dict()["outputs"] == TEMPLATE_INTERFACE["outputs"]
    assert len(blocks.blocks) == 250
    assert "outputs" in schema.to_dict()["schema"]["properties"]
    assert versions.versions == [ENGINE_VERSION]


@pytest.mark.parametrize("route", ["run", "validate"])
def test_unknown_block_is_400_workflow_syntax_error(
    route: str, client: InferenceHTTPClient, images: dict[str, Path]
) -> None:
    def call() -> object:
        if route == "run":
            return client.run_workflow(
                specification=unknown_block(), images={"image": images["qr.png"]}
            )
        return client.validate_workflow(unknown_block())

    with pytest.raises(BadRequestError) as caught:
        call()
    error = caught.value
    assert error.status_code == 400
    assert error.endpoint == f"POST /workflows/{route}"
    assert error.error_type == "WorkflowSyntaxError"
    assert error.inner_error_type == "ValidationError"
    assert error.inner_error_message is not None
    assert "roboflow_core/nope@v1" in error.inner_error_message
    assert isinstance(error.body, dict)
    (block_error,) = error.body["blocks_errors"]
    assert (block_error["block_id"], block_error["block_type"]) == ("x", "roboflow_core/nope@v1")
    assert "WorkflowSyntaxError" in str(error)


def test_reference_to_a_missing_step_is_400(client: InferenceHTTPClient) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.validate_workflow(missing_step())
    error = caught.value
    assert error.error_type == "InvalidReferenceTargetError"
    # The server's "None" string means no inner error.
    assert error.inner_error_type is None
    assert error.api_message is not None
    assert "$steps.missing" in error.api_message


def test_missing_input_is_400_runtime_input_error(
    client: InferenceHTTPClient, access_log: AccessLog
) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.run_workflow(specification=workflow_spec("qr_and_barcode"))
    error = caught.value
    assert error.error_type == "RuntimeInputError"
    assert error.api_message is not None
    assert "`image`" in error.api_message
    # 400 is final: one attempt.
    assert access_log.count("POST /workflows/run") == 1


def test_qr_detector_without_a_qr_code_is_500_step_execution_error(
    client: InferenceHTTPClient, images: dict[str, Path], access_log: AccessLog
) -> None:
    with pytest.raises(InternalServerError) as caught:
        client.run_workflow(
            specification=workflow_spec("qr_and_barcode"), images={"image": images["blank.png"]}
        )
    error = caught.value
    assert error.status_code == 500
    assert error.error_type == "StepExecutionError"
    assert error.inner_error_type == "TypeError"
    assert error.inner_error_message == "'NoneType' object is not iterable"
    assert isinstance(error.body, dict)
    assert error.body["context"] == "workflow_execution | step_execution"
    assert [e["block_id"] for e in error.body["blocks_errors"]] == ["qr"]
    # A run that failed in a step may have acted through earlier steps: it is not repeated
    # (runs are retried only when the server did not act: no connection, 429, 503).
    assert "attempts" not in str(error)
    assert access_log.count("POST /workflows/run") == 1


def test_workflow_retries_can_be_disabled(
    client: InferenceHTTPClient, images: dict[str, Path], access_log: AccessLog
) -> None:
    client.configure(InferenceConfiguration(workflow_run_retries_enabled=False))
    with pytest.raises(InternalServerError, match="StepExecutionError"):
        client.run_workflow(
            specification=workflow_spec("qr_and_barcode"), images={"image": images["blank.png"]}
        )
    assert access_log.count("POST /workflows/run") == 1


def test_model_block_with_an_unknown_model_is_500(client: InferenceHTTPClient) -> None:
    client.configure(InferenceConfiguration(workflow_run_retries_enabled=False))
    with pytest.raises(InternalServerError) as caught:
        client.run_workflow(specification=unknown_model_block(), images={"image": CHELSEA})
    error = caught.value
    assert error.error_type == "StepExecutionError"
    assert error.inner_error_type == "RoboflowAPIConnectionError"
    assert error.api_message is not None
    assert "Could not connect to Roboflow API" in error.api_message


async def test_errors_async(real_server: RealServer, images: dict[str, Path]) -> None:
    async with new_client(real_server.url) as client:
        with pytest.raises(BadRequestError) as syntax:
            await client.validate_workflow_async(unknown_block())
        client.configure(InferenceConfiguration(workflow_run_retries_enabled=False))
        with pytest.raises(InternalServerError) as step:
            await client.run_workflow_async(
                specification=workflow_spec("qr_and_barcode"),
                images={"image": images["blank.png"]},
            )
        with pytest.raises(BadRequestError) as typed:
            await client.typed.workflows.run_async(specification=unknown_block())
    assert syntax.value.error_type == "WorkflowSyntaxError"
    assert (step.value.error_type, step.value.inner_error_type) == (
        "StepExecutionError",
        "TypeError",
    )
    assert typed.value.error_type == "WorkflowSyntaxError"
