"""Typed clips and streams: ``client.typed.video``.

``action_recognition`` returns ``ActionRecognitionInferenceResponse``. ``stream`` is
``infer_on_stream`` whose predictions are parsed into the response class you name, which also
fixes the task the model must have::

    for frame_id, frame, detections in client.typed.video.stream(
        "video.mp4", "coco/3", response=ObjectDetectionInferenceResponse
    ):
        for box in detections.predictions: ...
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import TYPE_CHECKING, Literal, TypeVar, overload

from rf_client._client_streams import (
    OnError,
    aiterate_stream,
    check_on_error,
    iterate_stream,
)
from rf_client._ops import video
from rf_client._ops.registry import parse_model
from rf_client._streams import parse_stream_input
from rf_client._typed._base import Namespace, model_shape
from rf_client.config import (
    CLASSIFICATION_TASK,
    INSTANCE_SEGMENTATION_TASK,
    KEYPOINTS_DETECTION_TASK,
    OBJECT_DETECTION_TASK,
    SEMANTIC_SEGMENTATION_TASK,
    HTTPClientMode,
)
from rf_client.errors import InvalidParameterError, RFClientError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from rf_api_v1.models import (
        ActionRecognitionInferenceResponse,
        ClassificationInferenceResponse,
        InstanceSegmentationInferenceResponse,
        KeypointsDetectionInferenceResponse,
        MultiLabelClassificationInferenceResponse,
        ObjectDetectionInferenceResponse,
        SemanticSegmentationInferenceResponse,
    )

    from rf_client._ops.video import Stream, VideoReference
    from rf_client._plan import Plan
    from rf_client._streams import StreamInput


R = TypeVar(
    "R",
    "ObjectDetectionInferenceResponse",
    "InstanceSegmentationInferenceResponse",
    "SemanticSegmentationInferenceResponse",
    "ClassificationInferenceResponse",
    "MultiLabelClassificationInferenceResponse",
    "KeypointsDetectionInferenceResponse",
)
"""The image model responses a stream parses its predictions into (one per task type)."""


def stream_task(response: object) -> str:
    """The task type whose predictions parse into ``response``; InvalidParameterError if none."""
    from rf_api_v1 import models

    tasks: dict[object, str] = {
        models.ObjectDetectionInferenceResponse: OBJECT_DETECTION_TASK,
        models.InstanceSegmentationInferenceResponse: INSTANCE_SEGMENTATION_TASK,
        models.SemanticSegmentationInferenceResponse: SEMANTIC_SEGMENTATION_TASK,
        models.ClassificationInferenceResponse: CLASSIFICATION_TASK,
        models.MultiLabelClassificationInferenceResponse: CLASSIFICATION_TASK,
        models.KeypointsDetectionInferenceResponse: KEYPOINTS_DETECTION_TASK,
    }
    task = tasks.get(response)
    if task is None:
        names = ", ".join(sorted(getattr(cls, "__name__", str(cls)) for cls in tasks))
        raise InvalidParameterError(
            f"response must be one of the image model responses of rf_api_v1.models ({names}), "
            f"not {response!r}."
        )
    return task


class VideoNamespace(Namespace):
    """``client.typed.video``: action recognition on clips (v1), typed frame-by-frame streams.

    ``stream`` takes the response class rather than one method per task because the frame,
    reference and error handling are the same for every task: only the parsing differs, and
    naming the class keeps the yielded type exact with one generic signature.
    """

    def _clip_plan(
        self, video_reference: object, model_id: str | None
    ) -> Plan[ActionRecognitionInferenceResponse]:
        from rf_api_v1.models import (
            ActionRecognitionInferenceResponse,
        )

        def parse(data: object, endpoint: str) -> ActionRecognitionInferenceResponse:
            return parse_model(ActionRecognitionInferenceResponse.from_dict, data, endpoint)

        return video.infer_on_video_v1(
            self._client._context(),
            video_reference,
            model_id,
            parse,
            operation="client.typed.video.action_recognition",
        )

    def action_recognition(
        self, video_reference: VideoReference, model_id: str | None = None
    ) -> ActionRecognitionInferenceResponse:
        """Run an action-recognition model over one clip (``POST /infer/action_recognition``).

        Args:
            video_reference: An http(s) URL (the server downloads it) or a local video file
                (sent as base64).
            model_id: ``project/version`` or an alias; defaults to the selected model.

        Returns:
            The ``timeline`` of classified frame ranges with ``source_fps``, ``frame_count``
            and ``windows_classified``.

        Raises:
            InvalidInputFormatError: The reference is neither a URL nor an existing file.
            ModelTaskTypeNotSupportedError: The model takes images.
            WrongClientModeError: The client is in v0 mode.
            ResponseValidationError: The answer does not fit the response schema.
        """
        return self._client._run(self._clip_plan(video_reference, model_id))

    async def action_recognition_async(
        self, video_reference: VideoReference, model_id: str | None = None
    ) -> ActionRecognitionInferenceResponse:
        """Async twin of :meth:`action_recognition`."""
        return await self._client._arun(self._clip_plan(video_reference, model_id))

    def _stream_plan(
        self, input_uri: object, model_id: str | None, response: type[R]
    ) -> Plan[Stream[R]]:
        task = stream_task(response)
        context = self._client._context()
        spec = parse_stream_input(
            input_uri, context.configuration.image_extensions_for_directory_scan
        )
        shape = model_shape(response.from_dict)
        operation = "client.typed.video.stream"
        if context.mode is HTTPClientMode.V0:
            # No model registry in the hosted API: a frame answered for another task fails
            # to parse into ``response`` instead of the model being refused up front.
            prepare = video.frame_inference_v0(context, model_id, shape, operation)
        else:
            prepare = video.frame_inference_v1(
                context, model_id, shape, operation, expected_tasks=[task]
            )
        return video.start_stream(context, spec, prepare)

    @overload
    def stream(
        self,
        input_uri: StreamInput,
        model_id: str | None = None,
        *,
        response: type[R],
        on_error: Literal["raise"] = "raise",
    ) -> Generator[tuple[int | str, NDArray[np.uint8], R], None, None]: ...
    @overload
    def stream(
        self,
        input_uri: StreamInput,
        model_id: str | None = None,
        *,
        response: type[R],
        on_error: Literal["yield"],
    ) -> Generator[tuple[int | str, NDArray[np.uint8] | None, R | RFClientError], None, None]: ...
    def stream(
        self,
        input_uri: StreamInput,
        model_id: str | None = None,
        *,
        response: type[R],
        on_error: OnError = "raise",
    ) -> (
        Generator[tuple[int | str, NDArray[np.uint8], R], None, None]
        | Generator[tuple[int | str, NDArray[np.uint8] | None, R | RFClientError], None, None]
    ):
        """``infer_on_stream`` with each prediction parsed into ``response``.

        Args:
            input_uri: A video file, a folder of images, a camera index or a stream URL.
            model_id: ``project/version`` or an alias; defaults to the selected model.
            response: The generated response class of the model's task, e.g.
                ``ObjectDetectionInferenceResponse``; a model of another task is refused
                before any frame is read. Classifiers: ``ClassificationInferenceResponse``
                (single-label) or ``MultiLabelClassificationInferenceResponse``.
            on_error: ``"raise"`` a failing frame's error when its turn comes, or ``"yield"``
                it in place of the response (see ``InferenceHTTPClient.infer_on_stream``).

        Raises:
            InvalidParameterError: ``response`` is not an image model response class.
            ModelTaskTypeNotSupportedError: The model's task does not give ``response`` (v1;
                the hosted v0 API has no registry to ask: its answers must parse).
        """
        mode = check_on_error(on_error)
        return iterate_stream(self._client, self._stream_plan(input_uri, model_id, response), mode)

    @overload
    def stream_async(
        self,
        input_uri: StreamInput,
        model_id: str | None = None,
        *,
        response: type[R],
        on_error: Literal["raise"] = "raise",
    ) -> AsyncGenerator[tuple[int | str, NDArray[np.uint8], R], None]: ...
    @overload
    def stream_async(
        self,
        input_uri: StreamInput,
        model_id: str | None = None,
        *,
        response: type[R],
        on_error: Literal["yield"],
    ) -> AsyncGenerator[tuple[int | str, NDArray[np.uint8] | None, R | RFClientError], None]: ...
    def stream_async(
        self,
        input_uri: StreamInput,
        model_id: str | None = None,
        *,
        response: type[R],
        on_error: OnError = "raise",
    ) -> (
        AsyncGenerator[tuple[int | str, NDArray[np.uint8], R], None]
        | AsyncGenerator[tuple[int | str, NDArray[np.uint8] | None, R | RFClientError], None]
    ):
        """Async twin of :meth:`stream`: an async iterator (call it without ``await``)."""
        mode = check_on_error(on_error)
        return aiterate_stream(self._client, self._stream_plan(input_uri, model_id, response), mode)
