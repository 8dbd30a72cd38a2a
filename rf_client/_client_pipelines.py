"""Inference pipelines: start, list, status, pause, resume, terminate, consume."""

from __future__ import annotations

from rf_client._base_client import BaseClient


class PipelinesMixin(BaseClient):
    """Inference pipelines: start, list, status, pause, resume, terminate, consume."""
