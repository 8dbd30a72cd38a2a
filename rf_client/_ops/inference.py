"""Models trained on the platform: ``infer`` over v1 (``/infer/<task>``) and v0 (``/{id}/{v}``).

Both return every input's prediction or error, in input order (:class:`BatchOutcome`).
Inputs are checked before anything is sent; images are prepared inside each request's plan,
so encoding overlaps with requests already in flight; at most ``max_concurrent_requests``
requests run at once, each carrying up to ``max_batch_size`` images (v1; v0 sends one).
"""

from __future__ import annotations

import base64
import importlib
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import attrs

from rf_client._batch import BatchOutcome, Outcome
from rf_client._context import CallContext, split_v0_model_id
from rf_client._http import Request
from rf_client._images import PreparedImage, check_image, prepare_image
from rf_client._ops.registry import billing_query, get_model_description
from rf_client._plan import Plan, gather, offload, send
from rf_client._results import finish_prediction
from rf_client.config import (
    ACTION_RECOGNITION_TASK,
    CLASSIFICATION_TASK,
    INSTANCE_SEGMENTATION_TASK,
    KEYPOINTS_DETECTION_TASK,
    OBJECT_DETECTION_TASK,
    SEMANTIC_SEGMENTATION_TASK,
    V1_BODY_PARAMETERS,
)
from rf_client.errors import (
    APIStatusError,
    InvalidInputError,
    ModelTaskTypeNotSupportedError,
    ResponseValidationError,
    RFClientError,
)

if TYPE_CHECKING:
    from rf_api_v1.models import ModelDescriptionEntity

Prediction = dict[str, Any]
T = TypeVar("T")

Shape = Callable[[Prediction, "PreparedImage | None", str], T]
"""Turns a raw prediction into what a surface returns, given the image as sent and the endpoint.

The image (None when the server answered without one, e.g. an annotated JPEG) carries the
client-side downsizing (``scale``, ``original_size``) the prediction must be mapped back from.

The documented API passes :func:`dict_shape` (visualisation decoded, coordinates rescaled); the
typed API rescales and parses into the generated model.
"""


def dict_shape(ctx: CallContext) -> Shape[Prediction]:
    """The documented API's prediction: a dict, visualisation decoded, coordinates rescaled."""
    image_format = ctx.configuration.output_visualisation_format

    def shape(prediction: Prediction, image: PreparedImage | None, endpoint: str) -> Prediction:
        if image is None:
            return finish_prediction(prediction, image_format, None, endpoint)
        return finish_prediction(
            prediction, image_format, image.scale, endpoint, image.original_size
        )

    return shape


class ModelRoute(NamedTuple):
    """The generated operation and request model serving one task type in v1."""

    operation: str
    request_model: str


V1_MODEL_ROUTES: dict[str, ModelRoute] = {
    OBJECT_DETECTION_TASK: ModelRoute(
        "inference.infer_object_detection", "ObjectDetectionInferenceRequest"
    ),
    INSTANCE_SEGMENTATION_TASK: ModelRoute(
        "inference.infer_instance_segmentation", "InstanceSegmentationInferenceRequest"
    ),
    SEMANTIC_SEGMENTATION_TASK: ModelRoute(
        "inference.infer_semantic_segmentation", "SemanticSegmentationInferenceRequest"
    ),
    CLASSIFICATION_TASK: ModelRoute(
        "inference.infer_classification", "ClassificationInferenceRequest"
    ),
    KEYPOINTS_DETECTION_TASK: ModelRoute(
        "inference.infer_keypoints_detection", "KeypointsDetectionInferenceRequest"
    ),
}
"""Image model routes of API v1 by task type (``sorted(V1_BODY_PARAMETERS)`` has the same keys)."""

assert set(V1_MODEL_ROUTES) == set(V1_BODY_PARAMETERS)


def generated_v1(operation: str) -> Any:
    """A generated v1 operation module: ``generated_v1("inference.infer_object_detection")``."""
    return importlib.import_module(f"rf_api_v1.api.{operation}")


def check_images(inputs: Sequence[object]) -> None:
    """Check every input of a call before anything is sent (an empty list has nothing to check:
    it gives an empty list, as in 1.8.3, so a filtered batch that ends up empty does not fail)."""
    for index, item in enumerate(inputs):
        try:
            check_image(item)
        except InvalidInputError as error:
            if len(inputs) > 1:
                error.message = f"input #{index + 1} of {len(inputs)}: {error.message}"
                error.args = (error.message,)
            raise


def route_for_task(task_type: str, model_id: str) -> ModelRoute:
    """The v1 route of an image model's task; a clear error for video or unknown tasks."""
    route = V1_MODEL_ROUTES.get(task_type)
    if route is not None:
        return route
    if task_type == ACTION_RECOGNITION_TASK:
        raise ModelTaskTypeNotSupportedError(
            f"model {model_id!r} is an action-recognition model: it takes a video clip, not an "
            "image. Use infer_on_video() (or infer_on_video_async())."
        )
    raise ModelTaskTypeNotSupportedError(
        f"model {model_id!r} has task type {task_type!r}, which has no image inference route in "
        f"API v1 (supported: {', '.join(sorted(V1_MODEL_ROUTES))})."
    )


def downsizing_limit(
    ctx: CallContext, description: ModelDescriptionEntity | None
) -> tuple[int, int] | None:
    """(height, width) images are downsized to, or None when client downsizing is disabled."""
    configuration = ctx.configuration
    if configuration.client_downsizing_disabled:
        return None
    if description is not None:
        height, width = description.input_height, description.input_width
        if isinstance(height, int) and isinstance(width, int) and height > 0 and width > 0:
            return height, width
    return configuration.default_max_input_size, configuration.default_max_input_size


def chunks(items: Sequence[object], size: int) -> Iterator[Sequence[object]]:
    """Consecutive slices of ``items`` with at most ``size`` elements."""
    for start in range(0, len(items), max(size, 1)):
        yield items[start : start + size]


P = TypeVar("P")


def per_item(
    batch: Sequence[object],
    prepare: Callable[[object], Plan[P]],
    request: Callable[[list[P]], Plan[list[T]]],
) -> Plan[list[Outcome[T]]]:
    """Prepare each item of ``batch``, send the prepared ones in one ``request``; per-item outcomes.

    An item that cannot be prepared (a URL that cannot be downloaded, a body corrupt past its
    header) gets its own error and the others still go; a failed request fails only the items
    it carried. Never raises an rf-client error: every item's is in its outcome.
    """
    prepared: list[P | RFClientError] = []
    for item in batch:
        try:
            prepared.append((yield from prepare(item)))
        except RFClientError as error:
            prepared.append(error)
    ready = [p for p in prepared if not isinstance(p, RFClientError)]
    results: Iterator[T] = iter(())
    failure: RFClientError | None = None
    if ready:
        try:
            results = iter((yield from request(ready)))
        except RFClientError as error:
            failure = error
    return [
        Outcome(error=item)
        if isinstance(item, RFClientError)
        else Outcome(error=failure)
        if failure is not None
        else Outcome(value=next(results))
        for item in prepared
    ]


def flatten(batches: Sequence[Outcome[list[Outcome[T]]]], sizes: Sequence[int]) -> BatchOutcome[T]:
    """Per-request lists of per-item outcomes, in order, as one batch outcome.

    A request plan that failed as a whole (it should not: :func:`per_item` keeps errors with
    their items) fails each of its ``sizes`` items.
    """
    outcomes: list[Outcome[T]] = []
    for batch, size in zip(batches, sizes, strict=True):
        if batch.error is not None:
            outcomes.extend(Outcome(error=batch.error) for _ in range(size))
        else:
            outcomes.extend(batch.unwrap())
    return BatchOutcome(outcomes)


MODEL_GONE_STATUSES = (404, 410, 503)
"""Statuses after which the server may no longer have a model: its description is re-fetched."""


@attrs.frozen
class V1Model:
    """A platform model resolved for v1 inference: its id, task, route and downsizing limit."""

    model_id: str
    task_type: str
    route: ModelRoute
    max_size: tuple[int, int] | None


def v1_model_id(ctx: CallContext, model_id: str | None, operation: str) -> str:
    """The model ``operation`` runs in v1 mode: ``model_id`` or the selected one, checked.

    Raises:
        WrongClientModeError: The client is in v0 mode.
        ModelNotSelectedError: No ``model_id`` and no selected model.
        InvalidModelIdentifier: The id is malformed.
    """
    ctx.require_v1(operation)
    return ctx.model_id(model_id, operation)


def resolve_v1_model(
    ctx: CallContext, model: str, expected_tasks: Sequence[str] | None = None
) -> Plan[V1Model]:
    """The (cached) description of ``model`` (from :func:`v1_model_id`) turned into what a v1
    image request needs.

    Raises:
        ModelTaskTypeNotSupportedError: The model is not of ``expected_tasks`` (typed API), or
            its task has no image route (action recognition takes clips).
    """
    description = yield from get_model_description(ctx, model)
    task_type = description.task_type.value  # plain text from here: messages, lookups
    if expected_tasks is not None and task_type not in expected_tasks:
        raise ModelTaskTypeNotSupportedError(
            f"model {model!r} has task type {task_type!r}, not "
            f"{' or '.join(repr(task) for task in expected_tasks)}; call the method for its task."
        )
    return V1Model(
        model, task_type, route_for_task(task_type, model), downsizing_limit(ctx, description)
    )


def forget_if_gone(ctx: CallContext, model_id: str, error: RFClientError | None) -> None:
    """Forget the model's cached description when ``error`` says the server may have dropped it."""
    if isinstance(error, APIStatusError) and error.status_code in MODEL_GONE_STATUSES:
        ctx.model_cache.forget(model_id)


def infer_v1(
    ctx: CallContext,
    inputs: Sequence[object],
    model_id: str | None,
    shape: Shape[T],
    expected_tasks: Sequence[str] | None = None,
    operation: str = "infer",
) -> Plan[BatchOutcome[T]]:
    """Run a platform model on every input through API v1; ``shape`` makes each result.

    ``expected_tasks`` (typed API) refuses a model of another task type before sending images.
    ``operation`` names the public method in messages.
    """
    # Mode and model id are checked before the images, the images before the model is fetched.
    model_name = v1_model_id(ctx, model_id, operation)
    check_images(inputs)
    if not inputs:  # nothing to infer: not even the model description is fetched
        return BatchOutcome([])
    model = yield from resolve_v1_model(ctx, model_name, expected_tasks)
    batch_size = ctx.configuration.max_batch_size

    def prepare(item: object) -> Plan[PreparedImage]:
        return prepare_image(item, model.max_size, ctx.options, checked=True)

    def request(prepared: list[PreparedImage]) -> Plan[list[T]]:
        return send_v1_request(ctx, model, prepared, shape)

    plans = (per_item(batch, prepare, request) for batch in chunks(inputs, batch_size))
    outcomes = yield from gather(plans, ctx.configuration.max_concurrent_requests)
    result = flatten(outcomes, [len(batch) for batch in chunks(inputs, batch_size)])
    for error in result.errors.values():
        forget_if_gone(ctx, model.model_id, error)
    return result


def infer_v1_request(ctx: CallContext, model: V1Model, item: object, shape: Shape[T]) -> Plan[T]:
    """One v1 request with one image (a stream's frame, say); its shaped result."""
    prepared = yield from prepare_image(item, model.max_size, ctx.options)
    results = yield from send_v1_request(ctx, model, [prepared], shape)
    return results[0]


def send_v1_request(
    ctx: CallContext, model: V1Model, prepared: Sequence[PreparedImage], shape: Shape[T]
) -> Plan[list[T]]:
    """One v1 request carrying the ``prepared`` images; one shaped result per image, in order."""
    from rf_api_v1 import models

    route = model.route
    # The request's document never leaves rf-client: the images stay bytes (json_body).
    images = [{"type": "base64", "value": image.base64_bytes()} for image in prepared]
    fields: dict[str, Any] = {
        "model_id": model.model_id,
        "image": images[0] if len(images) == 1 else images,
        **ctx.configuration.to_api_call_parameters(ctx.mode, model.task_type),
    }
    key = ctx.legacy_api_key()
    if key:
        fields["api_key"] = key
    # from_dict, not the constructor: it turns wire values ("rle", "best") into the generated
    # enums that to_dict expects, exactly as a server-side parser would.
    body = getattr(models, route.request_model).from_dict(fields)
    kwargs = generated_v1(route.operation).build_request_kwargs(body=body, **billing_query(ctx))
    reply = yield from send(ctx.authorised(Request.from_generated(kwargs)), ctx.options, ctx.route)
    data = reply.json()
    predictions = data if isinstance(data, list) else [data]
    if len(predictions) != len(prepared):
        raise ResponseValidationError(
            f"{reply.endpoint} answered {len(predictions)} predictions for {len(prepared)} "
            "images; the server may not support batches (set max_batch_size=1)."
        )
    misfits = [p for p in predictions if not isinstance(p, dict)]
    if misfits:
        raise ResponseValidationError(
            f"{reply.endpoint} answered {_json_kind(misfits[0])} where a prediction object was "
            "expected; is api_url an inference server?"
        )
    return (yield from shape_predictions(shape, predictions, prepared, reply.endpoint))


def _json_kind(value: object) -> str:
    """What a decoded JSON value is, in JSON's words (for messages)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a string" if isinstance(value, str) else "a list"


def shape_predictions(
    shape: Shape[T],
    predictions: Sequence[Prediction],
    images: Sequence[PreparedImage | None],
    endpoint: str,
) -> Plan[list[T]]:
    """``shape`` applied to each prediction (with its image as sent), in order.

    Decoding visualisations and anomaly maps is CPU work that releases the GIL: it is
    offloaded (off the event loop; in parallel across a gathered batch, whose plans step in
    one thread). Errors reach the plan as raised, wherever the work ran (the drivers throw
    them in at the ``yield``).
    """

    def shaped() -> list[T]:
        return [
            shape(prediction, image, endpoint)
            for prediction, image in zip(predictions, images, strict=True)
        ]

    if any(carries_images(prediction) for prediction in predictions):
        return (yield from offload(shaped))
    return shaped()


def carries_images(prediction: Prediction) -> bool:
    """Whether a prediction holds an image to decode (a visualisation or an anomaly map)."""
    return bool(prediction.get("visualization")) or prediction.get("anomaly_map") is not None


V0_ENUM_PARAMETERS = {"format": "LegacyResponseFormat", "response_mask_format": "LegacyMaskFormat"}
V0_PYTHON_NAMES = {"format": "format_"}


def v0_query_arguments(ctx: CallContext) -> dict[str, Any]:
    """The v0 route's query parameters as keyword arguments of the generated operation."""
    from rf_api_v0 import models

    arguments: dict[str, Any] = {}
    for wire_name, value in ctx.configuration.to_legacy_call_parameters().items():
        if wire_name in V0_ENUM_PARAMETERS:
            value = getattr(models, V0_ENUM_PARAMETERS[wire_name])(value)
        elif wire_name == "confidence" and isinstance(value, str):
            value = models.InferConfidenceType1(value)
        arguments[V0_PYTHON_NAMES.get(wire_name, wire_name)] = value
    key = ctx.legacy_api_key()
    if key:
        arguments["api_key"] = key
    return arguments


def infer_v0(
    ctx: CallContext,
    inputs: Sequence[object],
    model_id: str | None,
    shape: Shape[T],
    operation: str = "infer",
) -> Plan[BatchOutcome[T]]:
    """Run a platform model on every input through the hosted v0 API (one image per request).

    ``operation`` names the public method in messages.
    """
    model = ctx.model_id(model_id, operation)
    project, version = split_v0_model_id(model)
    ctx.require_api_key(f"{operation} in v0 mode")
    check_images(inputs)
    max_size = downsizing_limit(ctx, None)
    plans = (
        infer_v0_request(ctx, project, version, item, max_size, shape, checked=True)
        for item in inputs
    )
    outcomes = yield from gather(plans, ctx.configuration.max_concurrent_requests)
    return BatchOutcome(outcomes)


def infer_v0_request(
    ctx: CallContext,
    project: str,
    version: str,
    item: object,
    max_size: tuple[int, int] | None,
    shape: Shape[T],
    *,
    checked: bool = False,
) -> Plan[T]:
    """One v0 request: the image as the raw base64 body; the prediction or the visualisation.

    With ``format=image`` the server answers the annotated JPEG itself; it becomes
    ``{"visualization": <image>}`` (base64 text for ``shape`` to convert like any other).
    ``checked`` says ``item`` went through ``check_image`` already.
    """
    from rf_api_v0.api.inference import infer as operation

    image = yield from prepare_image(item, max_size, ctx.options, checked=checked)
    kwargs = operation.build_request_kwargs(
        project, version, body=image.base64(), **v0_query_arguments(ctx)
    )
    reply = yield from send(ctx.authorised(Request.from_generated(kwargs)), ctx.options, ctx.route)
    if reply.content_type.startswith("image/"):
        visualization = {"visualization": base64.b64encode(reply.content).decode("ascii")}
        return (yield from shape_predictions(shape, [visualization], [None], reply.endpoint))[0]
    data = reply.json()
    if not isinstance(data, dict):
        raise ResponseValidationError(
            f"{reply.endpoint} answered {type(data).__name__}, not a prediction object."
        )
    return (yield from shape_predictions(shape, [data], [image], reply.endpoint))[0]
