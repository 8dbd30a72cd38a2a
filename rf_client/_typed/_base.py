"""What every namespace of the typed API shares: the client it runs on, parsing, delivery."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar

from rf_client._base_client import deliver
from rf_client._images import PreparedImage
from rf_client._ops.inference import Prediction, Shape
from rf_client._ops.registry import parse_model
from rf_client._results import rescale_prediction
from rf_client.errors import InvalidParameterError, RFClientError

if TYPE_CHECKING:
    from rf_client._base_client import BaseClient
    from rf_client._batch import BatchOutcome
    from rf_client._context import CallContext

M = TypeVar("M")

OnError = Literal["raise", "return"]
"""What a typed batch operation does with a failed image: raise its error, or return it."""

Delivered: TypeAlias = M | list[M] | RFClientError | list[M | RFClientError]
"""What a typed batch operation's implementation returns (its overloads say which, exactly)."""


class Namespace:
    """A group of typed operations bound to one client (``client.typed.<group>``)."""

    def __init__(self, client: BaseClient) -> None:
        self._client = client

    def _v1_context(self, operation: str) -> CallContext:
        """The call's context; WrongClientModeError naming ``operation`` in v0 mode."""
        context = self._client._context()
        context.require_v1(operation)
        return context


def check_on_error(on_error: object) -> OnError:
    """``on_error`` when it is ``"raise"`` or ``"return"``; InvalidParameterError otherwise."""
    if on_error == "raise":
        return "raise"
    if on_error == "return":
        return "return"
    raise InvalidParameterError(f"on_error must be 'raise' or 'return', not {on_error!r}.")


def settle(outcome: BatchOutcome[M], single: bool, on_error: OnError) -> Delivered[M]:
    """A typed batch's result: :func:`deliver` (``"raise"``), or each result or error in order.

    With ``"return"`` a failed image's ``RFClientError`` takes its place (one image: the
    result or the error itself); nothing raises for a failed image.
    """
    if on_error == "raise":
        return deliver(outcome, single)
    settled: list[M | RFClientError] = [
        o.error if o.error is not None else o.unwrap() for o in outcome.outcomes
    ]
    return settled[0] if single else settled


def model_shape(from_dict: Callable[[Mapping[str, Any]], M]) -> Shape[M]:
    """A shape that rescales a raw prediction and parses it with a generated ``from_dict``."""

    def shape(prediction: Prediction, image: PreparedImage | None, endpoint: str) -> M:
        if image is not None and image.scale is not None:
            rescale_prediction(prediction, image.scale, image.original_size)
        return parse_model(from_dict, prediction, endpoint)

    return shape
