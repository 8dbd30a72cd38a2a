"""What ``import rf_client`` leaves for first use: asyncio, the typed API, generated models."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer

LAZY = ("asyncio", "rf_client._typed", "rf_api_v1.models", "rf_api_v0.models")


def loaded_after(code: str) -> list[str]:
    """Which of :data:`LAZY` a fresh interpreter has loaded after running ``code``."""
    probe = (
        f"{code}\nimport sys, json\nprint(json.dumps([m for m in {LAZY!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=Path(__file__).parents[3],
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_import_and_construction_load_neither_asyncio_nor_the_typed_api() -> None:
    code = (
        "from rf_client import InferenceHTTPClient, InferenceConfiguration\n"
        "client = InferenceHTTPClient('http://localhost:9001', 'key')\n"
        "client.configure(InferenceConfiguration(max_batch_size=2))"
    )
    assert loaded_after(code) == []


def test_the_typed_api_and_asyncio_load_on_first_use(fake_server: FakeServer) -> None:
    serve_model(fake_server, "coco/3")
    code = (
        "import asyncio\n"
        "from rf_client import InferenceHTTPClient\n"
        f"client = InferenceHTTPClient({fake_server.url!r})\n"
        "typed = client.typed\n"
        "assert type(typed).__name__ == 'TypedAPI', typed\n"
        "asyncio.run(client.get_model_description_async('coco/3'))"
    )
    assert set(loaded_after(code)) >= {"asyncio", "rf_client._typed"}
