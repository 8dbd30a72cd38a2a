"""Validating and describing workflows, documented and typed, against the fake server."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rf_api_v1.models import (
    DescribeInterfaceResponse,
    ExecutionEngineVersions,
    WorkflowInferenceResponse,
    WorkflowsBlocksDescription,
    WorkflowsBlocksSchemaDescription,
    WorkflowValidationStatus,
)

from rf_client import (
    BadRequestError,
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidParameterError,
    ResponseValidationError,
)
from tests.support.fake_server import FakeServer, json_reply
from tests.unit.workflows.workflows_support import (
    JPEG_BASE64,
    WORKFLOWS_DIR,
    Caller,
    blocks_answer,
    image_output,
    run_reply,
    specification,
)

QR_SPEC = specification("qr_and_barcode")

# The real answer of inference 1.8.3 for qr_and_barcode.json (kinds_schemas shortened).
INTERFACE = {
    "inputs": {"image": ["image"]},
    "outputs": {"qr": ["qr_code_detection"], "barcodes": ["bar_code_detection"]},
    "typing_hints": {"qr_code_detection": "dict", "image": "dict", "bar_code_detection": "dict"},
    "kinds_schemas": {"image": {"title": "ImageSchema", "type": "object"}},
}

COUNT_BLOCK: dict[str, Any] = {
    "type": "DynamicBlockDefinition",
    "manifest": {
        "type": "ManifestDescription",
        "block_type": "CountBoxes",
        "inputs": {
            "predictions": {"type": "DynamicInputDefinition", "selector_types": ["step_output"]},
            "label": {"type": "DynamicInputDefinition", "value_types": ["string"]},
        },
        "outputs": {"count": {"type": "DynamicOutputDefinition", "kind": ["integer"]}},
    },
    "code": {
        "type": "PythonCode",
        "run_function_code": "def run(self, predictions, label):\n    return {'count': 1}\n",
    },
}


def legacy_client(url: str) -> InferenceHTTPClient:
    """A client sending its key the legacy way (body field or query parameter only)."""
    return InferenceHTTPClient(url, api_key="secret-key").configure(
        InferenceConfiguration(api_key_transport="legacy")
    )


def test_validate_posts_the_specification_itself(fake_server: FakeServer, call: Caller) -> None:
    fake_server.on("POST", "/workflows/validate", json_reply(200, {"status": "ok"}))
    client = InferenceHTTPClient(fake_server.url, api_key="secret-key")
    assert call(client, "validate_workflow", QR_SPEC) == {"status": "ok"}
    typed = call(client.typed.workflows, "validate", QR_SPEC)
    assert isinstance(typed, WorkflowValidationStatus)
    assert typed.status == "ok"
    for request in fake_server.requests:
        assert request.path == "/workflows/validate"
        assert request.json() == QR_SPEC
        assert request.headers["authorization"] == "Bearer secret-key"
        assert request.query == {}


def test_validate_sends_a_legacy_key_as_the_query_parameter(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("POST", "/workflows/validate", json_reply(200, {"status": "ok"}))
    call(legacy_client(fake_server.url), "validate_workflow", QR_SPEC)
    [request] = fake_server.requests
    assert request.param("api_key") == "secret-key"
    assert "authorization" not in request.headers
    assert request.json() == QR_SPEC


def test_validate_raises_the_compile_error(fake_server: FakeServer, call: Caller) -> None:
    body = {
        "message": "Workflow references '$steps.missing' which points to a non-existent block.",
        "error_type": "InvalidReferenceTargetError",
        "context": "workflow_compilation | execution_graph_construction",
        "inner_error_type": "None",
        "inner_error_message": "None",
        "blocks_errors": [{"block_id": "$outputs", "property_name": "o"}],
    }
    fake_server.on("POST", "/workflows/validate", json_reply(400, body))
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(BadRequestError) as caught:
        call(client, "validate_workflow", {"version": "1.0"})
    assert caught.value.error_type == "InvalidReferenceTargetError"
    assert caught.value.inner_error_type is None
    assert "non-existent block" in str(caught.value)


@pytest.mark.parametrize("specification_value", [None, "{}", ["steps"]])
def test_validate_refuses_a_specification_that_is_not_a_dict(
    fake_server: FakeServer, call: Caller, specification_value: object
) -> None:
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InvalidParameterError, match="specification must be a dict"):
        call(client, "validate_workflow", specification_value)
    with pytest.raises(InvalidParameterError, match="specification must be a dict"):
        call(client.typed.workflows, "validate", specification_value)
    assert fake_server.requests == []


def test_describe_interface_of_a_specification(fake_server: FakeServer, call: Caller) -> None:
    fake_server.on("POST", "/workflows/describe_interface", json_reply(200, INTERFACE))
    client = InferenceHTTPClient(fake_server.url, api_key="secret-key")
    assert call(client, "describe_workflow_interface", specification=QR_SPEC) == INTERFACE
    typed = call(client.typed.workflows, "describe_interface", specification=QR_SPEC)
    assert isinstance(typed, DescribeInterfaceResponse)
    assert typed.inputs["image"] == ["image"]
    assert typed.outputs["qr"] == ["qr_code_detection"]
    for request in fake_server.requests:
        assert request.json() == {"specification": QR_SPEC}
        assert request.headers["authorization"] == "Bearer secret-key"


def test_describe_interface_of_a_saved_workflow(fake_server: FakeServer, call: Caller) -> None:
    fake_server.on("POST", "/ws/workflows/wf/describe_interface", json_reply(200, INTERFACE))
    result = call(
        legacy_client(fake_server.url),
        "describe_workflow_interface",
        workspace_name="ws",
        workflow_id="wf",
    )
    assert result == INTERFACE
    assert fake_server.requests[0].json() == {"api_key": "secret-key"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({}, "no workflow given"),
        ({"specification": QR_SPEC, "workspace_name": "ws", "workflow_id": "wf"}, "not both"),
        ({"workspace_name": "ws"}, "workflow_id is missing"),
    ],
)
def test_describe_interface_needs_exactly_one_workflow(
    fake_server: FakeServer, call: Caller, arguments: dict[str, Any], message: str
) -> None:
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InvalidParameterError, match=message):
        call(client, "describe_workflow_interface", **arguments)
    with pytest.raises(InvalidParameterError, match=message):
        call(client.typed.workflows, "describe_interface", **arguments)
    assert fake_server.requests == []


def test_describe_blocks_gets_the_blocks(fake_server: FakeServer, call: Caller) -> None:
    answer = blocks_answer()
    fake_server.on("GET", "/workflows/blocks/describe", json_reply(200, answer))
    client = InferenceHTTPClient(fake_server.url)
    assert call(client, "describe_workflow_blocks") == answer
    typed = call(client.typed.workflows, "describe_blocks")
    assert isinstance(typed, WorkflowsBlocksDescription)
    assert [block.manifest_type_identifier for block in typed.blocks] == [
        "roboflow_core/qr_code_detector@v1"
    ]
    assert {kind.name for kind in typed.declared_kinds} == {"image", "qr_code_detection"}
    assert [request.method for request in fake_server.requests] == ["GET", "GET"]


def test_describe_blocks_with_dynamic_blocks_posts_their_definitions(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("POST", "/workflows/blocks/describe", json_reply(200, blocks_answer()))
    client = legacy_client(fake_server.url)
    call(client, "describe_workflow_blocks", dynamic_blocks=[COUNT_BLOCK])
    call(client.typed.workflows, "describe_blocks", [COUNT_BLOCK])
    for request in fake_server.requests:
        assert request.method == "POST"
        # The definition goes out exactly as given.
        assert request.json() == {
            "dynamic_blocks_definitions": [COUNT_BLOCK],
            "api_key": "secret-key",
        }


@pytest.mark.parametrize(
    ("dynamic_blocks", "message"),
    [
        ({"type": "DynamicBlockDefinition"}, "dynamic_blocks must be a list"),
        (["CountBoxes"], "dynamic_blocks[0] must be a dict"),
        ([COUNT_BLOCK, {"type": "DynamicBlockDefinition"}], "dynamic_blocks[1] is not a dynamic"),
    ],
)
def test_malformed_dynamic_blocks_are_refused_before_sending(
    fake_server: FakeServer, call: Caller, dynamic_blocks: object, message: str
) -> None:
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        call(client, "describe_workflow_blocks", dynamic_blocks)
    assert fake_server.requests == []


def test_definition_schema_and_execution_engine_versions(
    fake_server: FakeServer, call: Caller
) -> None:
    schema = {"schema": {"$defs": {}, "properties": {"version": {"type": "string"}}}}
    fake_server.on("GET", "/workflows/definition/schema", json_reply(200, schema))
    fake_server.on(
        "GET", "/workflows/execution_engine/versions", json_reply(200, {"versions": ["1.17.0"]})
    )
    client = InferenceHTTPClient(fake_server.url, api_key="secret-key")
    assert call(client, "get_workflow_definition_schema") == schema
    assert call(client, "get_workflow_execution_engine_versions") == {"versions": ["1.17.0"]}
    typed_schema = call(client.typed.workflows, "definition_schema")
    assert isinstance(typed_schema, WorkflowsBlocksSchemaDescription)
    assert typed_schema.schema.to_dict() == schema["schema"]
    versions = call(client.typed.workflows, "execution_engine_versions")
    assert isinstance(versions, ExecutionEngineVersions)
    assert versions.versions == ["1.17.0"]
    assert [(r.method, r.path) for r in fake_server.requests] == [
        ("GET", "/workflows/definition/schema"),
        ("GET", "/workflows/execution_engine/versions"),
        ("GET", "/workflows/definition/schema"),
        ("GET", "/workflows/execution_engine/versions"),
    ]
    assert all(r.headers["authorization"] == "Bearer secret-key" for r in fake_server.requests)


def test_a_typed_answer_that_misfits_its_model_is_a_validation_error(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("GET", "/workflows/execution_engine/versions", json_reply(200, {"v": 1}))
    fake_server.on("GET", "/workflows/definition/schema", json_reply(200, ["not", "a", "dict"]))
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(ResponseValidationError, match="ExecutionEngineVersions"):
        call(client.typed.workflows, "execution_engine_versions")
    with pytest.raises(ResponseValidationError, match="JSON object"):
        call(client, "get_workflow_definition_schema")


def test_typed_run_returns_the_model_with_image_outputs_as_sent(
    fake_server: FakeServer, call: Caller
) -> None:
    viz = image_output(video_metadata={"frame_number": 0})
    fake_server.on("POST", "/ws/workflows/wf", run_reply([{"viz": viz, "count": 2}]))
    client = InferenceHTTPClient(fake_server.url)
    result = call(
        client.typed.workflows,
        "run",
        workspace_name="ws",
        workflow_id="wf",
        images={"image": [str(WORKFLOWS_DIR / "qr.png")]},
        parameters={"min_conf": 0.5},
        excluded_fields=["crops"],
    )
    assert isinstance(result, WorkflowInferenceResponse)
    [output] = result.outputs
    assert output["viz"] == {
        "type": "base64",
        "value": JPEG_BASE64,
        "video_metadata": {"frame_number": 0},
    }
    assert output["count"] == 2
    assert result.profiler_trace == []
    body = fake_server.requests[0].json()
    assert body["inputs"]["min_conf"] == 0.5
    assert len(body["inputs"]["image"]) == 1
    assert body["excluded_fields"] == ["crops"]


def test_typed_run_checks_its_arguments_like_run_workflow(
    fake_server: FakeServer, call: Caller
) -> None:
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InvalidParameterError, match="no workflow given"):
        call(client.typed.workflows, "run", images={"image": str(WORKFLOWS_DIR / "qr.png")})
    assert fake_server.requests == []
