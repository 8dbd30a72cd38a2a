"""Streams and clips: the plans of ``infer_on_stream`` and ``infer_on_video``.

A stream (:func:`start_stream`) resolves the model once, opens its source, and then runs one
plan per frame (:func:`frame_plan`): read the frame from the source (off the event loop), then
send it with the request plans ``infer`` uses (:func:`~rf_client._ops.inference.infer_v1_request`,
one image through ``send_v1_request``, / ``infer_v0_request``). The caller runs the
frame plans with the driver's ordered iteration, so at most ``max_concurrent_requests`` frames
are in flight, frames are read only as the window frees, and results come out in frame order.

A clip (:func:`infer_on_video_v1` / :func:`infer_on_video_v0`) goes whole to an
action-recognition model: a URL for the server to fetch, or a local file as base64.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

import attrs

from rf_client._batch import Outcome, detach_foreign_chain
from rf_client._context import CallContext, split_v0_model_id
from rf_client._http import Request
from rf_client._images import describe_input
from rf_client._ops.inference import (
    Prediction,
    Shape,
    downsizing_limit,
    forget_if_gone,
    infer_v0_request,
    infer_v1_request,
    resolve_v1_model,
    v1_model_id,
)
from rf_client._ops.registry import billing_query, get_model_description
from rf_client._plan import Plan, offload, send
from rf_client._streams import FrameSource, StreamSpec, open_source
from rf_client.config import ACTION_RECOGNITION_TASK, HTTPClientMode
from rf_client.errors import (
    APIStatusError,
    InvalidInputError,
    InvalidInputFormatError,
    ModelTaskTypeNotSupportedError,
    ResponseValidationError,
    RFClientError,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from rf_api_v1.models import InferenceRequestVideo

T = TypeVar("T")

VideoReference: TypeAlias = "str | os.PathLike[str]"
"""A clip: an http(s) URL the server downloads, or a local video file sent as base64."""

FrameInference = Callable[[object], Plan[T]]
"""Sends one frame's payload (bytes or a BGR array) to the model; its shaped result."""

Parse = Callable[[object, str], T]
"""Turns a clip's JSON answer (and the endpoint, for messages) into what a surface returns."""


@attrs.frozen
class StreamItem(Generic[T]):
    """One frame's outcome, in frame order.

    Attributes:
        reference: The frame number, or the image's path.
        image: The decoded BGR frame; None only when the item itself could not be read.
        value: The prediction, when the frame succeeded.
        error: What went wrong with this frame (reading, encoding or its request), if anything.
    """

    reference: int | str
    image: NDArray[np.uint8] | None
    value: T | None = None
    error: RFClientError | None = None

    def __attrs_post_init__(self) -> None:
        if self.error is not None:  # the plan kept it: no driver cleaned its chain
            detach_foreign_chain(self.error)


@attrs.frozen
class Stream(Generic[T]):
    """An opened stream: its source, how one frame is inferred, and how many run at once."""

    source: FrameSource
    infer: FrameInference[T]
    limit: int

    def plans(self) -> Iterator[Plan[StreamItem[T] | None]]:
        """One plan per frame, created only when the driver asks for the next one.

        Creating a plan reads nothing; plans created past the end of a capture (whose length
        is unknown until a read fails) finish at once with None.
        """
        index = 0
        while not self.source.exhausted(index):
            yield frame_plan(self.source, self.infer, index)
            index += 1

    def item(self, index: int, outcome: Outcome[StreamItem[T] | None]) -> StreamItem[T] | None:
        """Frame ``index``'s item from its plan's outcome.

        Frame plans keep their failures with the item; should one fail as a whole all the
        same, the item keeps the error and its reference, without the frame.
        """
        if outcome.error is not None:
            return StreamItem(self.source.reference(index), None, error=outcome.error)
        return outcome.value

    def close(self) -> None:
        """Release the source (the capture, when the read in progress returns)."""
        self.source.close()


def frame_plan(
    source: FrameSource, infer: FrameInference[T], index: int
) -> Plan[StreamItem[T] | None]:
    """Read frame ``index`` and infer it; None past the end. Failures become the item's error.

    Errors are kept with the item (not raised) so the caller still gets its reference and,
    when it was decoded, its image. (The drivers throw the error of offloaded work, reading or
    encoding the frame, into the plan at its ``yield``, so one ``except`` catches both.)
    """
    reference = source.reference(index)
    try:
        frame = yield from offload(lambda: source.read(index))
    except RFClientError as error:
        return StreamItem(reference, None, error=error)
    if frame is None:
        return None
    try:
        value = yield from infer(frame.payload)
    except RFClientError as error:
        return StreamItem(reference, frame.image, error=error)
    return StreamItem(reference, frame.image, value=value)


def start_stream(
    ctx: CallContext, spec: StreamSpec, prepare: Plan[FrameInference[T]]
) -> Plan[Stream[T]]:
    """Resolve the model (``prepare``), then open the source; the stream ready to iterate.

    The model comes first: its checks (mode, model id, API key, task type) fail before a
    camera or a network stream is opened.
    """
    infer = yield from prepare
    source = yield from offload(lambda: open_source(spec))
    return Stream(source, infer, max(1, ctx.configuration.max_concurrent_requests))


def frame_inference(
    ctx: CallContext, model_id: str | None, shape: Shape[T]
) -> Plan[FrameInference[T]]:
    """How frames are inferred in the client's mode (v1 routes, or the hosted v0 route)."""
    if ctx.mode is HTTPClientMode.V0:
        return frame_inference_v0(ctx, model_id, shape)
    return frame_inference_v1(ctx, model_id, shape, "infer_on_stream")


def frame_inference_v1(
    ctx: CallContext,
    model_id: str | None,
    shape: Shape[T],
    operation: str,
    expected_tasks: Sequence[str] | None = None,
) -> Plan[FrameInference[T]]:
    """Describe the model once (cached) and route each frame like ``infer_from_api_v1``.

    ``expected_tasks`` (typed API) refuses a model of another task type.

    Raises:
        WrongClientModeError: The client is in v0 mode.
        ModelNotSelectedError: No ``model_id`` and no selected model.
        ModelTaskTypeNotSupportedError: The model is not of ``expected_tasks``, or takes clips.
    """
    model = yield from resolve_v1_model(ctx, v1_model_id(ctx, model_id, operation), expected_tasks)

    def infer(payload: object) -> Plan[T]:
        try:
            return (yield from infer_v1_request(ctx, model, payload, shape))
        except APIStatusError as error:
            forget_if_gone(ctx, model.model_id, error)
            raise

    return infer


def frame_inference_v0(
    ctx: CallContext, model_id: str | None, shape: Shape[T], operation: str = "infer_on_stream"
) -> Plan[FrameInference[T]]:
    """Send each frame like ``infer_from_api_v0`` (``POST /{project}/{version}``).

    ``operation`` names the public method in messages.

    Raises:
        ModelNotSelectedError: No ``model_id`` and no selected model.
        InvalidModelIdentifier: The model id is not ``project/version``.
        APIKeyNotProvided: The client has no API key.
    """
    model = ctx.model_id(model_id, operation)
    project, version = split_v0_model_id(model)
    ctx.require_api_key(f"{operation} in v0 mode")
    max_size = downsizing_limit(ctx, None)

    def infer(payload: object) -> Plan[T]:
        return infer_v0_request(ctx, project, version, payload, max_size, shape)

    yield from ()  # v0 has no model registry: nothing to ask the server before the frames
    return infer


# Clips for action-recognition models.


@attrs.frozen
class Clip:
    """A checked clip reference: exactly one of ``url`` and ``path`` is set."""

    url: str | None
    path: str | None
    shown: str


def check_video_reference(reference: object) -> Clip:
    """Check a clip reference before anything is sent: an http(s) URL or an existing file.

    Raises:
        InvalidInputFormatError: Any other type, a missing file, or a folder (1.8.3's class).
    """
    if not isinstance(reference, str | os.PathLike):
        raise InvalidInputFormatError(
            f"a video reference must be an http(s) URL or a local file path, not "
            f"{type(reference).__name__}."
        )
    text = os.fspath(reference)
    if not isinstance(text, str):
        raise InvalidInputFormatError("a video path must be text, not bytes.")
    if text.startswith(("http://", "https://")):
        return Clip(url=text, path=None, shown=describe_input(text))
    path = Path(text).expanduser()
    if path.is_file():
        return Clip(url=None, path=str(path), shown=f"video file {text!r}")
    if path.is_dir():
        raise InvalidInputFormatError(
            f"{text!r} is a folder, not a video clip; use infer_on_stream() to run a model on "
            "its images."
        )
    raise InvalidInputFormatError(
        f"video reference {text!r} is neither an http(s) URL nor an existing file (relative "
        f"paths are from {os.getcwd()!r}). Pass a URL or a local path."
    )


def read_clip_base64(clip: Clip) -> str:
    """The clip's file as base64 text.

    Raises:
        InvalidInputError: The file cannot be read, or is empty.
    """
    assert clip.path is not None
    try:
        data = Path(clip.path).read_bytes()
    except OSError as error:
        raise InvalidInputError(
            f"cannot read {clip.shown}: {error.strerror or type(error).__name__}."
        ) from None
    if not data:
        raise InvalidInputError(f"{clip.shown} is empty.")
    return base64.b64encode(data).decode("ascii")


def as_prediction(data: object, endpoint: str) -> Prediction:
    """A clip's JSON answer as the documented API returns it: the dict itself.

    Raises:
        ResponseValidationError: The answer is not a JSON object.
    """
    if not isinstance(data, dict):
        raise ResponseValidationError(
            f"{endpoint} answered {type(data).__name__}, not an action-recognition result object."
        )
    return data


def _request_video(clip: Clip) -> Plan[InferenceRequestVideo]:
    from rf_api_v1.models import InferenceRequestVideo

    if clip.url is not None:
        return InferenceRequestVideo(type_="url", value=clip.url)
    value = yield from offload(lambda: read_clip_base64(clip))
    return InferenceRequestVideo(type_="base64", value=value)


def infer_on_video_v1(
    ctx: CallContext,
    reference: object,
    model_id: str | None,
    parse: Parse[T],
    operation: str = "infer_on_video_from_api_v1",
) -> Plan[T]:
    """``POST /infer/action_recognition`` with the whole clip; ``parse`` makes the result.

    The model's task is checked through its (cached) description first: an image model is
    refused before the clip is read.

    Raises:
        InvalidInputFormatError: The reference is not a URL or an existing file (nothing is
            sent).
        ModelTaskTypeNotSupportedError: The model takes images, not clips.
        WrongClientModeError: The client is in v0 mode.
    """
    from rf_api_v1.api.inference import infer_action_recognition
    from rf_api_v1.models import ActionRecognitionInferenceRequest
    from rf_api_v1.types import UNSET

    ctx.require_v1(operation)
    model = ctx.model_id(model_id, "infer_on_video")
    clip = check_video_reference(reference)
    description = yield from get_model_description(ctx, model)
    if description.task_type != ACTION_RECOGNITION_TASK:
        raise ModelTaskTypeNotSupportedError(
            f"model {model!r} has task type {description.task_type.value!r}: it takes images, "
            "not a video clip. Use infer() / infer_async() for an image, or infer_on_stream() / "
            "infer_on_stream_async() to run it on a video frame by frame."
        )
    video = yield from _request_video(clip)
    configuration = ctx.configuration
    body = ActionRecognitionInferenceRequest(
        model_id=model,
        video=video,
        api_key=ctx.legacy_api_key() or UNSET,
        class_filter=(
            list(configuration.class_filter) if configuration.class_filter is not None else UNSET
        ),
        source=configuration.source if configuration.source is not None else UNSET,
        source_info=configuration.source_info if configuration.source_info is not None else UNSET,
    )
    kwargs = infer_action_recognition.build_request_kwargs(body=body, **billing_query(ctx))
    try:
        reply = yield from send(
            ctx.authorised(Request.from_generated(kwargs)), ctx.options, ctx.route
        )
    except APIStatusError as error:
        forget_if_gone(ctx, model, error)
        raise
    return parse(reply.json(), reply.endpoint)


def infer_on_video_v0(
    ctx: CallContext, reference: object, model_id: str | None, parse: Parse[T]
) -> Plan[T]:
    """``POST /{project}/{version}`` with the clip: its URL as ``image``, or its file as body.

    The file goes as the raw base64 body (``application/x-www-form-urlencoded``), as the
    hosted API takes images; ``class_filter`` travels comma-separated.

    Raises:
        InvalidInputFormatError: The reference is not a URL or an existing file (nothing is
            sent).
        InvalidModelIdentifier: The model id is not ``project/version``.
        APIKeyNotProvided: The client has no API key.
    """
    from rf_api_v0.api.inference import infer

    model = ctx.model_id(model_id, "infer_on_video")
    project, version = split_v0_model_id(model)
    clip = check_video_reference(reference)
    ctx.require_api_key("infer_on_video in v0 mode")
    arguments: dict[str, Any] = dict(billing_query(ctx))
    key = ctx.legacy_api_key()
    if key:
        arguments["api_key"] = key
    if ctx.configuration.class_filter:
        arguments["class_filter"] = ",".join(ctx.configuration.class_filter)
    if clip.url is not None:
        arguments["image"] = clip.url
    else:
        arguments["body"] = yield from offload(lambda: read_clip_base64(clip))
    kwargs = infer.build_request_kwargs(project, version, **arguments)
    reply = yield from send(ctx.authorised(Request.from_generated(kwargs)), ctx.options, ctx.route)
    return parse(reply.json(), reply.endpoint)
