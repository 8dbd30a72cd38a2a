"""Typed OCR: ``client.typed.ocr`` (DocTR, TrOCR, EasyOCR, PP-OCR, ...)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal, overload

from rf_client._ops import core_language
from rf_client._typed._base import OnError
from rf_client._typed.core._shared import CoreNamespace, parsed
from rf_client.errors import RFClientError

if TYPE_CHECKING:
    from rf_api_v1.models import (
        OCRInferenceResponse,
    )

    from rf_client._batch import BatchOutcome
    from rf_client._context import CallContext
    from rf_client._images import ImageInput
    from rf_client._plan import Plan


class OcrNamespace(CoreNamespace):
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
