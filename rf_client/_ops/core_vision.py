"""Core models that see: depth, SAM 2 / SAM 3 segmentation, SAM 3D, YOLO-World detection, gaze.

Every route here except gaze takes one image per request (several requests run at once, up to
``max_concurrent_requests``); gaze takes ``max_batch_size`` images per request, as 1.8.3 did.
SAM 3D takes exactly one image per call, as 1.8.3's ``sam3_3d_infer``.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from rf_client._batch import BatchOutcome, Outcome
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
    post_object,
    request_image,
)
from rf_client._ops.inference import check_images
from rf_client._ops.workflows import check_flag
from rf_client._plan import Plan
from rf_client.errors import (
    APIStatusError,
    FeatureRemovedError,
    InvalidInputError,
    InvalidParameterError,
    ResponseValidationError,
    RFClientError,
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


SAM3_3D_OPERATION = "sam.sam3_3d_infer"

SAM3_3D_MASK_HINT = (
    "a polygon [x1, y1, x2, y2, ...] or [[x1, y1], [x2, y2], ...], a COCO RLE dict "
    '{"counts": ..., "size": [height, width]}, or a list of them (one object each)'
)

SAM3_3D_NOT_SERVED = (
    "This server does not serve SAM 3D (POST /sam3_3d/infer): sam3_3d_infer() needs an "
    "inference server with SAM 3D Objects enabled (a GPU server started with "
    "SAM3_3D_OBJECTS_ENABLED=true); inference 1.8.3's server does not serve it"
)

SAM3_3D_MAYBE_NOT_SERVED = (
    "If this server does not serve SAM 3D (inference 1.8.3's does not: the request falls "
    "through to its legacy /{dataset_id}/{version_id} model route, which fails), "
    "sam3_3d_infer() needs an inference server with SAM 3D Objects enabled (a GPU server "
    "started with SAM3_3D_OBJECTS_ENABLED=true)"
)

SAM3_3D_FALL_THROUGH_STATUSES = (400, 401, 403, 405, 500, 501, 503)
"""What a server without the route may answer: 1.8.3 hands ``POST /sam3_3d/infer`` to its
legacy model route (model ``sam3_3d/infer``), which fails to load it (503 offline, 500 with
``countinference=false``, 401/403 without access); newer servers without SAM 3D answer 501."""


def _advise_sam3_3d(error: APIStatusError) -> None:
    if error.status_code == 404:
        add_advice(error, SAM3_3D_NOT_SERVED)
    elif error.status_code in SAM3_3D_FALL_THROUGH_STATUSES:
        add_advice(error, SAM3_3D_MAYBE_NOT_SERVED)


def check_mask_input(mask_input: object) -> Any:
    """``mask_input`` when it can be sent as JSON; InvalidParameterError (nothing sent) else.

    The route takes any JSON value (the server tells polygons, RLE dicts and lists of them
    apart). A binary mask (numpy array, PIL image) has no JSON form the server understands:
    it is refused with what to send instead.
    """
    if mask_input is None:
        raise InvalidParameterError(f"mask_input is required: {SAM3_3D_MASK_HINT}.")
    try:
        # allow_nan=False: the body is encoded without NaN / Infinity (as httpx does).
        json.dumps(mask_input, allow_nan=False)
    except (TypeError, ValueError) as error:
        module = type(mask_input).__module__.split(".")[0]
        binary = module in ("numpy", "PIL")
        kind = (
            type(mask_input).__name__
            if module == "builtins"
            else f"{module}.{type(mask_input).__name__}"
        )
        raise InvalidParameterError(
            f"mask_input ({kind}) cannot be sent as JSON ({error}): "
            + (
                "a binary mask has no JSON form the server reads; convert it to a polygon or "
                "a COCO RLE dict (counts as text) first"
                if binary
                else "use plain lists, dicts, strings and numbers (numpy values: .tolist())"
            )
            + f". The server takes {SAM3_3D_MASK_HINT}."
        ) from None
    return mask_input


def sam3_3d_infer(
    ctx: CallContext,
    inference_input: object,
    mask_input: object,
    model_id: str,
    shape: ItemShape[T],
    *,
    output_meshes: bool,
    output_scene: bool,
    with_mesh_postprocess: bool,
    with_texture_baking: bool,
    use_distillations: bool,
) -> Plan[T]:
    """``POST /sam3_3d/infer``: 3D meshes and Gaussian splats of the masked objects of one image.

    The body is 1.8.3's: the image, ``model_id``, ``mask_input`` as given and every flag, each
    sent even at its default. Everything is checked before anything is sent.
    """
    from rf_api_v1.models import Sam3DObjectsInferenceRequest

    if isinstance(inference_input, Sequence) and not isinstance(
        inference_input, str | bytes | bytearray | memoryview
    ):
        raise InvalidInputError(
            "inference_input must be one image, not a list: SAM 3D reconstructs the objects of "
            "one image per call (mask_input may outline several objects)."
        )
    check_images([inference_input])
    mask = check_mask_input(mask_input)
    model = check_model_name(model_id)
    for name, flag in (
        ("output_meshes", output_meshes),
        ("output_scene", output_scene),
        ("with_mesh_postprocess", with_mesh_postprocess),
        ("with_texture_baking", with_texture_baking),
        ("use_distillations", use_distillations),
    ):
        check_flag(flag, name)
    fields = common_fields(ctx)
    image = yield from request_image(ctx, inference_input, checked=True)
    body = Sam3DObjectsInferenceRequest(
        image=image,
        mask_input=mask,
        model_id=model,
        output_meshes=output_meshes,
        output_scene=output_scene,
        with_mesh_postprocess=with_mesh_postprocess,
        with_texture_baking=with_texture_baking,
        use_distillations=use_distillations,
        api_key=fields.api_key,
        source=fields.source,
        source_info=fields.source_info,
    )
    return (yield from post_object(ctx, SAM3_3D_OPERATION, body, shape, _advise_sam3_3d))


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


GAZE_ROUTE = "/gaze/gaze_detection"

GAZE_ADVICE = (
    "Gaze detection was removed from inference (servers 1.8.3 and newer answer 410 Gone, as "
    "MediaPipe was dropped): detect_gazes() needs an inference server older than 1.8.3 that "
    "still serves /gaze/gaze_detection"
)

GAZE_NOT_SERVED_ADVICE = (
    "This server does not serve gaze detection (no /gaze/gaze_detection route): "
    "detect_gazes() needs an inference server older than 1.8.3 that still serves it "
    "(gaze detection was removed from inference with MediaPipe); there is no drop-in "
    "replacement"
)

GAZE_GONE_STATUSES = (404, 410)
"""Answers that mean the server has no gaze detection: 410 (removed) or 404 (no such route)."""


def _advise_gaze(error: APIStatusError) -> None:
    if error.status_code == 404:
        add_advice(error, GAZE_NOT_SERVED_ADVICE)
        return
    if error.status_code != 410:
        return
    replacement = error.replacement if isinstance(error, FeatureRemovedError) else None
    add_advice(
        error,
        GAZE_ADVICE
        + (f", or use its replacement: {replacement}" if replacement else "")
        + ("" if replacement else "; there is no drop-in replacement"),
    )


def as_gaze_removed(error: RFClientError) -> RFClientError:
    """A 404 or 410 answer of the gaze route as :class:`FeatureRemovedError`; others unchanged.

    1.8.3's server answers 410 with the removed feature's details (already a
    FeatureRemovedError). A server without the route at all answers 404, and a proxy may answer
    a bare 410: both become the same FeatureRemovedError (also a FeatureDeprecatedError, what
    inference-sdk 1.8.3 raises), keeping the status the server gave.
    """
    if (
        not isinstance(error, APIStatusError)
        or isinstance(error, FeatureRemovedError)
        or error.status_code not in GAZE_GONE_STATUSES
    ):
        return error
    removed = FeatureRemovedError(
        error.description,
        error.status_code,
        error.api_message,
        feature=GAZE_ROUTE,
        reason="Gaze detection was removed from inference with its MediaPipe dependency.",
        error_type=error.error_type,
        endpoint=error.endpoint,
        body=error.body,
    )
    removed.retry_after = error.retry_after
    return removed


def detect_gazes(
    ctx: CallContext, inputs: Sequence[object], shape: ItemShape[T]
) -> Plan[BatchOutcome[T]]:
    """``POST /gaze/gaze_detection``: faces and their gaze per image (servers before 1.8.3).

    Each answer is a list with one result per image sent. Inference 1.8.3 and newer answer 410,
    a server without the route 404: either raises :class:`FeatureRemovedError` saying what to
    do.
    """
    fields = common_fields(ctx)

    def body(image: ImageField) -> GazeDetectionInferenceRequest:
        from rf_api_v1.models import GazeDetectionInferenceRequest

        return GazeDetectionInferenceRequest(image=image, api_key=fields.api_key)

    route = ImageRoute("gaze.detect_gazes", body, advise=_advise_gaze)
    outcome = yield from post_images(ctx, inputs, route, shape)
    converted: dict[int, RFClientError] = {}  # a failed request fails each of its images

    def convert(error: RFClientError) -> RFClientError:
        if id(error) not in converted:
            converted[id(error)] = as_gaze_removed(error)
        return converted[id(error)]

    return BatchOutcome(
        [
            outcome_item
            if outcome_item.error is None
            else Outcome(error=convert(outcome_item.error))
            for outcome_item in outcome
        ]
    )
