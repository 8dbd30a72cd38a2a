"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fake_server import FakeServer

IMAGES_DIR = Path(__file__).parent / "fixtures" / "images"


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    """A scriptable HTTP server on 127.0.0.1, fresh for each test."""
    server = FakeServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def images_dir() -> Path:
    """The folder of test photographs (see tests/fixtures/images/README.md)."""
    return IMAGES_DIR
