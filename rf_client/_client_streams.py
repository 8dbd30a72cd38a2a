"""Streams and video: infer_on_stream (videos, folders, cameras) and infer_on_video."""

from __future__ import annotations

from rf_client._base_client import BaseClient


class StreamsMixin(BaseClient):
    """Streams and video: infer_on_stream (videos, folders, cameras) and infer_on_video."""
