"""Typed embeddings: ``client.typed.clip``, ``.perception_encoder``, ``.embeddings``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, overload

from rf_client._ops import core_embeddings
from rf_client._typed._base import OnError
from rf_client._typed.core._shared import CoreNamespace, parsed
from rf_client.config import ClipInputType
from rf_client.errors import RFClientError

if TYPE_CHECKING:
    from rf_api_v1.models import (
        ClipCompareResponse,
        ClipEmbeddingResponse,
        ImageEmbeddingResponse,
        PerceptionEncoderEmbeddingResponse,
    )

    from rf_client._images import ImageInput


class ClipNamespace(CoreNamespace):
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


class PerceptionEncoderNamespace(CoreNamespace):
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


class EmbeddingsNamespace(CoreNamespace):
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
