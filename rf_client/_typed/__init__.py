"""The typed API: ``client.typed.<group>.<operation>(...)`` returns the generated attrs models.

Same configuration, image loading, batching, retries and errors as the documented API; where
that returns dicts, this returns :mod:`rf_api_v1.models` classes your editor can complete.
Every operation has an ``_async`` twin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rf_client._typed.models import InferNamespace, ModelsNamespace, ServerNamespace

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
