"""The documented API (inference-sdk's, on ``InferenceHTTPClient``), synchronous calls.

Type-checked by mypy ``--strict`` and pyright strict, never run: one image gives one
``dict[str, Any]``, a list gives a ``list[dict[str, Any]]`` (no Union to narrow), registry and
server calls give the generated models.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any, NoReturn, assert_type

import numpy as np
from numpy.typing import NDArray
from rf_api_v1.models import ModelDescriptionEntity, ModelsDescriptions, ServerVersionInfo, TaskType

from rf_client import InferenceHTTPClient, RFClientError

Prediction = dict[str, Any]
SPECIFICATION: dict[str, Any] = {"version": "1.0", "inputs": [], "steps": [], "outputs": []}


def check_server_and_registry(client: InferenceHTTPClient) -> None:
    """Server info and the model registry return the generated models."""
    info = client.get_server_info()
    assert_type(info, ServerVersionInfo)
    assert_type(info.version, str)
    loaded = client.list_loaded_models()
    assert_type(loaded, ModelsDescriptions)
    assert_type(loaded.models[0].model_id, str)
    description = client.get_model_description("project/3", allow_loading=False)
    assert_type(description, ModelDescriptionEntity)
    assert_type(description.task_type, TaskType)
    task_name: str = description.task_type.value  # compares and prints as plain text
    assert description.task_type == "object-detection" or task_name
    assert_type(client.load_model("project/3", set_as_default=True), ModelsDescriptions)
    assert_type(client.unload_model("project/3"), ModelsDescriptions)
    assert_type(client.unload_all_models(), ModelsDescriptions)


def check_model_inference(client: InferenceHTTPClient, image: str) -> None:
    """One image gives one dict, a list gives a list, on every route."""
    assert_type(client.infer(image, model_id="project/3"), Prediction)
    assert_type(client.infer([image, image], model_id="project/3"), list[Prediction])
    assert_type(client.infer_from_api_v0(image, model_id="project/3"), Prediction)
    assert_type(client.infer_from_api_v0([image], model_id="project/3"), list[Prediction])
    assert_type(client.infer_from_api_v1(image, model_id="project/3"), Prediction)
    assert_type(client.infer_from_api_v1([image], model_id="project/3"), list[Prediction])
    array: NDArray[np.uint8] = np.zeros((4, 4, 3), dtype=np.uint8)
    assert_type(client.infer(array, model_id="project/3"), Prediction)
    assert_type(client.infer([array, b"\xff\xd8"], model_id="project/3"), list[Prediction])


def check_batches_from_variables(
    client: InferenceHTTPClient, photos: list[str], paths: tuple[Path, ...]
) -> None:
    """A list (or any sequence) of a narrower image type is a batch: sequences are covariant."""
    assert_type(client.infer(photos, model_id="project/3"), list[Prediction])
    assert_type(client.infer(paths, model_id="project/3"), list[Prediction])
    assert_type(client.get_clip_image_embeddings(photos), list[Prediction])
    outputs = client.run_workflow(specification=SPECIFICATION, images={"image": photos})
    assert_type(outputs, list[dict[str, Any]])


def check_core_models(client: InferenceHTTPClient, image: str) -> None:
    """Every core-model method: one dict per image, a list for a list."""
    assert_type(client.get_clip_image_embeddings(image), Prediction)
    assert_type(
        client.get_clip_image_embeddings([image], clip_version="ViT-B-16"), list[Prediction]
    )
    assert_type(client.get_clip_text_embeddings("a cat"), Prediction)
    assert_type(client.get_clip_text_embeddings(["a cat", "a dog"]), Prediction)
    assert_type(client.clip_compare(image, ["a cat", "a dog"]), Prediction)
    assert_type(
        client.clip_compare("a cat", image, subject_type="text", prompt_type="image"), Prediction
    )
    assert_type(client.get_perception_encoder_image_embeddings(image), Prediction)
    assert_type(client.get_perception_encoder_image_embeddings([image]), list[Prediction])
    assert_type(client.get_perception_encoder_text_embeddings("a cat"), Prediction)
    assert_type(client.get_image_embeddings(image, "resnet101"), Prediction)
    assert_type(
        client.get_image_embeddings([image], "resnet101", output_type="logits"), list[Prediction]
    )
    assert_type(client.ocr_image(image), Prediction)
    assert_type(
        client.ocr_image([image], model="easy_ocr", language_codes=["en"]), list[Prediction]
    )
    assert_type(client.prompt_cogvlm(image, "What is this?", chat_history=[("q", "a")]), Prediction)
    assert_type(client.infer_lmm(image, "florence-2-base", prompt="<CAPTION>"), Prediction)
    assert_type(client.infer_lmm([image], "florence-2-base"), list[Prediction])
    assert_type(client.depth_estimation(image), Prediction)
    assert_type(client.depth_estimation([image], depth_map_format="png16"), list[Prediction])
    prompts: list[dict[str, Any]] = [{"box": {"x": 1, "y": 2, "width": 3, "height": 4}}]
    assert_type(client.sam2_segment_image(image, prompts=prompts), Prediction)
    assert_type(client.sam2_segment_image([image]), list[Prediction])
    concepts: list[dict[str, Any]] = [{"type": "text", "text": "cat"}]
    assert_type(client.sam3_concept_segment(image, concepts), Prediction)
    assert_type(client.sam3_concept_segment([image], concepts, format="rle"), list[Prediction])
    assert_type(client.sam3_visual_segment(image, prompts=prompts), Prediction)
    assert_type(client.sam3_visual_segment([image]), list[Prediction])
    assert_type(client.sam3_embed_image(image, image_id="cached"), Prediction)
    assert_type(client.sam3_embed_image([image]), list[Prediction])
    polygon = [10.0, 10.0, 50.0, 10.0, 50.0, 50.0]
    assert_type(client.sam3_3d_infer(image, polygon), Prediction)
    rle: dict[str, Any] = {"counts": "PQ5", "size": [300, 451]}
    assert_type(
        client.sam3_3d_infer(image, [rle], "sam3-3d-objects", output_meshes=False), Prediction
    )
    # YOLO-World always answers a list, also for one image (as inference-sdk 1.8.3).
    assert_type(client.infer_from_yolo_world(image, ["cat"]), list[Prediction])
    assert_type(client.infer_from_yolo_world([image], ["cat"], confidence=0.2), list[Prediction])
    assert_type(client.detect_gazes(image), Prediction)
    assert_type(client.detect_gazes([image]), list[Prediction])


def check_workflows(client: InferenceHTTPClient, image: str) -> None:
    """Workflows give one outputs dict per image, the other calls the server's dict."""
    outputs = client.run_workflow(specification=SPECIFICATION, images={"image": image})
    assert_type(outputs, list[dict[str, Any]])
    saved = client.run_workflow(
        workspace_name="workspace", workflow_id="flow", images={"image": [image, image]}
    )
    assert_type(saved, list[dict[str, Any]])
    legacy = client.infer_from_workflow(
        workspace_name="workspace", workflow_name="flow", images={"image": image}
    )
    assert_type(legacy, list[dict[str, Any]])
    assert_type(client.validate_workflow(SPECIFICATION), dict[str, Any])
    assert_type(client.describe_workflow_interface(specification=SPECIFICATION), dict[str, Any])
    assert_type(client.describe_workflow_blocks(), dict[str, Any])
    assert_type(client.get_workflow_definition_schema(), dict[str, Any])
    assert_type(client.get_workflow_execution_engine_versions(), dict[str, Any])


def check_pipelines(client: InferenceHTTPClient) -> None:
    """Inference pipelines answer the server's dict."""
    started = client.start_inference_pipeline_with_workflow(
        "rtsp://camera/stream",
        workflow_specification=SPECIFICATION,
        max_fps=5,
        source_buffer_filling_strategy="DROP_LATEST",
        source_buffer_consumption_strategy="LAZY",
    )
    assert_type(started, dict[str, Any])
    assert_type(client.list_inference_pipelines(), dict[str, Any])
    assert_type(client.get_inference_pipeline_status("pipeline"), dict[str, Any])
    assert_type(client.pause_inference_pipeline("pipeline"), dict[str, Any])
    assert_type(client.resume_inference_pipeline("pipeline"), dict[str, Any])
    assert_type(client.terminate_inference_pipeline("pipeline"), dict[str, Any])
    assert_type(client.consume_inference_pipeline_result("pipeline"), dict[str, Any])


def check_streams_and_clips(client: InferenceHTTPClient) -> None:
    """infer_on_stream yields (reference, frame, prediction); on_error="yield" adds the error."""
    frames = client.infer_on_stream("video.mp4", model_id="project/3")
    assert_type(frames, Generator[tuple[int | str, NDArray[np.uint8], Prediction], None, None])
    for reference, frame, prediction in frames:
        assert_type(reference, int | str)
        assert_type(frame, NDArray[np.uint8])
        assert_type(prediction, Prediction)
    outcomes = client.infer_on_stream(0, "project/3", on_error="yield")
    for reference, maybe_frame, result in outcomes:
        assert_type(reference, int | str)
        assert_type(maybe_frame, NDArray[np.uint8] | None)
        assert_type(result, Prediction | RFClientError)
        if isinstance(result, RFClientError):
            assert_type(result.message, str)
        else:
            assert_type(result, Prediction)
    explicit = client.infer_on_stream("folder", on_error="raise")
    assert_type(explicit, Generator[tuple[int | str, NDArray[np.uint8], Prediction], None, None])
    assert_type(client.infer_on_video("clip.mp4", model_id="project/3"), Prediction)
    assert_type(client.infer_on_video_from_api_v0("https://host/clip.mp4", "project/3"), Prediction)
    assert_type(client.infer_on_video_from_api_v1("clip.mp4"), Prediction)


def check_webrtc_is_not_implemented(client: InferenceHTTPClient) -> None:
    """``client.webrtc`` (inference-sdk's WebRTC namespace) always raises: it is ``NoReturn``."""
    assert_type(client.webrtc, NoReturn)
