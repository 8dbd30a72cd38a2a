"""Documentation examples: quickstart, async client, configuration, chain mode, batches."""

from __future__ import annotations

import asyncio

import pytest

import rf_client
from rf_client import HTTPClientMode, InferenceHTTPClient
from tests.support.fake_server import FakeServer, RecordedRequest
from tests.unit.seed.seed_support import IMAGE_PATH, inference_calls, paths, run_example

EXAMPLE_QUICKSTART = """
from inference_sdk import InferenceHTTPClient

CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",
    api_key="ROBOFLOW_API_KEY"
)

image_url = "https://source.roboflow.com/pwYAXv9BTpqLyFfgQoPZ/u48G0UpWfk8giSw7wrU8/original.jpg"
result = CLIENT.infer(image_url, model_id="soccer-players-5fuqs/1")
"""

EXAMPLE_ASYNC_CLIENT = """
import asyncio
from inference_sdk import InferenceHTTPClient

CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",
    api_key="ROBOFLOW_API_KEY"
)

image_url = "https://source.roboflow.com/pwYAXv9BTpqLyFfgQoPZ/u48G0UpWfk8giSw7wrU8/original.jpg"
loop = asyncio.get_event_loop()
result = loop.run_until_complete(
  CLIENT.infer_async(image_url, model_id="soccer-players-5fuqs/1")
)
"""

EXAMPLE_CONTEXT_MANAGERS = """
from inference_sdk import InferenceHTTPClient, InferenceConfiguration

image_url = "https://source.roboflow.com/pwYAXv9BTpqLyFfgQoPZ/u48G0UpWfk8giSw7wrU8/original.jpg"

custom_configuration = InferenceConfiguration(confidence_threshold=0.8)
# Replace ROBOFLOW_API_KEY with your Roboflow API Key
CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",
    api_key="ROBOFLOW_API_KEY"
)
with CLIENT.use_api_v0():
    _ = CLIENT.infer(image_url, model_id="soccer-players-5fuqs/1")

with CLIENT.use_configuration(custom_configuration):
    _ = CLIENT.infer(image_url, model_id="soccer-players-5fuqs/1")

with CLIENT.use_model("soccer-players-5fuqs/1"):
    _ = CLIENT.infer(image_url)

# after leaving context manager - changes are reverted and `model_id` is still required
_ = CLIENT.infer(image_url, model_id="soccer-players-5fuqs/1")
"""

EXAMPLE_CONFIGURE_AND_SELECT = """
from inference_sdk import InferenceHTTPClient, InferenceConfiguration

image_url = "https://source.roboflow.com/pwYAXv9BTpqLyFfgQoPZ/u48G0UpWfk8giSw7wrU8/original.jpg"

custom_configuration = InferenceConfiguration(confidence_threshold=0.8)
# Replace ROBOFLOW_API_KEY with your Roboflow API Key
CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",
    api_key="ROBOFLOW_API_KEY"
)
CLIENT.select_api_v0()
_ = CLIENT.infer(image_url, model_id="soccer-players-5fuqs/1")

# API v0 still holds
CLIENT.configure(custom_configuration)
CLIENT.infer(image_url, model_id="soccer-players-5fuqs/1")

# API v0 and custom configuration still holds
CLIENT.select_model(model_id="soccer-players-5fuqs/1")
_ = CLIENT.infer(image_url)

# API v0, custom configuration and selected model - still holds
_ = CLIENT.infer(image_url)
"""

EXAMPLE_CHAIN_MODE = """
from inference_sdk import InferenceHTTPClient, InferenceConfiguration

# Replace ROBOFLOW_API_KEY with your Roboflow API Key
CLIENT = InferenceHTTPClient(api_url="http://localhost:9001", api_key="ROBOFLOW_API_KEY") \\
    .select_api_v0() \\
    .select_model("soccer-players-5fuqs/1")
"""

EXAMPLE_MODEL_OVERRIDE = """
from inference_sdk import InferenceHTTPClient

image_url = "https://source.roboflow.com/pwYAXv9BTpqLyFfgQoPZ/u48G0UpWfk8giSw7wrU8/original.jpg"

# Replace ROBOFLOW_API_KEY with your Roboflow API Key
CLIENT = InferenceHTTPClient(api_url="http://localhost:9001", api_key="ROBOFLOW_API_KEY") \\
    .select_model("soccer-players-5fuqs/1")

_ = CLIENT.infer(image_url, model_id="another-model/1")
"""

EXAMPLE_PARALLEL_BATCH = """
from inference_sdk import InferenceHTTPClient

image_url = "https://source.roboflow.com/pwYAXv9BTpqLyFfgQoPZ/u48G0UpWfk8giSw7wrU8/original.jpg"

# Replace ROBOFLOW_API_KEY with your Roboflow API Key
CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",
    api_key="ROBOFLOW_API_KEY"
)
predictions = CLIENT.infer([image_url] * 5, model_id="soccer-players-5fuqs/1")

print(predictions)
"""

EXAMPLE_CONFIGURATION_IMPORT = """
from inference_sdk import InferenceConfiguration
"""

ROCKET = {"width": 640, "height": 427}  # the image the documentation's image URL serves here


def v0_confidence(request: RecordedRequest) -> str | None:
    return request.param("confidence")


def test_quickstart(docs_server: FakeServer) -> None:
    run = run_example(EXAMPLE_QUICKSTART, docs_server.url)
    assert run["result"]["image"] == ROCKET
    assert run["result"]["predictions"][0]["class"] == "cat"
    assert paths(docs_server.requests) == [
        "GET /model/registry",
        f"GET {IMAGE_PATH}",  # the client downloads the URL itself
        "POST /infer/object_detection",
    ]
    request = docs_server.requests[-1]
    assert request.json()["model_id"] == "soccer-players-5fuqs/1"
    assert request.headers["authorization"] == "Bearer ROBOFLOW_API_KEY"


def test_async_client(docs_server: FakeServer) -> None:
    # The example asks asyncio for the current loop; give this thread one to hand out.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        run = run_example(EXAMPLE_ASYNC_CLIENT, docs_server.url)
        assert run["loop"] is loop
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    assert run["result"]["image"] == ROCKET
    assert paths(inference_calls(docs_server)) == ["POST /infer/object_detection"]
    assert inference_calls(docs_server)[0].json()["model_id"] == "soccer-players-5fuqs/1"


def test_configuring_with_context_managers(docs_server: FakeServer) -> None:
    run = run_example(EXAMPLE_CONTEXT_MANAGERS, docs_server.url)
    calls = inference_calls(docs_server)
    assert paths(calls) == [
        "POST /soccer-players-5fuqs/1",  # use_api_v0()
        "POST /infer/object_detection",  # use_configuration(confidence 0.8)
        "POST /infer/object_detection",  # use_model(...)
        "POST /infer/object_detection",  # after the blocks
    ]
    assert calls[0].param("api_key") == "ROBOFLOW_API_KEY"
    assert calls[0].param("confidence") is None
    assert [c.json().get("confidence") for c in calls[1:]] == [0.8, None, None]
    assert [c.json()["model_id"] for c in calls[1:]] == ["soccer-players-5fuqs/1"] * 3
    client: InferenceHTTPClient = run["CLIENT"]
    # Once the blocks are left the old values are back: v1, default configuration, no model.
    assert client.client_mode is HTTPClientMode.V1
    assert client.inference_configuration.confidence_threshold is None
    assert client.selected_model is None
    assert run["_"]["image"] == ROCKET


def test_configure_and_select_hold_until_the_next_change(docs_server: FakeServer) -> None:
    run = run_example(EXAMPLE_CONFIGURE_AND_SELECT, docs_server.url)
    client: InferenceHTTPClient = run["CLIENT"]
    calls = inference_calls(docs_server)
    assert paths(calls) == ["POST /soccer-players-5fuqs/1"] * 4  # v0 throughout
    assert [v0_confidence(c) for c in calls] == [None, "0.8", "0.8", "0.8"]
    assert docs_server.requests_to("GET", "/model/registry") == []
    # The select_*/configure calls return the client; the bare infer returns its prediction.
    select_v0, configure, prediction, select_model = run.values
    assert select_v0 is client
    assert configure is client
    assert select_model is client
    assert prediction["image"] == ROCKET
    assert client.client_mode is HTTPClientMode.V0
    assert client.inference_configuration is run["custom_configuration"]
    assert client.selected_model == "soccer-players-5fuqs/1"


def test_chain_mode(docs_server: FakeServer) -> None:
    run = run_example(EXAMPLE_CHAIN_MODE, docs_server.url)
    client = run["CLIENT"]
    assert isinstance(client, InferenceHTTPClient)
    assert client.client_mode is HTTPClientMode.V0
    assert client.selected_model == "soccer-players-5fuqs/1"
    assert docs_server.requests == []


def test_overriding_model_id_for_one_call(docs_server: FakeServer) -> None:
    run = run_example(EXAMPLE_MODEL_OVERRIDE, docs_server.url)
    (call,) = inference_calls(docs_server)
    assert call.json()["model_id"] == "another-model/1"
    assert run["CLIENT"].selected_model == "soccer-players-5fuqs/1"
    assert run["_"]["image"] == ROCKET


def test_parallel_batch_inference(
    docs_server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_example(EXAMPLE_PARALLEL_BATCH, docs_server.url)
    predictions = run["predictions"]
    assert isinstance(predictions, list)
    assert [p["image"] for p in predictions] == [ROCKET] * 5
    assert paths(inference_calls(docs_server)) == ["POST /infer/object_detection"] * 5
    assert len(docs_server.requests_to("GET", IMAGE_PATH)) == 5
    printed = capsys.readouterr().out
    assert printed.startswith("[{")
    assert printed.count("'predictions'") == 5


def test_inference_configuration_import() -> None:
    run = run_example(EXAMPLE_CONFIGURATION_IMPORT, "http://unused.invalid")
    assert run["InferenceConfiguration"] is rf_client.InferenceConfiguration
    assert run["InferenceConfiguration"]().client_downsizing_disabled is True
