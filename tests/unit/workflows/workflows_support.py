"""Helpers of the workflow and pipeline tests: sync/async calls, specifications, answers."""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tests.support.fake_server import Reply, json_reply

Surface = Literal["sync", "async"]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
WORKFLOWS_DIR = FIXTURES / "workflows"
IMAGES_DIR = FIXTURES / "images"
HERE = Path(__file__).parent

JPEG_BYTES = (IMAGES_DIR / "rocket.jpg").read_bytes()
JPEG_BASE64 = base64.b64encode(JPEG_BYTES).decode("ascii")
"""A real 640x427 JPEG, as a workflow image output carries it."""


@dataclass(frozen=True)
class Caller:
    """Calls ``target.method(...)`` (sync) or ``target.method_async(...)`` in a fresh loop."""

    surface: Surface

    def __call__(self, target: object, method: str, *args: Any, **kwargs: Any) -> Any:
        """The method's result; its errors propagate unchanged."""
        if self.surface == "sync":
            return getattr(target, method)(*args, **kwargs)
        return asyncio.run(getattr(target, f"{method}_async")(*args, **kwargs))


def specification(name: str) -> dict[str, Any]:
    """A workflow specification of ``tests/fixtures/workflows`` (``qr_and_barcode``, ...)."""
    loaded = json.loads((WORKFLOWS_DIR / f"{name}.json").read_text())
    assert isinstance(loaded, dict)
    return loaded


def image_output(**extra: Any) -> dict[str, Any]:
    """A workflow image output as the server sends it (JPEG base64 plus metadata)."""
    return {"type": "base64", "value": JPEG_BASE64, **extra}


def run_reply(outputs: list[dict[str, Any]], profiler_trace: Any = None) -> Reply:
    """A successful workflow run answer."""
    return json_reply(200, {"outputs": outputs, "profiler_trace": profiler_trace or []})


def blocks_answer() -> dict[str, Any]:
    """A real ``GET /workflows/blocks/describe`` answer of inference 1.8.3, cut to one block."""
    loaded = json.loads((HERE / "blocks_describe_answer.json").read_text())
    assert isinstance(loaded, dict)
    return loaded
