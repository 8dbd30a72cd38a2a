"""Typed core models: ``client.typed.clip``, ``.ocr``, ``.lmm``, ``.sam``, ``.depth``, ...

The same requests as the documented core-model methods (same plans, parameters and checks),
returning :mod:`rf_api_v1.models` classes. Image methods take one image (giving one model) or
a list (giving a list, in input order); a failed image raises its error with ``error.batch``,
or with ``on_error="return"`` takes its place in the result. One module per family of models.
"""

from rf_client._typed.core.embeddings import (
    ClipNamespace,
    EmbeddingsNamespace,
    PerceptionEncoderNamespace,
)
from rf_client._typed.core.lmm import LmmNamespace
from rf_client._typed.core.ocr import OcrNamespace
from rf_client._typed.core.sam import SamNamespace
from rf_client._typed.core.vision import DepthNamespace, GazeNamespace, YoloWorldNamespace

__all__ = [
    "ClipNamespace",
    "DepthNamespace",
    "EmbeddingsNamespace",
    "GazeNamespace",
    "LmmNamespace",
    "OcrNamespace",
    "PerceptionEncoderNamespace",
    "SamNamespace",
    "YoloWorldNamespace",
]
