"""Locally built models that the real inference server serves fully offline.

``build_offline_models(folder)`` writes four tiny YOLOv8-shaped ONNX models with constant
outputs (one per task type) plus the records and manifests the server needs to load them
without Roboflow's API; start the server with ``models_dir=folder``. The predictions are
known in advance (see :mod:`~rf_client.server.offline_models.catalogue`), which makes them
the peer of end-to-end tests and demos.
"""

from __future__ import annotations

from rf_client.server.offline_models.artefacts import model_cache_slug
from rf_client.server.offline_models.builder import OfflineModelSet, build_offline_models
from rf_client.server.offline_models.catalogue import (
    CANDIDATES,
    CLASSIFICATION_PROBABILITIES,
    OFFLINE_MODELS,
    Candidate,
    ExpectedBox,
    Keypoint,
    OfflineModelSpec,
    expected_box,
    expected_point,
    offline_model,
)

__all__ = [
    "CANDIDATES",
    "CLASSIFICATION_PROBABILITIES",
    "OFFLINE_MODELS",
    "Candidate",
    "ExpectedBox",
    "Keypoint",
    "OfflineModelSet",
    "OfflineModelSpec",
    "build_offline_models",
    "expected_box",
    "expected_point",
    "model_cache_slug",
    "offline_model",
]
