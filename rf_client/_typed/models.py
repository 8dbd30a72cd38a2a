"""Typed server info, model registry and platform-model inference: ``client.typed.models/infer``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from rf_client._base_client import as_batch
from rf_client._batch import BatchOutcome
from rf_client._ops import inference, registry
from rf_client._typed._base import (
    Namespace,
    OnError,
    check_on_error,
    model_shape,
    settle,
)
from rf_client.config import (
    CLASSIFICATION_TASK,
    INSTANCE_SEGMENTATION_TASK,
    KEYPOINTS_DETECTION_TASK,
    OBJECT_DETECTION_TASK,
    SEMANTIC_SEGMENTATION_TASK,
    HTTPClientMode,
)
from rf_client.errors import RFClientError

if TYPE_CHECKING:
    from rf_api_v1.models import (
        ClassificationInferenceResponse,
        InstanceSegmentationInferenceResponse,
        KeypointsDetectionInferenceResponse,
        ModelDescriptionEntity,
        ModelsDescriptions,
        MultiLabelClassificationInferenceResponse,
        ObjectDetectionInferenceResponse,
        SemanticSegmentationInferenceResponse,
        ServerVersionInfo,
    )

    from rf_client._images import ImageInput
    from rf_client._plan import Plan

R = TypeVar("R")


class ServerNamespace(Namespace):
    """``client.typed.server``: what the server is."""

    def info(self) -> ServerVersionInfo:
        """The server's name, version and instance id (``GET /info``)."""
        return self._client._run(registry.get_server_info(self._client._context()))

    async def info_async(self) -> ServerVersionInfo:
        """Async twin of :meth:`info`."""
        return await self._client._arun(registry.get_server_info(self._client._context()))


class ModelsNamespace(Namespace):
    """``client.typed.models``: the server's model registry (v1; the hosted API has none).

    In v0 mode every operation raises ``WrongClientModeError`` naming it.
    """

    def list(self) -> ModelsDescriptions:
        """The loaded models (``GET /model/registry``)."""
        return self._client._run(
            registry.list_loaded_models(self._v1_context("client.typed.models.list"))
        )

    async def list_async(self) -> ModelsDescriptions:
        """Async twin of :meth:`list`."""
        context = self._v1_context("client.typed.models.list_async")
        return await self._client._arun(registry.list_loaded_models(context))

    def describe(self, model_id: str, allow_loading: bool = True) -> ModelDescriptionEntity:
        """A model's task type and input size; loads it first when ``allow_loading``."""
        context = self._v1_context("client.typed.models.describe")
        plan = registry.get_model_description(context, model_id, allow_loading)
        return self._client._run(plan)

    async def describe_async(
        self, model_id: str, allow_loading: bool = True
    ) -> ModelDescriptionEntity:
        """Async twin of :meth:`describe`."""
        context = self._v1_context("client.typed.models.describe_async")
        plan = registry.get_model_description(context, model_id, allow_loading)
        return await self._client._arun(plan)

    def load(self, model_id: str) -> ModelsDescriptions:
        """Load a model (``POST /model/add``); the registry afterwards."""
        context = self._v1_context("client.typed.models.load")
        return self._client._run(registry.load_model(context, model_id))

    async def load_async(self, model_id: str) -> ModelsDescriptions:
        """Async twin of :meth:`load`."""
        context = self._v1_context("client.typed.models.load_async")
        return await self._client._arun(registry.load_model(context, model_id))

    def unload(self, model_id: str) -> ModelsDescriptions:
        """Unload a model (``POST /model/remove``); the registry afterwards."""
        context = self._v1_context("client.typed.models.unload")
        return self._client._run(registry.unload_model(context, model_id))

    async def unload_async(self, model_id: str) -> ModelsDescriptions:
        """Async twin of :meth:`unload`."""
        context = self._v1_context("client.typed.models.unload_async")
        return await self._client._arun(registry.unload_model(context, model_id))

    def clear(self) -> ModelsDescriptions:
        """Unload every model (``POST /model/clear``)."""
        context = self._v1_context("client.typed.models.clear")
        return self._client._run(registry.unload_all_models(context))

    async def clear_async(self) -> ModelsDescriptions:
        """Async twin of :meth:`clear`."""
        context = self._v1_context("client.typed.models.clear_async")
        return await self._client._arun(registry.unload_all_models(context))


def _is_multi_label(data: Mapping[str, Any]) -> bool:
    return isinstance(data.get("predictions"), Mapping) or "predicted_classes" in data


def _single_label(data: Mapping[str, Any]) -> ClassificationInferenceResponse:
    from rf_api_v1.models import ClassificationInferenceResponse

    if _is_multi_label(data):
        # A TypeError becomes the ResponseValidationError of parse_model, naming the endpoint.
        raise TypeError(
            "the model is a multi-label classifier: call typed.infer.multi_label_classification()"
        )
    return ClassificationInferenceResponse.from_dict(data)


def _multi_label(data: Mapping[str, Any]) -> MultiLabelClassificationInferenceResponse:
    from rf_api_v1.models import MultiLabelClassificationInferenceResponse

    if not _is_multi_label(data):
        raise TypeError("the model is a single-label classifier: call typed.infer.classification()")
    return MultiLabelClassificationInferenceResponse.from_dict(data)


class InferNamespace(Namespace):
    """``client.typed.infer``: models trained on the platform, one method per task type.

    Each takes one image (giving one response) or a list (giving a list, in input order;
    ``on_error="return"`` puts a failed image's error in its place). On a self-hosted server
    (v1) it refuses a model of another task type before sending any image; on the hosted API
    (v0 mode, ``POST /{project}/{version}``, one image a request) the answers are parsed into
    the same models, and one of another task raises ``ResponseValidationError``.
    """

    def _plan(
        self,
        items: list[object],
        model_id: str | None,
        task: str,
        parse: Callable[[Mapping[str, Any]], R],
    ) -> Plan[BatchOutcome[R]]:
        context = self._client._context()
        operation = f"client.typed.infer ({task})"
        if context.mode is HTTPClientMode.V0:
            # The hosted API has no model registry to check the task against: the answer is
            # parsed as ``task``'s response, and one of another task fails to parse.
            return inference.infer_v0(context, items, model_id, model_shape(parse), operation)
        return inference.infer_v1(
            context, items, model_id, model_shape(parse), expected_tasks=[task], operation=operation
        )

    def _infer(
        self,
        images: object,
        model_id: str | None,
        task: str,
        parse: Callable[[Mapping[str, Any]], R],
        *,
        on_error: object,
    ) -> R | RFClientError | list[R] | list[R | RFClientError]:
        mode = check_on_error(on_error)
        items, single = as_batch(images)
        return settle(self._client._run(self._plan(items, model_id, task, parse)), single, mode)

    async def _infer_async(
        self,
        images: object,
        model_id: str | None,
        task: str,
        parse: Callable[[Mapping[str, Any]], R],
        *,
        on_error: object,
    ) -> R | RFClientError | list[R] | list[R | RFClientError]:
        mode = check_on_error(on_error)
        items, single = as_batch(images)
        outcome = await self._client._arun(self._plan(items, model_id, task, parse))
        return settle(outcome, single, mode)

    @overload
    def object_detection(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> ObjectDetectionInferenceResponse: ...
    @overload
    def object_detection(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[ObjectDetectionInferenceResponse]: ...
    @overload
    def object_detection(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None, *, on_error: Literal["return"]
    ) -> ObjectDetectionInferenceResponse | RFClientError: ...
    @overload
    def object_detection(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[ObjectDetectionInferenceResponse | RFClientError]: ...
    def object_detection(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        ObjectDetectionInferenceResponse
        | RFClientError
        | list[ObjectDetectionInferenceResponse]
        | list[ObjectDetectionInferenceResponse | RFClientError]
    ):
        """Run an object-detection model: boxes with float ``x``, ``y``, ``width``, ``height``,
        ``confidence`` and ``class_``.

        Args:
            images: One image (path, URL, bytes, BGR array, PIL image, base64) or a list.
            model_id: ``project/version`` or an alias; defaults to the selected model.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            ModelTaskTypeNotSupportedError: The model has another task type (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import ObjectDetectionInferenceResponse

        return self._infer(
            images,
            model_id,
            OBJECT_DETECTION_TASK,
            ObjectDetectionInferenceResponse.from_dict,
            on_error=on_error,
        )

    @overload
    async def object_detection_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> ObjectDetectionInferenceResponse: ...
    @overload
    async def object_detection_async(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[ObjectDetectionInferenceResponse]: ...
    @overload
    async def object_detection_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None, *, on_error: Literal["return"]
    ) -> ObjectDetectionInferenceResponse | RFClientError: ...
    @overload
    async def object_detection_async(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[ObjectDetectionInferenceResponse | RFClientError]: ...
    async def object_detection_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        ObjectDetectionInferenceResponse
        | RFClientError
        | list[ObjectDetectionInferenceResponse]
        | list[ObjectDetectionInferenceResponse | RFClientError]
    ):
        """Async twin of :meth:`object_detection`."""
        from rf_api_v1.models import ObjectDetectionInferenceResponse

        return await self._infer_async(
            images,
            model_id,
            OBJECT_DETECTION_TASK,
            ObjectDetectionInferenceResponse.from_dict,
            on_error=on_error,
        )

    @overload
    def instance_segmentation(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> InstanceSegmentationInferenceResponse: ...
    @overload
    def instance_segmentation(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[InstanceSegmentationInferenceResponse]: ...
    @overload
    def instance_segmentation(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None, *, on_error: Literal["return"]
    ) -> InstanceSegmentationInferenceResponse | RFClientError: ...
    @overload
    def instance_segmentation(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[InstanceSegmentationInferenceResponse | RFClientError]: ...
    def instance_segmentation(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        InstanceSegmentationInferenceResponse
        | RFClientError
        | list[InstanceSegmentationInferenceResponse]
        | list[InstanceSegmentationInferenceResponse | RFClientError]
    ):
        """Run an instance-segmentation model: boxes with polygon ``points`` or an ``rle`` mask.

        Args:
            images: One image (path, URL, bytes, BGR array, PIL image, base64) or a list.
            model_id: ``project/version`` or an alias; defaults to the selected model.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            ModelTaskTypeNotSupportedError: The model has another task type (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import InstanceSegmentationInferenceResponse

        return self._infer(
            images,
            model_id,
            INSTANCE_SEGMENTATION_TASK,
            InstanceSegmentationInferenceResponse.from_dict,
            on_error=on_error,
        )

    @overload
    async def instance_segmentation_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> InstanceSegmentationInferenceResponse: ...
    @overload
    async def instance_segmentation_async(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[InstanceSegmentationInferenceResponse]: ...
    @overload
    async def instance_segmentation_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None, *, on_error: Literal["return"]
    ) -> InstanceSegmentationInferenceResponse | RFClientError: ...
    @overload
    async def instance_segmentation_async(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[InstanceSegmentationInferenceResponse | RFClientError]: ...
    async def instance_segmentation_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        InstanceSegmentationInferenceResponse
        | RFClientError
        | list[InstanceSegmentationInferenceResponse]
        | list[InstanceSegmentationInferenceResponse | RFClientError]
    ):
        """Async twin of :meth:`instance_segmentation`."""
        from rf_api_v1.models import InstanceSegmentationInferenceResponse

        return await self._infer_async(
            images,
            model_id,
            INSTANCE_SEGMENTATION_TASK,
            InstanceSegmentationInferenceResponse.from_dict,
            on_error=on_error,
        )

    @overload
    def semantic_segmentation(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> SemanticSegmentationInferenceResponse: ...
    @overload
    def semantic_segmentation(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[SemanticSegmentationInferenceResponse]: ...
    @overload
    def semantic_segmentation(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None, *, on_error: Literal["return"]
    ) -> SemanticSegmentationInferenceResponse | RFClientError: ...
    @overload
    def semantic_segmentation(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[SemanticSegmentationInferenceResponse | RFClientError]: ...
    def semantic_segmentation(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        SemanticSegmentationInferenceResponse
        | RFClientError
        | list[SemanticSegmentationInferenceResponse]
        | list[SemanticSegmentationInferenceResponse | RFClientError]
    ):
        """Run a semantic-segmentation model: a class map and a mask per image.

        Args:
            images: One image (path, URL, bytes, BGR array, PIL image, base64) or a list.
            model_id: ``project/version`` or an alias; defaults to the selected model.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            ModelTaskTypeNotSupportedError: The model has another task type (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import SemanticSegmentationInferenceResponse

        return self._infer(
            images,
            model_id,
            SEMANTIC_SEGMENTATION_TASK,
            SemanticSegmentationInferenceResponse.from_dict,
            on_error=on_error,
        )

    @overload
    async def semantic_segmentation_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> SemanticSegmentationInferenceResponse: ...
    @overload
    async def semantic_segmentation_async(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[SemanticSegmentationInferenceResponse]: ...
    @overload
    async def semantic_segmentation_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None, *, on_error: Literal["return"]
    ) -> SemanticSegmentationInferenceResponse | RFClientError: ...
    @overload
    async def semantic_segmentation_async(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[SemanticSegmentationInferenceResponse | RFClientError]: ...
    async def semantic_segmentation_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        SemanticSegmentationInferenceResponse
        | RFClientError
        | list[SemanticSegmentationInferenceResponse]
        | list[SemanticSegmentationInferenceResponse | RFClientError]
    ):
        """Async twin of :meth:`semantic_segmentation`."""
        from rf_api_v1.models import SemanticSegmentationInferenceResponse

        return await self._infer_async(
            images,
            model_id,
            SEMANTIC_SEGMENTATION_TASK,
            SemanticSegmentationInferenceResponse.from_dict,
            on_error=on_error,
        )

    @overload
    def classification(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> ClassificationInferenceResponse: ...
    @overload
    def classification(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[ClassificationInferenceResponse]: ...
    @overload
    def classification(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None, *, on_error: Literal["return"]
    ) -> ClassificationInferenceResponse | RFClientError: ...
    @overload
    def classification(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[ClassificationInferenceResponse | RFClientError]: ...
    def classification(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        ClassificationInferenceResponse
        | RFClientError
        | list[ClassificationInferenceResponse]
        | list[ClassificationInferenceResponse | RFClientError]
    ):
        """Run a single-label classifier: ``top``, ``confidence`` and every class's ``predictions``.

        Args:
            images: One image (path, URL, bytes, BGR array, PIL image, base64) or a list.
            model_id: ``project/version`` or an alias; defaults to the selected model.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Returns:
            One ``ClassificationInferenceResponse`` per image (a list for a list of images).

        Raises:
            ModelTaskTypeNotSupportedError: The model has another task type (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            ResponseValidationError: The model answers the other kind of classification.
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        return self._infer(images, model_id, CLASSIFICATION_TASK, _single_label, on_error=on_error)

    @overload
    async def classification_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> ClassificationInferenceResponse: ...
    @overload
    async def classification_async(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[ClassificationInferenceResponse]: ...
    @overload
    async def classification_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None, *, on_error: Literal["return"]
    ) -> ClassificationInferenceResponse | RFClientError: ...
    @overload
    async def classification_async(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[ClassificationInferenceResponse | RFClientError]: ...
    async def classification_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        ClassificationInferenceResponse
        | RFClientError
        | list[ClassificationInferenceResponse]
        | list[ClassificationInferenceResponse | RFClientError]
    ):
        """Async twin of :meth:`classification`."""
        return await self._infer_async(
            images, model_id, CLASSIFICATION_TASK, _single_label, on_error=on_error
        )

    @overload
    def multi_label_classification(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> MultiLabelClassificationInferenceResponse: ...
    @overload
    def multi_label_classification(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[MultiLabelClassificationInferenceResponse]: ...
    @overload
    def multi_label_classification(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None, *, on_error: Literal["return"]
    ) -> MultiLabelClassificationInferenceResponse | RFClientError: ...
    @overload
    def multi_label_classification(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[MultiLabelClassificationInferenceResponse | RFClientError]: ...
    def multi_label_classification(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        MultiLabelClassificationInferenceResponse
        | RFClientError
        | list[MultiLabelClassificationInferenceResponse]
        | list[MultiLabelClassificationInferenceResponse | RFClientError]
    ):
        """Run a multi-label classifier: ``predicted_classes`` and each class's confidence.

        Args:
            images: One image (path, URL, bytes, BGR array, PIL image, base64) or a list.
            model_id: ``project/version`` or an alias; defaults to the selected model.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Returns:
            One ``MultiLabelClassificationInferenceResponse`` per image (a list for a list).

        Raises:
            ModelTaskTypeNotSupportedError: The model has another task type (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            ResponseValidationError: The model answers the other kind of classification.
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        return self._infer(images, model_id, CLASSIFICATION_TASK, _multi_label, on_error=on_error)

    @overload
    async def multi_label_classification_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> MultiLabelClassificationInferenceResponse: ...
    @overload
    async def multi_label_classification_async(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[MultiLabelClassificationInferenceResponse]: ...
    @overload
    async def multi_label_classification_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None, *, on_error: Literal["return"]
    ) -> MultiLabelClassificationInferenceResponse | RFClientError: ...
    @overload
    async def multi_label_classification_async(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[MultiLabelClassificationInferenceResponse | RFClientError]: ...
    async def multi_label_classification_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        MultiLabelClassificationInferenceResponse
        | RFClientError
        | list[MultiLabelClassificationInferenceResponse]
        | list[MultiLabelClassificationInferenceResponse | RFClientError]
    ):
        """Async twin of :meth:`multi_label_classification`."""
        return await self._infer_async(
            images, model_id, CLASSIFICATION_TASK, _multi_label, on_error=on_error
        )

    @overload
    def keypoints_detection(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> KeypointsDetectionInferenceResponse: ...
    @overload
    def keypoints_detection(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[KeypointsDetectionInferenceResponse]: ...
    @overload
    def keypoints_detection(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None, *, on_error: Literal["return"]
    ) -> KeypointsDetectionInferenceResponse | RFClientError: ...
    @overload
    def keypoints_detection(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[KeypointsDetectionInferenceResponse | RFClientError]: ...
    def keypoints_detection(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        KeypointsDetectionInferenceResponse
        | RFClientError
        | list[KeypointsDetectionInferenceResponse]
        | list[KeypointsDetectionInferenceResponse | RFClientError]
    ):
        """Run a keypoint-detection model: boxes with their ``keypoints``.

        Args:
            images: One image (path, URL, bytes, BGR array, PIL image, base64) or a list.
            model_id: ``project/version`` or an alias; defaults to the selected model.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            ModelTaskTypeNotSupportedError: The model has another task type (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import KeypointsDetectionInferenceResponse

        return self._infer(
            images,
            model_id,
            KEYPOINTS_DETECTION_TASK,
            KeypointsDetectionInferenceResponse.from_dict,
            on_error=on_error,
        )

    @overload
    async def keypoints_detection_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> KeypointsDetectionInferenceResponse: ...
    @overload
    async def keypoints_detection_async(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[KeypointsDetectionInferenceResponse]: ...
    @overload
    async def keypoints_detection_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None, *, on_error: Literal["return"]
    ) -> KeypointsDetectionInferenceResponse | RFClientError: ...
    @overload
    async def keypoints_detection_async(
        self,
        images: Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[KeypointsDetectionInferenceResponse | RFClientError]: ...
    async def keypoints_detection_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        KeypointsDetectionInferenceResponse
        | RFClientError
        | list[KeypointsDetectionInferenceResponse]
        | list[KeypointsDetectionInferenceResponse | RFClientError]
    ):
        """Async twin of :meth:`keypoints_detection`."""
        from rf_api_v1.models import KeypointsDetectionInferenceResponse

        return await self._infer_async(
            images,
            model_id,
            KEYPOINTS_DETECTION_TASK,
            KeypointsDetectionInferenceResponse.from_dict,
            on_error=on_error,
        )
