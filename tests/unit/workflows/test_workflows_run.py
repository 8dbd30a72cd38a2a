"""run_workflow / infer_from_workflow against the fake server: routes, payload, results, errors."""

from __future__ import annotations

import base64
import json
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from rf_client import (
    APITimeoutError,
    BadRequestError,
    InferenceConfiguration,
    InferenceHTTPClient,
    InferenceSDKDeprecationWarning,
    InternalServerError,
    InvalidInputError,
    InvalidParameterError,
    ResponseValidationError,
    RFClientDeprecationWarning,
    ServiceUnavailableError,
    UnprocessableEntityError,
    VisualisationResponseFormat,
)
from tests.support.fake_server import FakeServer, delay, json_reply
from tests.unit.workflows.workflows_support import (
    IMAGES_DIR,
    JPEG_BASE64,
    WORKFLOWS_DIR,
    Caller,
    image_output,
    run_reply,
    specification,
)

QR_OUTPUT = {
    "qr": {
        "image": {"width": 640, "height": 480},
        "predictions": [{"x": 139.0, "y": 139.5, "width": 166.0, "height": 167.0, "data": "hello"}],
    }
}


def b64_of(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")


def test_specification_run_posts_to_workflows_run_with_the_1_8_3_payload(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("POST", "/workflows/run", run_reply([QR_OUTPUT]))
    client = InferenceHTTPClient(fake_server.url, api_key="secret-key")
    spec = specification("template_matching")
    result = call(
        client,
        "run_workflow",
        specification=spec,
        images={
            "image": str(WORKFLOWS_DIR / "shapes.png"),
            "template": WORKFLOWS_DIR / "template.png",
        },
        parameters={"min_conf": 0.9},
        excluded_fields=["viz", "crops"],
    )
    assert result == [QR_OUTPUT]
    [request] = fake_server.requests
    assert (request.method, request.path) == ("POST", "/workflows/run")
    assert request.headers["authorization"] == "Bearer secret-key"
    assert request.headers["content-type"] == "application/json"
    assert request.query == {}
    assert request.json() == {
        "specification": spec,
        "inputs": {
            # PNG files go out unchanged, at their own size.
            "image": {"type": "base64", "value": b64_of(WORKFLOWS_DIR / "shapes.png")},
            "template": {"type": "base64", "value": b64_of(WORKFLOWS_DIR / "template.png")},
            "min_conf": 0.9,
        },
        "excluded_fields": ["viz", "crops"],
        "use_cache": True,
        "enable_profiling": False,
    }


def test_saved_workflow_run_posts_to_the_workspace_route_with_its_options(
    fake_server: FakeServer, call: Caller, tmp_path: Path
) -> None:
    fake_server.on("POST", "/my-workspace/workflows/count people", run_reply([{"count": 3}]))
    client = InferenceHTTPClient(fake_server.url, api_key="secret-key").configure(
        InferenceConfiguration(profiling_directory=str(tmp_path))
    )
    result = call(
        client,
        "run_workflow",
        workspace_name="my-workspace",
        workflow_id="count people",
        images={"image": str(WORKFLOWS_DIR / "qr.png")},
        use_cache=False,
        enable_profiling=True,
        workflow_version_id="v7",
        disable_sinks=True,
    )
    assert result == [{"count": 3}]
    [request] = fake_server.requests
    assert request.path == "/my-workspace/workflows/count people"
    assert request.json() == {
        "inputs": {"image": {"type": "base64", "value": b64_of(WORKFLOWS_DIR / "qr.png")}},
        "use_cache": False,
        "enable_profiling": True,
        "workflow_version_id": "v7",
        "disable_sinks": True,
    }


def test_a_list_is_a_batch_and_nested_lists_keep_their_shape(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("POST", "/workflows/run", run_reply([QR_OUTPUT, QR_OUTPUT]))
    client = InferenceHTTPClient(fake_server.url)
    jpeg = (IMAGES_DIR / "rocket.jpg").read_bytes()
    array = np.zeros((20, 30, 3), dtype=np.uint8)
    pil = Image.new("RGB", (12, 8), "red")
    call(
        client,
        "run_workflow",
        specification=specification("qr_and_barcode"),
        images={
            "image": [str(WORKFLOWS_DIR / "qr.png"), str(WORKFLOWS_DIR / "small.jpg")],
            "pairs": [[jpeg, array], [pil]],
        },
    )
    inputs = fake_server.requests[0].json()["inputs"]
    assert [item["value"] for item in inputs["image"]] == [
        b64_of(WORKFLOWS_DIR / "qr.png"),
        b64_of(WORKFLOWS_DIR / "small.jpg"),
    ]
    pairs = inputs["pairs"]
    assert [len(pair) for pair in pairs] == [2, 1]
    assert all(item["type"] == "base64" for pair in pairs for item in pair)
    assert pairs[0][0]["value"] == base64.b64encode(jpeg).decode("ascii")
    sizes = [[_size(item["value"]) for item in pair] for pair in pairs]
    assert sizes == [[(640, 427), (30, 20)], [(12, 8)]]


def _size(encoded: str) -> tuple[int, int]:
    import io

    with Image.open(io.BytesIO(base64.b64decode(encoded))) as image:
        return image.size


def test_parameters_win_over_an_image_of_the_same_name(fake_server: FakeServer) -> None:
    fake_server.on("POST", "/workflows/run", run_reply([{}]))
    InferenceHTTPClient(fake_server.url).run_workflow(
        specification=specification("qr_round_trip"),
        images={"text": str(WORKFLOWS_DIR / "qr.png")},
        parameters={"text": "round trip"},
    )
    assert fake_server.requests[0].json()["inputs"] == {"text": "round trip"}


def test_legacy_key_transport_puts_the_key_in_the_body_not_the_header(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("POST", "/ws/workflows/wf", run_reply([{}]))
    client = InferenceHTTPClient(fake_server.url, api_key="secret-key").configure(
        InferenceConfiguration(api_key_transport="legacy")
    )
    call(client, "run_workflow", workspace_name="ws", workflow_id="wf")
    [request] = fake_server.requests
    assert request.json()["api_key"] == "secret-key"
    assert "authorization" not in request.headers
    assert request.json()["inputs"] == {}


@pytest.mark.parametrize("image_format", list(VisualisationResponseFormat))
def test_image_outputs_are_decoded_at_any_depth_in_the_configured_format(
    fake_server: FakeServer, call: Caller, image_format: VisualisationResponseFormat
) -> None:
    viz = image_output(video_metadata={"video_identifier": "image", "frame_number": 0})
    crop = image_output(parent_id="d1", parent_origin={"offset_x": 40, "offset_y": 95})
    fake_server.on(
        "POST",
        "/workflows/run",
        run_reply([{"viz": viz, "crops": [crop, crop], "nested": {"deep": [viz]}, "count": 3}]),
    )
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(output_visualisation_format=image_format)
    )
    [output] = call(client, "run_workflow", specification=specification("template_matching"))
    images = [output["viz"], *output["crops"], output["nested"]["deep"][0]]
    assert output["count"] == 3
    for image in images:
        if image_format is VisualisationResponseFormat.BASE64:
            assert image == JPEG_BASE64
        elif image_format is VisualisationResponseFormat.NUMPY:
            assert isinstance(image, np.ndarray)
            assert image.shape == (427, 640, 3)
        else:
            assert isinstance(image, Image.Image)
            assert image.size == (640, 427)


def test_profiler_trace_is_saved_as_json_under_the_profiling_directory(
    fake_server: FakeServer, call: Caller, tmp_path: Path
) -> None:
    trace = [{"name": "workflow_run", "ph": "X", "ts": 1.5, "dur": 20.0, "cat": "workflow"}]
    fake_server.on("POST", "/workflows/run", run_reply([QR_OUTPUT], profiler_trace=trace))
    folder = tmp_path / "traces" / "deep"
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(profiling_directory=str(folder))
    )
    for _ in range(2):
        result = call(
            client,
            "run_workflow",
            specification=specification("qr_and_barcode"),
            enable_profiling=True,
        )
        assert result == [QR_OUTPUT]
    files = sorted(folder.iterdir())
    # Two runs within the same second do not overwrite each other.
    assert len(files) == 2
    for file in files:
        assert re.fullmatch(
            r"workflow_execution_tack_\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d(_\d+)?\.json", file.name
        )
        assert json.loads(file.read_text()) == trace
    assert fake_server.requests[0].json()["enable_profiling"] is True


def test_no_trace_file_without_enable_profiling(fake_server: FakeServer, tmp_path: Path) -> None:
    fake_server.on("POST", "/workflows/run", run_reply([{}], profiler_trace=[{"name": "x"}]))
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(profiling_directory=str(tmp_path / "traces"))
    )
    client.run_workflow(specification=specification("qr_and_barcode"))
    assert not (tmp_path / "traces").exists()


def test_an_unwritable_profiling_directory_is_an_error_naming_the_path(
    fake_server: FakeServer, call: Caller, tmp_path: Path
) -> None:
    fake_server.on("POST", "/workflows/run", run_reply([{}]))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(profiling_directory=str(blocker / "traces"))
    )
    with pytest.raises(InvalidParameterError) as caught:
        call(
            client,
            "run_workflow",
            specification=specification("qr_and_barcode"),
            enable_profiling=True,
        )
    assert str(blocker / "traces") in str(caught.value)
    assert "profiling_directory" in str(caught.value)


INVALID_RUN_ARGUMENTS: list[tuple[dict[str, Any], str]] = [
    ({}, "no workflow given"),
    ({"specification": {"version": "1.0"}, "workspace_name": "ws"}, "not both"),
    ({"specification": {"version": "1.0"}, "workflow_id": "wf"}, "not both"),
    ({"workspace_name": "ws"}, "workflow_id is missing"),
    ({"workflow_id": "wf"}, "workspace_name is missing"),
    ({"workspace_name": "", "workflow_id": "wf"}, "workspace_name must be a non-empty"),
    ({"specification": '{"version": "1.0"}'}, "specification must be a dict"),
    ({"specification": {"bad": {1, 2}}}, "specification cannot be sent as JSON"),
    ({"specification": {}, "parameters": {"x": float("nan")}}, "parameters['x'] cannot"),
    ({"specification": {}, "parameters": {"x": object()}}, "parameters['x'] cannot"),
    ({"specification": {}, "parameters": ["x"]}, "parameters must be a dict"),
    ({"specification": {}, "parameters": {1: "x"}}, "its key 1 is not a string"),
    ({"specification": {}, "images": "photo.jpg"}, "images must be a dict"),
    ({"specification": {}, "images": {"": "photo.jpg"}}, "images has an empty input name"),
    ({"specification": {}, "disable_sinks": 1}, "disable_sinks must be True or False"),
    ({"specification": {}, "excluded_fields": "viz"}, "excluded_fields must be a list"),
    ({"specification": {}, "use_cache": "no"}, "use_cache must be True or False"),
    ({"specification": {}, "workflow_version_id": 7}, "workflow_version_id must be"),
]


def test_invalid_arguments_are_refused_before_anything_is_sent(
    fake_server: FakeServer, call: Caller
) -> None:
    client = InferenceHTTPClient(fake_server.url)
    for arguments, message in INVALID_RUN_ARGUMENTS:
        with pytest.raises(InvalidParameterError, match=re.escape(message)):
            call(client, "run_workflow", **arguments)
    assert fake_server.requests == []


def test_an_unusable_image_is_named_by_input_and_position_and_nothing_is_sent(
    fake_server: FakeServer, call: Caller
) -> None:
    client = InferenceHTTPClient(fake_server.url)
    images = {"image": [str(WORKFLOWS_DIR / "qr.png"), "missing/photo.jpg"]}
    with pytest.raises(
        InvalidInputError, match=re.escape("images['image'][1]: image file not found")
    ):
        call(client, "run_workflow", specification=specification("qr_and_barcode"), images=images)
    with pytest.raises(InvalidInputError, match=re.escape("images['image'] is an empty list")):
        call(
            client,
            "run_workflow",
            specification=specification("qr_and_barcode"),
            images={"image": []},
        )
    assert fake_server.requests == []


def test_transient_failures_are_retried_when_workflow_retries_are_enabled(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on(
        "POST",
        "/workflows/run",
        json_reply(503, {"message": "busy"}, headers={"Retry-After": "0"}),
        run_reply([QR_OUTPUT]),
    )
    client = InferenceHTTPClient(fake_server.url)
    assert client.inference_configuration.workflow_run_retries_enabled is True
    result = call(client, "run_workflow", specification=specification("qr_and_barcode"))
    assert result == [QR_OUTPUT]
    assert len(fake_server.requests_to("POST", "/workflows/run")) == 2


def test_a_run_is_sent_once_when_workflow_retries_are_disabled(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on(
        "POST", "/workflows/run", json_reply(503, {"message": "busy"}, headers={"Retry-After": "0"})
    )
    client = InferenceHTTPClient(fake_server.url, max_retries=3).configure(
        InferenceConfiguration(workflow_run_retries_enabled=False)
    )
    with pytest.raises(ServiceUnavailableError):
        call(client, "run_workflow", specification=specification("qr_and_barcode"))
    assert len(fake_server.requests) == 1


# Exact error bodies of the real inference 1.8.3 server (tracebacks shortened).
RUNTIME_INPUT_ERROR = {
    "message": "Detected runtime parameter `image` defined as `WorkflowImage` (of kind "
    "`['image']`), but value is not provided.",
    "error_type": "RuntimeInputError",
    "context": "workflow_execution | runtime_input_validation",
    "inner_error_type": None,
    "inner_error_message": "None",
}
REFERENCE_TARGET_ERROR = {
    "message": "Workflow references '$steps.missing' which points to a non-existent block.",
    "error_type": "InvalidReferenceTargetError",
    "context": "workflow_compilation | execution_graph_construction",
    "inner_error_type": "None",
    "inner_error_message": "None",
    "blocks_errors": [
        {
            "block_id": "$outputs",
            "block_type": None,
            "block_details": None,
            "property_name": "o",
            "property_details": "Invalid reference to $steps.missing",
            "block_traceback": None,
        }
    ],
    "python_blocks_output_streams": None,
    "python_blocks_debug_traces": None,
}
SYNTAX_ERROR = {
    "message": "Could not parse workflow definition. Details provided in inner error.",
    "error_type": "WorkflowSyntaxError",
    "context": "workflow_compilation | workflow_definition_parsing",
    "inner_error_type": "ValidationError",
    "inner_error_message": "1 validation error for WorkflowSpecificationV1\nsteps.0\n  Input tag "
    "'roboflow_core/nope@v1' found using 'type' does not match any of the expected tags",
    "blocks_errors": [
        {
            "block_id": "x",
            "block_type": "roboflow_core/nope@v1",
            "block_details": None,
            "property_name": None,
            "property_details": None,
            "block_traceback": None,
        }
    ],
}
MODEL_BLOCK_ERROR: dict[str, Any] = {
    "block_id": "m",
    "block_type": "roboflow_core/roboflow_object_detection_model@v2",
    "block_details": None,
    "property_name": None,
    "property_details": "Could not connect to Roboflow API.",
    "block_traceback": {
        "traceback": "Traceback (most recent call last):\n  ...",
        "error_line": None,
        "code_snippet": None,
        "stdout": None,
        "stderr": None,
    },
}
STEP_ERROR = {
    "message": "Could not connect to Roboflow API.",
    "error_type": "StepExecutionError",
    "context": "workflow_execution | step_execution",
    "inner_error_type": "RoboflowAPIConnectionError",
    "inner_error_message": "Could not connect to Roboflow API.",
    "blocks_errors": [MODEL_BLOCK_ERROR],
    "python_blocks_output_streams": None,
    "python_blocks_debug_traces": None,
}
QR_STEP_ERROR = {
    **STEP_ERROR,
    "message": "'NoneType' object is not iterable",
    "inner_error_type": "TypeError",
    "inner_error_message": "'NoneType' object is not iterable",
    "blocks_errors": [
        {
            **MODEL_BLOCK_ERROR,
            "block_id": "qr",
            "block_type": "roboflow_core/qr_code_detector@v1",
            "property_details": "'NoneType' object is not iterable",
        }
    ],
}
MISSING_SPECIFICATION = {
    "detail": [
        {
            "type": "missing",
            "loc": ["body", "specification"],
            "msg": "Field required",
            "input": {"inputs": {}},
        }
    ]
}


@pytest.mark.parametrize(
    ("status", "body", "error_class", "inner_type", "inner_message"),
    [
        (400, RUNTIME_INPUT_ERROR, BadRequestError, None, None),
        (400, REFERENCE_TARGET_ERROR, BadRequestError, None, None),
        (
            400,
            SYNTAX_ERROR,
            BadRequestError,
            "ValidationError",
            SYNTAX_ERROR["inner_error_message"],
        ),
        (500, STEP_ERROR, InternalServerError, "RoboflowAPIConnectionError", STEP_ERROR["message"]),
        (500, QR_STEP_ERROR, InternalServerError, "TypeError", QR_STEP_ERROR["message"]),
        (422, MISSING_SPECIFICATION, UnprocessableEntityError, None, None),
    ],
)
def test_workflow_errors_raise_the_status_class_with_the_server_details(
    fake_server: FakeServer,
    call: Caller,
    status: int,
    body: dict[str, Any],
    error_class: type[Exception],
    inner_type: str | None,
    inner_message: str | None,
) -> None:
    fake_server.on("POST", "/workflows/run", json_reply(status, body))
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=0)
    with pytest.raises(error_class) as caught:
        call(client, "run_workflow", specification=specification("qr_and_barcode"))
    error = caught.value
    assert isinstance(error, BadRequestError | InternalServerError | UnprocessableEntityError)
    assert error.status_code == status
    assert error.endpoint == "POST /workflows/run"
    assert error.error_type == body.get("error_type")
    assert error.inner_error_type == inner_type
    assert error.inner_error_message == inner_message
    assert error.body == body
    if "message" in body:
        assert body["message"] in str(error)
    else:
        assert "body.specification: Field required" in str(error)
    if body.get("blocks_errors"):
        assert isinstance(error.body, dict)
        assert error.body["blocks_errors"][0]["block_id"] == body["blocks_errors"][0]["block_id"]


def test_a_step_error_is_not_retried(fake_server: FakeServer, call: Caller) -> None:
    # The run got as far as a step: earlier steps, sinks among them, may have acted. A repeat
    # could write twice (1.8.3 retries workflow runs on 429, 503 and 504 only).
    fake_server.on(
        "POST",
        "/workflows/run",
        json_reply(500, STEP_ERROR, headers={"Retry-After": "0"}),
        run_reply([QR_OUTPUT]),
    )
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InternalServerError):
        call(client, "run_workflow", specification=specification("qr_and_barcode"))
    assert len(fake_server.requests) == 1


def test_a_run_whose_answer_timed_out_is_not_repeated(fake_server: FakeServer) -> None:
    fake_server.on(
        "POST", "/workflows/run", delay(1.0, run_reply([QR_OUTPUT])), run_reply([QR_OUTPUT])
    )
    client = InferenceHTTPClient(fake_server.url, timeout=0.2)
    with pytest.raises(APITimeoutError):
        client.run_workflow(specification=specification("qr_and_barcode"))
    assert len(fake_server.requests) == 1


@pytest.mark.parametrize(
    "answer", [{"outputs": {"qr": 1}}, {"predictions": []}, [{"qr": 1}], {"outputs": [1]}]
)
def test_an_answer_without_a_list_of_outputs_is_a_validation_error(
    fake_server: FakeServer, call: Caller, answer: object
) -> None:
    fake_server.on("POST", "/workflows/run", json_reply(200, answer))
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(ResponseValidationError, match="POST /workflows/run"):
        call(client, "run_workflow", specification=specification("qr_and_barcode"))


def test_infer_from_workflow_warns_and_uses_the_legacy_specification_route(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("POST", "/infer/workflows", run_reply([QR_OUTPUT]))
    client = InferenceHTTPClient(fake_server.url, api_key="secret-key")
    spec = specification("qr_and_barcode")
    with pytest.warns(
        RFClientDeprecationWarning, match=r"infer_from_workflow.*run_workflow"
    ) as seen:
        result = call(client, "infer_from_workflow", specification=spec, parameters={"x": 1})
    assert result == [QR_OUTPUT]
    # Shown by default (1.8.3's is a plain Warning; a DeprecationWarning would be hidden when
    # the call comes from an imported module).
    assert issubclass(seen[0].category, FutureWarning)
    assert issubclass(seen[0].category, InferenceSDKDeprecationWarning)
    [request] = fake_server.requests
    assert request.path == "/infer/workflows"
    assert request.json() == {
        "specification": spec,
        "inputs": {"x": 1},
        "use_cache": True,
        "enable_profiling": False,
    }


@pytest.mark.parametrize("id_argument", ["workflow_name", "workflow_id"])
def test_infer_from_workflow_uses_the_legacy_saved_workflow_route(
    fake_server: FakeServer, call: Caller, id_argument: str
) -> None:
    fake_server.on("POST", "/infer/workflows/ws/wf", run_reply([{"count": 1}]))
    client = InferenceHTTPClient(fake_server.url)
    with pytest.warns(RFClientDeprecationWarning):
        result = call(
            client,
            "infer_from_workflow",
            workspace_name="ws",
            workflow_version_id="3",
            **{id_argument: "wf"},
        )
    assert result == [{"count": 1}]
    assert fake_server.requests[0].json()["workflow_version_id"] == "3"


def test_infer_from_workflow_positional_arguments_follow_1_8_3(fake_server: FakeServer) -> None:
    fake_server.on("POST", "/infer/workflows/ws/wf", run_reply([{"count": 1}]))
    client = InferenceHTTPClient(fake_server.url)
    with pytest.warns(RFClientDeprecationWarning) as seen:
        assert client.infer_from_workflow("ws", "wf") == [{"count": 1}]
    # The warning points at the caller's line, not at rf-client.
    assert seen[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RFClientDeprecationWarning)
        with pytest.raises(InvalidParameterError, match="workflow_name"):
            client.infer_from_workflow("ws", "wf", workflow_id="other")
        with pytest.raises(InvalidParameterError, match="workflow_name is missing"):
            client.infer_from_workflow("ws")
    assert len(fake_server.requests) == 1
