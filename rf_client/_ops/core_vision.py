"""Core models that see: depth, SAM 2 / SAM 3 segmentation, YOLO-World detection, gaze.

Every route here except gaze takes one image per request (several requests run at once, up to
``max_concurrent_requests``); gaze takes ``max_batch_size`` images per request, as 1.8.3 did.
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from rf_client._batch import BatchOutcome
from rf_client._context import CallContext
from rf_client._ops.core_models import (
    ImageField,
    ImageRoute,
    ItemShape,
    Prediction,
    add_advice,
    check_model_name,
    check_prompt_dicts,
    common_fields,
    only_image,
    parse_prompts,
    post_images,
)
from rf_client._plan import Plan
from rf_client.errors import (
    APIStatusError,
    FeatureRemovedError,
    InvalidParameterError,
    ResponseValidationError,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from rf_api_v1.models import (
        DepthEstimationRequest,
        GazeDetectionInferenceRequest,
        Sam2EmbeddingRequest,
        Sam2PromptSet,
        Sam2SegmentationRequest,
        Sam3SegmentationRequest,
        YOLOWorldInferenceRequest,
    )

T = TypeVar("T")

DEPTH_MAP_FORMATS = ("json", "png16", "png8")
"""How ``normalized_depth`` travels: nested float lists, or a base64 16- or 8-bit PNG."""


def depth_estimation(
    ctx: CallContext,
    inputs: Sequence[object],
    model_id: str,
    model_id_in_path: bool,
    depth_map_format: str,
    shape: ItemShape[T],
) -> Plan[BatchOutcome[T]]:
    """``POST /infer/depth-estimation`` (or ``.../{model_id}``): one depth map per image.

    The route takes one image per request. ``model_id`` goes in the body in both forms, as
    1.8.3 sends it (the server checks the two agree).
    """
    from rf_api_v1.models import DepthEstimationRequest, DepthEstimationRequestDepthMapFormat

    model = check_model_name(model_id)
    if depth_map_format not in DEPTH_MAP_FORMATS:
        raise InvalidParameterError(
            f"depth_map_format must be one of {', '.join(map(repr, DEPTH_MAP_FORMATS))}, not "
            f"{depth_map_format!r}."
        )
    fields = common_fields(ctx)

    def body(image: ImageField) -> DepthEstimationRequest:
        return DepthEstimationRequest(
            image=image,
            model_id=model,
            depth_map_format=DepthEstimationRequestDepthMapFormat(depth_map_format),
            api_key=fields.api_key,
            source=fields.source,
            source_info=fields.source_info,
        )

    route = ImageRoute(
        "depth.estimate_depth_with_model_id" if model_id_in_path else "depth.estimate_depth",
        body,
        path=(model,) if model_id_in_path else (),
        batch_size=1,
        offload_shape=True,  # the depth map is decoded (PNG or nested lists) into numpy
    )
    return post_images(ctx, inputs, route, shape)


def decode_depth_result(prediction: Prediction, endpoint: str) -> Prediction:
    """The documented API's depth result: a PNG ``normalized_depth`` decoded to a float array.

    Float lists (``json``, or servers that ignore ``depth_map_format``) stay as they are.
    """
    normalized_depth = prediction.get("normalized_depth")
    if isinstance(normalized_depth, str):
        prediction["normalized_depth"] = decode_depth_map(normalized_depth, endpoint)
    return prediction


def decode_depth_map(payload: str, endpoint: str) -> NDArray[np.float32]:
    """A base64 8- or 16-bit grayscale PNG depth map as float32 values in [0, 1] (1 nearest).

    Raises:
        ResponseValidationError: The payload is not base64 of an 8- or 16-bit grayscale PNG.
    """
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ResponseValidationError(
            f"{endpoint} sent a normalized_depth that is not base64."
        ) from None
    # IHDR: 8-byte signature, 4-byte length, "IHDR", width, height, then bit depth, colour type.
    if len(data) < 26 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ResponseValidationError(f"{endpoint} sent a normalized_depth that is not a PNG.")
    bit_depth, colour_type = data[24], data[25]
    if colour_type != 0 or bit_depth not in (8, 16):
        raise ResponseValidationError(
            f"{endpoint} sent a normalized_depth PNG with bit depth {bit_depth} and colour type "
            f"{colour_type}; expected an 8- or 16-bit grayscale image."
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            values = np.asarray(image, dtype=np.float32)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ResponseValidationError(
            f"{endpoint} sent a normalized_depth PNG that cannot be decoded ({error})."
        ) from None
    return values / np.float32(255 if bit_depth == 8 else 65535)


SAM2_PROMPT_HINT = (
    'a prompt has an optional "box" {"x", "y", "width", "height"} (centre and size) and '
    'optional "points" [{"x", "y", "positive"}]'
)
SAM3_PROMPT_HINT = (
    'a prompt has a "type" ("text" or "visual") with a "text", or "boxes" ({"x", "y", '
    '"width", "height"} or {"x0", "y0", "x1", "y1"}) and their "box_labels"'
)


def _sam2_prompt_set(prompts: object) -> Sam2PromptSet | None:
    """1.8.3's ``{"prompts": prompts}`` as the generated prompt set, checked before sending."""
    from rf_api_v1.models import Sam2Prompt, Sam2PromptSet

    if prompts is None:
        return None
    checked = check_prompt_dicts(prompts, "prompts", allow_empty=True)
    return Sam2PromptSet(prompts=parse_prompts(checked, Sam2Prompt.from_dict, SAM2_PROMPT_HINT))


def sam2_segment(
    ctx: CallContext,
    inputs: Sequence[object],
    prompts: object,
    sam2_version_id: str,
    multimask_output: bool,
    mask_input_format: str,
    shape: ItemShape[T],
) -> Plan[BatchOutcome[T]]:
    """``POST /sam2/segment_image``: SAM 2 masks per image (box / point prompts, or none)."""
    from rf_api_v1.models import Sam2SegmentationRequest
    from rf_api_v1.types import UNSET

    prompt_set = _sam2_prompt_set(prompts)
    fields = common_fields(ctx)

    def body(image: ImageField) -> Sam2SegmentationRequest:
        return Sam2SegmentationRequest(
            image=only_image(image),
            sam2_version_id=sam2_version_id,
            multimask_output=multimask_output,
            format_=mask_input_format,
            prompts=prompt_set if prompt_set is not None else UNSET,
            api_key=fields.api_key,
            source=fields.source,
            source_info=fields.source_info,
        )

    route = ImageRoute("sam.sam2_segment_image", body, batch_size=1)
    return post_images(ctx, inputs, route, shape)


def sam3_concept_segment(
    ctx: CallContext,
    inputs: Sequence[object],
    prompts: object,
    model_id: str,
    output_prob_thresh: float,
    nms_iou_threshold: float | None,
    mask_format: str,
    shape: ItemShape[T],
) -> Plan[BatchOutcome[T]]:
    """``POST /sam3/concept_segment``: SAM 3 instances of text or visual concepts per image."""
    from rf_api_v1.models import Sam3Prompt, Sam3SegmentationRequest
    from rf_api_v1.types import UNSET

    model = check_model_name(model_id)
    checked = check_prompt_dicts(prompts, "prompts", allow_empty=False)
    parsed = parse_prompts(checked, Sam3Prompt.from_dict, SAM3_PROMPT_HINT)
    fields = common_fields(ctx)

    def body(image: ImageField) -> Sam3SegmentationRequest:
        return Sam3SegmentationRequest(
            image=only_image(image),
            prompts=parsed,
            model_id=model,
            output_prob_thresh=output_prob_thresh,
            format_=mask_format,
            nms_iou_threshold=nms_iou_threshold if nms_iou_threshold is not None else UNSET,
            api_key=fields.api_key,
            source=fields.source,
            source_info=fields.source_info,
        )

    route = ImageRoute("sam.sam3_concept_segment", body, batch_size=1)
    return post_images(ctx, inputs, route, shape)


def sam3_visual_segment(
    ctx: CallContext,
    inputs: Sequence[object],
    prompts: object,
    multimask_output: bool,
    mask_input_format: str,
    shape: ItemShape[T],
) -> Plan[BatchOutcome[T]]:
    """``POST /sam3/visual_segment``: SAM 3 masks per image from box / point prompts."""
    from rf_api_v1.models import Sam2SegmentationRequest
    from rf_api_v1.types import UNSET

    prompt_set = _sam2_prompt_set(prompts)
    fields = common_fields(ctx)

    def body(image: ImageField) -> Sam2SegmentationRequest:
        return Sam2SegmentationRequest(
            image=only_image(image),
            multimask_output=multimask_output,
            format_=mask_input_format,
            prompts=prompt_set if prompt_set is not None else UNSET,
            api_key=fields.api_key,
            source=fields.source,
            source_info=fields.source_info,
        )

    route = ImageRoute("sam.sam3_visual_segment", body, batch_size=1)
    return post_images(ctx, inputs, route, shape)


def sam3_embed(
    ctx: CallContext, inputs: Sequence[object], image_id: str | None, shape: ItemShape[T]
) -> Plan[BatchOutcome[T]]:
    """``POST /sam3/embed_image``: compute (and cache on the server) SAM 3 image embeddings."""
    from rf_api_v1.models import Sam2EmbeddingRequest
    from rf_api_v1.types import UNSET

    fields = common_fields(ctx)

    def body(image: ImageField) -> Sam2EmbeddingRequest:
        return Sam2EmbeddingRequest(
            image=only_image(image),
            image_id=image_id if image_id is not None else UNSET,
            api_key=fields.api_key,
            source=fields.source,
            source_info=fields.source_info,
        )

    route = ImageRoute("sam.sam3_embed_image", body, batch_size=1)
    return post_images(ctx, inputs, route, shape)


def yolo_world(
    ctx: CallContext,
    inputs: Sequence[object],
    class_names: object,
    model_version: str | None,
    confidence: float | None,
    shape: ItemShape[T],
) -> Plan[BatchOutcome[T]]:
    """``POST /yolo_world/infer``: open-vocabulary detection of ``class_names``, per image."""
    from rf_api_v1.models import YOLOWorldInferenceRequest
    from rf_api_v1.types import UNSET

    if not (
        isinstance(class_names, list)
        and class_names
        and all(isinstance(name, str) for name in class_names)
    ):
        raise InvalidParameterError(
            "class_names must be a non-empty list of class names, e.g. ['person', 'dog'], not "
            f"{type(class_names).__name__} {class_names!r:.80}."
        )
    names = list(class_names)
    fields = common_fields(ctx)

    def body(image: ImageField) -> YOLOWorldInferenceRequest:
        return YOLOWorldInferenceRequest(
            image=image,
            text=names,
            yolo_world_version_id=model_version if model_version is not None else UNSET,
            confidence=confidence if confidence is not None else UNSET,
            api_key=fields.api_key,
            source=fields.source,
            source_info=fields.source_info,
        )

    route = ImageRoute("open_vocabulary.yolo_world_infer", body, batch_size=1)
    return post_images(ctx, inputs, route, shape)


GAZE_ADVICE = (
    "Gaze detection was removed from inference (servers 1.8.3 and newer answer 410 Gone, as "
    "MediaPipe was dropped): detect_gazes() needs an inference server older than 1.8.3 that "
    "still serves /gaze/gaze_detection"
)


def _advise_gaze(error: APIStatusError) -> None:
    if error.status_code != 410:
        return
    replacement = error.replacement if isinstance(error, FeatureRemovedError) else None
    add_advice(
        error,
        GAZE_ADVICE
        + (f", or use its replacement: {replacement}" if replacement else "")
        + ("" if replacement else "; there is no drop-in replacement"),
    )


def detect_gazes(
    ctx: CallContext, inputs: Sequence[object], shape: ItemShape[T]
) -> Plan[BatchOutcome[T]]:
    """``POST /gaze/gaze_detection``: faces and their gaze per image (servers before 1.8.3).

    Each answer is a list with one result per image sent. Inference 1.8.3 and newer answer 410;
    that raises :class:`FeatureRemovedError` saying what to do.
    """
    fields = common_fields(ctx)

    def body(image: ImageField) -> GazeDetectionInferenceRequest:
        from rf_api_v1.models import GazeDetectionInferenceRequest

        return GazeDetectionInferenceRequest(image=image, api_key=fields.api_key)

    route = ImageRoute("gaze.detect_gazes", body, advise=_advise_gaze)
    return post_images(ctx, inputs, route, shape)
