"""OCR with the four models; documented and typed, sync and async."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from rf_api_v1.models import OCRInferenceResponse

from rf_client import (
    InferenceConfiguration,
    InferenceHTTPClient,
    InternalServerError,
    InvalidParameterError,
)
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply
from tests.unit.core_models.conftest import Call

Encoded = Callable[[str], str]

ROUTES = {
    "doctr": "/doctr/ocr",
    "trocr": "/ocr/trocr",
    "easy_ocr": "/easy_ocr/ocr",
    "pp_ocr": "/ocr/pp-ocr",
}


def ocr_answer(request: RecordedRequest) -> Reply:
    """The text read is the length of the image received (so results can be matched)."""
    value = request.json()["image"]["value"]
    return json_reply(200, {"result": str(len(value)), "time": 0.1, "predictions": []})


@pytest.mark.parametrize("model", sorted(ROUTES))
def test_each_model_has_its_route_and_version_field(
    fake_server: FakeServer, call: Call, cat: str, encoded: Encoded, model: str
) -> None:
    fake_server.on("POST", ROUTES[model], handler=ocr_answer)
    client = InferenceHTTPClient(fake_server.url, "k").configure(
        InferenceConfiguration(source="cli", count_inference=True)
    )
    result = call(client, "ocr_image", cat, model=model.upper(), version="v9")
    assert result == {"result": str(len(encoded(cat))), "time": 0.1, "predictions": []}
    (request,) = fake_server.requests
    assert request.path == ROUTES[model]
    assert request.json() == {
        "image": {"type": "base64", "value": encoded(cat)},
        f"{model}_version_id": "v9",
        "source": "cli",
    }
    assert request.query == {"countinference": ["true"]}
    assert request.headers["authorization"] == "Bearer k"


def test_options_go_whichever_model_takes_them_as_1_8_3_sends_them(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    fake_server.on("POST", "/doctr/ocr", handler=ocr_answer)
    call(
        InferenceHTTPClient(fake_server.url),
        "ocr_image",
        cat,
        version="",
        quantize=False,
        generate_bounding_boxes=True,
        language_codes=["en", "de"],
    )
    body = fake_server.requests[0].json()
    assert "doctr_version_id" not in body  # an empty version is not sent
    assert body["quantize"] is False
    assert body["generate_bounding_boxes"] is True
    assert body["language_codes"] == ["en", "de"]


def test_images_go_one_per_request_concurrently_and_come_back_in_order(
    fake_server: FakeServer, call: Call, cat: str, rocket: str, encoded: Encoded
) -> None:
    others_arrived = threading.Event()
    first_arrived = threading.Event()

    def slow_first(request: RecordedRequest) -> Reply:
        reply = ocr_answer(request)
        if request.json()["image"]["value"] != encoded(cat):
            # Held until the first image's request is in too: the requests overlap whichever
            # is encoded first (a sequential client would wait out the timeout here).
            others_arrived.set()
            first_arrived.wait(timeout=5)
            return reply
        # The first image answers last, once another request is in flight: order must not
        # follow completion.
        first_arrived.set()
        others_arrived.wait(timeout=5)
        time.sleep(0.05)
        return reply

    fake_server.on("POST", "/ocr/trocr", handler=slow_first)
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=8, max_concurrent_requests=3)
    )
    results = call(client, "ocr_image", [cat, rocket, rocket], model="trocr")
    assert [r["result"] for r in results] == [
        str(len(encoded(cat))),
        str(len(encoded(rocket))),
        str(len(encoded(rocket))),
    ]
    assert len(fake_server.requests) == 3
    assert all(isinstance(r.json()["image"], dict) for r in fake_server.requests)
    assert fake_server.max_in_flight >= 2


@pytest.mark.parametrize("model", ["tesseract", "", None])
def test_unknown_model_is_refused_naming_the_four_before_sending(
    fake_server: FakeServer, call: Call, cat: str, model: object
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        call(InferenceHTTPClient(fake_server.url), "ocr_image", cat, model=model)
    for known in ROUTES:
        assert repr(known) in str(caught.value)
    assert fake_server.requests == []


def test_language_codes_must_be_a_list_of_strings(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    with pytest.raises(InvalidParameterError, match="language_codes"):
        call(InferenceHTTPClient(fake_server.url), "ocr_image", cat, language_codes="en")
    assert fake_server.requests == []


def test_server_error_after_retries_names_the_route(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    fake_server.on(
        "POST",
        "/easy_ocr/ocr",
        json_reply(500, {"message": "Internal error."}, headers={"Retry-After": "0"}),
    )
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=1)
    with pytest.raises(InternalServerError, match="POST /easy_ocr/ocr failed after 2 attempts"):
        call(client, "ocr_image", cat, model="easy_ocr")
    assert len(fake_server.requests) == 2


TYPED_OCR_CASES = [
    ("doctr", "/doctr/ocr", {"generate_bounding_boxes": True}),
    ("trocr", "/ocr/trocr", {"version": "trocr-base-printed"}),
    ("easy_ocr", "/easy_ocr/ocr", {"language_codes": ["en"], "quantize": True}),
    ("pp_ocr", "/ocr/pp-ocr", {"version": "tiny-small"}),
]
WIRE_NAMES = {"version": "{method}_version_id"}


@pytest.mark.parametrize(("method", "route", "options"), TYPED_OCR_CASES)
def test_typed_methods_per_model(
    fake_server: FakeServer,
    call: Call,
    cat: str,
    method: str,
    route: str,
    options: dict[str, object],
) -> None:
    fake_server.on("POST", route, handler=ocr_answer)
    client = InferenceHTTPClient(fake_server.url)
    single = call(client, f"typed.ocr.{method}", cat, **options)
    assert isinstance(single, OCRInferenceResponse)
    assert single.result.isdigit()
    body = fake_server.requests[0].json()
    expected = {WIRE_NAMES.get(k, k).format(method=method): v for k, v in options.items()}
    assert {key: body[key] for key in expected} == expected
    several = call(client, f"typed.ocr.{method}", [cat, cat])
    assert [type(r) for r in several] == [OCRInferenceResponse] * 2
