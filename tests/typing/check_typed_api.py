"""The typed API, ``client.typed.<namespace>.<op>``, synchronous calls (type-checked, never run).

Every op returns its generated model for one input and a list of it for a list; the fields an
editor completes have their real types (``confidence``/``x`` float, ``class_`` str, ...).
"""

from __future__ import annotations

from collections.abc import Generator
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
    InferenceResponseImage,
    InstanceSegmentationInferenceResponse,
    InstanceSegmentationPrediction,
    InstanceSegmentationRLEPrediction,
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
    UnknownPrediction,
    WorkflowInferenceResponse,
    WorkflowsBlocksDescription,
    WorkflowsBlocksSchemaDescription,
    WorkflowValidationStatus,
)

from rf_client import InferenceHTTPClient, RFClientError

SPECIFICATION: dict[str, Any] = {"version": "1.0", "inputs": [], "steps": [], "outputs": []}


def check_server_and_models(client: InferenceHTTPClient) -> None:
    """``typed.server`` and ``typed.models``."""
    assert_type(client.typed.server.info(), ServerVersionInfo)
    registry = client.typed.models.list()
    assert_type(registry, ModelsDescriptions)
    assert_type(registry.models, list[ModelDescriptionEntity])
    described = client.typed.models.describe("project/3", allow_loading=False)
    assert_type(described, ModelDescriptionEntity)
    assert_type(described.model_id, str)
    assert_type(client.typed.models.load("project/3"), ModelsDescriptions)
    assert_type(client.typed.models.unload("project/3"), ModelsDescriptions)
    assert_type(client.typed.models.clear(), ModelsDescriptions)


def check_object_detection(client: InferenceHTTPClient, image: str) -> None:
    """ObjectDetectionInferenceResponse: float geometry and confidence, str class (``class_``)."""
    response = client.typed.infer.object_detection(image, model_id="project/3")
    assert_type(response, ObjectDetectionInferenceResponse)
    box = response.predictions[0]
    assert_type(box.confidence, float)
    assert_type(box.x, float)
    assert_type(box.y, float)
    assert_type(box.width, float)
    assert_type(box.height, float)
    assert_type(box.class_, str)
    assert_type(box.class_id, int)
    assert_type(response.to_dict(), dict[str, Any])
    many = client.typed.infer.object_detection([image, image], model_id="project/3")
    assert_type(many, list[ObjectDetectionInferenceResponse])


def check_typed_batches_from_variables(client: InferenceHTTPClient, photos: list[str]) -> None:
    """A list variable of a narrower image type is a batch on the typed API too."""
    many = client.typed.infer.object_detection(photos, model_id="project/3")
    assert_type(many, list[ObjectDetectionInferenceResponse])


def check_segmentation_keypoints_classification(client: InferenceHTTPClient, image: str) -> None:
    """Instance and semantic segmentation, keypoints, classification."""
    segmented = client.typed.infer.instance_segmentation(image, "project/3")
    assert_type(segmented, InstanceSegmentationInferenceResponse)
    assert_type(
        client.typed.infer.instance_segmentation([image], "project/3"),
        list[InstanceSegmentationInferenceResponse],
    )
    for instance in segmented.predictions:
        # Polygons or RLE, as the configuration's response_mask_format asked.
        # A kind a newer server adds parses as UnknownPrediction (its fields kept).
        if isinstance(instance, InstanceSegmentationPrediction):
            assert_type(instance.points[0].x, float)
            assert_type(instance.points[0].y, float)
        elif isinstance(instance, InstanceSegmentationRLEPrediction):
            assert_type(instance.class_, str)
        else:
            assert_type(instance, UnknownPrediction)
    semantic = client.typed.infer.semantic_segmentation(image, "project/3")
    assert_type(semantic, SemanticSegmentationInferenceResponse)
    assert_type(semantic.predictions.segmentation_mask, str)
    assert_type(
        client.typed.infer.semantic_segmentation([image], "project/3"),
        list[SemanticSegmentationInferenceResponse],
    )
    keypoints = client.typed.infer.keypoints_detection(image, "project/3")
    assert_type(keypoints, KeypointsDetectionInferenceResponse)
    point = keypoints.predictions[0].keypoints[0]
    assert_type(point.x, float)
    assert_type(point.confidence, float)
    assert_type(point.class_, str)
    assert_type(
        client.typed.infer.keypoints_detection([image], "project/3"),
        list[KeypointsDetectionInferenceResponse],
    )
    classified = client.typed.infer.classification(image, "project/3")
    assert_type(classified, ClassificationInferenceResponse)
    assert_type(classified.top, str)
    assert_type(classified.confidence, float)
    assert_type(classified.predictions[0].confidence, float)
    assert_type(
        client.typed.infer.classification([image], "project/3"),
        list[ClassificationInferenceResponse],
    )
    labelled = client.typed.infer.multi_label_classification(image, "project/3")
    assert_type(labelled, MultiLabelClassificationInferenceResponse)
    assert_type(labelled.predicted_classes, list[str])
    assert_type(
        client.typed.infer.multi_label_classification([image], "project/3"),
        list[MultiLabelClassificationInferenceResponse],
    )


def check_core_models(client: InferenceHTTPClient, image: str) -> None:
    """Embeddings, OCR, LMMs, depth, SAM, YOLO-World, gaze."""
    clip = client.typed.clip.embed_images(image)
    assert_type(clip, ClipEmbeddingResponse)
    assert_type(clip.embeddings, list[list[float]])
    assert_type(client.typed.clip.embed_images([image]), list[ClipEmbeddingResponse])
    assert_type(client.typed.clip.embed_texts(["a cat", "a dog"]), ClipEmbeddingResponse)
    assert_type(client.typed.clip.compare(image, ["a cat"]), ClipCompareResponse)
    encoder = client.typed.perception_encoder
    assert_type(encoder.embed_images(image), PerceptionEncoderEmbeddingResponse)
    assert_type(encoder.embed_images([image]), list[PerceptionEncoderEmbeddingResponse])
    assert_type(encoder.embed_texts("a cat"), PerceptionEncoderEmbeddingResponse)
    embedded = client.typed.embeddings.image(image, "resnet101", output_type="logits")
    assert_type(embedded, ImageEmbeddingResponse)
    assert_type(embedded.embedding_info.space_id, str)
    assert_type(client.typed.embeddings.image([image], "resnet101"), list[ImageEmbeddingResponse])
    text = client.typed.ocr.doctr(image, generate_bounding_boxes=True)
    assert_type(text, OCRInferenceResponse)
    assert_type(text.result, str)
    assert_type(client.typed.ocr.doctr([image]), list[OCRInferenceResponse])
    assert_type(client.typed.ocr.trocr(image), OCRInferenceResponse)
    assert_type(client.typed.ocr.trocr([image]), list[OCRInferenceResponse])
    assert_type(client.typed.ocr.easy_ocr(image, language_codes=["en"]), OCRInferenceResponse)
    assert_type(client.typed.ocr.easy_ocr([image]), list[OCRInferenceResponse])
    assert_type(client.typed.ocr.pp_ocr(image, version="small-small"), OCRInferenceResponse)
    assert_type(client.typed.ocr.pp_ocr([image]), list[OCRInferenceResponse])
    assert_type(client.typed.lmm.infer(image, "florence-2-base"), LMMInferenceResponse)
    assert_type(client.typed.lmm.infer([image], "florence-2-base"), list[LMMInferenceResponse])
    cogvlm = client.typed.lmm.cogvlm(image, "What is this?")
    assert_type(cogvlm, CogVLMResponse)
    assert_type(cogvlm.response, str)
    depth = client.typed.depth.estimate(image, depth_map_format="json")
    assert_type(depth, DepthEstimationResponse)
    assert_type(client.typed.depth.estimate([image]), list[DepthEstimationResponse])
    assert_type(client.typed.depth.depth_map(depth), NDArray[np.float32])
    assert_type(client.typed.sam.sam2_segment(image), Sam2SegmentationResponse)
    assert_type(client.typed.sam.sam2_segment([image]), list[Sam2SegmentationResponse])
    concepts: list[dict[str, Any]] = [{"type": "text", "text": "cat"}]
    concept = client.typed.sam.sam3_concept_segment(image, concepts)
    assert_type(concept, Sam3SegmentationResponse)
    assert_type(concept.prompt_results[0].prompt_index, int)
    assert_type(
        client.typed.sam.sam3_concept_segment([image], concepts), list[Sam3SegmentationResponse]
    )
    assert_type(client.typed.sam.sam3_visual_segment(image), Sam2SegmentationResponse)
    assert_type(client.typed.sam.sam3_visual_segment([image]), list[Sam2SegmentationResponse])
    assert_type(client.typed.sam.sam3_embed(image), Sam3EmbeddingResponse)
    assert_type(client.typed.sam.sam3_embed([image]), list[Sam3EmbeddingResponse])
    world = client.typed.yolo_world.infer(image, ["cat"], confidence=0.1)
    assert_type(world, ObjectDetectionInferenceResponse)
    assert_type(world.predictions[0].confidence, float)
    assert_type(
        client.typed.yolo_world.infer([image], ["cat"]), list[ObjectDetectionInferenceResponse]
    )
    gazes = client.typed.gaze.detect(image)
    assert_type(gazes, GazeDetectionInferenceResponse)
    assert_type(gazes.predictions[0].yaw, float)
    assert_type(client.typed.gaze.detect([image]), list[GazeDetectionInferenceResponse])


def check_video(client: InferenceHTTPClient) -> None:
    """Clips and typed streams: the response class named gives the yielded type."""
    clip = client.typed.video.action_recognition("clip.mp4", "project/3")
    assert_type(clip, ActionRecognitionInferenceResponse)
    assert_type(clip.timeline[0].class_, str)
    frames = client.typed.video.stream(
        "video.mp4", "project/3", response=ObjectDetectionInferenceResponse
    )
    assert_type(
        frames,
        Generator[
            tuple[int | str, NDArray[np.uint8], ObjectDetectionInferenceResponse], None, None
        ],
    )
    for reference, frame, detections in frames:
        assert_type(reference, int | str)
        assert_type(frame, NDArray[np.uint8])
        assert_type(detections.predictions[0].x, float)
    outcomes = client.typed.video.stream(
        "folder", response=KeypointsDetectionInferenceResponse, on_error="yield"
    )
    for _, maybe_frame, result in outcomes:
        assert_type(maybe_frame, NDArray[np.uint8] | None)
        assert_type(result, KeypointsDetectionInferenceResponse | RFClientError)


def check_workflows_and_pipelines(client: InferenceHTTPClient, image: str) -> None:
    """``typed.workflows`` and ``typed.pipelines``."""
    run = client.typed.workflows.run(specification=SPECIFICATION, images={"image": image})
    assert_type(run, WorkflowInferenceResponse)
    assert_type(run.outputs[0]["detections"], Any)
    assert_type(client.typed.workflows.validate(SPECIFICATION), WorkflowValidationStatus)
    assert_type(
        client.typed.workflows.describe_interface(workspace_name="w", workflow_id="f"),
        DescribeInterfaceResponse,
    )
    assert_type(client.typed.workflows.describe_blocks(), WorkflowsBlocksDescription)
    assert_type(client.typed.workflows.definition_schema(), WorkflowsBlocksSchemaDescription)
    assert_type(client.typed.workflows.execution_engine_versions(), ExecutionEngineVersions)
    pipelines = client.typed.pipelines
    assert_type(
        pipelines.start("rtsp://camera", workflow_specification=SPECIFICATION), CommandResponse
    )
    assert_type(pipelines.list(), ListPipelinesResponse)
    assert_type(pipelines.list().pipelines, list[str])
    assert_type(pipelines.status("p"), InferencePipelineStatusResponse)
    assert_type(pipelines.pause("p"), CommandResponse)
    assert_type(pipelines.resume("p"), CommandResponse)
    assert_type(pipelines.terminate("p"), CommandResponse)
    assert_type(pipelines.consume("p", excluded_fields=["image"]), ConsumePipelineResponse)


def check_partial_batches(client: InferenceHTTPClient, image: str, photos: list[str]) -> None:
    """``on_error="return"``: each image's model or ``RFClientError``; "raise" keeps the types."""
    infer = client.typed.infer
    assert_type(
        infer.object_detection(photos, on_error="raise"), list[ObjectDetectionInferenceResponse]
    )
    assert_type(infer.object_detection(image, on_error="raise"), ObjectDetectionInferenceResponse)
    assert_type(
        infer.object_detection(photos, on_error="return"),
        list[ObjectDetectionInferenceResponse | RFClientError],
    )
    assert_type(
        infer.object_detection(image, on_error="return"),
        ObjectDetectionInferenceResponse | RFClientError,
    )
    assert_type(
        infer.instance_segmentation(photos, "p/1", on_error="return"),
        list[InstanceSegmentationInferenceResponse | RFClientError],
    )
    assert_type(
        infer.semantic_segmentation(photos, on_error="return"),
        list[SemanticSegmentationInferenceResponse | RFClientError],
    )
    assert_type(
        infer.classification(image, on_error="return"),
        ClassificationInferenceResponse | RFClientError,
    )
    assert_type(
        infer.multi_label_classification(photos, on_error="return"),
        list[MultiLabelClassificationInferenceResponse | RFClientError],
    )
    assert_type(
        infer.keypoints_detection(photos, on_error="return"),
        list[KeypointsDetectionInferenceResponse | RFClientError],
    )
    assert_type(
        client.typed.clip.embed_images(photos, on_error="return"),
        list[ClipEmbeddingResponse | RFClientError],
    )
    assert_type(
        client.typed.perception_encoder.embed_images(photos, on_error="return"),
        list[PerceptionEncoderEmbeddingResponse | RFClientError],
    )
    assert_type(
        client.typed.embeddings.image(photos, "resnet101", on_error="return"),
        list[ImageEmbeddingResponse | RFClientError],
    )
    ocr = client.typed.ocr
    assert_type(ocr.doctr(photos, on_error="return"), list[OCRInferenceResponse | RFClientError])
    assert_type(ocr.trocr(image, on_error="return"), OCRInferenceResponse | RFClientError)
    assert_type(ocr.easy_ocr(photos, on_error="return"), list[OCRInferenceResponse | RFClientError])
    assert_type(ocr.pp_ocr(photos, on_error="return"), list[OCRInferenceResponse | RFClientError])
    assert_type(
        client.typed.lmm.infer(photos, "florence-2-base", on_error="return"),
        list[LMMInferenceResponse | RFClientError],
    )
    assert_type(
        client.typed.depth.estimate(photos, on_error="return"),
        list[DepthEstimationResponse | RFClientError],
    )
    sam = client.typed.sam
    assert_type(
        sam.sam2_segment(photos, on_error="return"), list[Sam2SegmentationResponse | RFClientError]
    )
    concepts: list[dict[str, Any]] = [{"type": "text", "text": "cat"}]
    assert_type(
        sam.sam3_concept_segment(photos, concepts, on_error="return"),
        list[Sam3SegmentationResponse | RFClientError],
    )
    assert_type(
        sam.sam3_visual_segment(image, on_error="return"), Sam2SegmentationResponse | RFClientError
    )
    assert_type(
        sam.sam3_embed(photos, on_error="return"), list[Sam3EmbeddingResponse | RFClientError]
    )
    assert_type(
        client.typed.yolo_world.infer(photos, ["cat"], on_error="return"),
        list[ObjectDetectionInferenceResponse | RFClientError],
    )
    assert_type(
        client.typed.gaze.detect(photos, on_error="return"),
        list[GazeDetectionInferenceResponse | RFClientError],
    )
    for result in infer.object_detection(photos, on_error="return"):
        if not isinstance(result, RFClientError):
            assert_type(result.image, InferenceResponseImage)
            assert_type(result.predictions[0].confidence, float)


def check_one_image_per_response(client: InferenceHTTPClient, image: str) -> None:
    """A single response's ``image`` is one ``InferenceResponseImage``, never a list."""
    infer = client.typed.infer
    assert_type(infer.object_detection(image).image, InferenceResponseImage)
    assert_type(infer.instance_segmentation(image).image, InferenceResponseImage)
    assert_type(infer.semantic_segmentation(image).image, InferenceResponseImage)
    assert_type(infer.classification(image).image, InferenceResponseImage)
    assert_type(infer.multi_label_classification(image).image, InferenceResponseImage)
    assert_type(infer.keypoints_detection(image).image, InferenceResponseImage)
    assert_type(infer.object_detection(image).image.width, int)
    assert_type(client.typed.yolo_world.infer(image, ["cat"]).image, InferenceResponseImage)


def check_hosted_api(image: str) -> None:
    """A client in v0 mode (the hosted API) has the same methods and result types."""
    hosted = InferenceHTTPClient("https://detect.roboflow.com", api_key="KEY")
    assert_type(hosted.typed.infer.object_detection(image, "p/1"), ObjectDetectionInferenceResponse)
    assert_type(
        hosted.select_api_v0().typed.infer.classification([image], "p/1"),
        list[ClassificationInferenceResponse],
    )
    with hosted.use_api_v0() as scoped:
        assert_type(
            scoped.typed.infer.keypoints_detection(image, "p/1", on_error="return"),
            KeypointsDetectionInferenceResponse | RFClientError,
        )
