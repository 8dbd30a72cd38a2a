"""The files of the offline models: slugs, records, manifests and md5s (no onnx needed)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from rf_client.server.offline_models import OFFLINE_MODELS, offline_model
from rf_client.server.offline_models.artefacts import (
    artefact_names,
    class_names_text,
    inference_config,
    json_text,
    keypoints_metadata,
    md5_of_file,
    model_cache_slug,
    model_config_manifest,
    model_type_document,
    model_type_path,
    offline_weights_record,
    package_dir,
    record_path,
)

# Reference values computed with inference_models' own slugify_model_id_to_os_safe_format
# (inference-models 0.39.5, the version inference-cpu 1.8.3 pins).
REFERENCE_SLUGS = {
    "offline-od/1": "v2-offline-od-1-41858d94c343f752aadd3a2c6f09d86e",
    "offline-cls/1": "v2-offline-cls-1-01c958de4a7bfa5ee93bdc0d0f50a194",
    "offline-seg/1": "v2-offline-seg-1-6f3482d10ca2802049973eb8cffbdebd",
    "offline-kp/1": "v2-offline-kp-1-20cd459a289a5e0ad95f5bc0b80908fe",
    "a__b//c": "v2-a-b-c-47dadee331c1876b5875b3d7a59a74fe",
    "$$$": "v2---43238aef979269a2b041f3cf03227dac",
    "x" * 80 + "/3": "v2-" + "x" * 48 + "-cd0e7dacb1dab1e139487b54fa786f00",
    "my_proj/2": "v2-my_proj-2-b2495219f0131d9aa0266a48ca7a19c3",
}

FAKE_MD5S = {
    "class_names.txt": "0" * 32,
    "inference_config.json": "1" * 32,
    "keypoints_metadata.json": "2" * 32,
    "weights.onnx": "3" * 32,
}


@pytest.mark.parametrize(("model_id", "slug"), sorted(REFERENCE_SLUGS.items()))
def test_slug_matches_inference_models(model_id: str, slug: str) -> None:
    assert model_cache_slug(model_id) == slug


def test_paths_follow_the_slug_and_package_id(tmp_path: Path) -> None:
    slug = "v2-offline-od-1-41858d94c343f752aadd3a2c6f09d86e"
    assert record_path(tmp_path, "offline-od/1") == (
        tmp_path / "offline-weights-registry" / f"{slug}.json"
    )
    assert package_dir(tmp_path, "offline-od/1") == (
        tmp_path / "models-cache" / slug / "offlineonnx1"
    )
    assert model_type_path(tmp_path, offline_model("offline-kp/1")) == (
        tmp_path / "offline-kp" / "1" / "model_type.json"
    )


def test_artefacts_are_sorted_and_keypoint_metadata_only_for_keypoints() -> None:
    for spec in OFFLINE_MODELS:
        names = artefact_names(spec)
        assert list(names) == sorted(names)
        assert "model_config.json" not in names  # The server rejects it as an artefact.
        assert ("keypoints_metadata.json" in names) == (spec.task_type == "keypoint-detection")


def test_object_detection_record() -> None:
    spec = offline_model("offline-od/1")
    record = offline_weights_record(spec, FAKE_MD5S, "2026-01-01T00:00:00+00:00")
    assert record["format_version"] == 1
    assert record["canonical_model_id"] == "offline-od/1"
    assert record["source"] == "warmup"
    assert record["model"]["model_architecture"] == "yolov8"
    assert record["model"]["task_type"] == "object-detection"
    (package,) = record["packages"]
    assert package["package_id"] == "offlineonnx1"
    assert package["backend"] == "onnx"
    assert package["quantization"] == "fp32"
    assert package["trusted_source"] is True
    assert package["onnx_package_details"] == {"opset": 17, "incompatible_providers": None}
    assert package["artifacts"] == [
        {"file_handle": "class_names.txt", "md5_hash": "0" * 32},
        {"file_handle": "inference_config.json", "md5_hash": "1" * 32},
        {"file_handle": "weights.onnx", "md5_hash": "3" * 32},
    ]
    assert record["proven"] == {"offlineonnx1": {"last_proven_at": "2026-01-01T00:00:00+00:00"}}


def test_keypoint_record_lists_the_keypoint_metadata() -> None:
    record = offline_weights_record(offline_model("offline-kp/1"), FAKE_MD5S, "now")
    handles = [artefact["file_handle"] for artefact in record["packages"][0]["artifacts"]]
    assert handles == [
        "class_names.txt",
        "inference_config.json",
        "keypoints_metadata.json",
        "weights.onnx",
    ]
    assert record["model"]["task_type"] == "keypoint-detection"


def test_manifest_is_version_4_with_identities_for_every_artefact() -> None:
    spec = offline_model("offline-seg/1")
    manifest = model_config_manifest(spec, FAKE_MD5S)
    assert manifest["offline_manifest_version"] == 4
    assert manifest["model_id"] == manifest["canonical_model_id"] == "offline-seg/1"
    assert manifest["task_type"] == "instance-segmentation"
    assert manifest["backend_type"] == "onnx"
    assert manifest["trusted_source"] is True
    assert manifest["model_dependencies"] == []
    assert manifest["dependency_package_paths"] == []
    assert manifest["package_artifacts"][0] == {
        "file_handle": "class_names.txt",
        "md5_hash": "0" * 32,
        "unhashed": False,
        "sha256_hash": None,
        "source_hash": None,
        "storage": "package_file",
    }
    assert [a["file_handle"] for a in manifest["package_artifacts"]] == list(artefact_names(spec))


def test_inference_config_per_task() -> None:
    detector = inference_config(offline_model("offline-od/1"))
    assert detector["post_processing"] == {"type": "nms", "fused": False}
    assert detector["network_input"]["resize_mode"] == "stretch"
    assert detector["network_input"]["training_input_size"] == {"height": 640, "width": 640}
    classifier = inference_config(offline_model("offline-cls/1"))
    assert classifier["post_processing"] == {"type": "softmax", "fused": True}


def test_small_documents() -> None:
    assert class_names_text(offline_model("offline-od/1")) == "cat\ndog\nperson\n"
    assert keypoints_metadata(offline_model("offline-kp/1")) == [
        {
            "object_class_id": 0,
            "keypoints": {"0": "nose", "1": "left_eye", "2": "right_eye"},
            "edges": [{"from": 0, "to": 1}, {"from": 0, "to": 2}],
        }
    ]
    assert model_type_document(offline_model("offline-od/1")) == {
        "project_task_type": "object-detection",
        "model_type": "yolov8",
        "model_id": "offline-od/1",
    }


def test_md5_of_file_and_stable_json(tmp_path: Path) -> None:
    target = tmp_path / "doc.json"
    text = json_text({"b": 1, "a": [1, 2]})
    assert text == json_text({"b": 1, "a": [1, 2]})
    assert json.loads(text) == {"b": 1, "a": [1, 2]}
    target.write_text(text, encoding="utf-8")
    assert md5_of_file(target) == hashlib.md5(text.encode()).hexdigest()
