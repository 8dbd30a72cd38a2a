"""Documentation example and prose of "Inference workflows": run_workflow, cache, profiling.

The example shows ``run_workflow`` with a specification and, commented out, a saved workflow
(``workspace_name`` + ``workflow_id``); the prose describes ``use_cache=False``,
``enable_profiling=True`` with ``profiling_directory`` and the deprecated
``infer_from_workflow``. Those are run as short snippets in the same style
(``documented=False``).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from rf_client import InferenceHTTPClient, InvalidParameterError, RFClientDeprecationWarning
from tests.support.fake_server import FakeServer, RecordedRequest
from tests.unit.seed.seed_support import (
    IMAGE_PATH,
    WORKFLOW_TRACE,
    image_of,
    paths,
    read_json,
    run_example,
)

EXAMPLE_RUN_WORKFLOW = """
from inference_sdk import InferenceHTTPClient

# Replace ROBOFLOW_API_KEY with your Roboflow API Key
CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",
    api_key="ROBOFLOW_API_KEY"
)

# for older versions of server than v0.9.21 use: CLIENT.infer_from_workflow(...)
CLIENT.run_workflow(
    specification={
        "version": "1.0",
        "inputs": [
            {"type": "InferenceImage", "name": "image"},
            {"type": "InferenceParameter", "name": "my_param"},
        ],
        # ...
    },
    # OR
    # workspace_name="my_workspace_name",
    # workflow_id="my_workflow_id",

    images={
        "image": "url or your np.array",
    },
    parameters={
        "my_param": 37,
    },
)
"""

SPECIFICATION = {
    "version": "1.0",
    "inputs": [
        {"type": "InferenceImage", "name": "image"},
        {"type": "InferenceParameter", "name": "my_param"},
    ],
}

SAVED_WORKFLOW = """
from inference_sdk import InferenceHTTPClient, InferenceConfiguration

image_url = "https://source.roboflow.com/pwYAXv9BTpqLyFfgQoPZ/u48G0UpWfk8giSw7wrU8/original.jpg"
CLIENT = InferenceHTTPClient(api_url="http://localhost:9001", api_key="ROBOFLOW_API_KEY")
CLIENT.run_workflow(
    workspace_name="my_workspace_name",
    workflow_id="my_workflow_id",
    images={"image": image_url},
    parameters={"my_param": 37},
    {extra}
)
"""
"""The example's commented-out alternative, plus ``extra`` keyword arguments from the prose."""


def image_url_replacement(server: FakeServer) -> dict[str, str]:
    """The example's image placeholder pointed at an image the fake server serves."""
    return {'"url or your np.array"': f'"{server.url}{IMAGE_PATH}"'}


def saved_workflow(extra: str = "") -> str:
    return SAVED_WORKFLOW.replace("{extra}", extra)


def assert_inputs(request: RecordedRequest) -> None:
    inputs = request.json()["inputs"]
    assert set(inputs) == {"image", "my_param"}
    assert inputs["my_param"] == 37
    assert image_of(inputs["image"]).size == (640, 427)


def test_run_workflow_with_a_specification(docs_server: FakeServer) -> None:
    run = run_example(EXAMPLE_RUN_WORKFLOW, docs_server.url, image_url_replacement(docs_server))
    (outputs,) = run.values
    assert outputs == [{"inputs_seen": ["image", "my_param"], "count": 1}]
    assert paths(docs_server.requests) == [f"GET {IMAGE_PATH}", "POST /workflows/run"]
    request = docs_server.requests[1]
    body: dict[str, Any] = request.json()
    assert body["specification"] == SPECIFICATION
    assert body["use_cache"] is True
    assert body["enable_profiling"] is False
    assert "api_key" not in body  # the key travels in the Authorization header
    assert request.headers["authorization"] == "Bearer ROBOFLOW_API_KEY"
    assert_inputs(request)


def test_run_workflow_with_workspace_and_workflow_id(docs_server: FakeServer) -> None:
    run = run_example(saved_workflow(), docs_server.url, documented=False)
    (outputs,) = run.values
    assert outputs[0]["count"] == 1
    request = docs_server.requests[-1]
    assert request.path == "/my_workspace_name/workflows/my_workflow_id"
    body = request.json()
    assert "specification" not in body
    assert body["use_cache"] is True  # the server caches saved definitions by default
    assert_inputs(request)


def test_use_cache_false_forces_a_fresh_definition(docs_server: FakeServer) -> None:
    run_example(saved_workflow("use_cache=False,"), docs_server.url, documented=False)
    assert docs_server.requests[-1].json()["use_cache"] is False


def test_enable_profiling_saves_the_trace_in_the_default_directory(
    docs_server: FakeServer, example_dir: Path
) -> None:
    # "... a JSON file with trace in a directory specified by profiling_directory parameter of
    # InferenceConfiguration - by default it is inference_profiling directory in your current
    # working directory."
    run_example(saved_workflow("enable_profiling=True,"), docs_server.url, documented=False)
    assert docs_server.requests[-1].json()["enable_profiling"] is True
    traces = sorted((example_dir / "inference_profiling").glob("*.json"))
    assert len(traces) == 1
    assert read_json(traces[0]) == WORKFLOW_TRACE


def test_enable_profiling_honours_profiling_directory(
    docs_server: FakeServer, example_dir: Path
) -> None:
    code = saved_workflow("enable_profiling=True,").replace(
        'api_key="ROBOFLOW_API_KEY")\n',
        'api_key="ROBOFLOW_API_KEY")\n'
        'CLIENT.configure(InferenceConfiguration(profiling_directory="traces/run-1"))\n',
    )
    run_example(code, docs_server.url, documented=False)
    traces = sorted((example_dir / "traces" / "run-1").glob("*.json"))
    assert len(traces) == 1
    assert read_json(traces[0]) == WORKFLOW_TRACE
    assert not (example_dir / "inference_profiling").exists()


def test_no_trace_file_without_enable_profiling(docs_server: FakeServer, example_dir: Path) -> None:
    run_example(saved_workflow(), docs_server.url, documented=False)
    assert not (example_dir / "inference_profiling").exists()


def test_infer_from_workflow_is_the_deprecated_older_server_route(
    docs_server: FakeServer,
) -> None:
    # "for older versions of server than v0.9.21 use: CLIENT.infer_from_workflow(...)":
    # the same call, the legacy route, and a deprecation warning naming the method.
    code = EXAMPLE_RUN_WORKFLOW.replace("\nCLIENT.run_workflow(", "\nCLIENT.infer_from_workflow(")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = run_example(
            code, docs_server.url, image_url_replacement(docs_server), documented=False
        )
    deprecations = [w for w in caught if issubclass(w.category, RFClientDeprecationWarning)]
    assert len(deprecations) == 1
    assert "infer_from_workflow" in str(deprecations[0].message)
    assert run.values[0][0]["count"] == 1
    request = docs_server.requests[-1]
    assert request.path == "/infer/workflows"
    assert request.json()["specification"] == SPECIFICATION
    assert_inputs(request)


def test_run_workflow_needs_a_specification_or_a_saved_workflow(fake_server: FakeServer) -> None:
    # "either specification is provided ... or both workspace_name and workflow_id are given"
    client = InferenceHTTPClient(fake_server.url, "ROBOFLOW_API_KEY")
    with pytest.raises(InvalidParameterError):
        client.run_workflow(images={}, parameters={})
    with pytest.raises(InvalidParameterError):
        client.run_workflow(
            specification=SPECIFICATION,
            workspace_name="my_workspace_name",
            workflow_id="my_workflow_id",
        )
    with pytest.raises(InvalidParameterError):
        client.run_workflow(workspace_name="my_workspace_name")
    assert fake_server.requests == []
