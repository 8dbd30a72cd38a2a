"""Core models: CLIP, perception encoder, OCR, CogVLM, LMMs, depth, SAM, YOLO-World, gaze.

The documented API of inference-sdk 1.8.3 for the core models, returning dicts. Image methods
take one image (giving one dict) or a list (giving a list of dicts, in input order, one per
image); when one image of a list fails, its error is raised with ``error.batch`` holding every
image's result or error. Every input is checked before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

from rf_client._base_client import BaseClient, as_batch, deliver
from rf_client._ops import core_embeddings, core_language, core_vision
from rf_client._ops.core_models import as_dict, combine_clip_embeddings
from rf_client.config import ClipInputType, DepthMapFormat, MaskFormat, OcrModel, SamMaskFormat

if TYPE_CHECKING:
    from rf_client._batch import BatchOutcome
    from rf_client._context import CallContext
    from rf_client._images import ImageInput
    from rf_client._plan import Plan

Prediction = dict[str, Any]
BatchPlan = Callable[["CallContext", list[object]], "Plan[BatchOutcome[Prediction]]"]
"""Makes a method's plan from the call's context and its list of inputs."""


class CoreModelsMixin(BaseClient):
    """Core models: CLIP, perception encoder, OCR, CogVLM, LMMs, depth, SAM, YOLO-World, gaze."""

    def _each(self, inference_input: object, plan: BatchPlan) -> Prediction | list[Prediction]:
        items, single = as_batch(inference_input)
        return deliver(self._run(plan(self._context(), items)), single)

    async def _each_async(
        self, inference_input: object, plan: BatchPlan
    ) -> Prediction | list[Prediction]:
        items, single = as_batch(inference_input)
        return deliver(await self._arun(plan(self._context(), items)), single)

    # CLIP.

    @overload
    def get_clip_image_embeddings(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput, clip_version: str | None = None
    ) -> Prediction: ...
    @overload
    def get_clip_image_embeddings(
        self, inference_input: Sequence[ImageInput], clip_version: str | None = None
    ) -> list[Prediction]: ...
    def get_clip_image_embeddings(
        self, inference_input: ImageInput | Sequence[ImageInput], clip_version: str | None = None
    ) -> Prediction | list[Prediction]:
        """CLIP embeddings of one image or a list of images (``POST /clip/embed_image``).

        Images go ``max_batch_size`` per request, ``max_concurrent_requests`` requests at once.
        As in 1.8.3, the answer for a request of several images is split into one
        ``{"frame_id", "time", "embeddings": [vector]}`` per image; a single-image answer is
        returned whole.

        Args:
            inference_input: An image (path, URL, bytes, BGR numpy array, PIL image, base64,
                data URI) or a list of them.
            clip_version: The CLIP version (``clip_version_id``, e.g. ``"ViT-B-16"``); the
                server's default when None.

        Returns:
            A dict with ``embeddings`` (a list holding one vector) for one image; a list of
            them, in input order, for a list.

        Raises:
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request; for a list, ``error.batch`` holds
                every image's result or error.
            APIConnectionError: The server cannot be reached.
        """
        return self._each(
            inference_input,
            lambda ctx, items: core_embeddings.clip_image_embeddings(
                ctx, items, clip_version, as_dict, combine_clip_embeddings
            ),
        )

    @overload
    async def get_clip_image_embeddings_async(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput, clip_version: str | None = None
    ) -> Prediction: ...
    @overload
    async def get_clip_image_embeddings_async(
        self, inference_input: Sequence[ImageInput], clip_version: str | None = None
    ) -> list[Prediction]: ...
    async def get_clip_image_embeddings_async(
        self, inference_input: ImageInput | Sequence[ImageInput], clip_version: str | None = None
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`get_clip_image_embeddings`."""
        return await self._each_async(
            inference_input,
            lambda ctx, items: core_embeddings.clip_image_embeddings(
                ctx, items, clip_version, as_dict, combine_clip_embeddings
            ),
        )

    def get_clip_text_embeddings(
        self, text: str | list[str], clip_version: str | None = None
    ) -> Prediction:
        """CLIP embeddings of a text or a list of texts, in one request (``POST /clip/embed_text``).

        Args:
            text: A string or a non-empty list of strings.
            clip_version: The CLIP version (``clip_version_id``); the server's default when None.

        Returns:
            The server's answer: a dict whose ``embeddings`` holds one vector per text, in order
            (one dict for a list too, as in 1.8.3).

        Raises:
            InvalidInputError: ``text`` is not a string or a non-empty list of strings.
            APIStatusError: The server refused the request.
        """
        return self._run(
            core_embeddings.clip_text_embeddings(self._context(), text, clip_version, as_dict)
        )

    async def get_clip_text_embeddings_async(
        self, text: str | list[str], clip_version: str | None = None
    ) -> Prediction:
        """Async twin of :meth:`get_clip_text_embeddings`."""
        return await self._arun(
            core_embeddings.clip_text_embeddings(self._context(), text, clip_version, as_dict)
        )

    def clip_compare(
        self,
        subject: str | ImageInput,
        prompt: str | list[str] | ImageInput | Sequence[ImageInput],
        subject_type: ClipInputType = "image",
        prompt_type: ClipInputType = "text",
        clip_version: str | None = None,
    ) -> Prediction:
        """Compare a subject with one or more prompts using CLIP (``POST /clip/compare``).

        Any combination of image and text works: (image, text) by default, (image, image),
        (text, image) and (text, text).

        Args:
            subject: An image, or a string when ``subject_type="text"``.
            prompt: A string, a list of strings, an image or a list of images, as
                ``prompt_type`` says.
            subject_type: ``"image"`` or ``"text"``.
            prompt_type: ``"image"`` or ``"text"``.
            clip_version: The CLIP version (``clip_version_id``); the server's default when None.

        Returns:
            The server's answer: a dict whose ``similarity`` holds one score per prompt.

        Raises:
            InvalidParameterError: ``subject_type`` or ``prompt_type`` is neither "image" nor
                "text" (nothing is sent).
            InvalidInputError: The subject or a prompt does not fit its type (nothing is sent).
            APIStatusError: The server refused the request.
        """
        return self._run(
            core_embeddings.clip_compare(
                self._context(), subject, prompt, subject_type, prompt_type, clip_version, as_dict
            )
        )

    async def clip_compare_async(
        self,
        subject: str | ImageInput,
        prompt: str | list[str] | ImageInput | Sequence[ImageInput],
        subject_type: ClipInputType = "image",
        prompt_type: ClipInputType = "text",
        clip_version: str | None = None,
    ) -> Prediction:
        """Async twin of :meth:`clip_compare`."""
        return await self._arun(
            core_embeddings.clip_compare(
                self._context(), subject, prompt, subject_type, prompt_type, clip_version, as_dict
            )
        )

    # Perception Encoder and classifier embeddings.

    @overload
    def get_perception_encoder_image_embeddings(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput, perception_encoder_version: str | None = None
    ) -> Prediction: ...
    @overload
    def get_perception_encoder_image_embeddings(
        self, inference_input: Sequence[ImageInput], perception_encoder_version: str | None = None
    ) -> list[Prediction]: ...
    def get_perception_encoder_image_embeddings(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        perception_encoder_version: str | None = None,
    ) -> Prediction | list[Prediction]:
        """Perception Encoder embeddings of images (``POST /perception_encoder/embed_image``).

        Images go ``max_batch_size`` per request. Unlike 1.8.3, which returns a multi-image
        answer as it came, every image gets its own dict (``embeddings`` holding its vector).

        Args:
            inference_input: An image or a list of images.
            perception_encoder_version: ``perception_encoder_version_id``; the server's
                default when None.

        Returns:
            One dict for one image; a list of dicts, in input order, for a list.

        Raises:
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request (``error.batch`` for a list).
        """
        return self._each(
            inference_input,
            lambda ctx, items: core_embeddings.perception_encoder_image_embeddings(
                ctx, items, perception_encoder_version, as_dict
            ),
        )

    @overload
    async def get_perception_encoder_image_embeddings_async(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput, perception_encoder_version: str | None = None
    ) -> Prediction: ...
    @overload
    async def get_perception_encoder_image_embeddings_async(
        self, inference_input: Sequence[ImageInput], perception_encoder_version: str | None = None
    ) -> list[Prediction]: ...
    async def get_perception_encoder_image_embeddings_async(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        perception_encoder_version: str | None = None,
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`get_perception_encoder_image_embeddings`."""
        return await self._each_async(
            inference_input,
            lambda ctx, items: core_embeddings.perception_encoder_image_embeddings(
                ctx, items, perception_encoder_version, as_dict
            ),
        )

    def get_perception_encoder_text_embeddings(
        self, text: str | list[str], perception_encoder_version: str | None = None
    ) -> Prediction:
        """Perception Encoder embeddings of texts, in one request (``.../embed_text``).

        Args:
            text: A string or a non-empty list of strings.
            perception_encoder_version: ``perception_encoder_version_id``; the server's
                default when None.

        Returns:
            The server's answer: a dict whose ``embeddings`` holds one vector per text.

        Raises:
            InvalidInputError: ``text`` is not a string or a non-empty list of strings.
            APIStatusError: The server refused the request.
        """
        return self._run(
            core_embeddings.perception_encoder_text_embeddings(
                self._context(), text, perception_encoder_version, as_dict
            )
        )

    async def get_perception_encoder_text_embeddings_async(
        self, text: str | list[str], perception_encoder_version: str | None = None
    ) -> Prediction:
        """Async twin of :meth:`get_perception_encoder_text_embeddings`."""
        return await self._arun(
            core_embeddings.perception_encoder_text_embeddings(
                self._context(), text, perception_encoder_version, as_dict
            )
        )

    @overload
    def get_image_embeddings(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
    ) -> Prediction: ...
    @overload
    def get_image_embeddings(
        self,
        inference_input: Sequence[ImageInput],
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
    ) -> list[Prediction]: ...
    def get_image_embeddings(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
    ) -> Prediction | list[Prediction]:
        """A classification model's features or logits per image (``POST /infer/embeddings``).

        Compare vectors only when their ``embedding_info.space_id`` values match. The
        configuration's ``disable_preproc_*`` settings and source travel with the request.

        Args:
            inference_input: An image or a list of images.
            model_id: A workspace model version (``project/3``) or a pretrained classifier
                alias such as ``resnet101``; sent as given.
            output_type: ``"feature_vector"`` (before the final linear layer) or ``"logits"``.

        Returns:
            One dict per image with ``embeddings`` (one vector) and ``embedding_info``; a
            single dict for one image.

        Raises:
            InvalidParameterError: ``model_id`` or ``output_type`` is invalid (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request (``error.batch`` for a list).
        """
        return self._each(
            inference_input,
            lambda ctx, items: core_embeddings.image_embeddings(
                ctx, items, model_id, output_type, as_dict
            ),
        )

    @overload
    async def get_image_embeddings_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
    ) -> Prediction: ...
    @overload
    async def get_image_embeddings_async(
        self,
        inference_input: Sequence[ImageInput],
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
    ) -> list[Prediction]: ...
    async def get_image_embeddings_async(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        model_id: str,
        output_type: Literal["feature_vector", "logits"] = "feature_vector",
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`get_image_embeddings`."""
        return await self._each_async(
            inference_input,
            lambda ctx, items: core_embeddings.image_embeddings(
                ctx, items, model_id, output_type, as_dict
            ),
        )

    # OCR.

    @overload
    def ocr_image(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        model: OcrModel = "doctr",
        version: str | None = None,
        quantize: bool | None = None,
        generate_bounding_boxes: bool | None = None,
        language_codes: list[str] | None = None,
    ) -> Prediction: ...
    @overload
    def ocr_image(
        self,
        inference_input: Sequence[ImageInput],
        model: OcrModel = "doctr",
        version: str | None = None,
        quantize: bool | None = None,
        generate_bounding_boxes: bool | None = None,
        language_codes: list[str] | None = None,
    ) -> list[Prediction]: ...
    def ocr_image(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        model: OcrModel = "doctr",
        version: str | None = None,
        quantize: bool | None = None,
        generate_bounding_boxes: bool | None = None,
        language_codes: list[str] | None = None,
    ) -> Prediction | list[Prediction]:
        """Read the text in one image or a list of images.

        One image per request (``max_batch_size`` does not apply), ``max_concurrent_requests``
        at once. Routes: doctr ``/doctr/ocr``, trocr ``/ocr/trocr``, easy_ocr
        ``/easy_ocr/ocr``, pp_ocr ``/ocr/pp-ocr``.

        Args:
            inference_input: An image or a list of images.
            model: ``"doctr"`` (default), ``"trocr"``, ``"easy_ocr"`` or ``"pp_ocr"``
                (case-insensitive).
            version: The model version, sent as ``<model>_version_id`` when not empty. trocr:
                ``trocr-small-printed``, ``trocr-base-printed`` or ``trocr-large-printed``;
                pp_ocr: ``"{detection}-{recognition}"`` stages, each ``none``, ``tiny``,
                ``small`` or ``medium`` (default ``small-small``; one token sets both).
            quantize: EasyOCR: load the quantized model.
            generate_bounding_boxes: DocTR: also return ``predictions`` with boxes.
            language_codes: EasyOCR: the languages to recognise (e.g. ``["en"]``).

        Returns:
            One dict (``result`` text, ``predictions``, ``time``) per image; a single dict for
            one image.

        Raises:
            InvalidParameterError: ``model`` is not one of the four (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request (``error.batch`` for a list).
        """
        return self._each(
            inference_input,
            lambda ctx, items: core_language.ocr(
                ctx,
                items,
                model,
                version,
                quantize,
                generate_bounding_boxes,
                language_codes,
                as_dict,
            ),
        )

    @overload
    async def ocr_image_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        model: OcrModel = "doctr",
        version: str | None = None,
        quantize: bool | None = None,
        generate_bounding_boxes: bool | None = None,
        language_codes: list[str] | None = None,
    ) -> Prediction: ...
    @overload
    async def ocr_image_async(
        self,
        inference_input: Sequence[ImageInput],
        model: OcrModel = "doctr",
        version: str | None = None,
        quantize: bool | None = None,
        generate_bounding_boxes: bool | None = None,
        language_codes: list[str] | None = None,
    ) -> list[Prediction]: ...
    async def ocr_image_async(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        model: OcrModel = "doctr",
        version: str | None = None,
        quantize: bool | None = None,
        generate_bounding_boxes: bool | None = None,
        language_codes: list[str] | None = None,
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`ocr_image`."""
        return await self._each_async(
            inference_input,
            lambda ctx, items: core_language.ocr(
                ctx,
                items,
                model,
                version,
                quantize,
                generate_bounding_boxes,
                language_codes,
                as_dict,
            ),
        )

    # Multimodal models.

    def prompt_cogvlm(
        self,
        visual_prompt: ImageInput,
        text_prompt: str,
        chat_history: list[tuple[str, str]] | None = None,
    ) -> Prediction:
        """Ask CogVLM about an image (``POST /llm/cogvlm``; self-hosted servers only).

        Only servers built with CogVLM serve this route; inference 1.8.3 and newer do not (and
        inference-sdk 1.8.3 dropped the method): use :meth:`infer_lmm` with a current model
        there.

        Args:
            visual_prompt: One image.
            text_prompt: The question or instruction.
            chat_history: Earlier ``(question, answer)`` pairs of the conversation.

        Returns:
            The server's answer: a dict with the ``response`` text and ``time``.

        Raises:
            WrongClientModeError: The client is in v0 (hosted API) mode.
            InvalidInputError: ``visual_prompt`` is not one usable image or ``text_prompt`` is
                not a string (nothing is sent).
            InvalidParameterError: ``chat_history`` is not a list of string pairs.
            APIStatusError: The server refused the request (the message says when the server
                may not serve CogVLM).
        """
        return self._run(
            core_language.cogvlm(self._context(), visual_prompt, text_prompt, chat_history, as_dict)
        )

    async def prompt_cogvlm_async(
        self,
        visual_prompt: ImageInput,
        text_prompt: str,
        chat_history: list[tuple[str, str]] | None = None,
    ) -> Prediction:
        """Async twin of :meth:`prompt_cogvlm`."""
        return await self._arun(
            core_language.cogvlm(self._context(), visual_prompt, text_prompt, chat_history, as_dict)
        )

    @overload
    def infer_lmm(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
    ) -> Prediction: ...
    @overload
    def infer_lmm(
        self,
        inference_input: Sequence[ImageInput],
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
    ) -> list[Prediction]: ...
    def infer_lmm(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
    ) -> Prediction | list[Prediction]:
        """Run a large multimodal model (Florence-2, Moondream2, SmolVLM, Qwen-VL, PaliGemma).

        Each image gets its own request and answer (``max_concurrent_requests`` at once;
        1.8.3 would put ``max_batch_size`` images in one request, which the default of 1 also
        avoids).

        Args:
            inference_input: An image or a list of images.
            model_id: The model, e.g. ``"florence-2-base"``, ``"qwen25-vl-7b"``,
                ``"moondream2/moondream2_2b_jul24"``.
            prompt: The prompt; the model's default task when None.
            model_id_in_path: Post to ``/infer/lmm/{model_id}`` (slashes kept) instead of
                ``/infer/lmm``; the body carries ``model_id`` either way.
            max_new_tokens: Most tokens to generate; the model's default when None.
            enable_thinking: Reasoning mode for models that have one; the default when None.

        Returns:
            One dict (``response``, ``image``, ``time``) per image; a single dict for one image.

        Raises:
            InvalidParameterError: ``model_id`` or ``prompt`` is invalid (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request (``error.batch`` for a list).
        """
        return self._each(
            inference_input,
            lambda ctx, items: core_language.lmm(
                ctx,
                items,
                model_id,
                prompt,
                model_id_in_path,
                max_new_tokens,
                enable_thinking,
                as_dict,
            ),
        )

    @overload
    async def infer_lmm_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
    ) -> Prediction: ...
    @overload
    async def infer_lmm_async(
        self,
        inference_input: Sequence[ImageInput],
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
    ) -> list[Prediction]: ...
    async def infer_lmm_async(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        model_id: str,
        prompt: str | None = None,
        model_id_in_path: bool = False,
        max_new_tokens: int | None = None,
        enable_thinking: bool | None = None,
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`infer_lmm`."""
        return await self._each_async(
            inference_input,
            lambda ctx, items: core_language.lmm(
                ctx,
                items,
                model_id,
                prompt,
                model_id_in_path,
                max_new_tokens,
                enable_thinking,
                as_dict,
            ),
        )

    # Depth, segmentation, detection, gaze.

    @overload
    def depth_estimation(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
    ) -> Prediction: ...
    @overload
    def depth_estimation(
        self,
        inference_input: Sequence[ImageInput],
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
    ) -> list[Prediction]: ...
    def depth_estimation(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
    ) -> Prediction | list[Prediction]:
        """Estimate a depth map per image (``POST /infer/depth-estimation``).

        One image per request. ``normalized_depth`` is ordinal depth in [0, 1], 1 nearest; it
        is not a physical distance and not comparable across images without calibration.

        ``"json"`` stays the default and warns about nothing: inference-sdk 1.8.3 emits a
        deprecation warning for it because inference-sdk plans to switch its own default to
        ``"png16"``; rf-client does not plan that switch. Pass ``"png16"`` (or ``"png8"``)
        for answers typically over 10x smaller.

        Args:
            inference_input: An image or a list of images.
            model_id: ``"depth-anything-v3/small"`` (default), ``"depth-anything-v3/base"``
                or ``"depth-anything-v2/small"``.
            model_id_in_path: Post to ``/infer/depth-estimation/{model_id}`` instead.
            depth_map_format: ``"json"`` (nested float lists), ``"png16"`` or ``"png8"`` (a
                PNG decoded here into a float32 numpy array in [0, 1]). Servers that ignore
                the field answer float lists, which are returned as they are.

        Returns:
            One dict (``normalized_depth``, ``image``: the coloured visualisation) per image;
            a single dict for one image.

        Raises:
            InvalidParameterError: ``model_id`` or ``depth_map_format`` is invalid (nothing is
                sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            ResponseValidationError: A PNG depth map cannot be decoded.
            APIStatusError: The server refused a request (``error.batch`` for a list).
        """
        return self._each(
            inference_input,
            lambda ctx, items: core_vision.depth_estimation(
                ctx,
                items,
                model_id,
                model_id_in_path,
                depth_map_format,
                core_vision.decode_depth_result,
            ),
        )

    @overload
    async def depth_estimation_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
    ) -> Prediction: ...
    @overload
    async def depth_estimation_async(
        self,
        inference_input: Sequence[ImageInput],
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
    ) -> list[Prediction]: ...
    async def depth_estimation_async(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        model_id: str = "depth-anything-v3/small",
        model_id_in_path: bool = False,
        depth_map_format: DepthMapFormat = "json",
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`depth_estimation`."""
        return await self._each_async(
            inference_input,
            lambda ctx, items: core_vision.depth_estimation(
                ctx,
                items,
                model_id,
                model_id_in_path,
                depth_map_format,
                core_vision.decode_depth_result,
            ),
        )

    @overload
    def sam2_segment_image(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
    ) -> Prediction: ...
    @overload
    def sam2_segment_image(
        self,
        inference_input: Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
    ) -> list[Prediction]: ...
    def sam2_segment_image(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
    ) -> Prediction | list[Prediction]:
        """Segment images with SAM 2 (``POST /sam2/segment_image``), one image per request.

        Args:
            inference_input: An image or a list of images.
            prompts: Prompt dicts, each with a ``"box"`` (``{"x", "y", "width", "height"}``)
                and/or ``"points"`` (``[{"x", "y", "positive"}]``); None segments without
                prompts. Sent as ``{"prompts": prompts}``, checked against the schema first.
            sam2_version_id: ``"hiera_tiny"`` (default), ``"hiera_small"``,
                ``"hiera_large"`` or ``"hiera_b_plus"``.
            multimask_output: Several candidate masks per prompt.
            mask_input_format: The masks' format (the body's ``format``).

        Returns:
            One dict (``predictions`` with masks and confidences, ``time``) per image; a
            single dict for one image.

        Raises:
            InvalidParameterError: ``prompts`` is not a list of prompt dicts (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request (``error.batch`` for a list).
        """
        return self._each(
            inference_input,
            lambda ctx, items: core_vision.sam2_segment(
                ctx, items, prompts, sam2_version_id, multimask_output, mask_input_format, as_dict
            ),
        )

    @overload
    async def sam2_segment_image_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
    ) -> Prediction: ...
    @overload
    async def sam2_segment_image_async(
        self,
        inference_input: Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
    ) -> list[Prediction]: ...
    async def sam2_segment_image_async(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        sam2_version_id: str = "hiera_tiny",
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`sam2_segment_image`."""
        return await self._each_async(
            inference_input,
            lambda ctx, items: core_vision.sam2_segment(
                ctx, items, prompts, sam2_version_id, multimask_output, mask_input_format, as_dict
            ),
        )

    @overload
    def sam3_concept_segment(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
    ) -> Prediction: ...
    @overload
    def sam3_concept_segment(
        self,
        inference_input: Sequence[ImageInput],
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
    ) -> list[Prediction]: ...
    def sam3_concept_segment(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
    ) -> Prediction | list[Prediction]:
        """Find every instance of text or visual concepts with SAM 3 (``/sam3/concept_segment``).

        One image per request.

        Args:
            inference_input: An image or a list of images.
            prompts: A non-empty list of prompt dicts: ``{"type": "text", "text": "cat"}`` or
                visual prompts with ``"boxes"`` and ``"box_labels"``; each may set its own
                ``"output_prob_thresh"``.
            model_id: The SAM 3 model (default ``"sam3/sam3_final"``).
            output_prob_thresh: Global confidence threshold.
            nms_iou_threshold: IoU threshold of NMS across prompts; None disables it.
            format: The masks' format, ``"polygon"`` or ``"rle"``.

        Returns:
            One dict (``prompt_results`` with each prompt's predictions, ``time``) per image;
            a single dict for one image.

        Raises:
            InvalidParameterError: ``prompts`` is not a non-empty list of prompt dicts, or
                ``model_id`` is invalid (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request (``error.batch`` for a list).
        """
        return self._each(
            inference_input,
            lambda ctx, items: core_vision.sam3_concept_segment(
                ctx,
                items,
                prompts,
                model_id,
                output_prob_thresh,
                nms_iou_threshold,
                format,
                as_dict,
            ),
        )

    @overload
    async def sam3_concept_segment_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
    ) -> Prediction: ...
    @overload
    async def sam3_concept_segment_async(
        self,
        inference_input: Sequence[ImageInput],
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
    ) -> list[Prediction]: ...
    async def sam3_concept_segment_async(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        prompts: list[dict[str, Any]],
        model_id: str = "sam3/sam3_final",
        output_prob_thresh: float = 0.5,
        nms_iou_threshold: float | None = None,
        format: MaskFormat = "polygon",
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`sam3_concept_segment`."""
        return await self._each_async(
            inference_input,
            lambda ctx, items: core_vision.sam3_concept_segment(
                ctx,
                items,
                prompts,
                model_id,
                output_prob_thresh,
                nms_iou_threshold,
                format,
                as_dict,
            ),
        )

    @overload
    def sam3_visual_segment(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
    ) -> Prediction: ...
    @overload
    def sam3_visual_segment(
        self,
        inference_input: Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
    ) -> list[Prediction]: ...
    def sam3_visual_segment(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
    ) -> Prediction | list[Prediction]:
        """Segment images from box / point prompts with SAM 3 (``/sam3/visual_segment``).

        One image per request.

        Args:
            inference_input: An image or a list of images.
            prompts: Prompt dicts with ``"box"`` and/or ``"points"`` keys (as for SAM 2);
                None segments without prompts.
            multimask_output: Several candidate masks per prompt.
            mask_input_format: The masks' format (the body's ``format``).

        Returns:
            One dict (``predictions`` with masks, ``time``) per image; a single dict for one
            image.

        Raises:
            InvalidParameterError: ``prompts`` is not a list of prompt dicts (nothing is sent).
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request (``error.batch`` for a list).
        """
        return self._each(
            inference_input,
            lambda ctx, items: core_vision.sam3_visual_segment(
                ctx, items, prompts, multimask_output, mask_input_format, as_dict
            ),
        )

    @overload
    async def sam3_visual_segment_async(  # type: ignore[overload-overlap]  # a str is one image
        self,
        inference_input: ImageInput,
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
    ) -> Prediction: ...
    @overload
    async def sam3_visual_segment_async(
        self,
        inference_input: Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
    ) -> list[Prediction]: ...
    async def sam3_visual_segment_async(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        prompts: list[dict[str, Any]] | None = None,
        multimask_output: bool = True,
        mask_input_format: SamMaskFormat = "json",
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`sam3_visual_segment`."""
        return await self._each_async(
            inference_input,
            lambda ctx, items: core_vision.sam3_visual_segment(
                ctx, items, prompts, multimask_output, mask_input_format, as_dict
            ),
        )

    @overload
    def sam3_embed_image(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput, image_id: str | None = None
    ) -> Prediction: ...
    @overload
    def sam3_embed_image(
        self, inference_input: Sequence[ImageInput], image_id: str | None = None
    ) -> list[Prediction]: ...
    def sam3_embed_image(
        self, inference_input: ImageInput | Sequence[ImageInput], image_id: str | None = None
    ) -> Prediction | list[Prediction]:
        """Compute SAM 3 image embeddings, cached on the server (``POST /sam3/embed_image``).

        Args:
            inference_input: An image or a list of images (one per request).
            image_id: The id to cache the embeddings under; the server picks one when None.

        Returns:
            One dict (``image_id``, ``time``) per image; a single dict for one image.

        Raises:
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request (``error.batch`` for a list).
        """
        return self._each(
            inference_input,
            lambda ctx, items: core_vision.sam3_embed(ctx, items, image_id, as_dict),
        )

    @overload
    async def sam3_embed_image_async(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput, image_id: str | None = None
    ) -> Prediction: ...
    @overload
    async def sam3_embed_image_async(
        self, inference_input: Sequence[ImageInput], image_id: str | None = None
    ) -> list[Prediction]: ...
    async def sam3_embed_image_async(
        self, inference_input: ImageInput | Sequence[ImageInput], image_id: str | None = None
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`sam3_embed_image`."""
        return await self._each_async(
            inference_input,
            lambda ctx, items: core_vision.sam3_embed(ctx, items, image_id, as_dict),
        )

    def sam3_3d_infer(
        self,
        inference_input: ImageInput,
        mask_input: Any,
        model_id: str = "sam3-3d-objects",
        *,
        output_meshes: bool = True,
        output_scene: bool = True,
        with_mesh_postprocess: bool = True,
        with_texture_baking: bool = True,
        use_distillations: bool = False,
    ) -> Prediction:
        """3D meshes and Gaussian splats of the masked objects of one image (``/sam3_3d/infer``).

        SAM 3D Objects runs on GPU inference servers with it enabled
        (``SAM3_3D_OBJECTS_ENABLED=true``); inference 1.8.3's server does not serve it. One
        image per call; ``mask_input`` may outline several objects. Every option is sent, as
        1.8.3 sends them.

        Args:
            inference_input: One image (path, URL, bytes, BGR numpy array, PIL image, base64,
                data URI).
            mask_input: The objects to reconstruct, any JSON value the server reads: a polygon
                ``[x1, y1, x2, y2, ...]`` or ``[[x1, y1], [x2, y2], ...]``, a COCO RLE dict
                ``{"counts": ..., "size": [height, width]}``, or a list of them (one object
                each). A binary mask (numpy array) must be converted to one of these first.
            model_id: The SAM 3D model (default ``"sam3-3d-objects"``).
            output_meshes: Also output meshes (GLB); Gaussian splats are always output.
            output_scene: Also output the combined scene of every object.
            with_mesh_postprocess: Post-process the meshes.
            with_texture_baking: Bake textures into the meshes.
            use_distillations: Use the distilled versions of the model's components.

        Returns:
            The server's answer as a dict, base64-encoded: ``mesh_glb`` (the scene's mesh, GLB,
            None without ``output_meshes``), ``gaussian_ply`` (the scene's Gaussian splats,
            PLY), ``objects`` (per object: ``mesh_glb``, ``gaussian_ply`` and ``metadata``
            with ``rotation``, ``translation`` and ``scale``) and ``time`` (seconds).

        Raises:
            InvalidInputError: ``inference_input`` is a list or not a usable image (nothing is
                sent).
            InvalidParameterError: ``mask_input`` is None or cannot be sent as JSON (a numpy
                array), ``model_id`` is invalid or a flag is not a bool (nothing is sent).
            NotFoundError: The server does not serve SAM 3D (the message says so).
            APIStatusError: The server refused the request (the message says when the server
                may not serve SAM 3D: inference 1.8.3 answers through its legacy model route).
            APIConnectionError: The server cannot be reached.
            ResponseValidationError: The answer is not a JSON object.
        """
        return self._run(
            core_vision.sam3_3d_infer(
                self._context(),
                inference_input,
                mask_input,
                model_id,
                as_dict,
                output_meshes=output_meshes,
                output_scene=output_scene,
                with_mesh_postprocess=with_mesh_postprocess,
                with_texture_baking=with_texture_baking,
                use_distillations=use_distillations,
            )
        )

    async def sam3_3d_infer_async(
        self,
        inference_input: ImageInput,
        mask_input: Any,
        model_id: str = "sam3-3d-objects",
        *,
        output_meshes: bool = True,
        output_scene: bool = True,
        with_mesh_postprocess: bool = True,
        with_texture_baking: bool = True,
        use_distillations: bool = False,
    ) -> Prediction:
        """Async twin of :meth:`sam3_3d_infer`."""
        return await self._arun(
            core_vision.sam3_3d_infer(
                self._context(),
                inference_input,
                mask_input,
                model_id,
                as_dict,
                output_meshes=output_meshes,
                output_scene=output_scene,
                with_mesh_postprocess=with_mesh_postprocess,
                with_texture_baking=with_texture_baking,
                use_distillations=use_distillations,
            )
        )

    def infer_from_yolo_world(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        class_names: list[str],
        model_version: str | None = None,
        confidence: float | None = None,
    ) -> list[Prediction]:
        """Detect ``class_names`` with YOLO-World (``POST /yolo_world/infer``).

        One image per request. Always returns a list, also for one image (as 1.8.3).

        Args:
            inference_input: An image or a list of images.
            class_names: The classes to look for, e.g. ``["person", "dog"]``.
            model_version: ``yolo_world_version_id`` (e.g. ``"v2-s"``); the default when None.
            confidence: Drop detections below this confidence; the model's default when None.

        Returns:
            One dict (``predictions`` with boxes, classes and confidences, ``image``) per
            image, in input order.

        Raises:
            InvalidParameterError: ``class_names`` is not a non-empty list of strings.
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request (``error.batch`` for a list).
        """
        items, _ = as_batch(inference_input)
        plan = core_vision.yolo_world(
            self._context(), items, class_names, model_version, confidence, as_dict
        )
        return _as_list(deliver(self._run(plan), False))

    async def infer_from_yolo_world_async(
        self,
        inference_input: ImageInput | Sequence[ImageInput],
        class_names: list[str],
        model_version: str | None = None,
        confidence: float | None = None,
    ) -> list[Prediction]:
        """Async twin of :meth:`infer_from_yolo_world`."""
        items, _ = as_batch(inference_input)
        plan = core_vision.yolo_world(
            self._context(), items, class_names, model_version, confidence, as_dict
        )
        return _as_list(deliver(await self._arun(plan), False))

    @overload
    def detect_gazes(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput
    ) -> Prediction: ...
    @overload
    def detect_gazes(self, inference_input: Sequence[ImageInput]) -> list[Prediction]: ...
    def detect_gazes(
        self, inference_input: ImageInput | Sequence[ImageInput]
    ) -> Prediction | list[Prediction]:
        """Detect faces and where they look (``POST /gaze/gaze_detection``).

        Only inference servers older than 1.8.3 serve gaze detection; 1.8.3 and newer answer
        410 Gone and a server without the route 404, either of which raises
        :class:`FeatureRemovedError` (also a ``FeatureDeprecatedError``, what inference-sdk
        1.8.3 raises without asking the server). Images go ``max_batch_size`` per request.

        Args:
            inference_input: An image or a list of images.

        Returns:
            One dict (``predictions``: faces with ``yaw``, ``pitch`` and landmarks, ``time``)
            per image; a single dict for one image.

        Raises:
            FeatureRemovedError: The server removed gaze detection (410) or does not serve it
                (404; ``status_code`` keeps the server's status); the message says what to do.
            InvalidInputError: An input is not a usable image (nothing is sent).
            APIStatusError: The server refused a request (``error.batch`` for a list).
        """
        return self._each(
            inference_input, lambda ctx, items: core_vision.detect_gazes(ctx, items, as_dict)
        )

    @overload
    async def detect_gazes_async(  # type: ignore[overload-overlap]  # a str is one image
        self, inference_input: ImageInput
    ) -> Prediction: ...
    @overload
    async def detect_gazes_async(
        self, inference_input: Sequence[ImageInput]
    ) -> list[Prediction]: ...
    async def detect_gazes_async(
        self, inference_input: ImageInput | Sequence[ImageInput]
    ) -> Prediction | list[Prediction]:
        """Async twin of :meth:`detect_gazes`."""
        return await self._each_async(
            inference_input, lambda ctx, items: core_vision.detect_gazes(ctx, items, as_dict)
        )


def _as_list(results: Prediction | list[Prediction]) -> list[Prediction]:
    # deliver(..., single=False) always gives the list; this narrows the type.
    return results if isinstance(results, list) else [results]
