"""Typed core vision models: ``client.typed.depth``, ``.yolo_world``, ``.gaze``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, overload

from rf_client._ops import core_vision
from rf_client._typed._base import OnError
from rf_client._typed.core._shared import CoreNamespace, parsed
from rf_client.config import DepthMapFormat
from rf_client.errors import RFClientError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from rf_api_v1.models import (
        DepthEstimationResponse,
        GazeDetectionInferenceResponse,
        ObjectDetectionInferenceResponse,
    )

    from rf_client._images import ImageInput


class DepthNamespace(CoreNamespace):
    """``client.typed.depth``: depth estimation."""

    @overload
    def estimate(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> DepthEstimationResponse: ...
    @overload
    def estimate(
        self,
        images: Sequence[ImageInput],
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[DepthEstimationResponse]: ...
    @overload
    def estimate(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
        *,
        on_error: Literal["return"],
    ) -> DepthEstimationResponse | RFClientError: ...
    @overload
    def estimate(
        self,
        images: Sequence[ImageInput],
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
        *,
        on_error: Literal["return"],
    ) -> list[DepthEstimationResponse | RFClientError]: ...
    def estimate(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
        *,
        on_error: OnError = "raise",
    ) -> (
        DepthEstimationResponse
        | RFClientError
        | list[DepthEstimationResponse]
        | list[DepthEstimationResponse | RFClientError]
    ):
        """A depth map per image (``POST /infer/depth-estimation``), one image per request.

        ``normalized_depth`` is as the server sent it: float lists (``json``) or a base64 PNG
        (``png16``/``png8``); :meth:`depth_map` turns either into a float32 array.

        Args:
            images: One image or a list.
            model_id: ``"depth-anything-v3/small"`` (default), ``-v3/base`` or ``-v2/small``.
            model_id_in_path: Post to ``/infer/depth-estimation/{model_id}`` instead.
            depth_map_format: ``"json"``, ``"png16"`` or ``"png8"``.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidParameterError: ``model_id`` or ``depth_map_format`` is invalid.
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import DepthEstimationResponse

        shape = parsed(DepthEstimationResponse.from_dict)
        return self._each(
            images,
            lambda ctx, items: core_vision.depth_estimation(
                ctx, items, model_id, model_id_in_path, depth_map_format, shape
            ),
            on_error=on_error,
        )

    @overload
    async def estimate_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> DepthEstimationResponse: ...
    @overload
    async def estimate_async(
        self,
        images: Sequence[ImageInput],
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[DepthEstimationResponse]: ...
    @overload
    async def estimate_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
        *,
        on_error: Literal["return"],
    ) -> DepthEstimationResponse | RFClientError: ...
    @overload
    async def estimate_async(
        self,
        images: Sequence[ImageInput],
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
        *,
        on_error: Literal["return"],
    ) -> list[DepthEstimationResponse | RFClientError]: ...
    async def estimate_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
        *,
        on_error: OnError = "raise",
    ) -> (
        DepthEstimationResponse
        | RFClientError
        | list[DepthEstimationResponse]
        | list[DepthEstimationResponse | RFClientError]
    ):
        """Async twin of :meth:`estimate`."""
        from rf_api_v1.models import DepthEstimationResponse

        shape = parsed(DepthEstimationResponse.from_dict)
        return await self._each_async(
            images,
            lambda ctx, items: core_vision.depth_estimation(
                ctx, items, model_id, model_id_in_path, depth_map_format, shape
            ),
            on_error=on_error,
        )

    @staticmethod
    def depth_map(response: DepthEstimationResponse) -> NDArray[np.float32]:
        """``response.normalized_depth`` as a float32 array in [0, 1] (1 nearest), any format.

        Raises:
            ResponseValidationError: A PNG depth map cannot be decoded.
        """
        import numpy as np

        depth = response.normalized_depth
        if isinstance(depth, str):
            return core_vision.decode_depth_map(depth, "the depth estimation response")
        return np.asarray(depth, dtype=np.float32)


class YoloWorldNamespace(CoreNamespace):
    """``client.typed.yolo_world``: open-vocabulary object detection."""

    @overload
    def infer(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        class_names: list[str],
        model_version: str | None = None,
        confidence: float | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> ObjectDetectionInferenceResponse: ...
    @overload
    def infer(
        self,
        images: Sequence[ImageInput],
        class_names: list[str],
        model_version: str | None = None,
        confidence: float | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[ObjectDetectionInferenceResponse]: ...
    @overload
    def infer(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        class_names: list[str],
        model_version: str | None = None,
        confidence: float | None = None,
        *,
        on_error: Literal["return"],
    ) -> ObjectDetectionInferenceResponse | RFClientError: ...
    @overload
    def infer(
        self,
        images: Sequence[ImageInput],
        class_names: list[str],
        model_version: str | None = None,
        confidence: float | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[ObjectDetectionInferenceResponse | RFClientError]: ...
    def infer(
        self,
        images: ImageInput | Sequence[ImageInput],
        class_names: list[str],
        model_version: str | None = None,
        confidence: float | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        ObjectDetectionInferenceResponse
        | RFClientError
        | list[ObjectDetectionInferenceResponse]
        | list[ObjectDetectionInferenceResponse | RFClientError]
    ):
        """Detect ``class_names`` in each image (``POST /yolo_world/infer``).

        Unlike ``infer_from_yolo_world`` (a list always, as 1.8.3), one image gives one
        response.

        Args:
            images: One image or a list.
            class_names: The classes to look for.
            model_version: ``yolo_world_version_id``; the default when None.
            confidence: Drop detections below this confidence.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidParameterError: ``class_names`` is not a non-empty list of strings.
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import ObjectDetectionInferenceResponse

        shape = parsed(ObjectDetectionInferenceResponse.from_dict)
        return self._each(
            images,
            lambda ctx, items: core_vision.yolo_world(
                ctx, items, class_names, model_version, confidence, shape
            ),
            on_error=on_error,
        )

    @overload
    async def infer_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        class_names: list[str],
        model_version: str | None = None,
        confidence: float | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> ObjectDetectionInferenceResponse: ...
    @overload
    async def infer_async(
        self,
        images: Sequence[ImageInput],
        class_names: list[str],
        model_version: str | None = None,
        confidence: float | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[ObjectDetectionInferenceResponse]: ...
    @overload
    async def infer_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        class_names: list[str],
        model_version: str | None = None,
        confidence: float | None = None,
        *,
        on_error: Literal["return"],
    ) -> ObjectDetectionInferenceResponse | RFClientError: ...
    @overload
    async def infer_async(
        self,
        images: Sequence[ImageInput],
        class_names: list[str],
        model_version: str | None = None,
        confidence: float | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[ObjectDetectionInferenceResponse | RFClientError]: ...
    async def infer_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        class_names: list[str],
        model_version: str | None = None,
        confidence: float | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        ObjectDetectionInferenceResponse
        | RFClientError
        | list[ObjectDetectionInferenceResponse]
        | list[ObjectDetectionInferenceResponse | RFClientError]
    ):
        """Async twin of :meth:`infer`."""
        from rf_api_v1.models import ObjectDetectionInferenceResponse

        shape = parsed(ObjectDetectionInferenceResponse.from_dict)
        return await self._each_async(
            images,
            lambda ctx, items: core_vision.yolo_world(
                ctx, items, class_names, model_version, confidence, shape
            ),
            on_error=on_error,
        )


class GazeNamespace(CoreNamespace):
    """``client.typed.gaze``: gaze detection (inference servers older than 1.8.3)."""

    @overload
    def detect(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, *, on_error: Literal["raise"] = "raise"
    ) -> GazeDetectionInferenceResponse: ...
    @overload
    def detect(
        self, images: Sequence[ImageInput], *, on_error: Literal["raise"] = "raise"
    ) -> list[GazeDetectionInferenceResponse]: ...
    @overload
    def detect(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, *, on_error: Literal["return"]
    ) -> GazeDetectionInferenceResponse | RFClientError: ...
    @overload
    def detect(
        self, images: Sequence[ImageInput], *, on_error: Literal["return"]
    ) -> list[GazeDetectionInferenceResponse | RFClientError]: ...
    def detect(
        self, images: ImageInput | Sequence[ImageInput], *, on_error: OnError = "raise"
    ) -> (
        GazeDetectionInferenceResponse
        | RFClientError
        | list[GazeDetectionInferenceResponse]
        | list[GazeDetectionInferenceResponse | RFClientError]
    ):
        """Faces and their gaze per image (``POST /gaze/gaze_detection``).

        Raises:
            FeatureRemovedError: The server removed gaze detection (410, 1.8.3 and newer) or
                does not serve it (404); the message says what to do.
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import GazeDetectionInferenceResponse

        shape = parsed(GazeDetectionInferenceResponse.from_dict)
        return self._each(
            images,
            lambda ctx, items: core_vision.detect_gazes(ctx, items, shape),
            on_error=on_error,
        )

    @overload
    async def detect_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, *, on_error: Literal["raise"] = "raise"
    ) -> GazeDetectionInferenceResponse: ...
    @overload
    async def detect_async(
        self, images: Sequence[ImageInput], *, on_error: Literal["raise"] = "raise"
    ) -> list[GazeDetectionInferenceResponse]: ...
    @overload
    async def detect_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, *, on_error: Literal["return"]
    ) -> GazeDetectionInferenceResponse | RFClientError: ...
    @overload
    async def detect_async(
        self, images: Sequence[ImageInput], *, on_error: Literal["return"]
    ) -> list[GazeDetectionInferenceResponse | RFClientError]: ...
    async def detect_async(
        self, images: ImageInput | Sequence[ImageInput], *, on_error: OnError = "raise"
    ) -> (
        GazeDetectionInferenceResponse
        | RFClientError
        | list[GazeDetectionInferenceResponse]
        | list[GazeDetectionInferenceResponse | RFClientError]
    ):
        """Async twin of :meth:`detect`."""
        from rf_api_v1.models import GazeDetectionInferenceResponse

        shape = parsed(GazeDetectionInferenceResponse.from_dict)
        return await self._each_async(
            images,
            lambda ctx, items: core_vision.detect_gazes(ctx, items, shape),
            on_error=on_error,
        )
