"""Core models that read or talk about images: OCR, large multimodal models, CogVLM.

OCR and LMM requests carry one image each (several requests run at once, up to
``max_concurrent_requests``); CogVLM takes one image per call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import attrs

from rf_client._batch import BatchOutcome
from rf_client._context import CallContext
from rf_client._ops.core_models import (
    ImageField,
    ImageRoute,
    ItemShape,
    add_advice,
    check_model_name,
    common_fields,
    post_images,
    post_object,
    request_image,
)
from rf_client._ops.inference import check_images
from rf_client._plan import Plan
from rf_client.errors import (
    APIStatusError,
    InvalidInputError,
    InvalidParameterError,
    InvalidParameterTypeError,
)

if TYPE_CHECKING:
    from rf_api_v1.models import LMMInferenceRequest

T = TypeVar("T")


class OcrRoute(NamedTuple):
    """The generated operation and request model of one OCR model."""

    operation: str
    request_model: str


OCR_ROUTES: dict[str, OcrRoute] = {
    "doctr": OcrRoute("ocr.doctr_ocr", "DoctrOCRInferenceRequest"),
    "trocr": OcrRoute("ocr.trocr_ocr", "TrOCRInferenceRequest"),
    "easy_ocr": OcrRoute("ocr.easy_ocr_ocr", "EasyOCRInferenceRequest"),
    "pp_ocr": OcrRoute("ocr.pp_ocr_ocr", "PPOCRInferenceRequest"),
}
"""OCR models by the name ``ocr_image(model=...)`` takes (case-insensitive, as 1.8.3)."""


def ocr_route(model: object) -> tuple[str, OcrRoute]:
    """The lower-cased OCR model name and its route; InvalidParameterError for another name."""
    known = ", ".join(repr(known) for known in OCR_ROUTES)
    if not isinstance(model, str):
        # 1.8.3 failed with an AttributeError on .lower(): a type error, said as one.
        raise InvalidParameterTypeError(
            f"the OCR model must be a name (one of {known}), not {type(model).__name__}."
        )
    name = model.lower()
    if name not in OCR_ROUTES:
        raise InvalidParameterError(f"OCR model {model!r} is not supported: use one of {known}.")
    return name, OCR_ROUTES[name]


def ocr(
    ctx: CallContext,
    inputs: Sequence[object],
    model: str,
    version: str | None,
    quantize: bool | None,
    generate_bounding_boxes: bool | None,
    language_codes: list[str] | None,
    shape: ItemShape[T],
) -> Plan[BatchOutcome[T]]:
    """OCR every input with ``model`` (doctr, trocr, easy_ocr, pp_ocr), one image per request.

    Options go in the body whichever model is chosen, as 1.8.3 sends them; ``version`` goes as
    ``<model>_version_id`` when it is not empty.
    """
    from rf_api_v1 import models

    name, route = ocr_route(model)
    if language_codes is not None and not (
        isinstance(language_codes, list) and all(isinstance(c, str) for c in language_codes)
    ):
        raise InvalidParameterError(
            f"language_codes must be a list of language codes such as ['en'], not "
            f"{type(language_codes).__name__}."
        )
    request_class = getattr(models, route.request_model)
    known = {field.name for field in attrs.fields(request_class)}
    options: dict[str, Any] = {
        f"{name}_version_id": version or None,
        "quantize": quantize,
        "generate_bounding_boxes": generate_bounding_boxes,
        "language_codes": language_codes,
    }
    given = {key: value for key, value in options.items() if value is not None}
    fields = common_fields(ctx)

    def body(image: ImageField) -> Any:
        request = request_class(
            image=image,
            api_key=fields.api_key,
            source=fields.source,
            source_info=fields.source_info,
            **{key: value for key, value in given.items() if key in known},
        )
        # An option the model's schema lacks (quantize for doctr, ...) still goes, as in 1.8.3;
        # the server ignores what its model does not use.
        request.additional_properties.update(
            {key: value for key, value in given.items() if key not in known}
        )
        return request

    return post_images(ctx, inputs, ImageRoute(route.operation, body, batch_size=1), shape)


def lmm(
    ctx: CallContext,
    inputs: Sequence[object],
    model_id: str,
    prompt: str | None,
    model_id_in_path: bool,
    max_new_tokens: int | None,
    enable_thinking: bool | None,
    shape: ItemShape[T],
) -> Plan[BatchOutcome[T]]:
    """``POST /infer/lmm`` (or ``/infer/lmm/{model_id}``): one LMM answer per input image.

    Each request carries one image, so every image gets its own answer (a multi-image request
    would be one prompt about several images, which ``infer_lmm`` does not mean).
    """
    from rf_api_v1.models import LMMInferenceRequest
    from rf_api_v1.types import UNSET

    model = check_model_name(model_id)
    if prompt is not None and not isinstance(prompt, str):
        raise InvalidParameterError(f"prompt must be a string, not {type(prompt).__name__}.")
    fields = common_fields(ctx)

    def body(image: ImageField) -> LMMInferenceRequest:
        return LMMInferenceRequest(
            image=image,
            model_id=model,
            prompt=prompt if prompt is not None else UNSET,
            max_new_tokens=max_new_tokens if max_new_tokens is not None else UNSET,
            enable_thinking=enable_thinking if enable_thinking is not None else UNSET,
            api_key=fields.api_key,
            source=fields.source,
            source_info=fields.source_info,
        )

    route = (
        ImageRoute("lmm.infer_lmm_with_model_id", body, path=(model,), batch_size=1)
        if model_id_in_path
        else ImageRoute("lmm.infer_lmm", body, batch_size=1)
    )
    return post_images(ctx, inputs, route, shape)


COGVLM_ADVICE = (
    "If this server does not serve CogVLM (inference 1.8.3 and newer do not), ask a current "
    "multimodal model with infer_lmm() instead"
)


def _advise_cogvlm(error: APIStatusError) -> None:
    # A server without CogVLM lets /llm/cogvlm fall through to its legacy
    # /{dataset}/{version} route, which fails with a misleading model error.
    if error.status_code in (400, 403, 404, 405, 503):
        add_advice(error, COGVLM_ADVICE)


def cogvlm(
    ctx: CallContext,
    visual_prompt: object,
    text_prompt: object,
    chat_history: object,
    shape: ItemShape[T],
) -> Plan[T]:
    """``POST /llm/cogvlm``: CogVLM's answer about one image (v1 servers that serve CogVLM)."""
    from rf_api_v1.models import CogVLMInferenceRequest
    from rf_api_v1.types import UNSET

    ctx.require_v1("prompt_cogvlm")
    if isinstance(visual_prompt, list):
        raise InvalidInputError("visual_prompt must be one image, not a list.")
    check_images([visual_prompt])
    if not isinstance(text_prompt, str):
        raise InvalidInputError(f"text_prompt must be a string, not {type(text_prompt).__name__}.")
    history = _chat_history(chat_history)
    fields = common_fields(ctx)
    image = yield from request_image(ctx, visual_prompt)
    body = CogVLMInferenceRequest(
        prompt=text_prompt,
        image=image,
        model_id="cogvlm",
        history=history if history is not None else UNSET,
        api_key=fields.api_key,
    )
    return (yield from post_object(ctx, "lmm.prompt_cogvlm", body, shape, _advise_cogvlm))


def _chat_history(chat_history: object) -> list[list[str]] | None:
    """``[(question, answer), ...]`` as the body's list of ``[question, answer]`` pairs."""
    if chat_history is None:
        return None
    if isinstance(chat_history, list | tuple):
        pairs: list[list[str]] = []
        for entry in chat_history:
            if (
                isinstance(entry, list | tuple)
                and len(entry) == 2
                and all(isinstance(text, str) for text in entry)
            ):
                pairs.append([entry[0], entry[1]])
            else:
                break
        else:
            return pairs
    raise InvalidParameterError(
        "chat_history must be a list of (question, answer) pairs of strings, e.g. "
        '[("What is it?", "A cat.")].'
    )
