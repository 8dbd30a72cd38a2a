"""Workflows: run one (a specification, or one saved on the platform), validate, describe.

A run merges the encoded ``images`` with ``parameters`` into the workflow's ``inputs``, as
inference-sdk 1.8.3 does; every image is checked before anything is sent. Each plan takes a
``parse`` callable that turns the server's JSON into what a surface returns: the documented API
gets dicts (workflow image outputs decoded into the configured format), the typed API the
generated models.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard, TypeVar

import attrs

from rf_client._context import CallContext
from rf_client._http import Request
from rf_client._images import check_image, prepare_image
from rf_client._ops.registry import parse_model
from rf_client._plan import Plan, offload, send
from rf_client._results import decode_workflow_outputs
from rf_client.errors import (
    InvalidInputError,
    InvalidParameterError,
    InvalidParameterTypeError,
    ResponseValidationError,
)

if TYPE_CHECKING:
    from rf_api_v1.models import DescribeBlocksRequest, DynamicBlockDefinition

    from rf_client._images import ImageInput

T = TypeVar("T")
M = TypeVar("M")

WorkflowImage: TypeAlias = "ImageInput | Sequence[WorkflowImage]"
"""One image input, or a list (any sequence) of them: a batch, one ``outputs`` entry per image;
lists nest."""


def is_image_batch(value: object) -> TypeGuard[Sequence[object]]:
    """Whether a workflow image value is a batch: a sequence that is not itself one image."""
    return isinstance(value, Sequence) and not isinstance(
        value, str | bytes | bytearray | memoryview
    )


Parse = Callable[[object, str], T]
"""Turns an answer's decoded JSON (and the endpoint, for messages) into what a surface returns."""

PROFILER_TRACE_PREFIX = "workflow_execution_tack_"
"""Start of profiler trace file names; inference-sdk 1.8.3's spelling, so existing globs match."""


# Parsing answers.


def json_object(data: object, endpoint: str) -> dict[str, Any]:
    """``data`` when it is a JSON object; ResponseValidationError otherwise."""
    if not isinstance(data, dict):
        raise ResponseValidationError(
            f"{endpoint} answered {type(data).__name__} where a JSON object was expected."
        )
    return data


def parsed_by(from_dict: Callable[[Mapping[str, Any]], M]) -> Parse[M]:
    """A :data:`Parse` that builds a generated model with its ``from_dict``."""

    def parse(data: object, endpoint: str) -> M:
        return parse_model(from_dict, data, endpoint)

    return parse


def workflow_outputs(data: object, endpoint: str) -> list[dict[str, Any]]:
    """The ``outputs`` of a workflow run's answer: one dict per input image (or one)."""
    outputs = json_object(data, endpoint).get("outputs")
    if not isinstance(outputs, list) or not all(isinstance(item, dict) for item in outputs):
        raise ResponseValidationError(
            f"{endpoint} answered without a list of workflow outputs ('outputs'); is the URL an "
            "inference server?"
        )
    return outputs


def decoded_outputs(ctx: CallContext) -> Parse[list[dict[str, Any]]]:
    """The documented API's run result: the outputs, image outputs in the configured format."""
    image_format = ctx.configuration.output_visualisation_format

    def parse(data: object, endpoint: str) -> list[dict[str, Any]]:
        return [
            decode_workflow_outputs(output, image_format)
            for output in workflow_outputs(data, endpoint)
        ]

    return parse


# Checking arguments (before anything is sent).


def check_json(value: object, what: str) -> None:
    """InvalidParameterError unless ``value`` can be sent as JSON (as httpx encodes it)."""
    try:
        # allow_nan=False: httpx refuses NaN/Infinity too, and would raise a bare ValueError.
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidParameterError(
            f"{what} cannot be sent as JSON ({error}); use plain dicts, lists, strings, numbers "
            "and booleans (convert numpy values with .item() or .tolist())."
        ) from None


def check_flag(value: object, name: str) -> bool:
    """``value`` when it is a bool; InvalidParameterError otherwise."""
    if not isinstance(value, bool):
        raise InvalidParameterError(f"{name} must be True or False, not {value!r:.80}.")
    return value


def check_text(value: object, name: str) -> str:
    """``value`` when it is a non-empty string; InvalidParameterError otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(f"{name} must be a non-empty string, not {value!r}.")
    return value


def optional_text(value: object, name: str) -> str | None:
    """``value`` when it is None or a non-empty string; InvalidParameterError otherwise."""
    return None if value is None else check_text(value, name)


def check_field_names(value: object, name: str) -> list[str] | None:
    """``value`` as a list of names (None stays None); InvalidParameterError otherwise."""
    if value is None:
        return None
    if (
        isinstance(value, str | bytes)
        or not isinstance(value, Sequence)
        or not all(isinstance(item, str) for item in value)
    ):
        raise InvalidParameterError(
            f"{name} must be a list of output names such as ['visualization'], not {value!r}."
        )
    return list(value)


def check_mapping(value: object, name: str, expected: str) -> dict[str, Any]:
    """``value`` (None: empty) as a dict with string keys; InvalidParameterError otherwise."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidParameterTypeError(
            f"{name} must be a dict of {expected}, not {type(value).__name__}."
        )
    for key in value:
        if not isinstance(key, str):
            raise InvalidParameterTypeError(
                f"{name} must be a dict of {expected}; its key {key!r} is not a string."
            )
    return dict(value)


def check_specification(specification: object, name: str = "specification") -> dict[str, Any]:
    """``specification`` when it is a dict that can be sent as JSON; InvalidParameterError else."""
    if not isinstance(specification, Mapping):
        raise InvalidParameterTypeError(
            f"{name} must be a dict (the workflow's JSON definition), not "
            f"{type(specification).__name__}."
        )
    check_json(specification, name)
    return dict(specification)


@attrs.frozen
class WorkflowRef:
    """Which workflow: a specification, or (when it is None) one saved on the platform."""

    specification: dict[str, Any] | None = None
    workspace_name: str = ""
    workflow_id: str = ""


def workflow_ref(
    specification: object,
    workspace_name: object,
    workflow_id: object,
    *,
    specification_name: str = "specification",
    workflow_id_name: str = "workflow_id",
) -> WorkflowRef:
    """The checked choice of workflow: exactly one of a specification or workspace and id.

    ``specification_name`` and ``workflow_id_name`` are the caller's parameter names, for
    messages (``workflow_specification``, ``workflow_name`` in some methods).
    """
    names = f"{specification_name}=... or workspace_name=... and {workflow_id_name}=..."
    if specification is not None:
        if workspace_name is not None or workflow_id is not None:
            raise InvalidParameterError(
                f"give either {specification_name} or workspace_name and {workflow_id_name}, "
                "not both."
            )
        return WorkflowRef(check_specification(specification, specification_name))
    if workspace_name is None and workflow_id is None:
        raise InvalidParameterError(f"no workflow given: pass {names}.")
    if workspace_name is None or workflow_id is None:
        missing = "workspace_name" if workspace_name is None else workflow_id_name
        raise InvalidParameterError(
            f"{missing} is missing: a workflow saved on the platform needs both workspace_name "
            f"and {workflow_id_name} (or pass {specification_name}=... instead)."
        )
    return WorkflowRef(
        None,
        check_text(workspace_name, "workspace_name"),
        check_text(workflow_id, workflow_id_name),
    )


# Image inputs.


def check_workflow_images(images: object) -> dict[str, object]:
    """The ``images`` argument checked: input name -> image or (nested) list of images.

    Every image is checked (cheaply) so that nothing is sent when one of them is unusable;
    an error names the input and the position (``images['image'][2]: ...``).
    """
    checked = check_mapping(images, "images", "workflow input name -> image (or list of images)")
    for name, value in checked.items():
        if not name:
            raise InvalidParameterError("images has an empty input name.")
        _check_nested_image(value, f"images[{name!r}]")
    return checked


def _check_nested_image(value: object, where: str) -> None:
    if is_image_batch(value):
        if not value:
            raise InvalidInputError(f"{where} is an empty list: a batch needs at least one image.")
        for index, item in enumerate(value):
            _check_nested_image(item, f"{where}[{index}]")
        return
    try:
        check_image(value)
    except InvalidInputError as error:
        error.message = f"{where}: {error.message}"
        error.args = (error.message,)
        raise


def encode_workflow_images(ctx: CallContext, images: Mapping[str, object]) -> Plan[dict[str, Any]]:
    """Each input's image(s) as ``{"type": "base64", "value": ...}``, nesting kept.

    Images go at their own size: inference-sdk 1.8.3 does not downsize workflow inputs either
    (the workflow, not the client, knows what size its blocks need). ``images`` went through
    :func:`check_workflow_images`: they are not checked again.
    """
    encoded: dict[str, Any] = {}
    for name, value in images.items():
        encoded[name] = yield from _encode_nested_image(ctx, value)
    return encoded


def _encode_nested_image(ctx: CallContext, value: object) -> Plan[Any]:
    if is_image_batch(value):
        items: list[Any] = []
        for item in value:
            items.append((yield from _encode_nested_image(ctx, item)))
        return items
    image = yield from prepare_image(value, None, ctx.options, checked=True)
    return {"type": "base64", "value": image.base64()}


# Profiler traces.


def save_profiler_trace(directory: str, trace: object) -> Path:
    """Write ``trace`` as JSON into ``directory`` (created if needed); the file's path.

    The name is inference-sdk 1.8.3's (``workflow_execution_tack_<YYYY_MM_DD_HH_MM_SS>.json``);
    a run in the same second gets ``_1``, ``_2``, ... rather than overwriting the earlier trace.

    Raises:
        InvalidParameterError: The folder cannot be created or the file cannot be written.
    """
    folder = Path(os.path.abspath(os.path.expanduser(directory)))
    stamp = datetime.datetime.now().strftime("%Y_%m_%d_%H_%M_%S")
    path = folder / f"{PROFILER_TRACE_PREFIX}{stamp}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for attempt in range(1, 1000):
            try:
                with path.open("x", encoding="utf-8") as file:
                    json.dump(trace if trace is not None else [], file)
                return path
            except FileExistsError:
                path = folder / f"{PROFILER_TRACE_PREFIX}{stamp}_{attempt}.json"
        raise FileExistsError(f"too many traces named {PROFILER_TRACE_PREFIX}{stamp}*")
    except OSError as error:
        raise InvalidParameterError(
            f"cannot save the workflow profiler trace to {str(path)!r} "
            f"({error.strerror or error}): set InferenceConfiguration(profiling_directory=...) to "
            "a folder you can write to."
        ) from None


# Running.


@attrs.frozen
class WorkflowRun:
    """The arguments of one workflow run, as given (checked by :func:`run_workflow`).

    ``legacy_endpoints`` selects the pre-0.9.21 routes (``/infer/workflows...``) that the
    deprecated ``infer_from_workflow`` uses; ``workflow_id_name`` names the id parameter in
    messages.
    """

    workspace_name: str | None = None
    workflow_id: str | None = None
    specification: Mapping[str, Any] | None = None
    images: Mapping[str, WorkflowImage] | None = None
    parameters: Mapping[str, Any] | None = None
    excluded_fields: Sequence[str] | None = None
    use_cache: bool = True
    enable_profiling: bool = False
    workflow_version_id: str | None = None
    disable_sinks: bool = False
    legacy_endpoints: bool = False
    workflow_id_name: str = "workflow_id"


def run_workflow(ctx: CallContext, run: WorkflowRun, parse: Parse[T]) -> Plan[T]:
    """Run a workflow once (``POST /workflows/run`` or ``/{workspace}/workflows/{id}``).

    Honours ``workflow_run_retries_enabled`` (False: the request is sent once whatever
    happens; True: it is repeated only when the server did not act on it: no connection,
    429 or 503, never after a timeout waiting for the answer or a 500). With
    ``enable_profiling`` the server's profiler trace is saved under ``profiling_directory``
    before the outputs are returned.
    """
    ref = workflow_ref(
        run.specification,
        run.workspace_name,
        run.workflow_id,
        workflow_id_name=run.workflow_id_name,
    )
    images = check_workflow_images(run.images)
    parameters = check_mapping(run.parameters, "parameters", "workflow input name -> value")
    for name, value in parameters.items():
        check_json(value, f"parameters[{name!r}]")
    excluded_fields = check_field_names(run.excluded_fields, "excluded_fields")
    use_cache = check_flag(run.use_cache, "use_cache")
    enable_profiling = check_flag(run.enable_profiling, "enable_profiling")
    disable_sinks = check_flag(run.disable_sinks, "disable_sinks")
    version_id = optional_text(run.workflow_version_id, "workflow_version_id")

    inputs = yield from encode_workflow_images(ctx, images)
    inputs.update(parameters)  # parameters win over an image of the same name, as in 1.8.3
    request = _run_request(
        ctx,
        ref,
        inputs,
        excluded_fields=excluded_fields,
        use_cache=use_cache,
        enable_profiling=enable_profiling,
        disable_sinks=disable_sinks,
        workflow_version_id=version_id,
        legacy=run.legacy_endpoints,
    )
    reply = yield from send(request, ctx.options, ctx.route)
    data = reply.json()
    workflow_outputs(data, reply.endpoint)
    if enable_profiling:
        directory = ctx.configuration.profiling_directory
        trace = data.get("profiler_trace")
        yield from offload(lambda: save_profiler_trace(directory, trace))
    return (yield from offload(lambda: parse(data, reply.endpoint)))


def _run_request(
    ctx: CallContext,
    ref: WorkflowRef,
    inputs: dict[str, Any],
    *,
    excluded_fields: list[str] | None,
    use_cache: bool,
    enable_profiling: bool,
    disable_sinks: bool,
    workflow_version_id: str | None,
    legacy: bool,
) -> Request:
    from rf_api_v1 import models
    from rf_api_v1.api.workflows import (
        run_predefined_workflow,
        run_predefined_workflow_legacy,
        run_workflow_specification,
        run_workflow_specification_legacy,
    )
    from rf_api_v1.types import UNSET

    api_key = ctx.legacy_api_key() or UNSET
    excluded = UNSET if excluded_fields is None else excluded_fields
    # Like 1.8.3, disable_sinks is only sent when set: older servers reject unknown fields.
    sinks = True if disable_sinks else UNSET
    if ref.specification is not None:
        body = models.WorkflowSpecificationInferenceRequest(
            inputs=models.WorkflowSpecificationInferenceRequestInputs.from_dict(inputs),
            specification=models.WorkflowSpecificationInferenceRequestSpecification.from_dict(
                ref.specification
            ),
            api_key=api_key,
            enable_profiling=enable_profiling,
            excluded_fields=excluded,
            disable_sinks=sinks,
        )
        # The specification route's schema has no use_cache, but 1.8.3 sends it on every run.
        body.additional_properties["use_cache"] = use_cache
        operation = run_workflow_specification_legacy if legacy else run_workflow_specification
        kwargs = operation.build_request_kwargs(body=body)
    else:
        predefined = models.PredefinedWorkflowInferenceRequest(
            inputs=models.PredefinedWorkflowInferenceRequestInputs.from_dict(inputs),
            api_key=api_key,
            use_cache=use_cache,
            enable_profiling=enable_profiling,
            excluded_fields=excluded,
            workflow_version_id=UNSET if workflow_version_id is None else workflow_version_id,
            disable_sinks=sinks,
        )
        saved = run_predefined_workflow_legacy if legacy else run_predefined_workflow
        kwargs = saved.build_request_kwargs(ref.workspace_name, ref.workflow_id, body=predefined)
    # A run may write through its sinks (webhooks, uploads): it is repeated only when it never
    # reached the server, or the server refused it unprocessed (429, 503), as 1.8.3 retries.
    retryable = ctx.configuration.workflow_run_retries_enabled
    return ctx.authorised(Request.from_generated(kwargs, retryable=retryable, idempotent=False))


# Validating and describing.


def validate_workflow(ctx: CallContext, specification: object, parse: Parse[T]) -> Plan[T]:
    """``POST /workflows/validate``: compile the specification without running it."""
    from rf_api_v1.api.workflows import validate_workflow as operation
    from rf_api_v1.models import ValidateWorkflowSpecification
    from rf_api_v1.types import UNSET

    kwargs = operation.build_request_kwargs(
        body=ValidateWorkflowSpecification.from_dict(check_specification(specification)),
        api_key=ctx.legacy_api_key() or UNSET,
    )
    return (yield from call_json(ctx, Request.from_generated(kwargs), parse))


def describe_workflow_interface(
    ctx: CallContext,
    specification: object,
    workspace_name: object,
    workflow_id: object,
    parse: Parse[T],
) -> Plan[T]:
    """The inputs, outputs and kinds of a workflow (its specification or a saved one).

    ``POST /workflows/describe_interface`` or ``/{workspace}/workflows/{id}/describe_interface``.
    Inference 1.8.3 wants an API key on both routes, even though the specification route does
    not use it; its 400 answer then says "Required Roboflow API key is missing".
    """
    from rf_api_v1 import models
    from rf_api_v1.api.workflows import describe_predefined_workflow_interface
    from rf_api_v1.api.workflows import describe_workflow_interface as describe_specification
    from rf_api_v1.types import UNSET

    ref = workflow_ref(specification, workspace_name, workflow_id)
    api_key = ctx.legacy_api_key() or UNSET
    if ref.specification is not None:
        body = models.WorkflowSpecificationDescribeInterfaceRequest(
            specification=models.WorkflowSpecificationDescribeInterfaceRequestSpecification.from_dict(
                ref.specification
            ),
            api_key=api_key,
        )
        kwargs = describe_specification.build_request_kwargs(body=body)
    else:
        kwargs = describe_predefined_workflow_interface.build_request_kwargs(
            ref.workspace_name,
            ref.workflow_id,
            body=models.PredefinedWorkflowDescribeInterfaceRequest(api_key=api_key),
        )
    return (yield from call_json(ctx, Request.from_generated(kwargs), parse))


def describe_workflow_blocks(
    ctx: CallContext, dynamic_blocks: Sequence[Mapping[str, Any]] | None, parse: Parse[T]
) -> Plan[T]:
    """The blocks the server offers, with kinds and connections.

    ``GET /workflows/blocks/describe``; with ``dynamic_blocks`` (definitions of custom Python
    blocks, ``{"type": "DynamicBlockDefinition", "manifest": ..., "code": ...}``) a ``POST``
    that describes them alongside the built-in blocks.
    """
    from rf_api_v1.api.workflows import describe_workflow_blocks as describe_get
    from rf_api_v1.api.workflows import (
        describe_workflow_blocks_with_dynamic_blocks as describe_post,
    )

    if dynamic_blocks is None:
        kwargs = describe_get.build_request_kwargs()
    else:
        kwargs = describe_post.build_request_kwargs(body=_blocks_request(ctx, dynamic_blocks))
    return (yield from call_json(ctx, Request.from_generated(kwargs), parse))


def _blocks_request(ctx: CallContext, dynamic_blocks: object) -> DescribeBlocksRequest:
    from rf_api_v1.models import DescribeBlocksRequest, DynamicBlockDefinition
    from rf_api_v1.types import UNSET

    if isinstance(dynamic_blocks, str | bytes | Mapping) or not isinstance(
        dynamic_blocks, Sequence
    ):
        raise InvalidParameterError(
            "dynamic_blocks must be a list of dynamic block definitions (dicts), not "
            f"{type(dynamic_blocks).__name__}."
        )
    definitions: list[DynamicBlockDefinition] = []
    for index, block in enumerate(dynamic_blocks):
        what = f"dynamic_blocks[{index}]"
        if not isinstance(block, Mapping):
            raise InvalidParameterError(f"{what} must be a dict, not {type(block).__name__}.")
        check_json(block, what)
        try:
            definitions.append(DynamicBlockDefinition.from_dict(block))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise InvalidParameterError(
                f"{what} is not a dynamic block definition ({type(error).__name__}: {error}); "
                "it needs 'type': 'DynamicBlockDefinition', a 'manifest' and 'code'."
            ) from None
    return DescribeBlocksRequest(
        dynamic_blocks_definitions=definitions, api_key=ctx.legacy_api_key() or UNSET
    )


def get_workflow_definition_schema(ctx: CallContext, parse: Parse[T]) -> Plan[T]:
    """``GET /workflows/definition/schema``: the JSON schema of workflow definitions."""
    from rf_api_v1.api.workflows import get_workflow_definition_schema as operation

    return (
        yield from call_json(ctx, Request.from_generated(operation.build_request_kwargs()), parse)
    )


def get_execution_engine_versions(ctx: CallContext, parse: Parse[T]) -> Plan[T]:
    """``GET /workflows/execution_engine/versions``: the Execution Engine versions served."""
    from rf_api_v1.api.workflows import get_execution_engine_versions as operation

    return (
        yield from call_json(ctx, Request.from_generated(operation.build_request_kwargs()), parse)
    )


def call_json(ctx: CallContext, request: Request, parse: Parse[T]) -> Plan[T]:
    """Send ``request`` (authorised, with retries); its JSON answer parsed off the event loop."""
    reply = yield from send(ctx.authorised(request), ctx.options, ctx.route)
    data = reply.json()
    return (yield from offload(lambda: parse(data, reply.endpoint)))
