"""The typed API's ``_async`` twins, awaited inside ``async def`` (type-checked, never run)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, assert_type

import numpy as np
from numpy.typing import NDArray
from rf_api_v1.models import (
    ActionRecognitionInferenceResponse,
    ClassificationInferenceResponse,
    ClipCompareResponse,
    ClipEmbeddingResponse,
    CogVLMResponse,
    CommandResponse,
    ConsumePipelineResponse,
    DepthEstimationResponse,
    DescribeInterfaceResponse,
    ExecutionEngineVersions,
    GazeDetectionInferenceResponse,
    ImageEmbeddingResponse,
    InferencePipelineStatusResponse,
    InstanceSegmentationInferenceResponse,
    KeypointsDetectionInferenceResponse,
    ListPipelinesResponse,
    LMMInferenceResponse,
    ModelDescriptionEntity,
    ModelsDescriptions,
    MultiLabelClassificationInferenceResponse,
    ObjectDetectionInferenceResponse,
    OCRInferenceResponse,
    PerceptionEncoderEmbeddingResponse,
    Sam2SegmentationResponse,
    Sam3EmbeddingResponse,
    Sam3SegmentationResponse,
    SemanticSegmentationInferenceResponse,
    ServerVersionInfo,
    WorkflowInferenceResponse,
    WorkflowsBlocksDescription,
    WorkflowsBlocksSchemaDescription,
    WorkflowValidationStatus,
)

from rf_client import InferenceHTTPClient, RFClientError

SPECIFICATION: dict[str, Any] = {"version": "1.0", "inputs": [], "steps": [], "outputs": []}


async def check_server_and_models(client: InferenceHTTPClient) -> None:
    """``typed.server`` and ``typed.models`` twins."""
    assert_type(await client.typed.server.info_async(), ServerVersionInfo)
    assert_type(await client.typed.models.list_async(), ModelsDescriptions)
    assert_type(await client.typed.models.describe_async("p/1"), ModelDescriptionEntity)
    assert_type(await client.typed.models.load_async("p/1"), ModelsDescriptions)
    assert_type(await client.typed.models.unload_async("p/1"), ModelsDescriptions)
    assert_type(await client.typed.models.clear_async(), ModelsDescriptions)


async def check_infer(client: InferenceHTTPClient, image: str) -> None:
    """``typed.infer`` twins: one model for one image, a list for a list."""
    infer = client.typed.infer
    detections = await infer.object_detection_async(image, "p/1")
    assert_type(detections, ObjectDetectionInferenceResponse)
    assert_type(detections.predictions[0].confidence, float)
    assert_type(detections.predictions[0].class_, str)
    assert_type(
        await infer.object_detection_async([image], "p/1"), list[ObjectDetectionInferenceResponse]
    )
    assert_type(
        await infer.instance_segmentation_async(image, "p/1"),
        InstanceSegmentationInferenceResponse,
    )
    assert_type(
        await infer.instance_segmentation_async([image], "p/1"),
        list[InstanceSegmentationInferenceResponse],
    )
    assert_type(
        await infer.semantic_segmentation_async(image, "p/1"),
        SemanticSegmentationInferenceResponse,
    )
    assert_type(
        await infer.semantic_segmentation_async([image], "p/1"),
        list[SemanticSegmentationInferenceResponse],
    )
    assert_type(
        await infer.keypoints_detection_async(image, "p/1"), KeypointsDetectionInferenceResponse
    )
    assert_type(
        await infer.keypoints_detection_async([image], "p/1"),
        list[KeypointsDetectionInferenceResponse],
    )
    assert_type(await infer.classification_async(image, "p/1"), ClassificationInferenceResponse)
    assert_type(
        await infer.classification_async([image], "p/1"), list[ClassificationInferenceResponse]
    )
    assert_type(
        await infer.multi_label_classification_async(image, "p/1"),
        MultiLabelClassificationInferenceResponse,
    )
    assert_type(
        await infer.multi_label_classification_async([image], "p/1"),
        list[MultiLabelClassificationInferenceResponse],
    )


async def check_core_models(client: InferenceHTTPClient, image: str) -> None:
    """Core-model twins."""
    typed = client.typed
    assert_type(await typed.clip.embed_images_async(image), ClipEmbeddingResponse)
    assert_type(await typed.clip.embed_images_async([image]), list[ClipEmbeddingResponse])
    assert_type(await typed.clip.embed_texts_async("a cat"), ClipEmbeddingResponse)
    assert_type(await typed.clip.compare_async(image, "a cat"), ClipCompareResponse)
    encoder = typed.perception_encoder
    assert_type(await encoder.embed_images_async(image), PerceptionEncoderEmbeddingResponse)
    assert_type(await encoder.embed_images_async([image]), list[PerceptionEncoderEmbeddingResponse])
    assert_type(await encoder.embed_texts_async(["a"]), PerceptionEncoderEmbeddingResponse)
    assert_type(await typed.embeddings.image_async(image, "resnet101"), ImageEmbeddingResponse)
    assert_type(
        await typed.embeddings.image_async([image], "resnet101"), list[ImageEmbeddingResponse]
    )
    assert_type(await typed.ocr.doctr_async(image), OCRInferenceResponse)
    assert_type(await typed.ocr.doctr_async([image]), list[OCRInferenceResponse])
    assert_type(await typed.ocr.trocr_async(image), OCRInferenceResponse)
    assert_type(await typed.ocr.trocr_async([image]), list[OCRInferenceResponse])
    assert_type(await typed.ocr.easy_ocr_async(image), OCRInferenceResponse)
    assert_type(await typed.ocr.easy_ocr_async([image]), list[OCRInferenceResponse])
    assert_type(await typed.ocr.pp_ocr_async(image), OCRInferenceResponse)
    assert_type(await typed.ocr.pp_ocr_async([image]), list[OCRInferenceResponse])
    assert_type(await typed.lmm.infer_async(image, "florence-2-base"), LMMInferenceResponse)
    assert_type(await typed.lmm.infer_async([image], "florence-2-base"), list[LMMInferenceResponse])
    assert_type(await typed.lmm.cogvlm_async(image, "What is this?"), CogVLMResponse)
    assert_type(await typed.depth.estimate_async(image), DepthEstimationResponse)
    assert_type(await typed.depth.estimate_async([image]), list[DepthEstimationResponse])
    assert_type(await typed.sam.sam2_segment_async(image), Sam2SegmentationResponse)
    assert_type(await typed.sam.sam2_segment_async([image]), list[Sam2SegmentationResponse])
    concepts: list[dict[str, Any]] = [{"type": "text", "text": "cat"}]
    assert_type(
        await typed.sam.sam3_concept_segment_async(image, concepts), Sam3SegmentationResponse
    )
    assert_type(
        await typed.sam.sam3_concept_segment_async([image], concepts),
        list[Sam3SegmentationResponse],
    )
    assert_type(await typed.sam.sam3_visual_segment_async(image), Sam2SegmentationResponse)
    assert_type(await typed.sam.sam3_visual_segment_async([image]), list[Sam2SegmentationResponse])
    assert_type(await typed.sam.sam3_embed_async(image), Sam3EmbeddingResponse)
    assert_type(await typed.sam.sam3_embed_async([image]), list[Sam3EmbeddingResponse])
    assert_type(
        await typed.yolo_world.infer_async(image, ["cat"]), ObjectDetectionInferenceResponse
    )
    assert_type(
        await typed.yolo_world.infer_async([image], ["cat"]),
        list[ObjectDetectionInferenceResponse],
    )
    assert_type(await typed.gaze.detect_async(image), GazeDetectionInferenceResponse)
    assert_type(await typed.gaze.detect_async([image]), list[GazeDetectionInferenceResponse])


async def check_video(client: InferenceHTTPClient) -> None:
    """Clip twin, and the typed stream iterated with ``async for`` (not awaited)."""
    clip = await client.typed.video.action_recognition_async("clip.mp4", "p/1")
    assert_type(clip, ActionRecognitionInferenceResponse)
    frames = client.typed.video.stream_async(
        "video.mp4", "p/1", response=InstanceSegmentationInferenceResponse
    )
    assert_type(
        frames,
        AsyncGenerator[
            tuple[int | str, NDArray[np.uint8], InstanceSegmentationInferenceResponse], None
        ],
    )
    async for reference, frame, response in frames:
        assert_type(reference, int | str)
        assert_type(frame, NDArray[np.uint8])
        assert_type(response, InstanceSegmentationInferenceResponse)
    outcomes = client.typed.video.stream_async(
        0, response=ObjectDetectionInferenceResponse, on_error="yield"
    )
    async for _, maybe_frame, result in outcomes:
        assert_type(maybe_frame, NDArray[np.uint8] | None)
        assert_type(result, ObjectDetectionInferenceResponse | RFClientError)


async def check_workflows_and_pipelines(client: InferenceHTTPClient, image: str) -> None:
    """Workflow and pipeline twins."""
    workflows = client.typed.workflows
    run = await workflows.run_async(workspace_name="w", workflow_id="f", images={"i": image})
    assert_type(run, WorkflowInferenceResponse)
    assert_type(await workflows.validate_async(SPECIFICATION), WorkflowValidationStatus)
    assert_type(
        await workflows.describe_interface_async(specification=SPECIFICATION),
        DescribeInterfaceResponse,
    )
    assert_type(await workflows.describe_blocks_async(), WorkflowsBlocksDescription)
    assert_type(await workflows.definition_schema_async(), WorkflowsBlocksSchemaDescription)
    assert_type(await workflows.execution_engine_versions_async(), ExecutionEngineVersions)
    pipelines = client.typed.pipelines
    assert_type(
        await pipelines.start_async(0, workspace_name="w", workflow_id="f"), CommandResponse
    )
    assert_type(await pipelines.list_async(), ListPipelinesResponse)
    assert_type(await pipelines.status_async("p"), InferencePipelineStatusResponse)
    assert_type(await pipelines.pause_async("p"), CommandResponse)
    assert_type(await pipelines.resume_async("p"), CommandResponse)
    assert_type(await pipelines.terminate_async("p"), CommandResponse)
    assert_type(await pipelines.consume_async("p"), ConsumePipelineResponse)


async def check_partial_batches(client: InferenceHTTPClient, image: str, photos: list[str]) -> None:
    """``on_error="return"`` on the ``_async`` twins: the same types as the sync calls."""
    infer = client.typed.infer
    assert_type(
        await infer.object_detection_async(photos, on_error="return"),
        list[ObjectDetectionInferenceResponse | RFClientError],
    )
    assert_type(
        await infer.object_detection_async(image, on_error="return"),
        ObjectDetectionInferenceResponse | RFClientError,
    )
    assert_type(
        await infer.classification_async(photos, on_error="raise"),
        list[ClassificationInferenceResponse],
    )
    assert_type(
        await client.typed.ocr.doctr_async(photos, on_error="return"),
        list[OCRInferenceResponse | RFClientError],
    )
    assert_type(
        await client.typed.clip.embed_images_async(image, on_error="return"),
        ClipEmbeddingResponse | RFClientError,
    )
    assert_type(
        await client.typed.sam.sam2_segment_async(photos, on_error="return"),
        list[Sam2SegmentationResponse | RFClientError],
    )
