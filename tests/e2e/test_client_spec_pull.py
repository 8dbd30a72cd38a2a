"""``make spec-pull`` reproduces the committed spec from a freshly started real server.

A second server starts with every optional route mounted (``all_routes=True``: the stream
API, SAM3 and OWLv2 routes make the full 71-path description) and no models, as a developer's
``make spec-pull`` would see it. Its description, normalised, must equal
``spec/v1/server.json`` byte for byte, and the specs derived from it must equal the
generator inputs in ``spec/``: the server's description is deterministic (nothing random, no
machine paths, no timestamps), so any difference is a real change of the server.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Iterator

import pytest

from codegen.pull import fetch_openapi
from codegen.spec_io import Spec, dumps_spec, read_spec
from codegen.specs import (
    V0_OPENAPI,
    V0_SOURCE,
    V1_OPENAPI,
    V1_SERVER,
    V1_SUPPLEMENT,
    build_v0,
    build_v1,
)
from rf_client.server import LocalServer, process_exists

from .conftest import RealServer

pytestmark = pytest.mark.e2e

FULL_DESCRIPTION_PATHS = 71


def first_differences(expected: str, actual: str, limit: int = 40) -> str:
    """The start of a unified diff, to show what changed without flooding the report."""
    diff = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), "committed", "pulled", lineterm="", n=2
    )
    return "\n".join(line for _, line in zip(range(limit), diff, strict=False))


@pytest.fixture(scope="module")
def pulled(real_server: RealServer) -> Iterator[tuple[Spec, Spec]]:
    """The description fetched twice from a second server started for this module."""
    # real_server first: it installs the server (once per machine) and honours
    # RF_CLIENT_SKIP_E2E; this server runs next to it on another free port.
    server = LocalServer(all_routes=True)
    handle = server.start()
    try:
        assert handle.port != real_server.handle.port
        yield fetch_openapi(handle.url), fetch_openapi(handle.url)
    finally:
        server.stop()
    assert not process_exists(handle.pid), f"spec server {handle.pid} survived stop()"


def test_pulled_description_equals_the_committed_server_json(pulled: tuple[Spec, Spec]) -> None:
    description, _ = pulled
    assert description["info"]["version"] == "1.8.3"
    assert len(description["paths"]) == FULL_DESCRIPTION_PATHS
    committed = V1_SERVER.read_text(encoding="utf-8")
    actual = dumps_spec(description)
    assert actual == committed, first_differences(committed, actual)


def test_description_is_stable_between_requests(pulled: tuple[Spec, Spec]) -> None:
    first, second = pulled
    assert dumps_spec(first) == dumps_spec(second)


def normalised(description: Spec) -> Spec:
    """The description as ``make spec-pull`` stores and rebuilds from it (keys sorted)."""
    loaded: Spec = json.loads(dumps_spec(description))
    return loaded


def test_derived_specs_equal_the_generator_inputs(pulled: tuple[Spec, Spec]) -> None:
    # spec-pull writes server.json, then builds the derived specs from the written file.
    v1 = build_v1(normalised(pulled[0]), read_spec(V1_SUPPLEMENT))
    committed_v1 = V1_OPENAPI.read_text(encoding="utf-8")
    assert dumps_spec(v1) == committed_v1, first_differences(committed_v1, dumps_spec(v1))
    v0 = build_v0(read_spec(V0_SOURCE), v1)
    committed_v0 = V0_OPENAPI.read_text(encoding="utf-8")
    assert dumps_spec(v0) == committed_v0, first_differences(committed_v0, dumps_spec(v0))


def test_derived_specs_do_not_depend_on_key_order(pulled: tuple[Spec, Spec]) -> None:
    supplement = read_spec(V1_SUPPLEMENT)
    as_served = build_v1(copy.deepcopy(pulled[0]), supplement)
    as_stored = build_v1(normalised(pulled[0]), supplement)
    assert dumps_spec(as_served) == dumps_spec(as_stored)
