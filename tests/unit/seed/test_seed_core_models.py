# ruff: noqa: E501  (the documentation's examples are kept verbatim, long lines included)
"""Documentation examples of the core models: CLIP, CogVLM, DocTR and Gaze, sync and async.

Two async tips of the documentation (DocTR and Gaze) define a coroutine that ``await``s the
synchronous method, a slip for ``ocr_image_async`` / ``detect_gazes_async`` (1.8.3 cannot
await it either): verbatim they define the coroutine; the companion tests run them as meant.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from rf_client import FeatureDeprecatedError, FeatureRemovedError
from tests.support.fake_server import FakeServer, RecordedRequest
from tests.unit.seed.seed_support import (
    gone_reply,
    image_of,
    images_in,
    paths,
    run_coroutine_function,
    run_example,
)

EXAMPLE_CLIP = """
from inference_sdk import InferenceHTTPClient

CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",  # or "https://infer.roboflow.com" to use hosted serving
    api_key="ROBOFLOW_API_KEY"
)

CLIENT.get_clip_image_embeddings(inference_input="./my_image.jpg")  # single image request
CLIENT.get_clip_image_embeddings(inference_input=["./my_image.jpg", "./other_image.jpg"])  # batch image request
CLIENT.get_clip_text_embeddings(text="some")  # single text request
CLIENT.get_clip_text_embeddings(text=["some", "other"])  # other text request
CLIENT.clip_compare(
    subject="./my_image.jpg",
    prompt=["fox", "dog"],
)
"""

EXAMPLE_CLIP_ASYNC = """
from inference_sdk import InferenceHTTPClient

CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",  # or "https://infer.roboflow.com" to use hosted serving
    api_key="ROBOFLOW_API_KEY"
)

async def see_async_method():
  await CLIENT.get_clip_image_embeddings_async(inference_input="./my_image.jpg")  # single image request
  await CLIENT.get_clip_image_embeddings_async(inference_input=["./my_image.jpg", "./other_image.jpg"])  # batch image request
  await CLIENT.get_clip_text_embeddings_async(text="some")  # single text request
  await CLIENT.get_clip_text_embeddings_async(text=["some", "other"])  # other text request
  await CLIENT.clip_compare_async(
      subject="./my_image.jpg",
      prompt=["fox", "dog"],
  )
"""

EXAMPLE_COGVLM = """
from inference_sdk import InferenceHTTPClient

CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",  # only local hosting supported
    api_key="ROBOFLOW_API_KEY"
)

CLIENT.prompt_cogvlm(
    visual_prompt="./my_image.jpg",
    text_prompt="So - what is your final judgement about the content of the picture?",
    chat_history=[("I think the image shows XXX", "You are wrong - the image shows YYY")], # optional parameter
)
"""

EXAMPLE_DOCTR = """
from inference_sdk import InferenceHTTPClient

CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",  # or "https://infer.roboflow.com" to use hosted serving
    api_key="ROBOFLOW_API_KEY"
)

CLIENT.ocr_image(inference_input="./my_image.jpg")  # single image request
CLIENT.ocr_image(inference_input=["./my_image.jpg", "./other_image.jpg"])  # batch image request
"""

EXAMPLE_DOCTR_ASYNC = """
from inference_sdk import InferenceHTTPClient

CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",  # or "https://infer.roboflow.com" to use hosted serving
    api_key="ROBOFLOW_API_KEY"
)

async def see_async_method():
  await CLIENT.ocr_image(inference_input="./my_image.jpg")  # single image request
"""

EXAMPLE_GAZE = """
from inference_sdk import InferenceHTTPClient

CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",  # only local hosting supported
    api_key="ROBOFLOW_API_KEY"
)

CLIENT.detect_gazes(inference_input="./my_image.jpg")  # single image request
CLIENT.detect_gazes(inference_input=["./my_image.jpg", "./other_image.jpg"])  # batch image request
"""

EXAMPLE_GAZE_ASYNC = """
from inference_sdk import InferenceHTTPClient

CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",  # or "https://infer.roboflow.com" to use hosted serving
    api_key="ROBOFLOW_API_KEY"
)

async def see_async_method():
  await CLIENT.detect_gazes(inference_input="./my_image.jpg")  # single image request
"""

MY_IMAGE = (640, 427)  # my_image.jpg (rocket.jpg)
OTHER_IMAGE = (1000, 872)  # other_image.jpg (hubble_deep_field.jpg)


def image_sizes(request: RecordedRequest, key: str = "image") -> list[tuple[int, int]]:
    return [image_of(image).size for image in images_in(request.json()[key])]


def assert_clip_requests(server: FakeServer) -> None:
    calls = server.requests
    assert paths(calls) == [
        "POST /clip/embed_image",
        "POST /clip/embed_image",  # the batch of two: max_batch_size is 1 by default
        "POST /clip/embed_image",
        "POST /clip/embed_text",
        "POST /clip/embed_text",
        "POST /clip/compare",
    ]
    assert [image_sizes(c) for c in calls[:3]] == [[MY_IMAGE], [MY_IMAGE], [OTHER_IMAGE]]
    assert [c.json()["text"] for c in calls[3:5]] == ["some", ["some", "other"]]
    compare = calls[5].json()
    assert compare["subject_type"] == "image"
    assert compare["prompt_type"] == "text"
    assert image_of(compare["subject"]).size == MY_IMAGE
    assert compare["prompt"] == ["fox", "dog"]
    assert all(c.headers["authorization"] == "Bearer ROBOFLOW_API_KEY" for c in calls)


def test_clip(docs_server: FakeServer, example_dir: Path) -> None:
    run = run_example(EXAMPLE_CLIP, docs_server.url)
    assert_clip_requests(docs_server)
    single, batch, text, texts, compare = run.values
    assert single["embeddings"] == [[0.64, 0.5, 0.25]]
    assert [item["embeddings"] for item in batch] == [[[0.64, 0.5, 0.25]], [[1.0, 0.5, 0.25]]]
    assert text["embeddings"] == [[0.4, 0.5, 0.25]]
    assert texts["embeddings"] == [[0.4, 0.5, 0.25], [0.5, 0.5, 0.25]]
    assert compare["similarity"] == [0.9, 0.8]


def test_clip_async(docs_server: FakeServer, example_dir: Path) -> None:
    run = run_example(EXAMPLE_CLIP_ASYNC, docs_server.url)
    assert docs_server.requests == []  # defining the coroutine function sends nothing
    assert run_coroutine_function(run, "see_async_method") is None
    assert_clip_requests(docs_server)


def test_cogvlm(docs_server: FakeServer, example_dir: Path) -> None:
    run = run_example(EXAMPLE_COGVLM, docs_server.url)
    (answer,) = run.values
    assert answer["response"] == "The image shows YYY."
    (request,) = docs_server.requests
    assert request.path == "/llm/cogvlm"
    body = request.json()
    assert body["model_id"] == "cogvlm"
    assert body["prompt"] == "So - what is your final judgement about the content of the picture?"
    assert body["history"] == [
        ["I think the image shows XXX", "You are wrong - the image shows YYY"]
    ]
    assert image_sizes(request) == [MY_IMAGE]


def test_doctr(docs_server: FakeServer, example_dir: Path) -> None:
    run = run_example(EXAMPLE_DOCTR, docs_server.url)
    single, batch = run.values
    assert single["result"] == "text of 640x427"
    assert [item["result"] for item in batch] == ["text of 640x427", "text of 1000x872"]
    assert paths(docs_server.requests) == ["POST /doctr/ocr"] * 3
    assert [image_sizes(r) for r in docs_server.requests] == [[MY_IMAGE], [MY_IMAGE], [OTHER_IMAGE]]


def test_doctr_async_tip_verbatim(docs_server: FakeServer, example_dir: Path) -> None:
    # The tip only defines a coroutine function; run verbatim it does just that, sending
    # nothing. Its body awaits the synchronous ocr_image(), a documentation slip for
    # ocr_image_async() (inference-sdk 1.8.3 cannot await it either): the test below runs it
    # as meant, and the README's compatibility notes say so.
    run = run_example(EXAMPLE_DOCTR_ASYNC, docs_server.url)
    assert inspect.iscoroutinefunction(run["see_async_method"])
    assert docs_server.requests == []


def test_doctr_async_tip_as_meant(docs_server: FakeServer, example_dir: Path) -> None:
    run = run_example(
        EXAMPLE_DOCTR_ASYNC,
        docs_server.url,
        {"await CLIENT.ocr_image(": "await CLIENT.ocr_image_async("},
    )
    run_coroutine_function(run, "see_async_method")
    assert paths(docs_server.requests) == ["POST /doctr/ocr"]
    assert image_sizes(docs_server.requests[0]) == [MY_IMAGE]


def test_gaze_with_a_server_that_has_gaze_detection(
    docs_server: FakeServer, example_dir: Path
) -> None:
    run = run_example(EXAMPLE_GAZE, docs_server.url)
    single, batch = run.values
    assert single["predictions"][0]["yaw"] == 0.1
    assert single["predictions"][0]["face"]["x"] == MY_IMAGE[0] / 2
    assert [item["predictions"][0]["face"]["x"] for item in batch] == [320.0, 500.0]
    assert paths(docs_server.requests) == ["POST /gaze/gaze_detection"] * 3
    assert [image_sizes(r) for r in docs_server.requests] == [[MY_IMAGE], [MY_IMAGE], [OTHER_IMAGE]]


def test_gaze_with_a_server_that_removed_it(docs_server: FakeServer, example_dir: Path) -> None:
    # inference 1.8.3 and newer answer 410 Gone: a typed error saying what happened.
    docs_server.on("POST", "/gaze/gaze_detection", gone_reply())
    with pytest.raises(FeatureRemovedError) as caught:
        run_example(EXAMPLE_GAZE, docs_server.url)
    error = caught.value
    assert isinstance(error, FeatureDeprecatedError)  # what inference-sdk 1.8.3 raises
    assert error.status_code == 410
    assert error.feature == "/gaze/gaze_detection"
    assert "gaze" in str(error)
    assert paths(docs_server.requests) == ["POST /gaze/gaze_detection"]  # 410 is not retried


def test_gaze_async_tip_verbatim(docs_server: FakeServer, example_dir: Path) -> None:
    # As for DocTR: the tip defines a coroutine that awaits detect_gazes(), meaning
    # detect_gazes_async(); verbatim it only defines the function.
    run = run_example(EXAMPLE_GAZE_ASYNC, docs_server.url)
    assert inspect.iscoroutinefunction(run["see_async_method"])
    assert docs_server.requests == []


def test_gaze_async_tip_verbatim_with_a_server_that_removed_it(
    docs_server: FakeServer, example_dir: Path
) -> None:
    docs_server.on("POST", "/gaze/gaze_detection", gone_reply())
    run = run_example(EXAMPLE_GAZE_ASYNC, docs_server.url)
    with pytest.raises(FeatureRemovedError):
        run_coroutine_function(run, "see_async_method")
    assert paths(docs_server.requests) == ["POST /gaze/gaze_detection"]


def test_gaze_async_tip_as_meant(docs_server: FakeServer, example_dir: Path) -> None:
    run = run_example(
        EXAMPLE_GAZE_ASYNC,
        docs_server.url,
        {"await CLIENT.detect_gazes(": "await CLIENT.detect_gazes_async("},
    )
    run_coroutine_function(run, "see_async_method")
    assert paths(docs_server.requests) == ["POST /gaze/gaze_detection"]
    docs_server.on("POST", "/gaze/gaze_detection", gone_reply())
    with pytest.raises(FeatureRemovedError):
        run_coroutine_function(run, "see_async_method")
