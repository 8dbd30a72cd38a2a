"""Workflows: run, validate and describe them."""

from __future__ import annotations

from rf_client._base_client import BaseClient


class WorkflowsMixin(BaseClient):
    """Workflows: run, validate and describe them."""
