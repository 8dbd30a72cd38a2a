"""Typed Segment Anything: ``client.typed.sam`` (SAM 2, SAM 3)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

from rf_client._ops import core_vision
from rf_client._typed._base import OnError
from rf_client._typed.core._shared import CoreNamespace, parsed
from rf_client.config import MaskFormat, SamMaskFormat
from rf_client.errors import RFClientError

if TYPE_CHECKING:
    from rf_api_v1.models import (
        Sam2SegmentationResponse,
        Sam3EmbeddingResponse,
        Sam3SegmentationResponse,
    )

    from rf_client._images import ImageInput


class SamNamespace(CoreNamespace):
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
