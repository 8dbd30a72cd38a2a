"""Streams and video: infer_on_stream (videos, folders, cameras, stream URLs) and infer_on_video.

A stream is iterated with the driver's ordered iteration (:meth:`BaseClient._iter` /
:meth:`BaseClient._aiter`) over one plan per frame (see :mod:`rf_client._ops.video`): a sliding
window of ``max_concurrent_requests`` frames in flight, at most as many finished frames waiting
for a slower earlier one, results in frame order. Memory stays flat however long the stream is.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Generator
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar, cast, overload

from rf_client._base_client import BaseClient
from rf_client._ops import video
from rf_client._ops.inference import dict_shape
from rf_client._streams import parse_stream_input
from rf_client.config import HTTPClientMode
from rf_client.errors import InvalidParameterError, RFClientError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from rf_client._batch import Outcome
    from rf_client._ops.video import StreamItem, VideoReference
    from rf_client._plan import Plan
    from rf_client._streams import StreamInput

T = TypeVar("T")
Prediction = dict[str, Any]

OnError: TypeAlias = Literal["raise", "yield"]
"""What a failing frame does: ``"raise"`` its error when its turn comes, or ``"yield"`` it."""

StreamResult: TypeAlias = "tuple[int | str, NDArray[np.uint8], Prediction]"
"""``(frame number or image path, BGR frame, prediction)``."""

StreamOutcome: TypeAlias = "tuple[int | str, NDArray[np.uint8] | None, Prediction | RFClientError]"
"""Like :data:`StreamResult`, with the frame's error in place of a prediction when it failed
(and None in place of the frame when the item itself could not be read)."""


def check_on_error(on_error: object) -> OnError:
    """``on_error`` when it is ``"raise"`` or ``"yield"``; InvalidParameterError otherwise."""
    if on_error == "raise":
        return "raise"
    if on_error == "yield":
        return "yield"
    raise InvalidParameterError(f"on_error must be 'raise' or 'yield', not {on_error!r}.")


def _delivered(
    item: StreamItem[T], on_error: OnError
) -> tuple[int | str, NDArray[np.uint8] | None, T | RFClientError]:
    if item.error is not None:
        if on_error == "raise":
            raise item.error
        return item.reference, item.image, item.error
    return item.reference, item.image, cast("T", item.value)


def iterate_stream(
    client: BaseClient, start: Plan[video.Stream[T]], on_error: OnError
) -> Generator[tuple[int | str, NDArray[np.uint8] | None, T | RFClientError], None, None]:
    """Run ``start`` on first iteration, then yield each frame's outcome in frame order.

    The source is released however iteration ends: exhaustion, an error, or the consumer
    closing the generator (``break`` then ``close()``, or dropping it).
    """
    stream = client._run(start)
    try:
        outcomes = cast(
            "Generator[Outcome[StreamItem[T] | None], None, None]",
            client._iter(stream.plans(), stream.limit, stream.limit),
        )
        # Closing the driver's iterator first waits for the frames in flight, so no plan is
        # still reading when the source is released below.
        with contextlib.closing(outcomes):
            for index, outcome in enumerate(outcomes):
                item = stream.item(index, outcome)
                if item is None:
                    return
                delivered = _delivered(item, on_error)
                yield delivered
    finally:
        stream.close()


async def aiterate_stream(
    client: BaseClient, start: Plan[video.Stream[T]], on_error: OnError
) -> AsyncGenerator[tuple[int | str, NDArray[np.uint8] | None, T | RFClientError], None]:
    """Async twin of :func:`iterate_stream` (``aclose()`` releases the source)."""
    stream = await client._arun(start)
    try:
        outcomes = cast(
            "AsyncGenerator[Outcome[StreamItem[T] | None], None]",
            client._aiter(stream.plans(), stream.limit, stream.limit),
        )
        async with contextlib.aclosing(outcomes):
            index = 0
            async for outcome in outcomes:
                item = stream.item(index, outcome)
                index += 1
                if item is None:
                    return
                delivered = _delivered(item, on_error)
                yield delivered
    finally:
        # Never blocks: a capture being read in a worker thread is released by that thread.
        stream.close()


class StreamsMixin(BaseClient):
    """``infer_on_stream`` over videos, folders, cameras and stream URLs; ``infer_on_video``."""

    def _stream_plan(
        self, input_uri: object, model_id: str | None
    ) -> Plan[video.Stream[Prediction]]:
        context = self._context()
        spec = parse_stream_input(
            input_uri, context.configuration.image_extensions_for_directory_scan
        )
        return video.start_stream(
            context, spec, video.frame_inference(context, model_id, dict_shape(context))
        )

    @overload
    def infer_on_stream(
        self,
        input_uri: StreamInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> Generator[StreamResult, None, None]: ...
    @overload
    def infer_on_stream(
        self, input_uri: StreamInput, model_id: str | None = None, *, on_error: Literal["yield"]
    ) -> Generator[StreamOutcome, None, None]: ...
    def infer_on_stream(
        self, input_uri: StreamInput, model_id: str | None = None, *, on_error: OnError = "raise"
    ) -> Generator[StreamResult, None, None] | Generator[StreamOutcome, None, None]:
        """Run a model trained on the platform on every frame of a video, folder or camera.

        Yields ``(reference, frame, prediction)`` in frame order: ``reference`` is the frame
        number (from 0) for a video, camera or stream URL, and the image's path for a folder;
        ``frame`` is the BGR ``numpy`` array the prediction is for::

            for frame_id, frame, prediction in client.infer_on_stream("video.mp4", "coco/3"):
                ...

        Sources, all read with OpenCV (``pip install "rf-client[video]"``): a video file; a
        folder (its files whose extension is in ``image_extensions_for_directory_scan``, in
        sorted path order, not recursive); a camera index (``0`` or ``"0"``); a stream URL
        (``rtsp://``, ``http(s)://``). Frames go one per request (``max_batch_size`` does not
        apply), with up to ``max_concurrent_requests`` in flight; a frame is read only when a
        place in that window frees, so memory stays flat on endless streams. The source is
        released when iteration ends, fails, or the generator is closed (``close()``, or
        dropping it after ``break``).

        Args:
            input_uri: A video file, a folder of images, a camera index or a stream URL.
            model_id: ``project/version`` or an alias; defaults to the selected model.
            on_error: ``"raise"`` (default): a failing frame raises its error when its turn
                comes (the frames before it were yielded). ``"yield"``: every item is yielded in
                order, a failed one with its :class:`~rf_client.errors.RFClientError` in place
                of the prediction (and ``None`` in place of the frame when a folder's file
                cannot be read or decoded); the stream goes on.

        Raises:
            MissingDependencyError: OpenCV is not installed (raised by this call).
            InvalidInputError: The input names nothing that exists (raised by this call), the
                source cannot be opened, or (``"raise"``) an image of a folder cannot be decoded.
            InvalidParameterError: ``on_error`` is neither ``"raise"`` nor ``"yield"``.
            ModelNotSelectedError: No ``model_id`` and no selected model.
            ModelTaskTypeNotSupportedError: The model takes clips (use :meth:`infer_on_video`).
            APIStatusError: The server refused a frame (``"raise"``).
        """
        mode = check_on_error(on_error)
        return iterate_stream(self, self._stream_plan(input_uri, model_id), mode)

    @overload
    def infer_on_stream_async(
        self,
        input_uri: StreamInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> AsyncGenerator[StreamResult, None]: ...
    @overload
    def infer_on_stream_async(
        self, input_uri: StreamInput, model_id: str | None = None, *, on_error: Literal["yield"]
    ) -> AsyncGenerator[StreamOutcome, None]: ...
    def infer_on_stream_async(
        self, input_uri: StreamInput, model_id: str | None = None, *, on_error: OnError = "raise"
    ) -> AsyncGenerator[StreamResult, None] | AsyncGenerator[StreamOutcome, None]:
        """Async twin of :meth:`infer_on_stream`: an async iterator (call it without ``await``)::

            async for frame_id, frame, prediction in client.infer_on_stream_async("video.mp4"):
                ...

        Frames are read and encoded in worker threads, never on the event loop. ``aclose()``
        (or leaving an ``async with contextlib.aclosing(...)`` block) releases the source, and
        never waits for a slow camera: a frame being read in a worker thread at that moment is
        released by that thread as soon as its read returns.
        """
        mode = check_on_error(on_error)
        return aiterate_stream(self, self._stream_plan(input_uri, model_id), mode)

    # Clips for action-recognition models.

    def _video_plan(self, video_reference: object, model_id: str | None) -> Plan[Prediction]:
        context = self._context()
        if context.mode is HTTPClientMode.V0:
            return video.infer_on_video_v0(context, video_reference, model_id, video.as_prediction)
        return video.infer_on_video_v1(context, video_reference, model_id, video.as_prediction)

    def infer_on_video(
        self, video_reference: VideoReference, model_id: str | None = None
    ) -> Prediction:
        """Run an action-recognition model over one clip, sent whole.

        A URL is passed for the server to download (preferred: base64 grows a clip by a third
        and the server holds the whole request in memory); a local file is read and sent as
        base64. ``class_filter`` of the configuration is sent along.

        Args:
            video_reference: An http(s) URL or the path of a local video file.
            model_id: ``project/version`` or an alias; defaults to the selected model.

        Returns:
            The result: ``timeline`` (classified frame ranges), ``source_fps``, ``frame_count``
            and ``windows_classified``.

        Raises:
            InvalidInputFormatError: The reference is neither a URL nor an existing file (nothing
                is sent).
            ModelTaskTypeNotSupportedError: (v1) The model takes images: use :meth:`infer` or
                :meth:`infer_on_stream`.
            ModelNotSelectedError: No ``model_id`` and no selected model.
            APIStatusError: The server refused the request.
        """
        return self._run(self._video_plan(video_reference, model_id))

    async def infer_on_video_async(
        self, video_reference: VideoReference, model_id: str | None = None
    ) -> Prediction:
        """Async twin of :meth:`infer_on_video`."""
        return await self._arun(self._video_plan(video_reference, model_id))

    def infer_on_video_from_api_v0(
        self, video_reference: VideoReference, model_id: str | None = None
    ) -> Prediction:
        """:meth:`infer_on_video` through the v0 route (``POST /{project}/{version}``).

        A URL goes as the ``image`` query parameter; a file as the raw base64 body.

        Raises:
            APIKeyNotProvided: The client has no API key.
            InvalidModelIdentifier: The model id is not ``project/version``.
        """
        plan = video.infer_on_video_v0(
            self._context(), video_reference, model_id, video.as_prediction
        )
        return self._run(plan)

    async def infer_on_video_from_api_v0_async(
        self, video_reference: VideoReference, model_id: str | None = None
    ) -> Prediction:
        """Async twin of :meth:`infer_on_video_from_api_v0`."""
        plan = video.infer_on_video_v0(
            self._context(), video_reference, model_id, video.as_prediction
        )
        return await self._arun(plan)

    def infer_on_video_from_api_v1(
        self, video_reference: VideoReference, model_id: str | None = None
    ) -> Prediction:
        """:meth:`infer_on_video` through ``POST /infer/action_recognition``; needs v1 mode.

        Raises:
            WrongClientModeError: The client is in v0 mode.
            ModelTaskTypeNotSupportedError: The model takes images.
        """
        plan = video.infer_on_video_v1(
            self._context(), video_reference, model_id, video.as_prediction
        )
        return self._run(plan)

    async def infer_on_video_from_api_v1_async(
        self, video_reference: VideoReference, model_id: str | None = None
    ) -> Prediction:
        """Async twin of :meth:`infer_on_video_from_api_v1`."""
        plan = video.infer_on_video_v1(
            self._context(), video_reference, model_id, video.as_prediction
        )
        return await self._arun(plan)
