"""What the core-model routes share: request fields, sending, batching and splitting answers.

Core models (CLIP, OCR, SAM, LMMs, ...) are served by fixed routes rather than ``/infer/<task>``.
Every request carries the same extras as inference-sdk 1.8.3 sends them: ``source`` and
``source_info`` in the JSON body, the billing parameters (``countinference``,
``service_secret``) in the query, and the legacy API key in the body (v1) or in the query (v0,
the hosted API); the ``Authorization`` header comes from :meth:`CallContext.authorised`.

Image routes go through :func:`post_images`: inputs are checked before anything is sent, sent
``batch_size`` per request with at most ``max_concurrent_requests`` in flight, and every
answer is split into one result per image (:data:`Split`), so a batch gives one outcome per
input, in order, whatever the requests did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar

import attrs

from rf_client._batch import BatchOutcome
from rf_client._context import CallContext
from rf_client._http import Request
from rf_client._images import prepare_image
from rf_client._ops.inference import check_images, chunks, flatten, generated_v1, per_item
from rf_client._ops.registry import billing_query
from rf_client._plan import Plan, gather, offload, send
from rf_client.config import HTTPClientMode
from rf_client.errors import (
    APIStatusError,
    InvalidInputError,
    InvalidParameterError,
    ResponseValidationError,
)

if TYPE_CHECKING:
    from rf_api_v1.models import InferenceRequestImage
    from rf_api_v1.types import Unset

Prediction = dict[str, Any]
T = TypeVar("T")

ItemShape = Callable[[Prediction, str], T]
"""Turns one image's raw result (and the endpoint that gave it) into what a surface returns.

The documented API passes :func:`as_dict` (or a decoder such as depth's); the typed API parses
the generated model.
"""

Split = Callable[[object, int, str], list[Prediction]]
"""Splits one answer (decoded JSON, the number of images sent, the endpoint) into per-image
results; raises ResponseValidationError when the answer does not fit."""

ImageField: TypeAlias = "InferenceRequestImage | list[InferenceRequestImage]"
"""A request's ``image`` field: one image, or a list when the request carries several."""

Advise = Callable[[APIStatusError], None]
"""Adds route-specific advice to an error answer before it is raised."""


def as_dict(prediction: Prediction, endpoint: str) -> Prediction:
    """The documented API's result of most core routes: the server's JSON object unchanged."""
    return prediction


@attrs.frozen
class CommonFields:
    """Body fields every core-model request carries (UNSET where they stay out of the body).

    Attributes:
        api_key: The legacy API key (v1 mode, transport not ``header``).
        source: The configuration's ``source``.
        source_info: The configuration's ``source_info``.
    """

    api_key: str | Unset
    source: str | Unset
    source_info: str | Unset


def common_fields(ctx: CallContext) -> CommonFields:
    """The body fields of ``ctx``'s configuration and API key, as 1.8.3 initialises payloads."""
    from rf_api_v1.types import UNSET

    configuration = ctx.configuration
    # v0 (the hosted API) takes the key in the query instead (see core_query).
    key = ctx.legacy_api_key() if ctx.mode is HTTPClientMode.V1 else None
    return CommonFields(
        api_key=key or UNSET,
        source=configuration.source if configuration.source is not None else UNSET,
        source_info=(configuration.source_info if configuration.source_info is not None else UNSET),
    )


def core_query(ctx: CallContext) -> dict[str, Any]:
    """Query parameters of a core-model request: billing, and the API key in v0 mode."""
    query = billing_query(ctx)
    key = ctx.legacy_api_key() if ctx.mode is HTTPClientMode.V0 else None
    if key:
        query["api_key"] = key
    return query


def post(
    ctx: CallContext,
    operation: str,
    body: object,
    path: Sequence[str] = (),
    advise: Advise | None = None,
) -> Plan[tuple[Any, str]]:
    """Send ``body`` through the generated ``operation``; the decoded JSON and the endpoint.

    Query parameters are added after the generated operation built the request because a few
    operations (gaze, CogVLM) declare none, yet 1.8.3 sends them on every core route.
    """
    kwargs = generated_v1(operation).build_request_kwargs(*path, body=body)
    request = ctx.authorised(Request.from_generated(kwargs).with_params(core_query(ctx)))
    try:
        reply = yield from send(request, ctx.options, ctx.route)
    except APIStatusError as error:
        if advise is not None:
            advise(error)
        raise
    return reply.json(), reply.endpoint


def post_object(
    ctx: CallContext,
    operation: str,
    body: object,
    shape: ItemShape[T],
    advise: Advise | None = None,
) -> Plan[T]:
    """Send ``body`` through ``operation``; its JSON-object answer, shaped by ``shape``."""
    data, endpoint = yield from post(ctx, operation, body, advise=advise)
    if not isinstance(data, dict):
        raise ResponseValidationError(
            f"{endpoint} answered {type(data).__name__} where a JSON object was expected."
        )
    return shape(data, endpoint)


def add_advice(error: APIStatusError, advice: str) -> None:
    """Append ``advice`` (what to do) to ``error``'s description, in place."""
    error.description = f"{error.description}. {advice}"
    error.message = error.description
    error.args = (error.description,)


# Splitting answers into one result per image.


def per_image(data: object, count: int, endpoint: str) -> list[Prediction]:
    """An answer with one object per image: the object itself (one image) or a list of them."""
    items: list[object] = list(data) if isinstance(data, list) else [data]
    results = [item for item in items if isinstance(item, dict)]
    if len(items) != count or len(results) != count:
        kind = f"a list of {len(items)}" if isinstance(data, list) else type(data).__name__
        raise ResponseValidationError(
            f"{endpoint} answered {kind} for {count} image{'s' if count != 1 else ''}, not one "
            "result object per image; if the server does not take batches, set "
            "max_batch_size=1 in the InferenceConfiguration."
        )
    return results


def _embeddings_of(data: object, count: int, endpoint: str) -> tuple[dict[str, Any], list[Any]]:
    embeddings = data.get("embeddings") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(embeddings, list) or len(embeddings) != count:
        found = len(embeddings) if isinstance(embeddings, list) else "no"
        raise ResponseValidationError(
            f"{endpoint} answered {found} embeddings for {count} image"
            f"{'s' if count != 1 else ''}; if the server does not take batches, set "
            "max_batch_size=1 in the InferenceConfiguration."
        )
    return data, embeddings


def per_embedding(data: object, count: int, endpoint: str) -> list[Prediction]:
    """An answer with one embedding per image, split into one answer per image (all fields kept).

    This is 1.8.3's ``split_image_embeddings``: each result is the answer with ``embeddings``
    holding that image's vector only.
    """
    answer, embeddings = _embeddings_of(data, count, endpoint)
    if count == 1:
        return [answer]
    return [{**answer, "embeddings": [embedding]} for embedding in embeddings]


def combine_clip_embeddings(data: object, count: int, endpoint: str) -> list[Prediction]:
    """CLIP's answer split as 1.8.3's ``combine_clip_embeddings`` does.

    An answer for one image stays whole; an answer for several becomes one
    ``{"frame_id", "time", "embeddings": [vector]}`` per image (other fields dropped, as 1.8.3).
    """
    answer, embeddings = _embeddings_of(data, count, endpoint)
    if len(embeddings) <= 1:
        return [answer]
    return [
        {"frame_id": answer.get("frame_id"), "time": answer.get("time"), "embeddings": [vector]}
        for vector in embeddings
    ]


# Image routes.


@attrs.frozen
class ImageRoute:
    """How one core route takes images.

    Attributes:
        operation: The generated operation (``"clip.clip_embed_image"``).
        body: Makes the request model from the ``image`` field.
        path: Path arguments of the operation (``model_id`` for ``/infer/lmm/{model_id}``).
        batch_size: Images per request; None uses the configuration's ``max_batch_size``
            (routes whose request takes one image only fix it at 1).
        split: Splits an answer into per-image results.
        advise: Adds advice to an error answer of this route.
        offload_shape: Shaping decodes images (depth maps): run it off the event loop.
    """

    operation: str
    body: Callable[[ImageField], object]
    path: tuple[str, ...] = ()
    batch_size: int | None = None
    split: Split = per_image
    advise: Advise | None = None
    offload_shape: bool = False


def post_images(
    ctx: CallContext, inputs: Sequence[object], route: ImageRoute, shape: ItemShape[T]
) -> Plan[BatchOutcome[T]]:
    """Send every input through ``route``; one outcome per input, in input order.

    Inputs are checked before anything is sent. Images go at their own size (1.8.3 does not
    downsize for core models) and are prepared inside each request's plan, so encoding
    overlaps with requests in flight. An image that cannot be prepared fails alone; a failed
    request fails each of the images it carried.
    """
    check_images(inputs)
    size = route.batch_size or ctx.configuration.max_batch_size

    def prepare(item: object) -> Plan[InferenceRequestImage]:
        return request_image(ctx, item, checked=True)

    def request(images: list[InferenceRequestImage]) -> Plan[list[T]]:
        return _post_batch(ctx, route, images, shape)

    plans = (per_item(batch, prepare, request) for batch in chunks(inputs, size))
    outcomes = yield from gather(plans, ctx.configuration.max_concurrent_requests)
    return flatten(outcomes, [len(batch) for batch in chunks(inputs, size)])


def _post_batch(
    ctx: CallContext,
    route: ImageRoute,
    images: Sequence[InferenceRequestImage],
    shape: ItemShape[T],
) -> Plan[list[T]]:
    body = route.body(images[0] if len(images) == 1 else list(images))
    data, endpoint = yield from post(ctx, route.operation, body, route.path, route.advise)
    results = route.split(data, len(images), endpoint)
    if not route.offload_shape:
        return [shape(result, endpoint) for result in results]
    # Decoding (depth maps: a PNG and numpy per image) stays off the event loop.
    return (yield from offload(lambda: [shape(result, endpoint) for result in results]))


def only_image(image: ImageField) -> InferenceRequestImage:
    """The one image of a request whose route takes a single image (``batch_size=1``)."""
    # ImageRoute(batch_size=1) never builds a list; the check keeps the types honest.
    if isinstance(image, list):
        raise TypeError("this route takes one image per request")
    return image


def request_image(
    ctx: CallContext, item: object, *, checked: bool = False
) -> Plan[InferenceRequestImage]:
    """One input as the request's ``{"type": "base64", "value": ...}`` image.

    ``checked`` says ``item`` went through ``check_image`` already (it is not checked again).
    """
    from rf_api_v1.models import InferenceRequestImage

    prepared = yield from prepare_image(item, None, ctx.options, checked=checked)
    return InferenceRequestImage(type_="base64", value=prepared.base64())


# Checks of the inputs and parameters that are not images.


def check_texts(text: object, what: str) -> str | list[str]:
    """``text`` when it is a string or a non-empty list of strings; else InvalidInputError."""
    if isinstance(text, str):
        return text
    if isinstance(text, list) and text and all(isinstance(item, str) for item in text):
        return list(text)
    raise InvalidInputError(
        f"{what} must be a string or a non-empty list of strings, not {_describe_value(text)}."
    )


def check_model_name(model_id: object, parameter: str = "model_id") -> str:
    """A core model id (``florence-2-base``, ``depth-anything-v3/small``), checked for shape.

    Aliases are not resolved: core model ids go to the server as given, as in 1.8.3.
    """
    if (
        not isinstance(model_id, str)
        or not model_id
        or model_id != model_id.strip()
        or any(character.isspace() or character in "?#\\" for character in model_id)
    ):
        raise InvalidParameterError(
            f"{parameter} must be a model id such as 'florence-2-base' or "
            f"'depth-anything-v3/small', not {_describe_value(model_id)}."
        )
    return model_id


def check_prompt_dicts(
    prompts: object, parameter: str, allow_empty: bool
) -> list[Mapping[str, Any]]:
    """``prompts`` when it is a list of dicts (non-empty unless ``allow_empty``)."""
    if (
        isinstance(prompts, list)
        and (prompts or allow_empty)
        and all(isinstance(prompt, Mapping) for prompt in prompts)
    ):
        return list(prompts)
    raise InvalidParameterError(
        f"{parameter} must be a {'' if allow_empty else 'non-empty '}list of prompt dicts, not "
        f"{_describe_value(prompts)}."
    )


class Serialisable(Protocol):
    """A generated model: it turns back into JSON."""

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON."""
        ...


P = TypeVar("P", bound=Serialisable)


def parse_prompts(
    prompts: Sequence[Mapping[str, Any]], parse: Callable[[Mapping[str, Any]], P], hint: str
) -> list[P]:
    """Each prompt dict as a generated model (``parse`` is its ``from_dict``), checked.

    The generated parsers keep a value they cannot parse as it is, so each model is also
    serialised here: a prompt the generated code cannot send fails now, naming its index,
    rather than half-way through building the request.
    """
    parsed: list[P] = []
    for index, prompt in enumerate(prompts):
        try:
            model = parse(prompt)
            model.to_dict()
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InvalidParameterError(
                f"prompts[{index}] ({_shorten(repr(prompt), 120)}) does not fit the server's "
                f"schema: {hint}."
            ) from None
        parsed.append(model)
    return parsed


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe_value(value: object) -> str:
    if isinstance(value, str):
        return repr(value[:80])
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    return f"a {type(value).__name__}"
