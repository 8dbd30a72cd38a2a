"""Typed server info, model registry and platform-model inference: ``client.typed.models/infer``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

from rf_client._base_client import as_batch, deliver
from rf_client._batch import BatchOutcome
from rf_client._ops import inference, registry
from rf_client._typed._base import Namespace, model_shape
from rf_client.config import (
    CLASSIFICATION_TASK,
    INSTANCE_SEGMENTATION_TASK,
    KEYPOINTS_DETECTION_TASK,
    OBJECT_DETECTION_TASK,
    SEMANTIC_SEGMENTATION_TASK,
)

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
    """``client.typed.models``: the server's model registry (v1)."""

    def list(self) -> ModelsDescriptions:
        """The loaded models (``GET /model/registry``)."""
        return self._client._run(registry.list_loaded_models(self._client._context()))

    async def list_async(self) -> ModelsDescriptions:
        """Async twin of :meth:`list`."""
        return await self._client._arun(registry.list_loaded_models(self._client._context()))

    def describe(self, model_id: str, allow_loading: bool = True) -> ModelDescriptionEntity:
        """A model's task type and input size; loads it first when ``allow_loading``."""
        plan = registry.get_model_description(self._client._context(), model_id, allow_loading)
        return self._client._run(plan)

    async def describe_async(
        self, model_id: str, allow_loading: bool = True
    ) -> ModelDescriptionEntity:
        """Async twin of :meth:`describe`."""
        plan = registry.get_model_description(self._client._context(), model_id, allow_loading)
        return await self._client._arun(plan)

    def load(self, model_id: str) -> ModelsDescriptions:
        """Load a model (``POST /model/add``); the registry afterwards."""
        return self._client._run(registry.load_model(self._client._context(), model_id))

    async def load_async(self, model_id: str) -> ModelsDescriptions:
        """Async twin of :meth:`load`."""
        return await self._client._arun(registry.load_model(self._client._context(), model_id))

    def unload(self, model_id: str) -> ModelsDescriptions:
        """Unload a model (``POST /model/remove``); the registry afterwards."""
        return self._client._run(registry.unload_model(self._client._context(), model_id))

    async def unload_async(self, model_id: str) -> ModelsDescriptions:
        """Async twin of :meth:`unload`."""
        return await self._client._arun(registry.unload_model(self._client._context(), model_id))

    def clear(self) -> ModelsDescriptions:
        """Unload every model (``POST /model/clear``)."""
        return self._client._run(registry.unload_all_models(self._client._context()))

    async def clear_async(self) -> ModelsDescriptions:
        """Async twin of :meth:`clear`."""
        return await self._client._arun(registry.unload_all_models(self._client._context()))


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
    """``client.typed.infer``: models trained on the platform, one method per task type (v1).

    Each takes one image (giving one response) or a list (giving a list, in input order), and
    refuses a model of another task type before sending any image.
    """

    def _plan(
        self,
        items: list[object],
        model_id: str | None,
        task: str,
        parse: Callable[[Mapping[str, Any]], R],
    ) -> Plan[BatchOutcome[R]]:
        return inference.infer_v1(
            self._client._context(),
            items,
            model_id,
            model_shape(parse),
            expected_tasks=[task],
            operation=f"client.typed.infer ({task})",
        )

    def _infer(
        self,
        images: object,
        model_id: str | None,
        task: str,
        parse: Callable[[Mapping[str, Any]], R],
    ) -> R | list[R]:
        items, single = as_batch(images)
        return deliver(self._client._run(self._plan(items, model_id, task, parse)), single)

    async def _infer_async(
        self,
        images: object,
        model_id: str | None,
        task: str,
        parse: Callable[[Mapping[str, Any]], R],
    ) -> R | list[R]:
        items, single = as_batch(images)
        return deliver(await self._client._arun(self._plan(items, model_id, task, parse)), single)

    @overload
    def object_detection(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None
    ) -> ObjectDetectionInferenceResponse: ...
    @overload
    def object_detection(
        self, images: Sequence[ImageInput], model_id: str | None = None
    ) -> list[ObjectDetectionInferenceResponse]: ...
    def object_detection(
        self, images: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> ObjectDetectionInferenceResponse | list[ObjectDetectionInferenceResponse]:
        """Run an object-detection model: boxes with float ``x``, ``y``, ``width``, ``height``,
        ``confidence`` and ``class_``.

        Args:
            images: One image (path, URL, bytes, BGR array, PIL image, base64) or a list.
            model_id: ``project/version`` or an alias; defaults to the selected model.

        Raises:
            ModelTaskTypeNotSupportedError: The model has another task type (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import ObjectDetectionInferenceResponse

        return self._infer(
            images, model_id, OBJECT_DETECTION_TASK, ObjectDetectionInferenceResponse.from_dict
        )

    @overload
    async def object_detection_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None
    ) -> ObjectDetectionInferenceResponse: ...
    @overload
    async def object_detection_async(
        self, images: Sequence[ImageInput], model_id: str | None = None
    ) -> list[ObjectDetectionInferenceResponse]: ...
    async def object_detection_async(
        self, images: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> ObjectDetectionInferenceResponse | list[ObjectDetectionInferenceResponse]:
        """Async twin of :meth:`object_detection`."""
        from rf_api_v1.models import ObjectDetectionInferenceResponse

        return await self._infer_async(
            images, model_id, OBJECT_DETECTION_TASK, ObjectDetectionInferenceResponse.from_dict
        )

    @overload
    def instance_segmentation(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None
    ) -> InstanceSegmentationInferenceResponse: ...
    @overload
    def instance_segmentation(
        self, images: Sequence[ImageInput], model_id: str | None = None
    ) -> list[InstanceSegmentationInferenceResponse]: ...
    def instance_segmentation(
        self, images: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> InstanceSegmentationInferenceResponse | list[InstanceSegmentationInferenceResponse]:
        """Run an instance-segmentation model: boxes with polygon ``points`` or an ``rle`` mask.

        Args:
            images: One image (path, URL, bytes, BGR array, PIL image, base64) or a list.
            model_id: ``project/version`` or an alias; defaults to the selected model.

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
        )

    @overload
    async def instance_segmentation_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None
    ) -> InstanceSegmentationInferenceResponse: ...
    @overload
    async def instance_segmentation_async(
        self, images: Sequence[ImageInput], model_id: str | None = None
    ) -> list[InstanceSegmentationInferenceResponse]: ...
    async def instance_segmentation_async(
        self, images: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> InstanceSegmentationInferenceResponse | list[InstanceSegmentationInferenceResponse]:
        """Async twin of :meth:`instance_segmentation`."""
        from rf_api_v1.models import InstanceSegmentationInferenceResponse

        return await self._infer_async(
            images,
            model_id,
            INSTANCE_SEGMENTATION_TASK,
            InstanceSegmentationInferenceResponse.from_dict,
        )

    @overload
    def semantic_segmentation(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None
    ) -> SemanticSegmentationInferenceResponse: ...
    @overload
    def semantic_segmentation(
        self, images: Sequence[ImageInput], model_id: str | None = None
    ) -> list[SemanticSegmentationInferenceResponse]: ...
    def semantic_segmentation(
        self, images: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> SemanticSegmentationInferenceResponse | list[SemanticSegmentationInferenceResponse]:
        """Run a semantic-segmentation model: a class map and a mask per image.

        Args:
            images: One image (path, URL, bytes, BGR array, PIL image, base64) or a list.
            model_id: ``project/version`` or an alias; defaults to the selected model.

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
        )

    @overload
    async def semantic_segmentation_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None
    ) -> SemanticSegmentationInferenceResponse: ...
    @overload
    async def semantic_segmentation_async(
        self, images: Sequence[ImageInput], model_id: str | None = None
    ) -> list[SemanticSegmentationInferenceResponse]: ...
    async def semantic_segmentation_async(
        self, images: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> SemanticSegmentationInferenceResponse | list[SemanticSegmentationInferenceResponse]:
        """Async twin of :meth:`semantic_segmentation`."""
        from rf_api_v1.models import SemanticSegmentationInferenceResponse

        return await self._infer_async(
            images,
            model_id,
            SEMANTIC_SEGMENTATION_TASK,
            SemanticSegmentationInferenceResponse.from_dict,
        )

    @overload
    def classification(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None
    ) -> ClassificationInferenceResponse: ...
    @overload
    def classification(
        self, images: Sequence[ImageInput], model_id: str | None = None
    ) -> list[ClassificationInferenceResponse]: ...
    def classification(
        self, images: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> ClassificationInferenceResponse | list[ClassificationInferenceResponse]:
        """Run a single-label classifier: ``top``, ``confidence`` and every class's ``predictions``.

        Args:
            images: One image (path, URL, bytes, BGR array, PIL image, base64) or a list.
            model_id: ``project/version`` or an alias; defaults to the selected model.

        Returns:
            One ``ClassificationInferenceResponse`` per image (a list for a list of images).

        Raises:
            ModelTaskTypeNotSupportedError: The model has another task type (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            ResponseValidationError: The model answers the other kind of classification.
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        return self._infer(images, model_id, CLASSIFICATION_TASK, _single_label)

    @overload
    async def classification_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None
    ) -> ClassificationInferenceResponse: ...
    @overload
    async def classification_async(
        self, images: Sequence[ImageInput], model_id: str | None = None
    ) -> list[ClassificationInferenceResponse]: ...
    async def classification_async(
        self, images: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> ClassificationInferenceResponse | list[ClassificationInferenceResponse]:
        """Async twin of :meth:`classification`."""
        return await self._infer_async(images, model_id, CLASSIFICATION_TASK, _single_label)

    @overload
    def multi_label_classification(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None
    ) -> MultiLabelClassificationInferenceResponse: ...
    @overload
    def multi_label_classification(
        self, images: Sequence[ImageInput], model_id: str | None = None
    ) -> list[MultiLabelClassificationInferenceResponse]: ...
    def multi_label_classification(
        self, images: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> (
        MultiLabelClassificationInferenceResponse | list[MultiLabelClassificationInferenceResponse]
    ):
        """Run a multi-label classifier: ``predicted_classes`` and each class's confidence.

        Args:
            images: One image (path, URL, bytes, BGR array, PIL image, base64) or a list.
            model_id: ``project/version`` or an alias; defaults to the selected model.

        Returns:
            One ``MultiLabelClassificationInferenceResponse`` per image (a list for a list).

        Raises:
            ModelTaskTypeNotSupportedError: The model has another task type (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            ResponseValidationError: The model answers the other kind of classification.
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        return self._infer(images, model_id, CLASSIFICATION_TASK, _multi_label)

    @overload
    async def multi_label_classification_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None
    ) -> MultiLabelClassificationInferenceResponse: ...
    @overload
    async def multi_label_classification_async(
        self, images: Sequence[ImageInput], model_id: str | None = None
    ) -> list[MultiLabelClassificationInferenceResponse]: ...
    async def multi_label_classification_async(
        self, images: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> (
        MultiLabelClassificationInferenceResponse | list[MultiLabelClassificationInferenceResponse]
    ):
        """Async twin of :meth:`multi_label_classification`."""
        return await self._infer_async(images, model_id, CLASSIFICATION_TASK, _multi_label)

    @overload
    def keypoints_detection(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None
    ) -> KeypointsDetectionInferenceResponse: ...
    @overload
    def keypoints_detection(
        self, images: Sequence[ImageInput], model_id: str | None = None
    ) -> list[KeypointsDetectionInferenceResponse]: ...
    def keypoints_detection(
        self, images: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> KeypointsDetectionInferenceResponse | list[KeypointsDetectionInferenceResponse]:
        """Run a keypoint-detection model: boxes with their ``keypoints``.

        Args:
            images: One image (path, URL, bytes, BGR array, PIL image, base64) or a list.
            model_id: ``project/version`` or an alias; defaults to the selected model.

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
        )

    @overload
    async def keypoints_detection_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, model_id: str | None = None
    ) -> KeypointsDetectionInferenceResponse: ...
    @overload
    async def keypoints_detection_async(
        self, images: Sequence[ImageInput], model_id: str | None = None
    ) -> list[KeypointsDetectionInferenceResponse]: ...
    async def keypoints_detection_async(
        self, images: ImageInput | Sequence[ImageInput], model_id: str | None = None
    ) -> KeypointsDetectionInferenceResponse | list[KeypointsDetectionInferenceResponse]:
        """Async twin of :meth:`keypoints_detection`."""
        from rf_api_v1.models import KeypointsDetectionInferenceResponse

        return await self._infer_async(
            images,
            model_id,
            KEYPOINTS_DETECTION_TASK,
            KeypointsDetectionInferenceResponse.from_dict,
        )
