"""Each patch of ``codegen/patches.py``, alone on a minimal document, then on the generated code.

The minimal-document tests pin what a patch does to the description; the generated-code tests
pin the behaviour the patch exists for in the committed ``rf_api_v1`` package.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import rf_api_v1.models as v1
from rf_api_v1.types import UNSET

from codegen.patches import (
    SPEC_PATCHES,
    apply_patches,
    describe_rle_masks,
    let_the_server_apply_request_defaults,
    merge_array_alternatives,
    name_the_task_types,
    one_image_per_response,
    read_answer_defaults_as_present,
    rename_schema,
    request_body_schemas,
    separate_colliding_point_schemas,
    unrequire_server_assigned_request_ids,
)
from codegen.spec_io import Spec, iter_refs, read_spec
from codegen.specs import V1_OPENAPI

REF = "#/components/schemas/"


def document(schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> Spec:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas},
    }


def post_taking(body_schema: dict[str, Any], response_ref: str = "Out") -> dict[str, Any]:
    """A path item whose POST takes ``body_schema`` and answers with schema ``response_ref``."""
    return {
        "post": {
            "requestBody": {"content": {"application/json": {"schema": body_schema}}},
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"$ref": REF + response_ref}}},
                }
            },
        }
    }


# --- Point schemas -------------------------------------------------------------------------


def test_point_schemas_get_names_of_their_own() -> None:
    spec = document(
        {
            "Point-Input": {"title": "Point", "properties": {"positive": {"type": "boolean"}}},
            "Point-Output": {"title": "Point", "properties": {"x": {"type": "number"}}},
            "Segmentation": {"properties": {"points": {"items": {"$ref": REF + "Point-Output"}}}},
            "Prompt": {"properties": {"points": {"items": {"$ref": REF + "Point-Input"}}}},
        }
    )

    separate_colliding_point_schemas(spec)

    schemas = spec["components"]["schemas"]
    assert set(schemas) == {"Sam2PromptPoint", "Point", "Segmentation", "Prompt"}
    assert schemas["Sam2PromptPoint"]["title"] == "Sam2PromptPoint"
    assert "positive" in schemas["Sam2PromptPoint"]["properties"]
    assert schemas["Point"]["title"] == "Point"
    assert schemas["Segmentation"]["properties"]["points"]["items"]["$ref"] == REF + "Point"
    assert schemas["Prompt"]["properties"]["points"]["items"]["$ref"] == REF + "Sam2PromptPoint"
    assert not any("Point-" in ref for ref in iter_refs(spec))


def test_rename_schema_is_a_no_op_when_absent_and_refuses_to_overwrite() -> None:
    spec = document({"A": {"title": "A"}, "B": {"title": "B"}})
    before = copy.deepcopy(spec)

    rename_schema(spec, "Missing", "C")
    assert spec == before

    with pytest.raises(ValueError, match="'B' already exists"):
        rename_schema(spec, "A", "B")


def test_generated_polygon_points_and_prompt_points_are_distinct_classes() -> None:
    prediction = v1.InstanceSegmentationPrediction.from_dict(
        {
            "x": 1.0,
            "y": 2.0,
            "width": 3.0,
            "height": 4.0,
            "confidence": 0.5,
            "class": "cat",
            "class_id": 0,
            "points": [{"x": 1.0, "y": 2.0}],
        }
    )
    assert type(prediction.points[0]) is v1.Point
    assert not hasattr(v1.Point(x=1.0, y=2.0), "positive")

    prompt = v1.Sam2PromptPoint(x=1.0, y=2.0, positive=False)
    assert prompt.to_dict() == {"x": 1.0, "y": 2.0, "positive": False}


# --- RLE masks -----------------------------------------------------------------------------


def test_rle_mask_is_described() -> None:
    spec = document(
        {
            "InstanceSegmentationRLEPrediction": {
                "properties": {
                    "rle": {"type": "object", "additionalProperties": True, "description": "COCO"}
                }
            }
        }
    )

    describe_rle_masks(spec)

    schemas = spec["components"]["schemas"]
    assert schemas["InstanceSegmentationRLEPrediction"]["properties"]["rle"] == {
        "$ref": REF + "RleMask",
        "description": "COCO",
    }
    assert schemas["RleMask"]["required"] == ["size", "counts"]
    assert schemas["RleMask"]["properties"]["size"]["items"] == {"type": "integer"}
    assert schemas["RleMask"]["properties"]["counts"]["anyOf"] == [
        {"type": "string"},
        {"type": "array", "items": {"type": "integer"}},
    ]


def test_rle_patch_leaves_a_document_without_rle_predictions_alone() -> None:
    spec = document({"Other": {"properties": {"rle": {"type": "object"}}}})
    before = copy.deepcopy(spec)

    describe_rle_masks(spec)

    assert spec == before


def test_generated_rle_mask_accepts_compressed_and_uncompressed_counts() -> None:
    compressed = v1.RleMask.from_dict({"size": [300, 451], "counts": "kda1>n80O2H>I0O2M4"})
    assert compressed.size == [300, 451]
    assert compressed.counts == "kda1>n80O2H>I0O2M4"

    runs = v1.RleMask.from_dict({"size": [2, 3], "counts": [1, 4, 1]})
    assert runs.counts == [1, 4, 1]
    assert runs.to_dict() == {"size": [2, 3], "counts": [1, 4, 1]}


# --- Request bodies: server-assigned ids, server-side defaults -----------------------------


def request_document() -> Spec:
    request = {
        "properties": {
            "id": {"type": "string"},
            "model_id": {"type": "string"},
            "confidence": {"type": "number", "default": 0.4, "description": "Threshold."},
            "usage_billable": {"type": "boolean", "default": True},
        },
        "required": ["id", "model_id"],
    }
    response = {
        "properties": {"id": {"type": "string"}, "top": {"type": "string", "default": ""}},
        "required": ["id"],
    }
    other = copy.deepcopy(request)
    return document(
        {"Req": request, "Other": other, "Out": response},
        {
            "/a": post_taking({"$ref": REF + "Req"}),
            "/b": post_taking({"anyOf": [{"$ref": REF + "Other"}, {"type": "null"}]}),
        },
    )


def test_request_body_schemas_finds_direct_and_union_bodies() -> None:
    spec = request_document()

    found = request_body_schemas(spec)

    schemas = spec["components"]["schemas"]
    assert [id(schema) for schema in found] == [id(schemas["Other"]), id(schemas["Req"])]


def test_request_ids_are_not_required_but_response_ids_stay_required() -> None:
    spec = request_document()

    unrequire_server_assigned_request_ids(spec)

    schemas = spec["components"]["schemas"]
    assert schemas["Req"]["required"] == ["model_id"]
    assert schemas["Other"]["required"] == ["model_id"]
    assert schemas["Out"]["required"] == ["id"]


def test_request_defaults_move_into_descriptions_response_defaults_stay() -> None:
    spec = request_document()

    let_the_server_apply_request_defaults(spec)

    properties = spec["components"]["schemas"]["Req"]["properties"]
    assert "default" not in properties["confidence"]
    assert properties["confidence"]["description"] == "Threshold. Server default: 0.4."
    assert properties["usage_billable"]["description"] == "Server default: true."
    assert spec["components"]["schemas"]["Out"]["properties"]["top"]["default"] == ""


def test_committed_request_bodies_neither_require_ids_nor_carry_defaults() -> None:
    spec = read_spec(V1_OPENAPI)

    bodies = request_body_schemas(spec)

    assert len(bodies) > 30
    assert not [schema["title"] for schema in bodies if "id" in schema.get("required", [])]
    assert not [
        f"{schema['title']}.{name}"
        for schema in bodies
        for name, prop in schema.get("properties", {}).items()
        if "default" in prop
    ]


def test_generated_request_sends_only_what_was_set() -> None:
    image = v1.InferenceRequestImage(type_="base64", value="aGVsbG8=")
    request = v1.ObjectDetectionInferenceRequest(model_id="offline-od/1", image=image)

    assert request.id is UNSET
    assert request.confidence is UNSET
    assert request.to_dict() == {
        "model_id": "offline-od/1",
        "image": {"type": "base64", "value": "aGVsbG8="},
    }

    request.confidence = 0.25
    assert request.to_dict()["confidence"] == 0.25


# --- Array alternatives --------------------------------------------------------------------


def test_array_alternatives_merge_into_one_array_of_a_union_in_place() -> None:
    image = {"$ref": REF + "Image"}
    spec = document(
        {
            "Req": {
                "properties": {
                    "prompt": {
                        "anyOf": [
                            {"type": "string"},
                            {"type": "array", "items": image},
                            image,
                            {"type": "array", "items": {"type": "string"}},
                        ]
                    },
                    "single": {"oneOf": [{"type": "array", "items": image}, {"type": "null"}]},
                }
            }
        }
    )
    single_before = copy.deepcopy(spec["components"]["schemas"]["Req"]["properties"]["single"])

    merge_array_alternatives(spec)

    properties = spec["components"]["schemas"]["Req"]["properties"]
    assert properties["prompt"]["anyOf"] == [
        {"type": "string"},
        {"type": "array", "items": {"anyOf": [image, {"type": "string"}]}},
        image,
    ]
    assert properties["single"] == single_before


def test_generated_clip_compare_accepts_a_list_of_texts_and_a_list_of_images() -> None:
    subject = v1.InferenceRequestImage(type_="base64", value="aGVsbG8=")

    texts = v1.ClipCompareRequest(prompt=["a cat", "a dog"], subject=subject)
    assert texts.to_dict() == {
        "prompt": ["a cat", "a dog"],
        "subject": {"type": "base64", "value": "aGVsbG8="},
    }

    images = v1.ClipCompareRequest(
        prompt=[subject, v1.InferenceRequestImage(type_="url", value="https://x/y.jpg")],
        subject="a cat",
    )
    assert images.to_dict()["prompt"] == [
        {"type": "base64", "value": "aGVsbG8="},
        {"type": "url", "value": "https://x/y.jpg"},
    ]

    mixed = v1.ClipCompareRequest.from_dict(
        {"prompt": ["a cat", {"type": "base64", "value": "aGVsbG8="}], "subject": "x"}
    )
    assert isinstance(mixed.prompt, list)
    assert mixed.prompt[0] == "a cat"
    assert isinstance(mixed.prompt[1], v1.InferenceRequestImage)


# --- Task types ----------------------------------------------------------------------------


def test_task_type_strings_become_one_named_enum() -> None:
    spec = document(
        {
            "ModelDescriptionEntity": {
                "type": "object",
                "properties": {"task_type": {"type": "string", "title": "Task Type"}},
            },
            "ModelMetadata": {
                "type": "object",
                "properties": {"task_type": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
            },
            "Other": {"type": "object", "properties": {"task_type": {"type": "integer"}}},
        }
    )
    name_the_task_types(spec)
    schemas = spec["components"]["schemas"]
    assert schemas["ModelDescriptionEntity"]["properties"]["task_type"] == {
        "title": "Task Type",
        "allOf": [{"$ref": REF + "TaskType"}],
    }
    assert schemas["ModelMetadata"]["properties"]["task_type"]["anyOf"] == [
        {"$ref": REF + "TaskType"},
        {"type": "null"},
    ]
    assert schemas["Other"]["properties"]["task_type"] == {"type": "integer"}
    assert "object-detection" in schemas["TaskType"]["enum"]


def test_task_type_patch_leaves_a_document_without_task_types_alone() -> None:
    spec = document({"Out": {"type": "object", "properties": {"x": {"type": "string"}}}})
    before = json.dumps(spec, sort_keys=True)
    name_the_task_types(spec)
    assert json.dumps(spec, sort_keys=True) == before


def test_generated_task_type_is_an_enum_that_keeps_a_newer_servers_value() -> None:
    known = v1.ModelDescriptionEntity.from_dict({"model_id": "m/1", "task_type": "ocr"})
    assert known.task_type == "ocr"
    assert known.task_type is v1.TaskType.OCR
    newer = v1.ModelDescriptionEntity.from_dict({"model_id": "m/1", "task_type": "tracking"})
    assert isinstance(newer.task_type, v1.TaskType)
    assert newer.task_type == "tracking"
    assert newer.to_dict()["task_type"] == "tracking"
    assert json.dumps(known.to_dict()) == '{"model_id": "m/1", "task_type": "ocr"}'


# --- Answer defaults -----------------------------------------------------------------------


def test_answer_fields_with_defaults_become_required_request_fields_stay_optional() -> None:
    spec = document(
        {
            "Body": {
                "type": "object",
                "properties": {
                    "nested": {"$ref": REF + "Nested"},
                    "limit": {"type": "integer", "default": 3},
                },
            },
            "Nested": {
                "type": "object",
                "properties": {"mode": {"type": "string", "default": "a"}},
            },
            "Out": {
                "type": "object",
                "required": ["predictions"],
                "properties": {
                    "predictions": {"type": "array", "items": {}},
                    "top": {"type": "string", "default": ""},
                    "time": {"anyOf": [{"type": "number"}, {"type": "null"}], "default": None},
                    "tags": {"type": "array", "items": {}, "default": []},
                },
            },
        },
        {"/run": post_taking({"$ref": REF + "Body"})},
    )
    read_answer_defaults_as_present(spec)
    schemas = spec["components"]["schemas"]
    assert schemas["Out"]["required"] == ["predictions", "top"]  # not null or list defaults
    assert "required" not in schemas["Body"]
    assert "required" not in schemas["Nested"]  # inside a request, at any depth


def test_generated_answer_fields_with_defaults_read_as_present() -> None:
    answer = {"image": {"width": 1, "height": 1}, "predictions": []}
    parsed = v1.ClassificationInferenceResponse.from_dict(answer)
    assert parsed.top == ""
    assert parsed.confidence == 0.0
    full = v1.ClassificationInferenceResponse.from_dict({**answer, "top": "cat", "confidence": 0.9})
    assert (full.top, full.confidence) == ("cat", 0.9)


# --- One image per response ----------------------------------------------------------------


def test_image_model_responses_describe_one_image_others_keep_the_union() -> None:
    one_or_many = {
        "anyOf": [
            {"type": "array", "items": {"$ref": REF + "InferenceResponseImage"}},
            {"$ref": REF + "InferenceResponseImage"},
        ],
        "title": "Image",
    }
    spec = document(
        {
            "ObjectDetectionInferenceResponse": {
                "properties": {"image": copy.deepcopy(one_or_many)}
            },
            "LMMInferenceResponse": {"properties": {"image": copy.deepcopy(one_or_many)}},
        }
    )
    one_image_per_response(spec)
    schemas = spec["components"]["schemas"]
    assert schemas["ObjectDetectionInferenceResponse"]["properties"]["image"] == {
        "title": "Image",
        "allOf": [{"$ref": REF + "InferenceResponseImage"}],
    }
    assert schemas["LMMInferenceResponse"]["properties"]["image"] == one_or_many


def test_generated_response_image_is_one_image_and_a_list_is_refused() -> None:
    answer = {"image": {"width": 4, "height": 3}, "predictions": []}
    parsed = v1.ObjectDetectionInferenceResponse.from_dict(answer)
    assert (parsed.image.width, parsed.image.height) == (4, 3)
    with pytest.raises((TypeError, KeyError, AttributeError)):
        v1.ObjectDetectionInferenceResponse.from_dict({**answer, "image": [answer["image"]]})


# --- All patches together ------------------------------------------------------------------


def test_patches_run_in_the_documented_order() -> None:
    assert [patch.__name__ for patch in SPEC_PATCHES] == [
        "separate_colliding_point_schemas",
        "describe_rle_masks",
        "unrequire_server_assigned_request_ids",
        "let_the_server_apply_request_defaults",
        "tolerate_new_prediction_kinds",
        "merge_array_alternatives",
        "name_the_task_types",
        "read_answer_defaults_as_present",
        "one_image_per_response",
    ]


def test_patching_is_idempotent_on_the_committed_spec() -> None:
    # build_v0 patches v1 schemas a second time; that must change nothing.
    spec = read_spec(V1_OPENAPI)
    before = json.dumps(spec, sort_keys=True)

    apply_patches(spec)

    assert json.dumps(spec, sort_keys=True) == before
