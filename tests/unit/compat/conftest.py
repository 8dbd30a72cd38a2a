"""Fixtures of the compatibility suite."""

from __future__ import annotations

import pytest

from tests.unit.compat.compat_support import Runner


@pytest.fixture(params=["sync", "async"])
def runner(request: pytest.FixtureRequest) -> Runner:
    """Runs ``infer`` (sync) or ``infer_async``: each test using it runs once per surface."""
    mode = request.param
    assert mode in ("sync", "async")
    return Runner(mode)
