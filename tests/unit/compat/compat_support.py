"""Helpers of the compatibility suite: run ``infer`` sync or async, read what the server got.

The suite checks rf-client against the documented API of inference-sdk 1.8.3 (issue 3), so
most tests run twice, once through ``infer`` and once through ``infer_async``: :class:`Runner`
hides the difference. The fake server records every request; the functions below decode the
images a request carried so tests can compare them with what was given.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import io
import json
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
from PIL import Image

from bench.environment import SDK_VERSION, installed_sdk_version, sdk_python
from rf_client import InferenceHTTPClient
from tests.support.canned import TASK_ROUTES, prediction_for
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply

Prediction = dict[str, Any]
Mode = Literal["sync", "async"]

IMAGES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "images"
SDK_PYTHON = sdk_python()
"""inference-sdk 1.8.3's interpreter (bench/.venvs/sdk; ``make unit`` installs it)."""


@dataclass(frozen=True)
class Runner:
    """Calls ``infer`` (``mode="sync"``) or ``infer_async`` in a fresh event loop."""

    mode: Mode

    def infer(self, client: InferenceHTTPClient, image: object, model_id: str | None = None) -> Any:
        """``client.infer(image, model_id)`` or its async twin; whatever it returns."""
        if self.mode == "sync":
            return client.infer(image, model_id=model_id)  # type: ignore[call-overload]
        return asyncio.run(client.infer_async(image, model_id=model_id))  # type: ignore[call-overload]

    def one(
        self, client: InferenceHTTPClient, image: object, model_id: str | None = None
    ) -> Prediction:
        """The prediction for one image (asserting a dict came back)."""
        result = self.infer(client, image, model_id)
        assert isinstance(result, dict), f"one image must give one dict, not {type(result)}"
        return result

    def many(
        self, client: InferenceHTTPClient, images: list[Any], model_id: str | None = None
    ) -> list[Prediction]:
        """The predictions for a list of images (asserting a list of dicts came back)."""
        result = self.infer(client, images, model_id)
        assert isinstance(result, list), f"a list must give a list, not {type(result)}"
        assert all(isinstance(item, dict) for item in result)
        return result


def fixture_bytes(name: str) -> bytes:
    """The bytes of ``tests/fixtures/images/<name>``."""
    return (IMAGES_DIR / name).read_bytes()


def sent_images(request: RecordedRequest) -> list[str]:
    """The base64 images a request carried: the v1 JSON ``image`` field or the v0 raw body."""
    if request.path.startswith("/infer/"):
        image = request.json()["image"]
        items = image if isinstance(image, list) else [image]
        for item in items:
            assert item["type"] == "base64"
        return [str(item["value"]) for item in items]
    return [request.body.decode("ascii")]


def decode(encoded: str) -> Image.Image:
    """A base64 image, decoded and loaded."""
    image = Image.open(io.BytesIO(base64.b64decode(encoded)))
    image.load()
    return image


def jpeg_bytes(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    """A solid ``colour`` (RGB) JPEG of ``size`` (width, height)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def png_bytes(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    """A solid ``colour`` (RGB) PNG of ``size`` (width, height)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def close_to(actual: Sequence[int], expected: Sequence[int], tolerance: int = 24) -> bool:
    """Whether two pixels agree channel by channel within ``tolerance`` (JPEG is lossy)."""
    return len(actual) == len(expected) and all(
        abs(int(a) - int(e)) <= tolerance for a, e in zip(actual, expected, strict=True)
    )


@dataclass
class ModelSpec:
    """One model the fake server serves: task type and input size (height, width)."""

    task_type: str = "object-detection"
    input_height: int = 640
    input_width: int = 640


@dataclass
class InferLog:
    """When each inference request started and finished (monotonic seconds), by first width."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    started: list[tuple[float, int]] = field(default_factory=list)
    finished: list[tuple[float, int]] = field(default_factory=list)


def serve_models(
    server: FakeServer,
    models: dict[str, ModelSpec],
    *,
    delay: Callable[[RecordedRequest, list[tuple[int, int]]], float] | None = None,
    echo: bool = False,
    extra: Callable[[RecordedRequest], dict[str, Any]] | None = None,
    log: InferLog | None = None,
) -> None:
    """Make ``server`` serve ``models`` through the registry, v1 task routes and v0 routes.

    Each answer holds one prediction per image received, sized to the image received (like
    :func:`tests.support.canned.serve_model`). ``delay(request, sizes)`` slows an answer down;
    ``echo`` copies the request's ``model_id`` and ``confidence`` into each prediction (as
    ``echo_model_id`` / ``echo_confidence``), so a test can tell which call a result belongs
    to; ``extra(request)`` adds keys to every prediction; ``log`` records start/finish times.
    """
    registry = {
        "models": [
            {
                "model_id": model_id,
                "task_type": spec.task_type,
                "input_height": spec.input_height,
                "input_width": spec.input_width,
                "batch_size": None,
            }
            for model_id, spec in models.items()
        ]
    }
    server.on("GET", "/model/registry", json_reply(200, registry))
    server.on("POST", "/model/add", json_reply(200, registry))

    def answer(request: RecordedRequest, task_type: str, batch: bool) -> Reply:
        sizes = [decode(image).size for image in sent_images(request)]
        if log is not None:
            with log.lock:
                log.started.append((time.monotonic(), sizes[0][0]))
        if delay is not None:
            time.sleep(delay(request, sizes))
        predictions = [prediction_for(task_type, width, height) for width, height in sizes]
        for prediction in predictions:
            if echo:
                body = request.json() if request.path.startswith("/infer/") else {}
                prediction["echo_model_id"] = body.get("model_id", request.path.strip("/"))
                prediction["echo_confidence"] = body.get("confidence", request.param("confidence"))
            if extra is not None:
                prediction.update(extra(request))
        if log is not None:
            with log.lock:
                log.finished.append((time.monotonic(), sizes[0][0]))
        return json_reply(200, predictions if batch else predictions[0])

    def v1_handler(request: RecordedRequest) -> Reply:
        model_id = request.json()["model_id"]
        spec = models.get(model_id)
        if spec is None:
            return json_reply(404, {"message": f"model {model_id} not served"})
        return answer(request, spec.task_type, isinstance(request.json()["image"], list))

    for route in sorted(set(TASK_ROUTES.values())):
        server.on("POST", route, handler=v1_handler)
    for model_id, spec in models.items():

        def v0_handler(request: RecordedRequest, task_type: str = spec.task_type) -> Reply:
            return answer(request, task_type, False)

        server.on("POST", f"/{model_id}", handler=v0_handler)


def infer_requests(server: FakeServer) -> list[RecordedRequest]:
    """The inference requests (v1 task routes and v0 model routes), in arrival order."""
    return [
        r
        for r in server.requests
        if r.method == "POST" and r.path not in ("/model/add", "/model/remove", "/model/clear")
    ]


@functools.cache
def sdk_available() -> bool:
    """Whether inference-sdk 1.8.3's own interpreter is installed for cross-checks.

    ``RF_CLIENT_REQUIRE_SDK=1`` (set by ``make unit``, so by CI) turns its absence into a
    failure: a cross-check must not be skipped silently where it is supposed to run.
    """
    installed = SDK_PYTHON.exists() and installed_sdk_version(SDK_PYTHON) == SDK_VERSION
    if not installed and os.environ.get("RF_CLIENT_REQUIRE_SDK") == "1":
        pytest.fail(
            f"inference-sdk {SDK_VERSION} is not installed at {SDK_PYTHON}; run "
            "`make unit` (it installs it) or unset RF_CLIENT_REQUIRE_SDK."
        )
    return installed


def run_in_sdk(code: str) -> Any:
    """Run ``code`` with inference-sdk 1.8.3's interpreter; the JSON it prints, decoded.

    A separate interpreter keeps the SDK (and its dependencies) out of this process.
    """
    import subprocess

    completed = subprocess.run(
        [str(SDK_PYTHON), "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])
