"""Core models: CLIP, perception encoder, OCR, CogVLM, LMMs, depth, SAM, YOLO-World, gaze."""

from __future__ import annotations

from rf_client._base_client import BaseClient


class CoreModelsMixin(BaseClient):
    """Core models: CLIP, perception encoder, OCR, CogVLM, LMMs, depth, SAM, YOLO-World, gaze."""
