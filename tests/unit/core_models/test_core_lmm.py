"""Large multimodal models and CogVLM; documented and typed, sync and async."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rf_api_v1.models import CogVLMResponse, LMMInferenceResponse

from rf_client import (
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidInputError,
    InvalidParameterError,
    ResponseValidationError,
    ServiceUnavailableError,
    WrongClientModeError,
)
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply
from tests.unit.core_models.conftest import Call

Encoded = Callable[[str], str]


def lmm_answer(request: RecordedRequest) -> Reply:
    value = request.json()["image"]["value"]
    return json_reply(
        200,
        {"response": f"{len(value)} bytes", "image": {"width": 1, "height": 1}, "time": 0.3},
    )


def test_infer_lmm_sends_model_prompt_and_options_in_the_body(
    fake_server: FakeServer, call: Call, cat: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/infer/lmm", handler=lmm_answer)
    client = InferenceHTTPClient(fake_server.url, "k").configure(
        InferenceConfiguration(source="app", api_key_transport="both")
    )
    result = call(
        client,
        "infer_lmm",
        cat,
        "florence-2-base",
        prompt="<CAPTION>",
        max_new_tokens=64,
        enable_thinking=False,
    )
    assert result["response"] == f"{len(encoded(cat))} bytes"
    (request,) = fake_server.requests
    assert request.json() == {
        "image": {"type": "base64", "value": encoded(cat)},
        "model_id": "florence-2-base",
        "prompt": "<CAPTION>",
        "max_new_tokens": 64,
        "enable_thinking": False,
        "api_key": "k",
        "source": "app",
    }
    assert request.headers["authorization"] == "Bearer k"


def test_model_id_in_path_keeps_its_slash(fake_server: FakeServer, call: Call, cat: str) -> None:
    fake_server.on("POST", "/infer/lmm/moondream2/moondream2_2b_jul24", handler=lmm_answer)
    client = InferenceHTTPClient(fake_server.url)
    call(client, "infer_lmm", cat, "moondream2/moondream2_2b_jul24", model_id_in_path=True)
    (request,) = fake_server.requests
    assert request.path == "/infer/lmm/moondream2/moondream2_2b_jul24"
    assert request.json()["model_id"] == "moondream2/moondream2_2b_jul24"
    assert "prompt" not in request.json()


def test_each_image_gets_its_own_request_and_answer_in_order(
    fake_server: FakeServer, call: Call, cat: str, rocket: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/infer/lmm", handler=lmm_answer)
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=4, max_concurrent_requests=2)
    )
    results = call(client, "infer_lmm", [rocket, cat], "qwen25-vl-7b")
    assert [r["response"] for r in results] == [
        f"{len(encoded(rocket))} bytes",
        f"{len(encoded(cat))} bytes",
    ]
    assert len(fake_server.requests) == 2


def test_typed_infer_parses_the_answer(fake_server: FakeServer, call: Call, cat: str) -> None:
    fake_server.on("POST", "/infer/lmm", handler=lmm_answer)
    result = call(InferenceHTTPClient(fake_server.url), "typed.lmm.infer", cat, "smolvlm")
    assert isinstance(result, LMMInferenceResponse)
    assert isinstance(result.response, str)
    assert result.response.endswith("bytes")


def test_typed_infer_refuses_an_answer_of_another_shape(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    fake_server.on("POST", "/infer/lmm", json_reply(200, {"unexpected": True}))
    with pytest.raises(ResponseValidationError, match="LMMInferenceResponse"):
        call(InferenceHTTPClient(fake_server.url), "typed.lmm.infer", cat, "smolvlm")


@pytest.mark.parametrize("model_id", ["", " florence", "a b", None])
def test_invalid_model_id_sends_nothing(
    fake_server: FakeServer, call: Call, cat: str, model_id: object
) -> None:
    with pytest.raises(InvalidParameterError, match="model_id"):
        call(InferenceHTTPClient(fake_server.url), "infer_lmm", cat, model_id)
    assert fake_server.requests == []


def test_cogvlm_sends_prompt_image_and_history_pairs(
    fake_server: FakeServer, call: Call, cat: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/llm/cogvlm", json_reply(200, {"response": "YYY", "time": 1.5}))
    client = InferenceHTTPClient(fake_server.url, "k").configure(
        InferenceConfiguration(api_key_transport="legacy")
    )
    result = call(
        client,
        "prompt_cogvlm",
        cat,
        "So - what is your final judgement?",
        chat_history=[("I think the image shows XXX", "You are wrong - it shows YYY")],
    )
    assert result == {"response": "YYY", "time": 1.5}
    (request,) = fake_server.requests
    assert request.json() == {
        "api_key": "k",
        "model_id": "cogvlm",
        "prompt": "So - what is your final judgement?",
        "image": {"type": "base64", "value": encoded(cat)},
        "history": [["I think the image shows XXX", "You are wrong - it shows YYY"]],
    }
    assert "authorization" not in request.headers


def test_typed_cogvlm(fake_server: FakeServer, call: Call, cat: str) -> None:
    fake_server.on("POST", "/llm/cogvlm", json_reply(200, {"response": "a cat"}))
    result = call(InferenceHTTPClient(fake_server.url), "typed.lmm.cogvlm", cat, "what?")
    assert isinstance(result, CogVLMResponse)
    assert result.response == "a cat"
    assert "history" not in fake_server.requests[0].json()


def test_cogvlm_error_says_the_server_may_not_serve_it(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    # What inference 1.8.3 answers offline: /llm/cogvlm falls to the legacy model route.
    fake_server.on(
        "POST",
        "/llm/cogvlm",
        json_reply(503, {"message": "Internal error. Could not connect to Roboflow API."}),
    )
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=0)
    with pytest.raises(ServiceUnavailableError, match=r"does not serve CogVLM .* infer_lmm\(\)"):
        call(client, "prompt_cogvlm", cat, "what?")


def test_cogvlm_needs_v1_mode(fake_server: FakeServer, call: Call, cat: str) -> None:
    client = InferenceHTTPClient(fake_server.url).select_api_v0()
    with pytest.raises(WrongClientModeError, match="prompt_cogvlm"):
        call(client, "prompt_cogvlm", cat, "what?")
    assert fake_server.requests == []


@pytest.mark.parametrize(
    ("visual_prompt", "text_prompt", "history", "error"),
    [
        ("missing", "what?", None, InvalidInputError),
        ("[list]", "what?", None, InvalidInputError),
        ("cat", 42, None, InvalidInputError),
        ("cat", "what?", [("only a question",)], InvalidParameterError),
        ("cat", "what?", "not pairs", InvalidParameterError),
    ],
)
def test_cogvlm_checks_its_inputs_before_sending(
    fake_server: FakeServer,
    call: Call,
    cat: str,
    visual_prompt: str,
    text_prompt: object,
    history: object,
    error: type[Exception],
) -> None:
    image: object = {"cat": cat, "[list]": [cat], "missing": "missing.png"}[visual_prompt]
    with pytest.raises(error):
        call(
            InferenceHTTPClient(fake_server.url),
            "prompt_cogvlm",
            image,
            text_prompt,
            chat_history=history,
        )
    assert fake_server.requests == []
