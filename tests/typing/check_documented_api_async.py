"""The documented API's ``_async`` twins, awaited inside ``async def`` (type-checked, never run).

Each twin gives exactly the type of its synchronous method: one dict for one image, a list for
a list; ``infer_on_stream_async`` is an async iterator (no ``await``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, assert_type

import numpy as np
from numpy.typing import NDArray
from rf_api_v1.models import ModelDescriptionEntity, ModelsDescriptions, ServerVersionInfo

from rf_client import InferenceHTTPClient, RFClientError

Prediction = dict[str, Any]
SPECIFICATION: dict[str, Any] = {"version": "1.0", "inputs": [], "steps": [], "outputs": []}


async def check_server_and_registry(client: InferenceHTTPClient) -> None:
    """Server info and the registry, awaited."""
    assert_type(await client.get_server_info_async(), ServerVersionInfo)
    assert_type(await client.list_loaded_models_async(), ModelsDescriptions)
    assert_type(await client.get_model_description_async("project/3"), ModelDescriptionEntity)
    assert_type(await client.load_model_async("project/3"), ModelsDescriptions)
    assert_type(await client.unload_model_async("project/3"), ModelsDescriptions)
    assert_type(await client.unload_all_models_async(), ModelsDescriptions)


async def check_model_inference(client: InferenceHTTPClient, image: str) -> None:
    """One image gives one dict, a list gives a list, on every route."""
    assert_type(await client.infer_async(image, model_id="project/3"), Prediction)
    assert_type(await client.infer_async([image], model_id="project/3"), list[Prediction])
    assert_type(await client.infer_from_api_v0_async(image, "project/3"), Prediction)
    assert_type(await client.infer_from_api_v0_async([image], "project/3"), list[Prediction])
    assert_type(await client.infer_from_api_v1_async(image, "project/3"), Prediction)
    assert_type(await client.infer_from_api_v1_async([image], "project/3"), list[Prediction])


async def check_core_models(client: InferenceHTTPClient, image: str) -> None:
    """Every core-model twin."""
    assert_type(await client.get_clip_image_embeddings_async(image), Prediction)
    assert_type(await client.get_clip_image_embeddings_async([image]), list[Prediction])
    assert_type(await client.get_clip_text_embeddings_async("a cat"), Prediction)
    assert_type(await client.clip_compare_async(image, "a cat"), Prediction)
    assert_type(await client.get_perception_encoder_image_embeddings_async(image), Prediction)
    assert_type(
        await client.get_perception_encoder_image_embeddings_async([image]), list[Prediction]
    )
    assert_type(await client.get_perception_encoder_text_embeddings_async(["a"]), Prediction)
    assert_type(await client.get_image_embeddings_async(image, "resnet101"), Prediction)
    assert_type(await client.get_image_embeddings_async([image], "resnet101"), list[Prediction])
    assert_type(await client.ocr_image_async(image, model="trocr"), Prediction)
    assert_type(await client.ocr_image_async([image]), list[Prediction])
    assert_type(await client.prompt_cogvlm_async(image, "What is this?"), Prediction)
    assert_type(await client.infer_lmm_async(image, "florence-2-base"), Prediction)
    assert_type(await client.infer_lmm_async([image], "florence-2-base"), list[Prediction])
    assert_type(await client.depth_estimation_async(image), Prediction)
    assert_type(await client.depth_estimation_async([image]), list[Prediction])
    assert_type(await client.sam2_segment_image_async(image), Prediction)
    assert_type(await client.sam2_segment_image_async([image]), list[Prediction])
    concepts: list[dict[str, Any]] = [{"type": "text", "text": "cat"}]
    assert_type(await client.sam3_concept_segment_async(image, concepts), Prediction)
    assert_type(await client.sam3_concept_segment_async([image], concepts), list[Prediction])
    assert_type(await client.sam3_visual_segment_async(image), Prediction)
    assert_type(await client.sam3_visual_segment_async([image]), list[Prediction])
    assert_type(await client.sam3_embed_image_async(image), Prediction)
    assert_type(await client.sam3_embed_image_async([image]), list[Prediction])
    polygon = [[10, 10], [50, 10], [50, 50]]
    assert_type(await client.sam3_3d_infer_async(image, polygon), Prediction)
    assert_type(
        await client.sam3_3d_infer_async(image, polygon, use_distillations=True), Prediction
    )
    assert_type(await client.infer_from_yolo_world_async(image, ["cat"]), list[Prediction])
    assert_type(await client.detect_gazes_async(image), Prediction)
    assert_type(await client.detect_gazes_async([image]), list[Prediction])


async def check_workflows(client: InferenceHTTPClient, image: str) -> None:
    """Workflow twins."""
    outputs = await client.run_workflow_async(specification=SPECIFICATION, images={"i": image})
    assert_type(outputs, list[dict[str, Any]])
    legacy = await client.infer_from_workflow_async(specification=SPECIFICATION)
    assert_type(legacy, list[dict[str, Any]])
    assert_type(await client.validate_workflow_async(SPECIFICATION), dict[str, Any])
    assert_type(
        await client.describe_workflow_interface_async(workspace_name="w", workflow_id="f"),
        dict[str, Any],
    )
    assert_type(await client.describe_workflow_blocks_async(), dict[str, Any])
    assert_type(await client.get_workflow_definition_schema_async(), dict[str, Any])
    assert_type(await client.get_workflow_execution_engine_versions_async(), dict[str, Any])


async def check_pipelines(client: InferenceHTTPClient) -> None:
    """Pipeline twins."""
    started = await client.start_inference_pipeline_with_workflow_async(
        0, workspace_name="workspace", workflow_id="flow"
    )
    assert_type(started, dict[str, Any])
    assert_type(await client.list_inference_pipelines_async(), dict[str, Any])
    assert_type(await client.get_inference_pipeline_status_async("p"), dict[str, Any])
    assert_type(await client.pause_inference_pipeline_async("p"), dict[str, Any])
    assert_type(await client.resume_inference_pipeline_async("p"), dict[str, Any])
    assert_type(await client.terminate_inference_pipeline_async("p"), dict[str, Any])
    assert_type(await client.consume_inference_pipeline_result_async("p"), dict[str, Any])


async def check_streams_and_clips(client: InferenceHTTPClient) -> None:
    """infer_on_stream_async is iterated with ``async for``, not awaited."""
    frames = client.infer_on_stream_async("video.mp4", "project/3")
    assert_type(frames, AsyncGenerator[tuple[int | str, NDArray[np.uint8], Prediction], None])
    async for reference, frame, prediction in frames:
        assert_type(reference, int | str)
        assert_type(frame, NDArray[np.uint8])
        assert_type(prediction, Prediction)
    async for _, maybe_frame, result in client.infer_on_stream_async("v.mp4", on_error="yield"):
        assert_type(maybe_frame, NDArray[np.uint8] | None)
        assert_type(result, Prediction | RFClientError)
    assert_type(await client.infer_on_video_async("clip.mp4"), Prediction)
    assert_type(await client.infer_on_video_from_api_v0_async("clip.mp4", "p/1"), Prediction)
    assert_type(await client.infer_on_video_from_api_v1_async("clip.mp4"), Prediction)
