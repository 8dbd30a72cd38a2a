"""Documentation examples: controlling the server (v1 only): info and the model registry."""

from __future__ import annotations

import asyncio

import pytest

from rf_client import InferenceHTTPClient, WrongClientModeError
from tests.support.fake_server import FakeServer, json_reply
from tests.unit.seed.seed_support import paths, run_example

EXAMPLE_SERVER_INFO = """
from inference_sdk import InferenceHTTPClient

# Replace ROBOFLOW_API_KEY with your Roboflow API Key
CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",
    api_key="ROBOFLOW_API_KEY"
)
CLIENT.get_server_info()
"""

EXAMPLE_LIST_LOADED_MODELS = """
from inference_sdk import InferenceHTTPClient

# Replace ROBOFLOW_API_KEY with your Roboflow API Key
CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",
    api_key="ROBOFLOW_API_KEY"
)
CLIENT.list_loaded_models()
"""

EXAMPLE_MODEL_DESCRIPTION = """
from inference_sdk import InferenceHTTPClient

# Replace ROBOFLOW_API_KEY with your Roboflow API Key
CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",
    api_key="ROBOFLOW_API_KEY"
)
CLIENT.get_model_description(model_id="some/1", allow_loading=True)
"""

EXAMPLE_LOAD_MODEL = """
from inference_sdk import InferenceHTTPClient

# Replace ROBOFLOW_API_KEY with your Roboflow API Key
CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",
    api_key="ROBOFLOW_API_KEY"
)
CLIENT.load_model(model_id="some/1", set_as_default=True)
"""

EXAMPLE_UNLOAD_MODEL = """
from inference_sdk import InferenceHTTPClient

# Replace ROBOFLOW_API_KEY with your Roboflow API Key
CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",
    api_key="ROBOFLOW_API_KEY"
)
CLIENT.unload_model(model_id="some/1")
"""

EXAMPLE_UNLOAD_ALL_MODELS = """
from inference_sdk import InferenceHTTPClient

# Replace ROBOFLOW_API_KEY with your Roboflow API Key
CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",
    api_key="ROBOFLOW_API_KEY"
)
CLIENT.unload_all_models()
"""

SOME_MODEL = {
    "model_id": "some/1",
    "task_type": "object-detection",
    "batch_size": 8,
    "input_height": 640,
    "input_width": 640,
}


def test_getting_server_info(docs_server: FakeServer) -> None:
    run = run_example(EXAMPLE_SERVER_INFO, docs_server.url)
    (info,) = run.values
    assert (info.name, info.version, info.uuid) == ("Roboflow Inference Server", "0.9.21", "u-1")
    assert paths(docs_server.requests) == ["GET /info"]


def test_listing_loaded_models(docs_server: FakeServer) -> None:
    run = run_example(EXAMPLE_LIST_LOADED_MODELS, docs_server.url)
    (registry,) = run.values
    assert [m.model_id for m in registry.models] == [
        "soccer-players-5fuqs/1",
        "another-model/1",
        "some/1",
    ]
    assert paths(docs_server.requests) == ["GET /model/registry"]
    assert asyncio.run(run["CLIENT"].list_loaded_models_async()).models == registry.models


def test_getting_a_model_description_loads_it_when_missing(docs_server: FakeServer) -> None:
    # "If allow_loading is set to True: model will be loaded as side-effect if it is not
    # already loaded."
    docs_server.on("GET", "/model/registry", json_reply(200, {"models": []}))
    docs_server.on("POST", "/model/add", json_reply(200, {"models": [SOME_MODEL]}))
    run = run_example(EXAMPLE_MODEL_DESCRIPTION, docs_server.url)
    (description,) = run.values
    assert (description.model_id, description.task_type) == ("some/1", "object-detection")
    assert (description.input_height, description.input_width) == (640, 640)
    assert paths(docs_server.requests) == ["GET /model/registry", "POST /model/add"]
    assert docs_server.requests[1].json()["model_id"] == "some/1"
    again = asyncio.run(run["CLIENT"].get_model_description_async("some/1"))
    assert again.model_id == "some/1"
    assert len(docs_server.requests) == 2  # described once per client


def test_loading_a_model_as_default(docs_server: FakeServer) -> None:
    run = run_example(EXAMPLE_LOAD_MODEL, docs_server.url)
    (registry,) = run.values
    assert "some/1" in [m.model_id for m in registry.models]
    (request,) = docs_server.requests
    assert (request.path, request.json()["model_id"]) == ("/model/add", "some/1")
    client: InferenceHTTPClient = run["CLIENT"]
    assert client.selected_model == "some/1"  # set_as_default=True
    asyncio.run(client.load_model_async("another-model/1"))
    assert client.selected_model == "some/1"  # set_as_default defaults to False


def test_unloading_a_model(docs_server: FakeServer) -> None:
    run = run_example(EXAMPLE_UNLOAD_MODEL, docs_server.url)
    (registry,) = run.values
    assert registry.models == []
    (request,) = docs_server.requests
    assert (request.path, request.json()["model_id"]) == ("/model/remove", "some/1")
    asyncio.run(run["CLIENT"].unload_model_async("another-model/1"))
    assert docs_server.requests[-1].json()["model_id"] == "another-model/1"


def test_unloading_all_models(docs_server: FakeServer) -> None:
    run = run_example(EXAMPLE_UNLOAD_ALL_MODELS, docs_server.url)
    (registry,) = run.values
    assert registry.models == []
    assert paths(docs_server.requests) == ["POST /model/clear"]
    asyncio.run(run["CLIENT"].unload_all_models_async())
    assert paths(docs_server.requests) == ["POST /model/clear"] * 2


@pytest.mark.parametrize(
    "example",
    [
        EXAMPLE_LIST_LOADED_MODELS,
        EXAMPLE_MODEL_DESCRIPTION,
        EXAMPLE_LOAD_MODEL,
        EXAMPLE_UNLOAD_MODEL,
        EXAMPLE_UNLOAD_ALL_MODELS,
    ],
)
def test_registry_control_in_v0_mode_raises_wrong_client_mode(
    fake_server: FakeServer, example: str
) -> None:
    # "Usage of model registry control methods with v0 clients will raise
    # WrongClientModeError." The examples, with the client switched to v0 (still pointed at
    # the fake server, so a missing check could not reach the network).
    closing = 'api_key="ROBOFLOW_API_KEY"\n)'
    with pytest.raises(WrongClientModeError):
        run_example(example, fake_server.url, {closing: closing + ".select_api_v0()"})
    assert fake_server.requests == []
