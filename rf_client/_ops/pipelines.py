"""Inference pipelines (experimental in inference 1.8.3): workflows run by the server on video.

The server reads a video file, stream or camera itself, runs a workflow on its frames and
buffers the results, which the client consumes. Pipelines need a server started with
``ENABLE_STREAM_API=True``; elsewhere the routes answer 404.

A client of several servers starts a pipeline on one of them (as any request) and remembers
where: the pipeline's status, commands and results go to that server. An id it did not start
(another client's, say) is looked for on every server in turn (the others answer 404), then
remembered. Listing asks every server and answers the union of their ids.

The API key travels like everywhere else: in the ``Authorization`` header, and (legacy or both
transports) in the start request's body or, for the routes without a body field, the
``api_key`` query parameter.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar, get_args

import attrs

from rf_client._batch import BatchOutcome
from rf_client._context import CallContext
from rf_client._http import Request
from rf_client._ops.workflows import (
    Parse,
    call_json,
    check_field_names,
    check_flag,
    check_json,
    check_mapping,
    check_text,
    workflow_ref,
)
from rf_client._plan import Plan, gather, offload, send
from rf_client.errors import APIConnectionError, APIStatusError, InvalidParameterError

if TYPE_CHECKING:
    from rf_api_v1.models import InitialisePipelinePayload

T = TypeVar("T")

BufferFillingStrategy: TypeAlias = Literal[
    "WAIT", "DROP_OLDEST", "ADAPTIVE_DROP_OLDEST", "DROP_LATEST", "ADAPTIVE_DROP_LATEST"
]
"""What a video source does when its frame buffer is full."""

BufferConsumptionStrategy: TypeAlias = Literal["LAZY", "EAGER"]
"""How frames are taken from a video source's buffer."""

PipelineVideoSource: TypeAlias = "str | int | list[str | int]"
"""A video file path or URL, a stream URL, a camera index, or a list of them."""

PipelineCommand: TypeAlias = Literal["pause", "resume", "terminate"]
"""The commands a running pipeline takes."""


@attrs.frozen
class PipelineStart:
    """The arguments of ``start_inference_pipeline_with_workflow``, as given (1.8.3's names)."""

    video_reference: PipelineVideoSource
    workflow_specification: Mapping[str, Any] | None = None
    workspace_name: str | None = None
    workflow_id: str | None = None
    image_input_name: str = "image"
    workflows_parameters: Mapping[str, Any] | None = None
    workflows_thread_pool_workers: int = 4
    cancel_thread_pool_tasks_on_exit: bool = True
    video_metadata_input_name: str = "video_metadata"
    max_fps: float | None = None
    source_buffer_filling_strategy: BufferFillingStrategy | None = "DROP_OLDEST"
    source_buffer_consumption_strategy: BufferConsumptionStrategy | None = "EAGER"
    video_source_properties: Mapping[str, float | str] | None = None
    batch_collection_timeout: float | None = None
    results_buffer_size: int = 64


def check_pipeline_id(pipeline_id: object) -> str:
    """``pipeline_id`` when it is a non-empty string; InvalidParameterError otherwise."""
    if not isinstance(pipeline_id, str) or not pipeline_id:
        raise InvalidParameterError(
            f"pipeline_id must be a non-empty string, not {pipeline_id!r}: pass the id that "
            "start_inference_pipeline_with_workflow() answered (context.pipeline_id)."
        )
    return pipeline_id


def _check_video_reference(value: object) -> str | int | list[str | int]:
    if isinstance(value, list):
        if value:
            return [_video_source(item, value) for item in value]
        return _video_source(None, value)
    return _video_source(value, value)


def _video_source(item: object, given: object) -> str | int:
    if isinstance(item, int) and not isinstance(item, bool) and item >= 0:
        return item
    if isinstance(item, str) and item.strip():
        return item
    raise InvalidParameterError(
        "video_reference must be a video path or URL, a stream URL, a camera index (0, 1, ...) "
        f"or a non-empty list of them, not {given!r}."
    )


def _check_count(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidParameterError(f"{name} must be a whole number of at least 1, not {value!r}.")
    return value


def _check_positive(value: object, name: str) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise InvalidParameterError(f"{name} must be a number above 0 or None, not {value!r}.")
    return value


def _check_strategy(value: object, name: str, allowed: Sequence[str]) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        raise InvalidParameterError(
            f"{name} must be one of {', '.join(repr(a) for a in allowed)} or None, not {value!r}."
        )
    return str(value)


FILLING_STRATEGIES: tuple[str, ...] = get_args(BufferFillingStrategy)
"""The values of ``source_buffer_filling_strategy``."""
CONSUMPTION_STRATEGIES: tuple[str, ...] = get_args(BufferConsumptionStrategy)
"""The values of ``source_buffer_consumption_strategy``."""


def start_pipeline(ctx: CallContext, start: PipelineStart, parse: Parse[T]) -> Plan[T]:
    """``POST /inference_pipelines/initialise``: start a pipeline running a workflow on video."""
    from rf_api_v1.api.pipelines import initialise_pipeline as operation

    body = _initialise_payload(ctx, start)
    # Not idempotent: a repeat after a lost answer would start a second, orphaned pipeline.
    request = Request.from_generated(operation.build_request_kwargs(body=body), idempotent=False)
    reply = yield from send(ctx.authorised(request), ctx.options, ctx.route)
    data = reply.json()
    started = _pipeline_id_of(data)
    if ctx.route.spread and started is not None:
        ctx.route.nodes.remember_pipeline(started, reply.node)
    return (yield from offload(lambda: parse(data, reply.endpoint)))


def _pipeline_id_of(data: object) -> str | None:
    """The ``context.pipeline_id`` of a start answer, if it has one."""
    context = data.get("context") if isinstance(data, dict) else None
    pipeline_id = context.get("pipeline_id") if isinstance(context, dict) else None
    return pipeline_id if isinstance(pipeline_id, str) and pipeline_id else None


def on_pipeline_node(
    ctx: CallContext, pipeline_id: str, plan: Callable[[CallContext], Plan[T]]
) -> Plan[T]:
    """``plan`` on the server running ``pipeline_id`` (one server: on it).

    Among several servers: on the one that started it; an id not started by this client is
    looked for on each server in turn (404 from the others), and remembered where found.

    Raises:
        NotFoundError: Every server answered that it does not know the pipeline (the message
            names them all).
        APIConnectionError: It was not found on the others and this server could not be
            reached.
    """
    if not ctx.route.spread:
        return (yield from plan(ctx))
    nodes = ctx.route.nodes
    known = nodes.pipeline_node(pipeline_id)
    if known is not None:
        return (yield from plan(ctx.on_node(known)))
    missing: APIStatusError | None = None
    unreachable: APIConnectionError | None = None
    for node in nodes.nodes:
        try:
            result = yield from plan(ctx.on_node(node))
        except APIStatusError as error:
            if error.status_code != 404:
                raise
            missing = error
            continue
        except APIConnectionError as error:  # a server that is down cannot be asked
            unreachable = unreachable or error
            continue
        nodes.remember_pipeline(pipeline_id, node.base_url)
        return result
    if unreachable is not None:
        raise unreachable  # the pipeline may run there: "not found" would be a guess
    assert missing is not None  # a set has at least one node
    raise type(missing)(
        f"pipeline {pipeline_id!r} is not running on any of the servers ({nodes.displays()}): "
        "check the id (start_inference_pipeline_with_workflow() answers it; "
        "list_inference_pipelines() lists the running ones).",
        404,
        missing.api_message,
        endpoint=missing.endpoint,
        body=missing.body,
    )


def _initialise_payload(ctx: CallContext, start: PipelineStart) -> InitialisePipelinePayload:
    """1.8.3's payload: every video and processing field sent, None as null."""
    from rf_api_v1 import models
    from rf_api_v1.types import UNSET

    ref = workflow_ref(
        start.workflow_specification,
        start.workspace_name,
        start.workflow_id,
        specification_name="workflow_specification",
    )
    parameters = check_mapping(
        start.workflows_parameters, "workflows_parameters", "workflow input name -> value"
    )
    check_json(parameters, "workflows_parameters")
    properties = check_mapping(
        start.video_source_properties, "video_source_properties", "property name -> value"
    )
    check_json(properties, "video_source_properties")
    filling = _check_strategy(
        start.source_buffer_filling_strategy, "source_buffer_filling_strategy", FILLING_STRATEGIES
    )
    consumption = _check_strategy(
        start.source_buffer_consumption_strategy,
        "source_buffer_consumption_strategy",
        CONSUMPTION_STRATEGIES,
    )
    check_flag(start.cancel_thread_pool_tasks_on_exit, "cancel_thread_pool_tasks_on_exit")
    video = models.VideoConfiguration(
        type_="VideoConfiguration",
        video_reference=_check_video_reference(start.video_reference),
        max_fps=_check_positive(start.max_fps, "max_fps"),
        source_buffer_filling_strategy=None
        if filling is None
        else models.BufferFillingStrategy(filling),
        source_buffer_consumption_strategy=None
        if consumption is None
        else models.BufferConsumptionStrategy(consumption),
        video_source_properties=None
        if start.video_source_properties is None
        else models.VideoConfigurationVideoSourcePropertiesType0.from_dict(properties),
        batch_collection_timeout=_check_positive(
            start.batch_collection_timeout, "batch_collection_timeout"
        ),
    )
    processing = models.WorkflowConfiguration(
        type_="WorkflowConfiguration",
        workflow_specification=None
        if ref.specification is None
        else models.WorkflowConfigurationWorkflowSpecificationType0.from_dict(ref.specification),
        workspace_name=ref.workspace_name or None,
        workflow_id=ref.workflow_id or None,
        image_input_name=check_text(start.image_input_name, "image_input_name"),
        workflows_parameters=None
        if start.workflows_parameters is None
        else models.WorkflowConfigurationWorkflowsParametersType0.from_dict(parameters),
        workflows_thread_pool_workers=_check_count(
            start.workflows_thread_pool_workers, "workflows_thread_pool_workers"
        ),
        cancel_thread_pool_tasks_on_exit=start.cancel_thread_pool_tasks_on_exit,
        video_metadata_input_name=check_text(
            start.video_metadata_input_name, "video_metadata_input_name"
        ),
        # Left out, as 1.8.3 leaves them out (the server's defaults: False, 4).
        disable_sinks=UNSET,
        execution_engine_thread_pool_workers=UNSET,
    )
    sink = models.MemorySinkConfiguration(
        type_="MemorySinkConfiguration",
        results_buffer_size=_check_count(start.results_buffer_size, "results_buffer_size"),
    )
    return models.InitialisePipelinePayload(
        video_configuration=video,
        processing_configuration=processing,
        sink_configuration=sink,
        api_key=ctx.legacy_api_key() or UNSET,
    )


def list_pipelines(ctx: CallContext, parse: Parse[T]) -> Plan[T]:
    """``GET /inference_pipelines/list``: the ids of the pipelines running on the server."""
    from rf_api_v1.api.pipelines import list_pipelines as operation

    request = ctx.authorised(_with_key(ctx, operation.build_request_kwargs()))
    if not ctx.route.spread:
        return (yield from call_json(ctx, request, parse))
    nodes = ctx.route.nodes.nodes
    plans = [send(request, ctx.options, ctx.on_node(node).route) for node in nodes]
    outcomes = yield from gather(plans, len(nodes))
    BatchOutcome(outcomes).raise_first_error()
    replies = [outcome.unwrap() for outcome in outcomes]
    merged: dict[str, Any] = {}
    ids: list[str] = []
    for reply in replies:
        data = reply.json()
        if not isinstance(data, dict):
            return (yield from offload(functools.partial(parse, data, reply.endpoint)))  # refused
        merged = merged or dict(data)
        found = data.get("pipelines")
        for pipeline_id in found if isinstance(found, list) else []:
            if isinstance(pipeline_id, str) and pipeline_id not in ids:
                ids.append(pipeline_id)
                ctx.route.nodes.remember_pipeline(pipeline_id, reply.node)
    merged["pipelines"] = ids
    endpoint = replies[0].endpoint
    return (yield from offload(lambda: parse(merged, endpoint)))


def pipeline_status(ctx: CallContext, pipeline_id: object, parse: Parse[T]) -> Plan[T]:
    """``GET /inference_pipelines/{id}/status``: the pipeline's state and its sources' report."""
    from rf_api_v1.api.pipelines import get_pipeline_status as operation

    identifier = check_pipeline_id(pipeline_id)
    request = _with_key(ctx, operation.build_request_kwargs(identifier))
    return (
        yield from on_pipeline_node(
            ctx, identifier, lambda node_ctx: call_json(node_ctx, request, parse)
        )
    )


def pipeline_command(
    ctx: CallContext, command: PipelineCommand, pipeline_id: object, parse: Parse[T]
) -> Plan[T]:
    """``POST /inference_pipelines/{id}/pause|resume|terminate``."""
    from rf_api_v1.api.pipelines import pause_pipeline, resume_pipeline, terminate_pipeline

    operations = {
        "pause": pause_pipeline,
        "resume": resume_pipeline,
        "terminate": terminate_pipeline,
    }
    identifier = check_pipeline_id(pipeline_id)
    kwargs = operations[command].build_request_kwargs(identifier)
    # A repeated terminate fails with 404 after the first one worked: not idempotent.
    request = _with_key(ctx, kwargs, idempotent=False)
    result = yield from on_pipeline_node(
        ctx, identifier, lambda node_ctx: call_json(node_ctx, request, parse)
    )
    if command == "terminate":
        ctx.route.nodes.forget_pipeline(identifier)
    return result


def consume_result(
    ctx: CallContext, pipeline_id: object, excluded_fields: object, parse: Parse[T]
) -> Plan[T]:
    """``GET /inference_pipelines/{id}/consume``: the results buffered since the last call.

    ``excluded_fields`` always goes in the body (an empty list for none), as 1.8.3 sends it.
    """
    from rf_api_v1.api.pipelines import consume_pipeline_result as operation
    from rf_api_v1.models import ConsumeResultsPayload

    identifier = check_pipeline_id(pipeline_id)
    excluded = check_field_names(excluded_fields, "excluded_fields") or []
    kwargs = operation.build_request_kwargs(
        identifier, body=ConsumeResultsPayload(excluded_fields=excluded)
    )
    # Consuming empties the server's buffer: a repeat would return the next results and lose
    # the ones whose answer did not arrive.
    request = _with_key(ctx, kwargs, idempotent=False)
    return (
        yield from on_pipeline_node(
            ctx, identifier, lambda node_ctx: call_json(node_ctx, request, parse)
        )
    )


def _with_key(ctx: CallContext, kwargs: Mapping[str, Any], *, idempotent: bool = True) -> Request:
    """The request, with the legacy ``api_key`` query parameter when the transport uses it."""
    request = Request.from_generated(kwargs, idempotent=idempotent)
    key = ctx.legacy_api_key()
    return request.with_params({"api_key": key}) if key else request
