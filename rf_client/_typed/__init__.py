"""The typed API: ``client.typed.<group>.<operation>(...)`` returns the generated attrs models.

Same configuration, image loading, batching, retries and errors as the documented API; where
that returns dicts, this returns :mod:`rf_api_v1.models` classes your editor can complete.
Every operation has an ``_async`` twin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rf_client._typed.core import (
    ClipNamespace,
    DepthNamespace,
    EmbeddingsNamespace,
    GazeNamespace,
    LmmNamespace,
    OcrNamespace,
    PerceptionEncoderNamespace,
    SamNamespace,
    YoloWorldNamespace,
)
from rf_client._typed.models import InferNamespace, ModelsNamespace, ServerNamespace
from rf_client._typed.video import VideoNamespace
from rf_client._typed.workflows import PipelinesNamespace, WorkflowsNamespace

if TYPE_CHECKING:
    from rf_client._base_client import BaseClient


class TypedAPI:
    """Namespaces of typed operations bound to one client (``client.typed``)."""

    def __init__(self, client: BaseClient) -> None:
        self.server = ServerNamespace(client)
        """Server information."""
        self.models = ModelsNamespace(client)
        """The model registry."""
        self.infer = InferNamespace(client)
        """Models trained on the platform, one method per task type."""
        self.clip = ClipNamespace(client)
        """CLIP: image and text embeddings, similarity."""
        self.perception_encoder = PerceptionEncoderNamespace(client)
        """Perception Encoder: image and text embeddings."""
        self.embeddings = EmbeddingsNamespace(client)
        """Features or logits of classification models."""
        self.ocr = OcrNamespace(client)
        """OCR: DocTR, TrOCR, EasyOCR, PP-OCR."""
        self.lmm = LmmNamespace(client)
        """Large multimodal models and CogVLM."""
        self.depth = DepthNamespace(client)
        """Depth estimation."""
        self.sam = SamNamespace(client)
        """Segment Anything 2 and 3."""
        self.yolo_world = YoloWorldNamespace(client)
        """YOLO-World open-vocabulary detection."""
        self.gaze = GazeNamespace(client)
        """Gaze detection (inference servers older than 1.8.3)."""
        self.video = VideoNamespace(client)
        """Action recognition on clips, and typed frame-by-frame streams."""
        self.workflows = WorkflowsNamespace(client)
        """Workflows: run, validate, describe."""
        self.pipelines = PipelinesNamespace(client)
        """Inference pipelines (experimental): workflows the server runs on video."""
