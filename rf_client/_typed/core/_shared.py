"""What the typed core-model namespaces share: parsing each result, one image or a list."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from rf_client._base_client import as_batch
from rf_client._ops.core_models import ItemShape, Prediction
from rf_client._ops.registry import parse_model
from rf_client._typed._base import Namespace, check_on_error, settle
from rf_client.errors import RFClientError

if TYPE_CHECKING:
    from rf_client._batch import BatchOutcome
    from rf_client._context import CallContext
    from rf_client._plan import Plan

M = TypeVar("M")
R = TypeVar("R")


def parsed(from_dict: Callable[[Mapping[str, Any]], M]) -> ItemShape[M]:
    """A shape parsing each raw result with a generated model's ``from_dict``."""

    def shape(prediction: Prediction, endpoint: str) -> M:
        return parse_model(from_dict, prediction, endpoint)

    return shape


class CoreNamespace(Namespace):
    """Runs a per-image plan and gives one model for one image, a list for a list."""

    def _each(
        self,
        images: object,
        plan: Callable[[CallContext, list[object]], Plan[BatchOutcome[R]]],
        *,
        on_error: object,
    ) -> R | RFClientError | list[R] | list[R | RFClientError]:
        mode = check_on_error(on_error)
        items, single = as_batch(images)
        return settle(self._client._run(plan(self._client._context(), items)), single, mode)

    async def _each_async(
        self,
        images: object,
        plan: Callable[[CallContext, list[object]], Plan[BatchOutcome[R]]],
        *,
        on_error: object,
    ) -> R | RFClientError | list[R] | list[R | RFClientError]:
        mode = check_on_error(on_error)
        items, single = as_batch(images)
        outcome = await self._client._arun(plan(self._client._context(), items))
        return settle(outcome, single, mode)
