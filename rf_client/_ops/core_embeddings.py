"""Embeddings and similarity: CLIP, Perception Encoder and classifier image embeddings.

Image embeddings go ``max_batch_size`` images per request (each answer holds one vector per
image and is split into one result per image); text embeddings and comparisons are one request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from rf_client._batch import BatchOutcome
from rf_client._context import CallContext
from rf_client._ops.core_models import (
    ImageField,
    ImageRoute,
    ItemShape,
    Split,
    check_model_name,
    check_texts,
    common_fields,
    per_embedding,
    post_images,
    post_object,
    request_image,
)
from rf_client._ops.inference import check_images
from rf_client._plan import Plan
from rf_client.errors import InvalidInputError, InvalidParameterError

if TYPE_CHECKING:
    from rf_api_v1.models import InferenceRequestImage
    from rf_api_v1.types import Unset

T = TypeVar("T")

CLIP_ARGUMENT_TYPES = ("image", "text")
"""What ``clip_compare``'s subject and prompt may be."""

EMBEDDING_OUTPUT_TYPES = ("feature_vector", "logits")
"""What ``/infer/embeddings`` returns: features before the last layer, or logits."""


def clip_image_embeddings(
    ctx: CallContext,
    inputs: Sequence[object],
    clip_version: str | None,
    shape: ItemShape[T],
    split: Split = per_embedding,
) -> Plan[BatchOutcome[T]]:
    """``POST /clip/embed_image``: one CLIP embedding result per input image."""
    from rf_api_v1.models import ClipImageEmbeddingRequest
    from rf_api_v1.types import UNSET

    fields = common_fields(ctx)

    def body(image: ImageField) -> ClipImageEmbeddingRequest:
        return ClipImageEmbeddingRequest(
            image=image,
            api_key=fields.api_key,
            clip_version_id=clip_version if clip_version is not None else UNSET,
            source=fields.source,
            source_info=fields.source_info,
        )

    route = ImageRoute("clip.clip_embed_image", body, split=split)
    return post_images(ctx, inputs, route, shape)


def clip_text_embeddings(
    ctx: CallContext, text: object, clip_version: str | None, shape: ItemShape[T]
) -> Plan[T]:
    """``POST /clip/embed_text``: one answer holding an embedding per text, in order."""
    from rf_api_v1.models import ClipTextEmbeddingRequest
    from rf_api_v1.types import UNSET

    texts = check_texts(text, "text")
    fields = common_fields(ctx)
    body = ClipTextEmbeddingRequest(
        text=texts,
        api_key=fields.api_key,
        clip_version_id=clip_version if clip_version is not None else UNSET,
        source=fields.source,
        source_info=fields.source_info,
    )
    return (yield from post_object(ctx, "clip.clip_embed_text", body, shape))


def clip_compare(
    ctx: CallContext,
    subject: object,
    prompt: object,
    subject_type: str,
    prompt_type: str,
    clip_version: str | None,
    shape: ItemShape[T],
) -> Plan[T]:
    """``POST /clip/compare``: the similarity of ``subject`` to each prompt (one request)."""
    from rf_api_v1.models import ClipCompareRequest
    from rf_api_v1.types import UNSET

    if subject_type not in CLIP_ARGUMENT_TYPES or prompt_type not in CLIP_ARGUMENT_TYPES:
        raise InvalidParameterError(
            f"subject_type and prompt_type must each be 'image' or 'text', not "
            f"{subject_type!r} and {prompt_type!r}."
        )
    if subject_type == "text" and not isinstance(subject, str):
        raise InvalidInputError(
            f"subject must be a string when subject_type='text', not a {type(subject).__name__}."
        )
    # Several image prompts may come as any sequence (a tuple too), as everywhere else.
    prompts = list(prompt) if isinstance(prompt, list | tuple) else [prompt]
    if prompt_type == "text":
        check_texts(prompt, "prompt")
    else:
        check_images(prompts)
    if subject_type == "image":
        check_images([subject])
    fields = common_fields(ctx)
    subject_value: InferenceRequestImage | str = (
        (yield from request_image(ctx, subject, checked=True))
        if subject_type == "image"
        else str(subject)
    )
    prompt_value: Any = prompt
    if prompt_type == "image":
        images: list[InferenceRequestImage] = []
        for item in prompts:
            images.append((yield from request_image(ctx, item, checked=True)))
        # One image goes as an object, several as a list (1.8.3's inject_images_into_payload).
        prompt_value = images[0] if len(images) == 1 else images
    body = ClipCompareRequest(
        subject=subject_value,
        prompt=prompt_value,
        subject_type=subject_type,
        prompt_type=prompt_type,
        api_key=fields.api_key,
        clip_version_id=clip_version if clip_version is not None else UNSET,
        source=fields.source,
        source_info=fields.source_info,
    )
    return (yield from post_object(ctx, "clip.clip_compare", body, shape))


def perception_encoder_image_embeddings(
    ctx: CallContext,
    inputs: Sequence[object],
    version: str | None,
    shape: ItemShape[T],
) -> Plan[BatchOutcome[T]]:
    """``POST /perception_encoder/embed_image``: one embedding result per input image.

    With ``max_batch_size`` above 1, 1.8.3 returns the server's multi-vector answer as is;
    rf-client splits it into one result per image like CLIP's.
    """
    from rf_api_v1.models import PerceptionEncoderImageEmbeddingRequest
    from rf_api_v1.types import UNSET

    fields = common_fields(ctx)

    def body(image: ImageField) -> PerceptionEncoderImageEmbeddingRequest:
        return PerceptionEncoderImageEmbeddingRequest(
            image=image,
            api_key=fields.api_key,
            perception_encoder_version_id=version if version is not None else UNSET,
            source=fields.source,
            source_info=fields.source_info,
        )

    route = ImageRoute(
        "perception_encoder.perception_encoder_embed_image", body, split=per_embedding
    )
    return post_images(ctx, inputs, route, shape)


def perception_encoder_text_embeddings(
    ctx: CallContext, text: object, version: str | None, shape: ItemShape[T]
) -> Plan[T]:
    """``POST /perception_encoder/embed_text``: one answer with an embedding per text."""
    from rf_api_v1.models import PerceptionEncoderTextEmbeddingRequest
    from rf_api_v1.types import UNSET

    texts = check_texts(text, "text")
    fields = common_fields(ctx)
    body = PerceptionEncoderTextEmbeddingRequest(
        text=texts,
        api_key=fields.api_key,
        perception_encoder_version_id=version if version is not None else UNSET,
        source=fields.source,
        source_info=fields.source_info,
    )
    operation = "perception_encoder.perception_encoder_embed_text"
    return (yield from post_object(ctx, operation, body, shape))


def image_embeddings(
    ctx: CallContext,
    inputs: Sequence[object],
    model_id: str,
    output_type: Literal["feature_vector", "logits"] | str,
    shape: ItemShape[T],
) -> Plan[BatchOutcome[T]]:
    """``POST /infer/embeddings``: a classification model's features or logits per image.

    The body carries the configuration's ``disable_preproc_*`` fields and the source, as 1.8.3.
    """
    from rf_api_v1.models import ImageEmbeddingRequest, ImageEmbeddingRequestOutputType
    from rf_api_v1.types import UNSET

    model = check_model_name(model_id)
    if output_type not in EMBEDDING_OUTPUT_TYPES:
        raise InvalidParameterError(
            f"output_type must be 'feature_vector' or 'logits', not {output_type!r}."
        )
    configuration = ctx.configuration
    fields = common_fields(ctx)

    def flag(value: bool | None) -> bool | Unset:
        return UNSET if value is None else value

    def body(image: ImageField) -> ImageEmbeddingRequest:
        return ImageEmbeddingRequest(
            image=image,
            model_id=model,
            output_type=ImageEmbeddingRequestOutputType(output_type),
            api_key=fields.api_key,
            disable_preproc_auto_orient=flag(configuration.disable_preproc_auto_orientation),
            disable_preproc_contrast=flag(configuration.disable_preproc_contrast),
            disable_preproc_grayscale=flag(configuration.disable_preproc_grayscale),
            disable_preproc_static_crop=flag(configuration.disable_preproc_static_crop),
            source=fields.source,
            source_info=fields.source_info,
        )

    route = ImageRoute("inference.infer_embeddings", body, split=per_embedding)
    return post_images(ctx, inputs, route, shape)
