"""Real-shaped answers of inference 1.8.3 (tests/fixtures/payloads) served by the fake server."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.support.canned import TASK_ROUTES
from tests.support.fake_server import FakeServer, json_reply

PAYLOADS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "payloads"
IMAGE = Path(__file__).resolve().parents[2] / "fixtures" / "images" / "chelsea.png"
"""451 x 300: the size every payload's ``image`` reports (no rescaling between them)."""


def load_payload(name: str) -> dict[str, Any]:
    """``tests/fixtures/payloads/<name>.json`` (a fresh copy)."""
    data: dict[str, Any] = json.loads((PAYLOADS_DIR / f"{name}.json").read_text())
    return copy.deepcopy(data)


def serve_payload(
    server: FakeServer, task_type: str, payload: dict[str, Any], model_id: str = "project/1"
) -> str:
    """Make ``server`` list ``model_id`` with ``task_type`` and answer ``payload`` on its route.

    Returns the model id to call.
    """
    registry = {
        "models": [
            {
                "model_id": model_id,
                "task_type": task_type,
                "input_height": 640,
                "input_width": 640,
                "batch_size": None,
            }
        ]
    }
    server.on("GET", "/model/registry", json_reply(200, registry))
    server.on("POST", "/model/add", json_reply(200, registry))
    if task_type in TASK_ROUTES:
        server.on("POST", TASK_ROUTES[task_type], json_reply(200, payload))
    return model_id
