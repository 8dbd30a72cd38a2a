"""Typed large multimodal models: ``client.typed.lmm``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, overload

from rf_client._ops import core_language
from rf_client._typed._base import OnError
from rf_client._typed.core._shared import CoreNamespace, parsed
from rf_client.errors import RFClientError

if TYPE_CHECKING:
    from rf_api_v1.models import (
        CogVLMResponse,
        LMMInferenceResponse,
    )

    from rf_client._images import ImageInput


class LmmNamespace(CoreNamespace):
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
