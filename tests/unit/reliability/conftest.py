"""Fixtures of the reliability suites."""

from __future__ import annotations

import pytest

from tests.unit.reliability.reliability_support import Caller


@pytest.fixture(params=["sync", "async"])
def call(request: pytest.FixtureRequest) -> Caller:
    """Calls a method or its ``_async`` twin: each test using it runs once per surface."""
    surface = request.param
    assert surface in ("sync", "async")
    return Caller(surface)
