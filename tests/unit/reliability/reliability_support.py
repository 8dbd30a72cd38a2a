"""Helpers of the reliability suites: sync/async calls, exception chains, scripted models."""

from __future__ import annotations

import asyncio
import io
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import httpx
from PIL import Image

from rf_client import RetryPolicy, RFClientError
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply

if TYPE_CHECKING:
    from rf_client._base_client import BaseClient
    from rf_client._plan import Plan

Surface = Literal["sync", "async"]
T = TypeVar("T")

API_KEY = "sk-REDACT-ME-7f3a9"
"""A distinctive API key, searched for everywhere by the redaction suite."""

SERVICE_SECRET = "svc-SECRET-b41e2d"
"""A distinctive service secret."""

MODEL_ID = "coco/3"
ROUTE = "/infer/object_detection"

FAST_RETRIES = RetryPolicy(initial_delay=0.01, max_delay=0.02)
"""Backoff short enough for tests (``Retry-After`` is still honoured up to 60 s)."""


@dataclass(frozen=True)
class Caller:
    """Calls ``target.method(...)`` (sync) or ``target.method_async(...)`` in a fresh loop."""

    surface: Surface

    def __call__(self, target: object, method: str, *args: Any, **kwargs: Any) -> Any:
        """The method's result; its errors propagate unchanged."""
        if self.surface == "sync":
            return getattr(target, method)(*args, **kwargs)
        return asyncio.run(getattr(target, f"{method}_async")(*args, **kwargs))

    def run_plan(self, client: BaseClient, plan: Plan[T]) -> T:
        """Run a core plan with the client's sync or async driver."""
        if self.surface == "sync":
            return client._run(plan)
        return asyncio.run(client._arun(plan))


def exception_chain(error: BaseException) -> list[BaseException]:
    """``error`` and every exception reachable through ``__cause__`` and ``__context__``.

    Suppressed contexts (``raise ... from None``) are included: the object is still there.
    """
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is known for known in seen):
            continue
        seen.append(current)
        pending.extend([current.__cause__, current.__context__])
    return seen


def assert_clean_error(error: BaseException, expected: type[RFClientError]) -> None:
    """``error`` is an ``expected`` and no third-party exception hides in its chain."""
    assert isinstance(error, expected), f"{type(error).__name__}: {error}"
    for linked in exception_chain(error):
        assert isinstance(linked, RFClientError), (
            f"{type(linked).__module__}.{type(linked).__name__} in the chain of {error!r}"
        )
        # rf-client's own classes only (some are ValueErrors too): no httpx, OS or decoder error.
        assert type(linked).__module__ == "rf_client.errors"
        assert not isinstance(linked, httpx.HTTPError | OSError | KeyError)


def tiny_png(width: int, height: int = 6) -> bytes:
    """A PNG ``width`` pixels wide: the fake model tells items apart by their width."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (width % 256, 80, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def item_image(index: int) -> bytes:
    """The image of batch item ``index`` (its width is ``index + 10``)."""
    return tiny_png(index + 10)


def registry_answer(model_id: str = MODEL_ID) -> dict[str, Any]:
    """The registry listing one object-detection model."""
    return {
        "models": [
            {
                "model_id": model_id,
                "task_type": "object-detection",
                "input_height": 640,
                "input_width": 640,
            }
        ]
    }


def prediction(item: int) -> dict[str, Any]:
    """The fake model's answer for batch item ``item``."""
    return {
        "image": {"width": item + 10, "height": 6},
        "predictions": [
            {
                "x": 1.0,
                "y": 1.0,
                "width": 1.0,
                "height": 1.0,
                "confidence": 0.5,
                "class": f"item-{item}",
                "class_id": item,
            }
        ],
    }


def item_of(result: Mapping[str, Any]) -> int:
    """The batch item a returned prediction belongs to."""
    return int(result["predictions"][0]["class_id"])


Fault = Callable[[int], Reply | None]
"""For an item and its attempt number (1-based): the fault to answer with, or None."""


class ScriptedModel:
    """A fake object-detection model that counts attempts per item and injects faults.

    Items are told apart by image width (``item_image``). ``faults[item]`` decides, per
    attempt, whether a request carrying that item fails (with the reply it returns).
    """

    def __init__(self, server: FakeServer, faults: Mapping[int, Fault] | None = None) -> None:
        self.attempts: Counter[int] = Counter()
        self.requests_per_item: list[list[int]] = []
        self._faults = dict(faults or {})
        self._lock = threading.Lock()
        server.on("GET", "/model/registry", json_reply(200, registry_answer()))
        server.on("POST", ROUTE, handler=self._answer)

    def _answer(self, request: RecordedRequest) -> Reply:
        body = request.json()
        images = body["image"] if isinstance(body["image"], list) else [body["image"]]
        items = [_item_from(image["value"]) for image in images]
        with self._lock:
            self.requests_per_item.append(items)
            for item in items:
                self.attempts[item] += 1
            attempts = {item: self.attempts[item] for item in items}
        for item in items:
            fault = self._faults.get(item)
            reply = fault(attempts[item]) if fault is not None else None
            if reply is not None:
                return reply
        answers = [prediction(item) for item in items]
        return json_reply(200, answers if isinstance(body["image"], list) else answers[0])


def _item_from(encoded: str) -> int:
    import base64

    with Image.open(io.BytesIO(base64.b64decode(encoded))) as image:
        return int(image.size[0]) - 10


def on_attempts(reply: Reply, attempts: Sequence[int]) -> Fault:
    """A fault answering ``reply`` on the given attempt numbers (1-based)."""
    wanted = frozenset(attempts)
    return lambda attempt: reply if attempt in wanted else None


def always(reply: Reply) -> Fault:
    """A fault answering ``reply`` on every attempt."""
    return lambda attempt: reply
