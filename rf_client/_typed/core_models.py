"""Typed core models: ``client.typed.clip``, ``.ocr``, ``.lmm``, ``.sam``, ``.depth``, ...

The same requests as the documented core-model methods (same plans, parameters and checks),
returning :mod:`rf_api_v1.models` classes. Image methods take one image (giving one model) or
a list (giving a list, in input order); a failed image raises its error with ``error.batch``,
or with ``on_error="return"`` takes its place in the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from rf_client._base_client import as_batch
from rf_client._ops import core_embeddings, core_language, core_vision
from rf_client._ops.core_models import ItemShape, Prediction
from rf_client._ops.registry import parse_model
from rf_client._typed._base import Namespace, OnError, check_on_error, settle
from rf_client.config import ClipInputType, DepthMapFormat, MaskFormat, SamMaskFormat
from rf_client.errors import RFClientError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from rf_api_v1.models import (
        ClipCompareResponse,
        ClipEmbeddingResponse,
        CogVLMResponse,
        DepthEstimationResponse,
        GazeDetectionInferenceResponse,
        ImageEmbeddingResponse,
        LMMInferenceResponse,
        ObjectDetectionInferenceResponse,
        OCRInferenceResponse,
        PerceptionEncoderEmbeddingResponse,
        Sam2SegmentationResponse,
        Sam3EmbeddingResponse,
        Sam3SegmentationResponse,
    )

    from rf_client._batch import BatchOutcome
    from rf_client._context import CallContext
    from rf_client._images import ImageInput
    from rf_client._plan import Plan

M = TypeVar("M")
R = TypeVar("R")


def parsed(from_dict: Callable[[Mapping[str, Any]], M]) -> ItemShape[M]:
    """A shape parsing each raw result with a generated model's ``from_dict``."""

    def shape(prediction: Prediction, endpoint: str) -> M:
        return parse_model(from_dict, prediction, endpoint)

    return shape


class _CoreNamespace(Namespace):
    """Runs a per-image plan and gives one model for one image, a list for a list."""

    def _each(
        self,
        images: object,
        plan: Callable[[CallContext, list[object]], Plan[BatchOutcome[R]]],
        *,
        on_error: object,
    ) -> R | RFClientError | list[R] | list[R | RFClientError]:
        mode = check_on_error(on_error)
        items, single = as_batch(images)
        return settle(self._client._run(plan(self._client._context(), items)), single, mode)

    async def _each_async(
        self,
        images: object,
        plan: Callable[[CallContext, list[object]], Plan[BatchOutcome[R]]],
        *,
        on_error: object,
    ) -> R | RFClientError | list[R] | list[R | RFClientError]:
        mode = check_on_error(on_error)
        items, single = as_batch(images)
        outcome = await self._client._arun(plan(self._client._context(), items))
        return settle(outcome, single, mode)


class ClipNamespace(_CoreNamespace):
    """``client.typed.clip``: CLIP embeddings and similarity."""

    @overload
    def embed_images(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        clip_version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> ClipEmbeddingResponse: ...
    @overload
    def embed_images(
        self,
        images: Sequence[ImageInput],
        clip_version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[ClipEmbeddingResponse]: ...
    @overload
    def embed_images(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, clip_version: str | None = None, *, on_error: Literal["return"]
    ) -> ClipEmbeddingResponse | RFClientError: ...
    @overload
    def embed_images(
        self,
        images: Sequence[ImageInput],
        clip_version: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[ClipEmbeddingResponse | RFClientError]: ...
    def embed_images(
        self,
        images: ImageInput | Sequence[ImageInput],
        clip_version: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        ClipEmbeddingResponse
        | RFClientError
        | list[ClipEmbeddingResponse]
        | list[ClipEmbeddingResponse | RFClientError]
    ):
        """CLIP embeddings per image (``POST /clip/embed_image``, ``max_batch_size`` a request).

        Each response's ``embeddings`` holds that image's vector; the other fields are the
        request's answer's.

        Args:
            images: One image (path, URL, bytes, BGR array, PIL image, base64) or a list.
            clip_version: ``clip_version_id`` (e.g. ``"ViT-B-16"``); the server's default when
                None.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
            ResponseValidationError: An answer does not fit ``ClipEmbeddingResponse``.
        """
        from rf_api_v1.models import ClipEmbeddingResponse

        shape = parsed(ClipEmbeddingResponse.from_dict)
        return self._each(
            images,
            lambda ctx, items: core_embeddings.clip_image_embeddings(
                ctx, items, clip_version, shape
            ),
            on_error=on_error,
        )

    @overload
    async def embed_images_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        clip_version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> ClipEmbeddingResponse: ...
    @overload
    async def embed_images_async(
        self,
        images: Sequence[ImageInput],
        clip_version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[ClipEmbeddingResponse]: ...
    @overload
    async def embed_images_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, clip_version: str | None = None, *, on_error: Literal["return"]
    ) -> ClipEmbeddingResponse | RFClientError: ...
    @overload
    async def embed_images_async(
        self,
        images: Sequence[ImageInput],
        clip_version: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[ClipEmbeddingResponse | RFClientError]: ...
    async def embed_images_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        clip_version: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        ClipEmbeddingResponse
        | RFClientError
        | list[ClipEmbeddingResponse]
        | list[ClipEmbeddingResponse | RFClientError]
    ):
        """Async twin of :meth:`embed_images`."""
        from rf_api_v1.models import ClipEmbeddingResponse

        shape = parsed(ClipEmbeddingResponse.from_dict)
        return await self._each_async(
            images,
            lambda ctx, items: core_embeddings.clip_image_embeddings(
                ctx, items, clip_version, shape
            ),
            on_error=on_error,
        )

    def embed_texts(
        self, text: str | list[str], clip_version: str | None = None
    ) -> ClipEmbeddingResponse:
        """CLIP embeddings of a text or texts, one request (``POST /clip/embed_text``).

        Args:
            text: A string or a non-empty list of strings.
            clip_version: ``clip_version_id``; the server's default when None.

        Returns:
            One response whose ``embeddings`` holds a vector per text, in order.

        Raises:
            InvalidInputError: ``text`` is not a string or a non-empty list of strings.
            APIStatusError: The server refused the request.
        """
        from rf_api_v1.models import ClipEmbeddingResponse

        plan = core_embeddings.clip_text_embeddings(
            self._client._context(), text, clip_version, parsed(ClipEmbeddingResponse.from_dict)
        )
        return self._client._run(plan)

    async def embed_texts_async(
        self, text: str | list[str], clip_version: str | None = None
    ) -> ClipEmbeddingResponse:
        """Async twin of :meth:`embed_texts`."""
        from rf_api_v1.models import ClipEmbeddingResponse

        plan = core_embeddings.clip_text_embeddings(
            self._client._context(), text, clip_version, parsed(ClipEmbeddingResponse.from_dict)
        )
        return await self._client._arun(plan)

    def compare(
        self,
        subject: str | ImageInput,
        prompt: str | list[str] | ImageInput | Sequence[ImageInput],
        subject_type: ClipInputType = "image",
        prompt_type: ClipInputType = "text",
        clip_version: str | None = None,
    ) -> ClipCompareResponse:
        """Similarity of a subject to each prompt (``POST /clip/compare``), images or texts.

        Args:
            subject: An image, or a string when ``subject_type="text"``.
            prompt: A string, strings, an image or images, as ``prompt_type`` says.
            subject_type: ``"image"`` or ``"text"``.
            prompt_type: ``"image"`` or ``"text"``.
            clip_version: ``clip_version_id``; the server's default when None.

        Raises:
            InvalidParameterError: A type is neither "image" nor "text" (nothing is sent).
            InvalidInputError: The subject or a prompt does not fit its type (nothing is sent).
            APIStatusError: The server refused the request.
        """
        from rf_api_v1.models import ClipCompareResponse

        plan = core_embeddings.clip_compare(
            self._client._context(),
            subject,
            prompt,
            subject_type,
            prompt_type,
            clip_version,
            parsed(ClipCompareResponse.from_dict),
        )
        return self._client._run(plan)

    async def compare_async(
        self,
        subject: str | ImageInput,
        prompt: str | list[str] | ImageInput | Sequence[ImageInput],
        subject_type: ClipInputType = "image",
        prompt_type: ClipInputType = "text",
        clip_version: str | None = None,
    ) -> ClipCompareResponse:
        """Async twin of :meth:`compare`."""
        from rf_api_v1.models import ClipCompareResponse

        plan = core_embeddings.clip_compare(
            self._client._context(),
            subject,
            prompt,
            subject_type,
            prompt_type,
            clip_version,
            parsed(ClipCompareResponse.from_dict),
        )
        return await self._client._arun(plan)


class PerceptionEncoderNamespace(_CoreNamespace):
    """``client.typed.perception_encoder``: Perception Encoder embeddings."""

    @overload
    def embed_images(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        perception_encoder_version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> PerceptionEncoderEmbeddingResponse: ...
    @overload
    def embed_images(
        self,
        images: Sequence[ImageInput],
        perception_encoder_version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[PerceptionEncoderEmbeddingResponse]: ...
    @overload
    def embed_images(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        perception_encoder_version: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> PerceptionEncoderEmbeddingResponse | RFClientError: ...
    @overload
    def embed_images(
        self,
        images: Sequence[ImageInput],
        perception_encoder_version: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[PerceptionEncoderEmbeddingResponse | RFClientError]: ...
    def embed_images(
        self,
        images: ImageInput | Sequence[ImageInput],
        perception_encoder_version: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        PerceptionEncoderEmbeddingResponse
        | RFClientError
        | list[PerceptionEncoderEmbeddingResponse]
        | list[PerceptionEncoderEmbeddingResponse | RFClientError]
    ):
        """Embeddings per image (``POST /perception_encoder/embed_image``).

        Args:
            images: One image or a list.
            perception_encoder_version: ``perception_encoder_version_id``; the server's
                default when None.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import PerceptionEncoderEmbeddingResponse

        shape = parsed(PerceptionEncoderEmbeddingResponse.from_dict)
        return self._each(
            images,
            lambda ctx, items: core_embeddings.perception_encoder_image_embeddings(
                ctx, items, perception_encoder_version, shape
            ),
            on_error=on_error,
        )

    @overload
    async def embed_images_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        perception_encoder_version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> PerceptionEncoderEmbeddingResponse: ...
    @overload
    async def embed_images_async(
        self,
        images: Sequence[ImageInput],
        perception_encoder_version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[PerceptionEncoderEmbeddingResponse]: ...
    @overload
    async def embed_images_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        perception_encoder_version: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> PerceptionEncoderEmbeddingResponse | RFClientError: ...
    @overload
    async def embed_images_async(
        self,
        images: Sequence[ImageInput],
        perception_encoder_version: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[PerceptionEncoderEmbeddingResponse | RFClientError]: ...
    async def embed_images_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        perception_encoder_version: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        PerceptionEncoderEmbeddingResponse
        | RFClientError
        | list[PerceptionEncoderEmbeddingResponse]
        | list[PerceptionEncoderEmbeddingResponse | RFClientError]
    ):
        """Async twin of :meth:`embed_images`."""
        from rf_api_v1.models import PerceptionEncoderEmbeddingResponse

        shape = parsed(PerceptionEncoderEmbeddingResponse.from_dict)
        return await self._each_async(
            images,
            lambda ctx, items: core_embeddings.perception_encoder_image_embeddings(
                ctx, items, perception_encoder_version, shape
            ),
            on_error=on_error,
        )

    def embed_texts(
        self, text: str | list[str], perception_encoder_version: str | None = None
    ) -> PerceptionEncoderEmbeddingResponse:
        """Embeddings of a text or texts, one request (``.../embed_text``).

        Raises:
            InvalidInputError: ``text`` is not a string or a non-empty list of strings.
            APIStatusError: The server refused the request.
        """
        from rf_api_v1.models import PerceptionEncoderEmbeddingResponse

        plan = core_embeddings.perception_encoder_text_embeddings(
            self._client._context(),
            text,
            perception_encoder_version,
            parsed(PerceptionEncoderEmbeddingResponse.from_dict),
        )
        return self._client._run(plan)

    async def embed_texts_async(
        self, text: str | list[str], perception_encoder_version: str | None = None
    ) -> PerceptionEncoderEmbeddingResponse:
        """Async twin of :meth:`embed_texts`."""
        from rf_api_v1.models import PerceptionEncoderEmbeddingResponse

        plan = core_embeddings.perception_encoder_text_embeddings(
            self._client._context(),
            text,
            perception_encoder_version,
            parsed(PerceptionEncoderEmbeddingResponse.from_dict),
        )
        return await self._client._arun(plan)


class EmbeddingsNamespace(_CoreNamespace):
    """``client.typed.embeddings``: features or logits of classification models."""

    @overload
    def image(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> ImageEmbeddingResponse: ...
    @overload
    def image(
        self,
        images: Sequence[ImageInput],
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[ImageEmbeddingResponse]: ...
    @overload
    def image(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
        *,
        on_error: Literal["return"],
    ) -> ImageEmbeddingResponse | RFClientError: ...
    @overload
    def image(
        self,
        images: Sequence[ImageInput],
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
        *,
        on_error: Literal["return"],
    ) -> list[ImageEmbeddingResponse | RFClientError]: ...
    def image(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
        *,
        on_error: OnError = "raise",
    ) -> (
        ImageEmbeddingResponse
        | RFClientError
        | list[ImageEmbeddingResponse]
        | list[ImageEmbeddingResponse | RFClientError]
    ):
        """One embedding per image (``POST /infer/embeddings``), with its ``embedding_info``.

        Compare vectors only when their ``embedding_info.space_id`` match.

        Args:
            images: One image or a list.
            model_id: A workspace model version or a pretrained classifier alias
                (``resnet101``); sent as given.
            output_type: ``"feature_vector"`` or ``"logits"``.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidParameterError: ``model_id`` or ``output_type`` is invalid (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import ImageEmbeddingResponse

        shape = parsed(ImageEmbeddingResponse.from_dict)
        return self._each(
            images,
            lambda ctx, items: core_embeddings.image_embeddings(
                ctx, items, model_id, output_type, shape
            ),
            on_error=on_error,
        )

    @overload
    async def image_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> ImageEmbeddingResponse: ...
    @overload
    async def image_async(
        self,
        images: Sequence[ImageInput],
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[ImageEmbeddingResponse]: ...
    @overload
    async def image_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
        *,
        on_error: Literal["return"],
    ) -> ImageEmbeddingResponse | RFClientError: ...
    @overload
    async def image_async(
        self,
        images: Sequence[ImageInput],
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
        *,
        on_error: Literal["return"],
    ) -> list[ImageEmbeddingResponse | RFClientError]: ...
    async def image_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
        *,
        on_error: OnError = "raise",
    ) -> (
        ImageEmbeddingResponse
        | RFClientError
        | list[ImageEmbeddingResponse]
        | list[ImageEmbeddingResponse | RFClientError]
    ):
        """Async twin of :meth:`image`."""
        from rf_api_v1.models import ImageEmbeddingResponse

        shape = parsed(ImageEmbeddingResponse.from_dict)
        return await self._each_async(
            images,
            lambda ctx, items: core_embeddings.image_embeddings(
                ctx, items, model_id, output_type, shape
            ),
            on_error=on_error,
        )


class OcrNamespace(_CoreNamespace):
    """``client.typed.ocr``: one method per OCR model, one image per request."""

    def _plan(
        self,
        model: str,
        version: str | None,
        quantize: bool | None = None,
        generate_bounding_boxes: bool | None = None,
        language_codes: list[str] | None = None,
    ) -> Callable[[CallContext, list[object]], Plan[BatchOutcome[OCRInferenceResponse]]]:
        from rf_api_v1.models import OCRInferenceResponse

        shape = parsed(OCRInferenceResponse.from_dict)
        return lambda ctx, items: core_language.ocr(
            ctx, items, model, version, quantize, generate_bounding_boxes, language_codes, shape
        )

    @overload
    def doctr(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        version: str | None = None,
        generate_bounding_boxes: bool | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> OCRInferenceResponse: ...
    @overload
    def doctr(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        generate_bounding_boxes: bool | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[OCRInferenceResponse]: ...
    @overload
    def doctr(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        version: str | None = None,
        generate_bounding_boxes: bool | None = None,
        *,
        on_error: Literal["return"],
    ) -> OCRInferenceResponse | RFClientError: ...
    @overload
    def doctr(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        generate_bounding_boxes: bool | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[OCRInferenceResponse | RFClientError]: ...
    def doctr(
        self,
        images: ImageInput | Sequence[ImageInput],
        version: str | None = None,
        generate_bounding_boxes: bool | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        OCRInferenceResponse
        | RFClientError
        | list[OCRInferenceResponse]
        | list[OCRInferenceResponse | RFClientError]
    ):
        """DocTR OCR (``POST /doctr/ocr``): the ``result`` text, with boxes if asked.

        Args:
            images: One image or a list.
            version: ``doctr_version_id``; the server's default when None.
            generate_bounding_boxes: Also return ``predictions`` with word boxes.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        return self._each(
            images,
            self._plan("doctr", version, generate_bounding_boxes=generate_bounding_boxes),
            on_error=on_error,
        )

    @overload
    async def doctr_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        version: str | None = None,
        generate_bounding_boxes: bool | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> OCRInferenceResponse: ...
    @overload
    async def doctr_async(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        generate_bounding_boxes: bool | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[OCRInferenceResponse]: ...
    @overload
    async def doctr_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        version: str | None = None,
        generate_bounding_boxes: bool | None = None,
        *,
        on_error: Literal["return"],
    ) -> OCRInferenceResponse | RFClientError: ...
    @overload
    async def doctr_async(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        generate_bounding_boxes: bool | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[OCRInferenceResponse | RFClientError]: ...
    async def doctr_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        version: str | None = None,
        generate_bounding_boxes: bool | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        OCRInferenceResponse
        | RFClientError
        | list[OCRInferenceResponse]
        | list[OCRInferenceResponse | RFClientError]
    ):
        """Async twin of :meth:`doctr`."""
        return await self._each_async(
            images,
            self._plan("doctr", version, generate_bounding_boxes=generate_bounding_boxes),
            on_error=on_error,
        )

    @overload
    def trocr(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> OCRInferenceResponse: ...
    @overload
    def trocr(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[OCRInferenceResponse]: ...
    @overload
    def trocr(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, version: str | None = None, *, on_error: Literal["return"]
    ) -> OCRInferenceResponse | RFClientError: ...
    @overload
    def trocr(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[OCRInferenceResponse | RFClientError]: ...
    def trocr(
        self,
        images: ImageInput | Sequence[ImageInput],
        version: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        OCRInferenceResponse
        | RFClientError
        | list[OCRInferenceResponse]
        | list[OCRInferenceResponse | RFClientError]
    ):
        """TrOCR (``POST /ocr/trocr``): one line of printed text per image.

        Args:
            images: One image or a list.
            version: ``trocr-small-printed``, ``trocr-base-printed`` or ``trocr-large-printed``.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        return self._each(images, self._plan("trocr", version), on_error=on_error)

    @overload
    async def trocr_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> OCRInferenceResponse: ...
    @overload
    async def trocr_async(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[OCRInferenceResponse]: ...
    @overload
    async def trocr_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, version: str | None = None, *, on_error: Literal["return"]
    ) -> OCRInferenceResponse | RFClientError: ...
    @overload
    async def trocr_async(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[OCRInferenceResponse | RFClientError]: ...
    async def trocr_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        version: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        OCRInferenceResponse
        | RFClientError
        | list[OCRInferenceResponse]
        | list[OCRInferenceResponse | RFClientError]
    ):
        """Async twin of :meth:`trocr`."""
        return await self._each_async(images, self._plan("trocr", version), on_error=on_error)

    @overload
    def easy_ocr(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        version: str | None = None,
        quantize: bool | None = None,
        language_codes: list[str] | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> OCRInferenceResponse: ...
    @overload
    def easy_ocr(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        quantize: bool | None = None,
        language_codes: list[str] | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[OCRInferenceResponse]: ...
    @overload
    def easy_ocr(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        version: str | None = None,
        quantize: bool | None = None,
        language_codes: list[str] | None = None,
        *,
        on_error: Literal["return"],
    ) -> OCRInferenceResponse | RFClientError: ...
    @overload
    def easy_ocr(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        quantize: bool | None = None,
        language_codes: list[str] | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[OCRInferenceResponse | RFClientError]: ...
    def easy_ocr(
        self,
        images: ImageInput | Sequence[ImageInput],
        version: str | None = None,
        quantize: bool | None = None,
        language_codes: list[str] | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        OCRInferenceResponse
        | RFClientError
        | list[OCRInferenceResponse]
        | list[OCRInferenceResponse | RFClientError]
    ):
        """EasyOCR (``POST /easy_ocr/ocr``).

        Args:
            images: One image or a list.
            version: ``easy_ocr_version_id``; the server's default when None.
            quantize: Load the quantized model.
            language_codes: Languages to recognise (e.g. ``["en"]``).
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidParameterError: ``language_codes`` is not a list of strings.
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        return self._each(
            images,
            self._plan("easy_ocr", version, quantize=quantize, language_codes=language_codes),
            on_error=on_error,
        )

    @overload
    async def easy_ocr_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        version: str | None = None,
        quantize: bool | None = None,
        language_codes: list[str] | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> OCRInferenceResponse: ...
    @overload
    async def easy_ocr_async(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        quantize: bool | None = None,
        language_codes: list[str] | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[OCRInferenceResponse]: ...
    @overload
    async def easy_ocr_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        version: str | None = None,
        quantize: bool | None = None,
        language_codes: list[str] | None = None,
        *,
        on_error: Literal["return"],
    ) -> OCRInferenceResponse | RFClientError: ...
    @overload
    async def easy_ocr_async(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        quantize: bool | None = None,
        language_codes: list[str] | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[OCRInferenceResponse | RFClientError]: ...
    async def easy_ocr_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        version: str | None = None,
        quantize: bool | None = None,
        language_codes: list[str] | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        OCRInferenceResponse
        | RFClientError
        | list[OCRInferenceResponse]
        | list[OCRInferenceResponse | RFClientError]
    ):
        """Async twin of :meth:`easy_ocr`."""
        return await self._each_async(
            images,
            self._plan("easy_ocr", version, quantize=quantize, language_codes=language_codes),
            on_error=on_error,
        )

    @overload
    def pp_ocr(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> OCRInferenceResponse: ...
    @overload
    def pp_ocr(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[OCRInferenceResponse]: ...
    @overload
    def pp_ocr(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, version: str | None = None, *, on_error: Literal["return"]
    ) -> OCRInferenceResponse | RFClientError: ...
    @overload
    def pp_ocr(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[OCRInferenceResponse | RFClientError]: ...
    def pp_ocr(
        self,
        images: ImageInput | Sequence[ImageInput],
        version: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        OCRInferenceResponse
        | RFClientError
        | list[OCRInferenceResponse]
        | list[OCRInferenceResponse | RFClientError]
    ):
        """PP-OCR (``POST /ocr/pp-ocr``).

        Args:
            images: One image or a list.
            version: ``"{detection}-{recognition}"`` stages, each ``none``, ``tiny``,
                ``small`` or ``medium`` (default ``small-small``; one token sets both).
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        return self._each(images, self._plan("pp_ocr", version), on_error=on_error)

    @overload
    async def pp_ocr_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> OCRInferenceResponse: ...
    @overload
    async def pp_ocr_async(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[OCRInferenceResponse]: ...
    @overload
    async def pp_ocr_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, version: str | None = None, *, on_error: Literal["return"]
    ) -> OCRInferenceResponse | RFClientError: ...
    @overload
    async def pp_ocr_async(
        self,
        images: Sequence[ImageInput],
        version: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[OCRInferenceResponse | RFClientError]: ...
    async def pp_ocr_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        version: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        OCRInferenceResponse
        | RFClientError
        | list[OCRInferenceResponse]
        | list[OCRInferenceResponse | RFClientError]
    ):
        """Async twin of :meth:`pp_ocr`."""
        return await self._each_async(images, self._plan("pp_ocr", version), on_error=on_error)


class LmmNamespace(_CoreNamespace):
    """``client.typed.lmm``: large multimodal models and CogVLM."""

    @overload
    def infer(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> LMMInferenceResponse: ...
    @overload
    def infer(
        self,
        images: Sequence[ImageInput],
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[LMMInferenceResponse]: ...
    @overload
    def infer(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
        *,
        on_error: Literal["return"],
    ) -> LMMInferenceResponse | RFClientError: ...
    @overload
    def infer(
        self,
        images: Sequence[ImageInput],
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[LMMInferenceResponse | RFClientError]: ...
    def infer(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        LMMInferenceResponse
        | RFClientError
        | list[LMMInferenceResponse]
        | list[LMMInferenceResponse | RFClientError]
    ):
        """Run an LMM on each image (``POST /infer/lmm``), one request and answer per image.

        Args:
            images: One image or a list.
            model_id: e.g. ``"florence-2-base"``, ``"qwen25-vl-7b"``.
            prompt: The prompt; the model's default task when None.
            model_id_in_path: Post to ``/infer/lmm/{model_id}`` instead.
            max_new_tokens: Most tokens to generate; the model's default when None.
            enable_thinking: Reasoning mode, for models that have one.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidParameterError: ``model_id`` or ``prompt`` is invalid (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
            ResponseValidationError: An answer is not an ``LMMInferenceResponse`` (a stub
                server's answer, for instance).
        """
        from rf_api_v1.models import LMMInferenceResponse

        shape = parsed(LMMInferenceResponse.from_dict)
        return self._each(
            images,
            lambda ctx, items: core_language.lmm(
                ctx,
                items,
                model_id,
                prompt,
                model_id_in_path,
                max_new_tokens,
                enable_thinking,
                shape,
            ),
            on_error=on_error,
        )

    @overload
    async def infer_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> LMMInferenceResponse: ...
    @overload
    async def infer_async(
        self,
        images: Sequence[ImageInput],
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[LMMInferenceResponse]: ...
    @overload
    async def infer_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
        *,
        on_error: Literal["return"],
    ) -> LMMInferenceResponse | RFClientError: ...
    @overload
    async def infer_async(
        self,
        images: Sequence[ImageInput],
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[LMMInferenceResponse | RFClientError]: ...
    async def infer_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        LMMInferenceResponse
        | RFClientError
        | list[LMMInferenceResponse]
        | list[LMMInferenceResponse | RFClientError]
    ):
        """Async twin of :meth:`infer`."""
        from rf_api_v1.models import LMMInferenceResponse

        shape = parsed(LMMInferenceResponse.from_dict)
        return await self._each_async(
            images,
            lambda ctx, items: core_language.lmm(
                ctx,
                items,
                model_id,
                prompt,
                model_id_in_path,
                max_new_tokens,
                enable_thinking,
                shape,
            ),
            on_error=on_error,
        )

    def cogvlm(
        self,
        image: ImageInput,
        prompt: str,
        chat_history: list[tuple[str, str]] | None = None,
    ) -> CogVLMResponse:
        """Ask CogVLM about one image (``POST /llm/cogvlm``; servers that serve CogVLM, v1).

        Args:
            image: One image.
            prompt: The question or instruction.
            chat_history: Earlier ``(question, answer)`` pairs.

        Raises:
            WrongClientModeError: The client is in v0 mode.
            InvalidInputError: ``image`` is not one usable image (nothing is sent).
            InvalidParameterError: ``chat_history`` is not a list of string pairs.
            APIStatusError: The server refused the request.
        """
        from rf_api_v1.models import CogVLMResponse

        plan = core_language.cogvlm(
            self._v1_context("client.typed.lmm.cogvlm"),
            image,
            prompt,
            chat_history,
            parsed(CogVLMResponse.from_dict),
        )
        return self._client._run(plan)

    async def cogvlm_async(
        self,
        image: ImageInput,
        prompt: str,
        chat_history: list[tuple[str, str]] | None = None,
    ) -> CogVLMResponse:
        """Async twin of :meth:`cogvlm`."""
        from rf_api_v1.models import CogVLMResponse

        plan = core_language.cogvlm(
            self._v1_context("client.typed.lmm.cogvlm_async"),
            image,
            prompt,
            chat_history,
            parsed(CogVLMResponse.from_dict),
        )
        return await self._client._arun(plan)


class DepthNamespace(_CoreNamespace):
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


class SamNamespace(_CoreNamespace):
    """``client.typed.sam``: Segment Anything 2 and 3, one image per request."""

    @overload
    def sam2_segment(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> Sam2SegmentationResponse: ...
    @overload
    def sam2_segment(
        self,
        images: Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[Sam2SegmentationResponse]: ...
    @overload
    def sam2_segment(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["return"],
    ) -> Sam2SegmentationResponse | RFClientError: ...
    @overload
    def sam2_segment(
        self,
        images: Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["return"],
    ) -> list[Sam2SegmentationResponse | RFClientError]: ...
    def sam2_segment(
        self,
        images: ImageInput | Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: OnError = "raise",
    ) -> (
        Sam2SegmentationResponse
        | RFClientError
        | list[Sam2SegmentationResponse]
        | list[Sam2SegmentationResponse | RFClientError]
    ):
        """SAM 2 masks per image (``POST /sam2/segment_image``).

        Args:
            images: One image or a list.
            prompts: Prompt dicts with ``"box"`` and/or ``"points"``; None for none.
            sam2_version_id: ``hiera_tiny`` (default), ``hiera_small``, ``hiera_large``,
                ``hiera_b_plus``.
            multimask_output: Several candidate masks per prompt.
            mask_input_format: The masks' format (the body's ``format``).
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidParameterError: ``prompts`` is not a list of prompt dicts.
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import Sam2SegmentationResponse

        shape = parsed(Sam2SegmentationResponse.from_dict)
        return self._each(
            images,
            lambda ctx, items: core_vision.sam2_segment(
                ctx, items, prompts, sam2_version_id, multimask_output, mask_input_format, shape
            ),
            on_error=on_error,
        )

    @overload
    async def sam2_segment_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> Sam2SegmentationResponse: ...
    @overload
    async def sam2_segment_async(
        self,
        images: Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[Sam2SegmentationResponse]: ...
    @overload
    async def sam2_segment_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["return"],
    ) -> Sam2SegmentationResponse | RFClientError: ...
    @overload
    async def sam2_segment_async(
        self,
        images: Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["return"],
    ) -> list[Sam2SegmentationResponse | RFClientError]: ...
    async def sam2_segment_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: OnError = "raise",
    ) -> (
        Sam2SegmentationResponse
        | RFClientError
        | list[Sam2SegmentationResponse]
        | list[Sam2SegmentationResponse | RFClientError]
    ):
        """Async twin of :meth:`sam2_segment`."""
        from rf_api_v1.models import Sam2SegmentationResponse

        shape = parsed(Sam2SegmentationResponse.from_dict)
        return await self._each_async(
            images,
            lambda ctx, items: core_vision.sam2_segment(
                ctx, items, prompts, sam2_version_id, multimask_output, mask_input_format, shape
            ),
            on_error=on_error,
        )

    @overload
    def sam3_concept_segment(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> Sam3SegmentationResponse: ...
    @overload
    def sam3_concept_segment(
        self,
        images: Sequence[ImageInput],
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[Sam3SegmentationResponse]: ...
    @overload
    def sam3_concept_segment(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
        *,
        on_error: Literal["return"],
    ) -> Sam3SegmentationResponse | RFClientError: ...
    @overload
    def sam3_concept_segment(
        self,
        images: Sequence[ImageInput],
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
        *,
        on_error: Literal["return"],
    ) -> list[Sam3SegmentationResponse | RFClientError]: ...
    def sam3_concept_segment(
        self,
        images: ImageInput | Sequence[ImageInput],
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
        *,
        on_error: OnError = "raise",
    ) -> (
        Sam3SegmentationResponse
        | RFClientError
        | list[Sam3SegmentationResponse]
        | list[Sam3SegmentationResponse | RFClientError]
    ):
        """SAM 3 instances of text or visual concepts per image (``/sam3/concept_segment``).

        Args:
            images: One image or a list.
            prompts: A non-empty list of prompt dicts (``{"type": "text", "text": "cat"}``,
                or visual prompts with ``"boxes"`` and ``"box_labels"``).
            model_id: The SAM 3 model.
            output_prob_thresh: Global confidence threshold.
            nms_iou_threshold: IoU threshold of NMS across prompts; None disables it.
            format: ``"polygon"`` or ``"rle"`` masks.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidParameterError: ``prompts`` or ``model_id`` is invalid (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import Sam3SegmentationResponse

        shape = parsed(Sam3SegmentationResponse.from_dict)
        return self._each(
            images,
            lambda ctx, items: core_vision.sam3_concept_segment(
                ctx, items, prompts, model_id, output_prob_thresh, nms_iou_threshold, format, shape
            ),
            on_error=on_error,
        )

    @overload
    async def sam3_concept_segment_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> Sam3SegmentationResponse: ...
    @overload
    async def sam3_concept_segment_async(
        self,
        images: Sequence[ImageInput],
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[Sam3SegmentationResponse]: ...
    @overload
    async def sam3_concept_segment_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
        *,
        on_error: Literal["return"],
    ) -> Sam3SegmentationResponse | RFClientError: ...
    @overload
    async def sam3_concept_segment_async(
        self,
        images: Sequence[ImageInput],
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
        *,
        on_error: Literal["return"],
    ) -> list[Sam3SegmentationResponse | RFClientError]: ...
    async def sam3_concept_segment_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
        *,
        on_error: OnError = "raise",
    ) -> (
        Sam3SegmentationResponse
        | RFClientError
        | list[Sam3SegmentationResponse]
        | list[Sam3SegmentationResponse | RFClientError]
    ):
        """Async twin of :meth:`sam3_concept_segment`."""
        from rf_api_v1.models import Sam3SegmentationResponse

        shape = parsed(Sam3SegmentationResponse.from_dict)
        return await self._each_async(
            images,
            lambda ctx, items: core_vision.sam3_concept_segment(
                ctx, items, prompts, model_id, output_prob_thresh, nms_iou_threshold, format, shape
            ),
            on_error=on_error,
        )

    @overload
    def sam3_visual_segment(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> Sam2SegmentationResponse: ...
    @overload
    def sam3_visual_segment(
        self,
        images: Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[Sam2SegmentationResponse]: ...
    @overload
    def sam3_visual_segment(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["return"],
    ) -> Sam2SegmentationResponse | RFClientError: ...
    @overload
    def sam3_visual_segment(
        self,
        images: Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["return"],
    ) -> list[Sam2SegmentationResponse | RFClientError]: ...
    def sam3_visual_segment(
        self,
        images: ImageInput | Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: OnError = "raise",
    ) -> (
        Sam2SegmentationResponse
        | RFClientError
        | list[Sam2SegmentationResponse]
        | list[Sam2SegmentationResponse | RFClientError]
    ):
        """SAM 3 masks from box / point prompts per image (``/sam3/visual_segment``).

        The route answers SAM 2's response shape.

        Args:
            images: One image or a list.
            prompts: Prompt dicts with ``"box"`` and/or ``"points"``; None for none.
            multimask_output: Several candidate masks per prompt.
            mask_input_format: The masks' format (the body's ``format``).
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidParameterError: ``prompts`` is not a list of prompt dicts.
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import Sam2SegmentationResponse

        shape = parsed(Sam2SegmentationResponse.from_dict)
        return self._each(
            images,
            lambda ctx, items: core_vision.sam3_visual_segment(
                ctx, items, prompts, multimask_output, mask_input_format, shape
            ),
            on_error=on_error,
        )

    @overload
    async def sam3_visual_segment_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> Sam2SegmentationResponse: ...
    @overload
    async def sam3_visual_segment_async(
        self,
        images: Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[Sam2SegmentationResponse]: ...
    @overload
    async def sam3_visual_segment_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["return"],
    ) -> Sam2SegmentationResponse | RFClientError: ...
    @overload
    async def sam3_visual_segment_async(
        self,
        images: Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: Literal["return"],
    ) -> list[Sam2SegmentationResponse | RFClientError]: ...
    async def sam3_visual_segment_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
        *,
        on_error: OnError = "raise",
    ) -> (
        Sam2SegmentationResponse
        | RFClientError
        | list[Sam2SegmentationResponse]
        | list[Sam2SegmentationResponse | RFClientError]
    ):
        """Async twin of :meth:`sam3_visual_segment`."""
        from rf_api_v1.models import Sam2SegmentationResponse

        shape = parsed(Sam2SegmentationResponse.from_dict)
        return await self._each_async(
            images,
            lambda ctx, items: core_vision.sam3_visual_segment(
                ctx, items, prompts, multimask_output, mask_input_format, shape
            ),
            on_error=on_error,
        )

    @overload
    def sam3_embed(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        image_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> Sam3EmbeddingResponse: ...
    @overload
    def sam3_embed(
        self,
        images: Sequence[ImageInput],
        image_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[Sam3EmbeddingResponse]: ...
    @overload
    def sam3_embed(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, image_id: str | None = None, *, on_error: Literal["return"]
    ) -> Sam3EmbeddingResponse | RFClientError: ...
    @overload
    def sam3_embed(
        self,
        images: Sequence[ImageInput],
        image_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[Sam3EmbeddingResponse | RFClientError]: ...
    def sam3_embed(
        self,
        images: ImageInput | Sequence[ImageInput],
        image_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        Sam3EmbeddingResponse
        | RFClientError
        | list[Sam3EmbeddingResponse]
        | list[Sam3EmbeddingResponse | RFClientError]
    ):
        """Compute SAM 3 embeddings, cached on the server (``POST /sam3/embed_image``).

        Args:
            images: One image or a list.
            image_id: The cache id; the server picks one when None.
            on_error: ``"raise"`` a failed image's error (``error.batch`` has every
                result), or ``"return"`` it in the image's place (``RFClientError``).

        Raises:
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; ``error.batch`` has every result.
        """
        from rf_api_v1.models import Sam3EmbeddingResponse

        shape = parsed(Sam3EmbeddingResponse.from_dict)
        return self._each(
            images,
            lambda ctx, items: core_vision.sam3_embed(ctx, items, image_id, shape),
            on_error=on_error,
        )

    @overload
    async def sam3_embed_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        images: ImageInput,
        image_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> Sam3EmbeddingResponse: ...
    @overload
    async def sam3_embed_async(
        self,
        images: Sequence[ImageInput],
        image_id: str | None = None,
        *,
        on_error: Literal["raise"] = "raise",
    ) -> list[Sam3EmbeddingResponse]: ...
    @overload
    async def sam3_embed_async(  # type: ignore[overload-overlap]  # a str is one image
        self, images: ImageInput, image_id: str | None = None, *, on_error: Literal["return"]
    ) -> Sam3EmbeddingResponse | RFClientError: ...
    @overload
    async def sam3_embed_async(
        self,
        images: Sequence[ImageInput],
        image_id: str | None = None,
        *,
        on_error: Literal["return"],
    ) -> list[Sam3EmbeddingResponse | RFClientError]: ...
    async def sam3_embed_async(
        self,
        images: ImageInput | Sequence[ImageInput],
        image_id: str | None = None,
        *,
        on_error: OnError = "raise",
    ) -> (
        Sam3EmbeddingResponse
        | RFClientError
        | list[Sam3EmbeddingResponse]
        | list[Sam3EmbeddingResponse | RFClientError]
    ):
        """Async twin of :meth:`sam3_embed`."""
        from rf_api_v1.models import Sam3EmbeddingResponse

        shape = parsed(Sam3EmbeddingResponse.from_dict)
        return await self._each_async(
            images,
            lambda ctx, items: core_vision.sam3_embed(ctx, items, image_id, shape),
            on_error=on_error,
        )


class YoloWorldNamespace(_CoreNamespace):
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


class GazeNamespace(_CoreNamespace):
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
