"""What every namespace of the typed API shares: the client it runs on, and parsing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from rf_client._images import PreparedImage
from rf_client._ops.inference import Prediction, Shape
from rf_client._ops.registry import parse_model
from rf_client._results import rescale_prediction

if TYPE_CHECKING:
    from rf_client._base_client import BaseClient

M = TypeVar("M")


class Namespace:
    """A group of typed operations bound to one client (``client.typed.<group>``)."""

    def __init__(self, client: BaseClient) -> None:
        self._client = client


def model_shape(from_dict: Callable[[Mapping[str, Any]], M]) -> Shape[M]:
    """A shape that rescales a raw prediction and parses it with a generated ``from_dict``."""

    def shape(prediction: Prediction, image: PreparedImage | None, endpoint: str) -> M:
        if image is not None and image.scale is not None:
            rescale_prediction(prediction, image.scale, image.original_size)
        return parse_model(from_dict, prediction, endpoint)

    return shape
