"""Which operations of the server's OpenAPI description rf-client keeps, their names and groups.

A table, not logic. Each kept operation (``"METHOD /path"``) maps to the group its generated
module lands in (``rf_api_v1/api/<group>/``) and the name of that module and function. The
names are chosen here, deliberately, instead of FastAPI's ``<handler>_<path>_<method>``
operation ids. Routes the server describes but the client does not use (dashboards,
notebooks, WebRTC workers, metrics) are left out; ``spec-pull`` lists them, so a new route on
an upgraded server is noticed rather than silently dropped.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from codegen.spec_io import Spec, prune_unreferenced_schemas


class Operation(NamedTuple):
    """Where a kept operation goes in the generated package."""

    group: str
    name: str


V1_OPERATIONS: dict[str, Operation] = {
    "GET /info": Operation("server", "get_server_info"),
    "GET /healthz": Operation("server", "get_health"),
    "GET /readiness": Operation("server", "get_readiness"),
    "GET /model/registry": Operation("models", "list_models"),
    "POST /model/add": Operation("models", "add_model"),
    "POST /model/remove": Operation("models", "remove_model"),
    "POST /model/clear": Operation("models", "clear_models"),
    "POST /infer/object_detection": Operation("inference", "infer_object_detection"),
    "POST /infer/instance_segmentation": Operation("inference", "infer_instance_segmentation"),
    "POST /infer/semantic_segmentation": Operation("inference", "infer_semantic_segmentation"),
    "POST /infer/classification": Operation("inference", "infer_classification"),
    "POST /infer/keypoints_detection": Operation("inference", "infer_keypoints_detection"),
    "POST /infer/embeddings": Operation("inference", "infer_embeddings"),
    "POST /infer/action_recognition": Operation("inference", "infer_action_recognition"),
    "POST /infer/lmm": Operation("lmm", "infer_lmm"),
    "POST /infer/lmm/{model_id}": Operation("lmm", "infer_lmm_with_model_id"),
    "POST /llm/cogvlm": Operation("lmm", "prompt_cogvlm"),
    "POST /infer/depth-estimation": Operation("depth", "estimate_depth"),
    "POST /infer/depth-estimation/{model_id}": Operation("depth", "estimate_depth_with_model_id"),
    "POST /clip/embed_image": Operation("clip", "clip_embed_image"),
    "POST /clip/embed_text": Operation("clip", "clip_embed_text"),
    "POST /clip/compare": Operation("clip", "clip_compare"),
    "POST /perception_encoder/embed_image": Operation(
        "perception_encoder", "perception_encoder_embed_image"
    ),
    "POST /perception_encoder/embed_text": Operation(
        "perception_encoder", "perception_encoder_embed_text"
    ),
    "POST /perception_encoder/compare": Operation(
        "perception_encoder", "perception_encoder_compare"
    ),
    "POST /doctr/ocr": Operation("ocr", "doctr_ocr"),
    "POST /ocr/trocr": Operation("ocr", "trocr_ocr"),
    "POST /easy_ocr/ocr": Operation("ocr", "easy_ocr_ocr"),
    "POST /ocr/pp-ocr": Operation("ocr", "pp_ocr_ocr"),
    "POST /gaze/gaze_detection": Operation("gaze", "detect_gazes"),
    "POST /yolo_world/infer": Operation("open_vocabulary", "yolo_world_infer"),
    "POST /grounding_dino/infer": Operation("open_vocabulary", "grounding_dino_infer"),
    "POST /owlv2/infer": Operation("open_vocabulary", "owlv2_infer"),
    "POST /sam/embed_image": Operation("sam", "sam_embed_image"),
    "POST /sam/segment_image": Operation("sam", "sam_segment_image"),
    "POST /sam2/embed_image": Operation("sam", "sam2_embed_image"),
    "POST /sam2/segment_image": Operation("sam", "sam2_segment_image"),
    "POST /sam3/embed_image": Operation("sam", "sam3_embed_image"),
    "POST /sam3/concept_segment": Operation("sam", "sam3_concept_segment"),
    "POST /sam3/visual_segment": Operation("sam", "sam3_visual_segment"),
    "POST /sam3_3d/infer": Operation("sam", "sam3_3d_infer"),
    "POST /workflows/run": Operation("workflows", "run_workflow_specification"),
    "POST /workflows/validate": Operation("workflows", "validate_workflow"),
    "POST /workflows/describe_interface": Operation("workflows", "describe_workflow_interface"),
    "POST /workflows/describe_workload": Operation("workflows", "describe_workflow_workload"),
    "GET /workflows/blocks/describe": Operation("workflows", "describe_workflow_blocks"),
    "POST /workflows/blocks/describe": Operation(
        "workflows", "describe_workflow_blocks_with_dynamic_blocks"
    ),
    "POST /workflows/blocks/dynamic_outputs": Operation("workflows", "get_dynamic_block_outputs"),
    "GET /workflows/definition/schema": Operation("workflows", "get_workflow_definition_schema"),
    "GET /workflows/execution_engine/versions": Operation(
        "workflows", "get_execution_engine_versions"
    ),
    "POST /infer/workflows": Operation("workflows", "run_workflow_specification_legacy"),
    "POST /infer/workflows/{workspace_name}/{workflow_id}": Operation(
        "workflows", "run_predefined_workflow_legacy"
    ),
    "POST /{workspace_name}/workflows/{workflow_id}": Operation(
        "workflows", "run_predefined_workflow"
    ),
    "POST /{workspace_name}/workflows/{workflow_id}/describe_interface": Operation(
        "workflows", "describe_predefined_workflow_interface"
    ),
    "POST /{workspace_name}/workflows/{workflow_id}/describe_workload": Operation(
        "workflows", "describe_predefined_workflow_workload"
    ),
    "POST /inference_pipelines/initialise": Operation("pipelines", "initialise_pipeline"),
    "POST /inference_pipelines/initialise_webrtc": Operation(
        "pipelines", "initialise_webrtc_pipeline"
    ),
    "GET /inference_pipelines/list": Operation("pipelines", "list_pipelines"),
    "GET /inference_pipelines/{pipeline_id}/status": Operation("pipelines", "get_pipeline_status"),
    "POST /inference_pipelines/{pipeline_id}/pause": Operation("pipelines", "pause_pipeline"),
    "POST /inference_pipelines/{pipeline_id}/resume": Operation("pipelines", "resume_pipeline"),
    "POST /inference_pipelines/{pipeline_id}/terminate": Operation(
        "pipelines", "terminate_pipeline"
    ),
    "GET /inference_pipelines/{pipeline_id}/consume": Operation(
        "pipelines", "consume_pipeline_result"
    ),
}

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def operation_keys(spec: Spec) -> list[str]:
    """Every operation of ``spec`` as ``"METHOD /path"``, sorted."""
    return sorted(
        f"{method.upper()} {path}"
        for path, item in spec.get("paths", {}).items()
        for method in HTTP_METHODS
        if method in item
    )


def select_operations(spec: Spec, operations: dict[str, Operation]) -> list[str]:
    """Keep only ``operations`` in ``spec``, naming and grouping each; drop unreachable schemas.

    Returns the operations the document described that were left out, sorted.
    """
    dropped: list[str] = []
    kept_paths: dict[str, Any] = {}
    for path, item in spec.get("paths", {}).items():
        kept_item = {key: value for key, value in item.items() if key not in HTTP_METHODS}
        for method in HTTP_METHODS:
            if method not in item:
                continue
            chosen = operations.get(f"{method.upper()} {path}")
            if chosen is None:
                dropped.append(f"{method.upper()} {path}")
                continue
            kept_item[method] = {**item[method], "operationId": chosen.name, "tags": [chosen.group]}
        if any(method in kept_item for method in HTTP_METHODS):
            kept_paths[path] = kept_item
    spec["paths"] = kept_paths
    prune_unreferenced_schemas(spec)
    return sorted(dropped)


def missing_operations(spec: Spec, operations: dict[str, Operation]) -> list[str]:
    """Operations in ``operations`` that ``spec`` does not describe, sorted."""
    present = set(operation_keys(spec))
    return sorted(key for key in operations if key not in present)
