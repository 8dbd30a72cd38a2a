"""The files of a locally built model, as ``inference-models`` 0.39 expects them offline.

With ``OFFLINE_MODE=True`` the server resolves a model id from three things under its
``INFERENCE_HOME`` (which is also its ``MODEL_CACHE_DIR``)::

    offline-weights-registry/<slug>.json        the record a warm-up run would write
    models-cache/<slug>/offlineonnx1/           the package: weights.onnx, class_names.txt,
                                                inference_config.json, [keypoints_metadata.json]
                                                and model_config.json (v4 manifest: task type)
    <dataset>/<version>/model_type.json         task type again (older lookup, kept as backup)

Nothing in the record is signed; the server checks that the listed files exist and that
their md5 is well formed, and ``verify_offline_model(check_hashes=True)`` compares it.
Everything here is pure: no ONNX, no I/O except hashing a file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rf_client.server.offline_models.catalogue import NETWORK_SIZE, OfflineModelSpec

__all__ = [
    "MANIFEST_VERSION",
    "ONNX_OPSET",
    "PACKAGE_ID",
    "RECORD_FORMAT_VERSION",
    "artefact_names",
    "class_names_text",
    "inference_config",
    "json_text",
    "keypoints_metadata",
    "md5_of_file",
    "model_cache_slug",
    "model_config_manifest",
    "model_type_document",
    "model_type_path",
    "offline_weights_record",
    "package_dir",
    "record_path",
]

PACKAGE_ID = "offlineonnx1"
"""The package id of every built model (must match ``[A-Za-z0-9]+``)."""

ONNX_OPSET = 17
"""Opset of the graphs; onnxruntime 1.21 in the server accepts up to 22."""

RECORD_FORMAT_VERSION = 1
"""``format_version`` of the offline-weights record."""

MANIFEST_VERSION = 4
"""``offline_manifest_version`` of ``model_config.json``."""

_SLUG_VERSION = "v2"
_SLUG_PREFIX_LENGTH = 48
_EMPTY_SLUG_PREFIX = "special-char-only-model-id"


def model_cache_slug(model_id: str) -> str:
    """The folder/file name the server derives from a model id.

    Mirrors ``inference_models...model_cache_paths.slugify_model_id_to_os_safe_format``:
    ``v2-<prefix>-<blake2s-128 of the id>``, where the prefix is the id with runs of unsafe
    characters turned into ``-``, runs of two or more ``_``/``-`` collapsed, cut to 48.

    >>> model_cache_slug("offline-od/1")
    'v2-offline-od-1-41858d94c343f752aadd3a2c6f09d86e'
    """
    prefix = re.sub(r"[^A-Za-z0-9_-]+", "-", model_id)
    prefix = re.sub(r"[_-]{2,}", "-", prefix) or _EMPTY_SLUG_PREFIX
    digest = hashlib.blake2s(model_id.encode("utf-8"), digest_size=16).hexdigest()
    return f"{_SLUG_VERSION}-{prefix[:_SLUG_PREFIX_LENGTH]}-{digest}"


def record_path(models_dir: Path, model_id: str) -> Path:
    """Where the offline-weights record of ``model_id`` goes."""
    return models_dir / "offline-weights-registry" / f"{model_cache_slug(model_id)}.json"


def package_dir(models_dir: Path, model_id: str) -> Path:
    """The package folder of ``model_id``."""
    return models_dir / "models-cache" / model_cache_slug(model_id) / PACKAGE_ID


def model_type_path(models_dir: Path, spec: OfflineModelSpec) -> Path:
    """The ``<dataset>/<version>/model_type.json`` of a model."""
    return models_dir / spec.dataset / spec.version / "model_type.json"


def md5_of_file(path: Path) -> str:
    """Hex md5 of a file's content (the form the record and manifest carry)."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def json_text(document: object) -> str:
    """How every JSON artefact is written (stable, so md5s are reproducible)."""
    return json.dumps(document, indent=2) + "\n"


def artefact_names(spec: OfflineModelSpec) -> tuple[str, ...]:
    """The package files the record lists, sorted; ``model_config.json`` is never one."""
    names = ["class_names.txt", "inference_config.json", "weights.onnx"]
    if spec.keypoint_names:
        names.append("keypoints_metadata.json")
    return tuple(sorted(names))


def class_names_text(spec: OfflineModelSpec) -> str:
    """``class_names.txt``: one class per line."""
    return "".join(f"{name}\n" for name in spec.class_names)


def inference_config(spec: OfflineModelSpec) -> dict[str, Any]:
    """``inference_config.json``: stretch to 640x640, NMS (or fused softmax for classifiers)."""
    post_processing = (
        {"type": "softmax", "fused": True}
        if spec.is_classifier
        else {"type": "nms", "fused": False}
    )
    return {
        "image_pre_processing": {},
        "network_input": {
            "training_input_size": {"height": NETWORK_SIZE, "width": NETWORK_SIZE},
            "dynamic_spatial_size_supported": False,
            "color_mode": "rgb",
            "resize_mode": "stretch",
            "input_channels": 3,
            "scaling_factor": 255,
        },
        "forward_pass": {"max_dynamic_batch_size": 8},
        "post_processing": post_processing,
    }


def keypoints_metadata(spec: OfflineModelSpec) -> list[dict[str, Any]]:
    """``keypoints_metadata.json``: the key point names of class 0 and the skeleton."""
    return [
        {
            "object_class_id": 0,
            "keypoints": {str(index): name for index, name in enumerate(spec.keypoint_names)},
            "edges": [{"from": 0, "to": index} for index in range(1, len(spec.keypoint_names))],
        }
    ]


def model_type_document(spec: OfflineModelSpec) -> dict[str, str]:
    """``model_type.json``: the task type and architecture of the id."""
    return {"project_task_type": spec.task_type, "model_type": "yolov8", "model_id": spec.model_id}


def offline_weights_record(
    spec: OfflineModelSpec, artefact_md5s: Mapping[str, str], recorded_at: str
) -> dict[str, Any]:
    """The offline-weights record: one trusted fp32 ONNX package with its artefact md5s."""
    return {
        "format_version": RECORD_FORMAT_VERSION,
        "canonical_model_id": spec.model_id,
        "requested_aliases": [],
        "recorded_at": recorded_at,
        "source": "warmup",
        "model": {
            "model_architecture": "yolov8",
            "task_type": spec.task_type,
            "model_variant": None,
            "model_dependencies": None,
            "recommended_parameters": None,
        },
        "packages": [
            {
                "package_id": PACKAGE_ID,
                "backend": "onnx",
                "quantization": "fp32",
                "dynamic_batch_size_supported": True,
                "static_batch_size": None,
                # Untrusted packages are dropped by the server's package negotiation.
                "trusted_source": True,
                "model_features": None,
                "recommended_parameters": None,
                "cache_model_id": None,
                "environment_requirements": None,
                "trt_package_details": None,
                "onnx_package_details": {"opset": ONNX_OPSET, "incompatible_providers": None},
                "torch_script_package_details": None,
                "artifacts": [
                    {"file_handle": name, "md5_hash": artefact_md5s[name]}
                    for name in artefact_names(spec)
                ],
            }
        ],
        "proven": {PACKAGE_ID: {"last_proven_at": recorded_at}},
    }


def model_config_manifest(
    spec: OfflineModelSpec, artefact_md5s: Mapping[str, str]
) -> dict[str, Any]:
    """``model_config.json``: the v4 manifest that tells the server the id's task type."""
    return {
        "offline_manifest_version": MANIFEST_VERSION,
        "model_architecture": "yolov8",
        "task_type": spec.task_type,
        "backend_type": "onnx",
        "model_features": None,
        "trusted_source": True,
        "model_dependencies": [],
        "recommended_parameters": None,
        "quantization": "fp32",
        "dynamic_batch_size_supported": True,
        "static_batch_size": None,
        "canonical_model_id": spec.model_id,
        "package_artifacts": [
            {
                "file_handle": name,
                "md5_hash": artefact_md5s[name],
                "unhashed": False,
                "sha256_hash": None,
                "source_hash": None,
                "storage": "package_file",
            }
            for name in artefact_names(spec)
        ],
        "dependency_package_paths": [],
        "model_id": spec.model_id,
    }
