"""Inference pipelines, documented and typed, against the fake server."""

from __future__ import annotations

import datetime
import logging
import re
from typing import Any

import pytest
from rf_api_v1.models import (
    CommandResponse,
    ConsumePipelineResponse,
    InferencePipelineStatusResponse,
    ListPipelinesResponse,
)

from rf_client import (
    APIConnectionError,
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidParameterError,
    NotFoundError,
    RetryPolicy,
    RFClientError,
)
from tests.support.fake_server import FakeServer, json_reply, reset
from tests.unit.workflows.workflows_support import Caller, image_output, specification

SPEC = specification("qr_and_barcode")
CONTEXT = {"request_id": "req-1", "pipeline_id": "pipe-1"}
COMMAND = {"status": "success", "context": CONTEXT}
LISTED = {
    "status": "success",
    "context": {"request_id": "req-2"},
    "pipelines": ["pipe-1", "pipe-2"],
}
STATUS = {
    "status": "success",
    "context": CONTEXT,
    "report": {"inference_throughput": 12.5, "sources_metadata": [{"source_id": 0}]},
}
CONSUMED = {
    "status": "success",
    "context": CONTEXT,
    "outputs": [{"qr": {"predictions": []}, "viz": image_output()}, None],
    "frames_metadata": [
        {"frame_id": 7, "frame_timestamp": "2026-11-27T04:48:53.259693", "source_id": 0},
        None,
    ],
}

# What inference-sdk 1.8.3 sends for start_inference_pipeline_with_workflow(
# "rtsp://camera/1", workflow_specification=SPEC) with every other argument left at its default.
START_PAYLOAD_1_8_3 = {
    "video_configuration": {
        "type": "VideoConfiguration",
        "video_reference": "rtsp://camera/1",
        "max_fps": None,
        "source_buffer_filling_strategy": "DROP_OLDEST",
        "source_buffer_consumption_strategy": "EAGER",
        "video_source_properties": None,
        "batch_collection_timeout": None,
    },
    "processing_configuration": {
        "type": "WorkflowConfiguration",
        "workflow_specification": SPEC,
        "workspace_name": None,
        "workflow_id": None,
        "image_input_name": "image",
        "workflows_parameters": None,
        "workflows_thread_pool_workers": 4,
        "cancel_thread_pool_tasks_on_exit": True,
        "video_metadata_input_name": "video_metadata",
    },
    "sink_configuration": {"type": "MemorySinkConfiguration", "results_buffer_size": 64},
}


def test_start_sends_the_1_8_3_payload(fake_server: FakeServer, call: Caller) -> None:
    fake_server.on("POST", "/inference_pipelines/initialise", json_reply(200, COMMAND))
    client = InferenceHTTPClient(fake_server.url, api_key="secret-key")
    result = call(
        client,
        "start_inference_pipeline_with_workflow",
        "rtsp://camera/1",
        workflow_specification=SPEC,
    )
    assert result == COMMAND
    typed = call(client.typed.pipelines, "start", "rtsp://camera/1", workflow_specification=SPEC)
    assert isinstance(typed, CommandResponse)
    assert typed.context.pipeline_id == "pipe-1"
    for request in fake_server.requests:
        assert request.path == "/inference_pipelines/initialise"
        assert request.json() == START_PAYLOAD_1_8_3
        assert request.headers["authorization"] == "Bearer secret-key"


def test_start_with_a_saved_workflow_and_every_option(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("POST", "/inference_pipelines/initialise", json_reply(200, COMMAND))
    client = InferenceHTTPClient(fake_server.url, api_key="secret-key").configure(
        InferenceConfiguration(api_key_transport="legacy")
    )
    call(
        client,
        "start_inference_pipeline_with_workflow",
        video_reference=[0, "video.mp4"],
        workspace_name="ws",
        workflow_id="wf",
        image_input_name="frame",
        workflows_parameters={"min_conf": 0.4},
        workflows_thread_pool_workers=2,
        cancel_thread_pool_tasks_on_exit=False,
        video_metadata_input_name="meta",
        max_fps=15,
        source_buffer_filling_strategy="WAIT",
        source_buffer_consumption_strategy="LAZY",
        video_source_properties={"frame_width": 1280.0},
        batch_collection_timeout=0.5,
        results_buffer_size=8,
    )
    [request] = fake_server.requests
    assert "authorization" not in request.headers
    assert request.json() == {
        "api_key": "secret-key",
        "video_configuration": {
            "type": "VideoConfiguration",
            "video_reference": [0, "video.mp4"],
            "max_fps": 15,
            "source_buffer_filling_strategy": "WAIT",
            "source_buffer_consumption_strategy": "LAZY",
            "video_source_properties": {"frame_width": 1280.0},
            "batch_collection_timeout": 0.5,
        },
        "processing_configuration": {
            "type": "WorkflowConfiguration",
            "workflow_specification": None,
            "workspace_name": "ws",
            "workflow_id": "wf",
            "image_input_name": "frame",
            "workflows_parameters": {"min_conf": 0.4},
            "workflows_thread_pool_workers": 2,
            "cancel_thread_pool_tasks_on_exit": False,
            "video_metadata_input_name": "meta",
        },
        "sink_configuration": {"type": "MemorySinkConfiguration", "results_buffer_size": 8},
    }


INVALID_START_ARGUMENTS: list[tuple[dict[str, Any], str]] = [
    ({}, "no workflow given: pass workflow_specification=..."),
    ({"workflow_specification": SPEC, "workspace_name": "ws"}, "not both"),
    ({"workspace_name": "ws"}, "workflow_id is missing"),
    ({"workflow_specification": SPEC, "video_reference": ""}, "video_reference must be"),
    ({"workflow_specification": SPEC, "video_reference": []}, "video_reference must be"),
    ({"workflow_specification": SPEC, "video_reference": -1}, "video_reference must be"),
    ({"workflow_specification": SPEC, "video_reference": [0, None]}, "video_reference must"),
    (
        {"workflow_specification": SPEC, "source_buffer_filling_strategy": "DROP_ALL"},
        "source_buffer_filling_strategy must be one of 'WAIT'",
    ),
    (
        {"workflow_specification": SPEC, "source_buffer_consumption_strategy": "eager"},
        "source_buffer_consumption_strategy must be one of 'LAZY', 'EAGER'",
    ),
    ({"workflow_specification": SPEC, "results_buffer_size": 0}, "results_buffer_size"),
    ({"workflow_specification": SPEC, "max_fps": 0}, "max_fps must be a number above 0"),
    (
        {"workflow_specification": SPEC, "workflows_parameters": {"x": object()}},
        "workflows_parameters cannot be sent as JSON",
    ),
]


def test_start_refuses_bad_arguments_before_sending(fake_server: FakeServer, call: Caller) -> None:
    client = InferenceHTTPClient(fake_server.url)
    for given, message in INVALID_START_ARGUMENTS:
        arguments = {"video_reference": "rtsp://camera/1", **given}
        with pytest.raises(InvalidParameterError, match=re.escape(message)):
            call(client, "start_inference_pipeline_with_workflow", **arguments)
        with pytest.raises(InvalidParameterError, match=re.escape(message)):
            call(client.typed.pipelines, "start", **arguments)
    assert fake_server.requests == []


def test_list_pipelines(fake_server: FakeServer, call: Caller) -> None:
    fake_server.on("GET", "/inference_pipelines/list", json_reply(200, LISTED))
    client = InferenceHTTPClient(fake_server.url, api_key="secret-key")
    assert call(client, "list_inference_pipelines") == LISTED
    typed = call(client.typed.pipelines, "list")
    assert isinstance(typed, ListPipelinesResponse)
    assert typed.pipelines == ["pipe-1", "pipe-2"]
    for request in fake_server.requests:
        assert (request.method, request.path) == ("GET", "/inference_pipelines/list")
        assert request.headers["authorization"] == "Bearer secret-key"
        assert request.query == {}


def test_pipeline_status(fake_server: FakeServer, call: Caller) -> None:
    fake_server.on("GET", "/inference_pipelines/pipe-1/status", json_reply(200, STATUS))
    client = InferenceHTTPClient(fake_server.url)
    assert call(client, "get_inference_pipeline_status", "pipe-1") == STATUS
    typed = call(client.typed.pipelines, "status", "pipe-1")
    assert isinstance(typed, InferencePipelineStatusResponse)
    assert typed.report["inference_throughput"] == 12.5
    assert [r.method for r in fake_server.requests] == ["GET", "GET"]


@pytest.mark.parametrize("command", ["pause", "resume", "terminate"])
def test_pipeline_commands(fake_server: FakeServer, call: Caller, command: str) -> None:
    fake_server.on("POST", f"/inference_pipelines/pipe 1/{command}", json_reply(200, COMMAND))
    client = InferenceHTTPClient(fake_server.url, api_key="secret-key").configure(
        InferenceConfiguration(api_key_transport="both")
    )
    assert call(client, f"{command}_inference_pipeline", "pipe 1") == COMMAND
    typed = call(client.typed.pipelines, command, "pipe 1")
    assert isinstance(typed, CommandResponse)
    assert typed.status == "success"
    for request in fake_server.requests:
        assert (request.method, request.path) == ("POST", f"/inference_pipelines/pipe 1/{command}")
        assert request.headers["authorization"] == "Bearer secret-key"
        assert request.param("api_key") == "secret-key"


def test_consume_sends_the_excluded_fields_and_keeps_outputs_as_sent(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("GET", "/inference_pipelines/pipe-1/consume", json_reply(200, CONSUMED))
    client = InferenceHTTPClient(fake_server.url)
    assert call(client, "consume_inference_pipeline_result", "pipe-1") == CONSUMED
    call(client, "consume_inference_pipeline_result", "pipe-1", excluded_fields=["viz"])
    typed = call(client.typed.pipelines, "consume", "pipe-1", ["viz", "qr"])
    assert isinstance(typed, ConsumePipelineResponse)
    first = typed.frames_metadata[0]
    assert first is not None
    assert first.frame_id == 7
    assert first.frame_timestamp == datetime.datetime(2026, 11, 27, 4, 48, 53, 259693)
    assert typed.frames_metadata[1] is None
    assert [request.json() for request in fake_server.requests] == [
        {"excluded_fields": []},
        {"excluded_fields": ["viz"]},
        {"excluded_fields": ["viz", "qr"]},
    ]
    assert all(request.method == "GET" for request in fake_server.requests)


PIPELINE_ID_METHODS = [
    ("get_inference_pipeline_status", "status"),
    ("pause_inference_pipeline", "pause"),
    ("resume_inference_pipeline", "resume"),
    ("terminate_inference_pipeline", "terminate"),
    ("consume_inference_pipeline_result", "consume"),
]


def test_an_empty_pipeline_id_is_refused_before_sending(
    fake_server: FakeServer, call: Caller
) -> None:
    client = InferenceHTTPClient(fake_server.url)
    for method, typed_method in PIPELINE_ID_METHODS:
        for pipeline_id in ("", None, 7):
            with pytest.raises(InvalidParameterError, match="pipeline_id must be a non-empty"):
                call(client, method, pipeline_id)
            with pytest.raises(InvalidParameterError, match="pipeline_id must be a non-empty"):
                call(client.typed.pipelines, typed_method, pipeline_id)
    assert fake_server.requests == []


def test_a_server_without_the_stream_api_answers_not_found(
    fake_server: FakeServer, call: Caller
) -> None:
    fake_server.on("GET", "/inference_pipelines/list", json_reply(404, {"detail": "Not Found"}))
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(NotFoundError, match="GET /inference_pipelines/list"):
        call(client, "list_inference_pipelines")


FAST_RETRIES = RetryPolicy(initial_delay=0.001, max_delay=0.001)


@pytest.mark.parametrize(
    ("method", "path", "args"),
    [
        ("consume_inference_pipeline_result", "GET /inference_pipelines/pipe-1/consume", ()),
        ("terminate_inference_pipeline", "POST /inference_pipelines/pipe-1/terminate", ()),
        ("pause_inference_pipeline", "POST /inference_pipelines/pipe-1/pause", ()),
    ],
)
def test_commands_that_change_state_are_not_repeated_after_the_server_may_have_acted(
    fake_server: FakeServer, call: Caller, method: str, path: str, args: tuple[Any, ...]
) -> None:
    # A 502 or a reset answer may come after the server acted: a repeat would consume the next
    # results (losing these) or fail with 404 after a terminate that worked.
    verb, route = path.split(" ")
    for first in (json_reply(502, {"message": "bad gateway"}), reset()):
        fake_server.requests.clear()
        fake_server.on(verb, route, first, json_reply(200, COMMAND))
        client = InferenceHTTPClient(fake_server.url, retry_policy=FAST_RETRIES)
        with pytest.raises(RFClientError):
            call(client, method, "pipe-1", *args)
        assert len(fake_server.requests_to(verb, route)) == 1


@pytest.mark.parametrize("status", [429, 503])
def test_commands_refused_unprocessed_are_retried(
    fake_server: FakeServer, call: Caller, status: int
) -> None:
    fake_server.on(
        "GET",
        "/inference_pipelines/pipe-1/consume",
        json_reply(status, {"message": "slow down"}, {"Retry-After": "0"}),
        json_reply(200, CONSUMED),
    )
    client = InferenceHTTPClient(fake_server.url, retry_policy=FAST_RETRIES)
    assert call(client, "consume_inference_pipeline_result", "pipe-1") == CONSUMED
    assert len(fake_server.requests) == 2


def test_starting_a_pipeline_is_retried_only_when_it_never_reached_the_server(
    fake_server: FakeServer, call: Caller
) -> None:
    initialise = "/inference_pipelines/initialise"
    failed = json_reply(500, {"message": "failed half-way"})
    fake_server.on("POST", initialise, failed, json_reply(200, COMMAND))
    client = InferenceHTTPClient(fake_server.url, retry_policy=FAST_RETRIES)
    with pytest.raises(RFClientError):
        call(client, "start_inference_pipeline_with_workflow", "rtsp://camera/1", SPEC)
    assert len(fake_server.requests_to("POST", initialise)) == 1
    # Nothing listens on port 9: no connection, so the request never left and is retried.
    attempts: list[str] = []
    unreachable = InferenceHTTPClient("http://127.0.0.1:9", retry_policy=FAST_RETRIES)
    logger = logging.getLogger("rf_client")
    handler = _Collect(attempts)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with pytest.raises(APIConnectionError):
            call(unreachable, "start_inference_pipeline_with_workflow", "rtsp://camera/1", SPEC)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    assert len(attempts) == 2  # the two retries of the default policy


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__()
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Retrying"):
            self.into.append(record.getMessage())
