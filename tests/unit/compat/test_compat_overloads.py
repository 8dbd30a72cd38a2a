"""What comes back: one input gives one dict, a list gives a list (a list of one too)."""

from __future__ import annotations

import asyncio

import pytest

from rf_client import (
    APIKeyNotProvided,
    InferenceHTTPClient,
    InvalidModelIdentifier,
    ModelNotSelectedError,
    WrongClientModeError,
)
from tests.support.canned import prediction_for
from tests.support.fake_server import FakeServer
from tests.unit.compat.compat_support import IMAGES_DIR, ModelSpec, Runner, serve_models

IMAGE = str(IMAGES_DIR / "page.png")
EXPECTED = prediction_for("object-detection", 384, 191)


@pytest.fixture
def client(fake_server: FakeServer) -> InferenceHTTPClient:
    serve_models(fake_server, {"m/1": ModelSpec()})
    return InferenceHTTPClient(fake_server.url, "key").select_model("m/1")


def test_one_input_gives_one_dict(client: InferenceHTTPClient, runner: Runner) -> None:
    assert runner.infer(client, IMAGE) == EXPECTED


def test_a_list_gives_a_list(client: InferenceHTTPClient, runner: Runner) -> None:
    assert runner.infer(client, [IMAGE, IMAGE]) == [EXPECTED, EXPECTED]


def test_a_list_of_one_gives_a_list_of_one(client: InferenceHTTPClient, runner: Runner) -> None:
    # 1.8.3 unwrapped a list of one into a dict; rf-client keeps the shape the caller gave,
    # which is what the typed overloads promise.
    assert runner.infer(client, [IMAGE]) == [EXPECTED]


def test_route_specific_variants_follow_the_same_rule(
    fake_server: FakeServer, client: InferenceHTTPClient
) -> None:
    assert client.infer_from_api_v1(IMAGE) == EXPECTED
    assert client.infer_from_api_v1([IMAGE]) == [EXPECTED]
    assert client.infer_from_api_v0(IMAGE) == EXPECTED
    assert client.infer_from_api_v0([IMAGE, IMAGE]) == [EXPECTED, EXPECTED]
    assert asyncio.run(client.infer_from_api_v1_async([IMAGE])) == [EXPECTED]
    assert asyncio.run(client.infer_from_api_v0_async(IMAGE)) == EXPECTED
    paths = [r.path for r in fake_server.requests]
    assert paths == [
        "/model/registry",
        "/infer/object_detection",
        "/infer/object_detection",
        "/m/1",
        "/m/1",
        "/m/1",
        "/infer/object_detection",
        "/m/1",
    ]


def test_v1_route_refuses_v0_mode_and_a_missing_model(
    fake_server: FakeServer, client: InferenceHTTPClient
) -> None:
    with pytest.raises(WrongClientModeError), client.use_api_v0():
        client.infer_from_api_v1(IMAGE)
    with pytest.raises(ModelNotSelectedError):
        InferenceHTTPClient(fake_server.url, "key").infer(IMAGE)
    assert fake_server.requests == []


def test_v0_needs_an_api_key_and_a_project_version_model_id(
    fake_server: FakeServer, runner: Runner
) -> None:
    serve_models(fake_server, {"m/1": ModelSpec()})
    keyless = InferenceHTTPClient(fake_server.url).select_api_v0()
    with pytest.raises(APIKeyNotProvided):
        runner.infer(keyless, IMAGE, "m/1")
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    with pytest.raises(InvalidModelIdentifier):
        runner.infer(client, IMAGE, "workspace/m/1")
    assert fake_server.requests == []
