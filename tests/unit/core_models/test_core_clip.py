"""CLIP: image and text embeddings, comparisons; documented and typed, sync and async."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rf_api_v1.models import ClipCompareResponse, ClipEmbeddingResponse

from rf_client import (
    InferenceConfiguration,
    InferenceHTTPClient,
    InternalServerError,
    InvalidInputError,
    InvalidParameterError,
)
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply
from tests.unit.core_models.conftest import Call

Encoded = Callable[[str], str]


def embeddings_answer(request: RecordedRequest) -> Reply:
    """One embedding per image received; the vector's first value is the image's index."""
    image = request.json()["image"]
    images = image if isinstance(image, list) else [image]
    return json_reply(
        200,
        {
            "frame_id": 7,
            "time": 0.5,
            "inference_id": "abc",
            "embeddings": [[float(len(i["value"])), 0.0] for i in images],
        },
    )


def test_image_embedding_of_one_image_is_the_answer_sent_as_1_8_3_sends_it(
    fake_server: FakeServer, call: Call, cat: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/clip/embed_image", handler=embeddings_answer)
    client = InferenceHTTPClient(fake_server.url, "secret-key")
    result = call(client, "get_clip_image_embeddings", cat, clip_version="ViT-L-14")
    assert result == {
        "frame_id": 7,
        "time": 0.5,
        "inference_id": "abc",
        "embeddings": [[float(len(encoded(cat))), 0.0]],
    }
    (request,) = fake_server.requests
    assert request.path == "/clip/embed_image"
    assert request.json() == {
        "image": {"type": "base64", "value": encoded(cat)},
        "clip_version_id": "ViT-L-14",
    }
    assert request.headers["authorization"] == "Bearer secret-key"
    assert request.headers["content-type"] == "application/json"
    assert request.query == {}


def test_image_embeddings_of_a_batch_are_split_per_image_in_input_order(
    fake_server: FakeServer, call: Call, cat: str, rocket: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/clip/embed_image", handler=embeddings_answer)
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=2, max_concurrent_requests=2)
    )
    images = [cat, rocket, rocket, cat, cat]
    results = call(client, "get_clip_image_embeddings", images)
    assert [r["embeddings"][0][0] for r in results] == [float(len(encoded(i))) for i in images]
    # 1.8.3's combine_clip_embeddings: a multi-image answer keeps frame_id and time only.
    assert results[0] == {"frame_id": 7, "time": 0.5, "embeddings": [results[0]["embeddings"][0]]}
    # The last request carried one image: its answer is returned whole.
    assert results[4]["inference_id"] == "abc"
    sizes = [
        len(r.json()["image"]) if isinstance(r.json()["image"], list) else 1
        for r in fake_server.requests
    ]
    assert sorted(sizes) == [1, 2, 2]
    assert fake_server.max_in_flight <= 2


def test_a_list_of_one_image_gives_a_list(fake_server: FakeServer, call: Call, cat: str) -> None:
    fake_server.on("POST", "/clip/embed_image", handler=embeddings_answer)
    results = call(InferenceHTTPClient(fake_server.url), "get_clip_image_embeddings", [cat])
    assert isinstance(results, list)
    assert len(results) == 1


def test_typed_image_embeddings_keep_every_field_per_image(
    fake_server: FakeServer, call: Call, cat: str, rocket: str
) -> None:
    fake_server.on("POST", "/clip/embed_image", handler=embeddings_answer)
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=2)
    )
    results = call(client, "typed.clip.embed_images", [cat, rocket])
    assert all(isinstance(r, ClipEmbeddingResponse) for r in results)
    assert [len(r.embeddings) for r in results] == [1, 1]
    assert [r.inference_id for r in results] == ["abc", "abc"]
    single = call(client, "typed.clip.embed_images", cat)
    assert isinstance(single, ClipEmbeddingResponse)


def test_answer_with_too_few_embeddings_is_a_validation_error(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    from rf_client import ResponseValidationError

    fake_server.on("POST", "/clip/embed_image", json_reply(200, {"embeddings": [[1.0]]}))
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=2)
    )
    with pytest.raises(ResponseValidationError, match="1 embeddings for 2 images"):
        call(client, "get_clip_image_embeddings", [cat, cat])


def test_server_error_is_raised_after_the_retries(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    fake_server.on("POST", "/clip/embed_image", json_reply(500, {"message": "Internal error."}))
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=0)
    with pytest.raises(InternalServerError, match="POST /clip/embed_image") as caught:
        call(client, "get_clip_image_embeddings", cat)
    assert caught.value.api_message == "Internal error."
    assert len(fake_server.requests) == 1


def test_one_failed_request_of_a_batch_keeps_the_other_results(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    fake_server.on(
        "POST",
        "/clip/embed_image",
        json_reply(200, {"embeddings": [[1.0]]}),
        json_reply(500, {"message": "Internal error."}),
        json_reply(200, {"embeddings": [[3.0]]}),
    )
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=0)
    with pytest.raises(InternalServerError) as caught:
        call(client, "get_clip_image_embeddings", [cat, cat, cat])
    batch = caught.value.batch
    assert batch is not None
    assert batch.failed_indexes == [1]
    assert batch.results[0] == {"embeddings": [[1.0]]}
    assert batch.results[2] == {"embeddings": [[3.0]]}


def test_a_bad_input_in_a_list_sends_nothing(fake_server: FakeServer, call: Call, cat: str) -> None:
    fake_server.on("POST", "/clip/embed_image", handler=embeddings_answer)
    with pytest.raises(InvalidInputError, match="input #2 of 2"):
        call(
            InferenceHTTPClient(fake_server.url),
            "get_clip_image_embeddings",
            [cat, "missing.jpg"],
        )
    assert fake_server.requests == []


def test_text_embeddings_send_the_text_and_return_the_answer(
    fake_server: FakeServer, call: Call
) -> None:
    answer = {"embeddings": [[1.0], [2.0]], "time": 0.1}
    fake_server.on("POST", "/clip/embed_text", json_reply(200, answer))
    client = InferenceHTTPClient(fake_server.url, "k").configure(
        InferenceConfiguration(source="app", source_info="v2", count_inference=False)
    )
    assert call(client, "get_clip_text_embeddings", ["a cat", "a dog"]) == answer
    assert call(client, "get_clip_text_embeddings", "a cat", clip_version="RN50") == answer
    first, second = fake_server.requests
    assert first.json() == {"text": ["a cat", "a dog"], "source": "app", "source_info": "v2"}
    assert second.json()["text"] == "a cat"
    assert second.json()["clip_version_id"] == "RN50"
    assert first.query == {"countinference": ["false"]}


def test_typed_text_embeddings(fake_server: FakeServer, call: Call) -> None:
    fake_server.on("POST", "/clip/embed_text", json_reply(200, {"embeddings": [[1.0, 2.0]]}))
    result = call(InferenceHTTPClient(fake_server.url), "typed.clip.embed_texts", "a cat")
    assert isinstance(result, ClipEmbeddingResponse)
    assert result.embeddings == [[1.0, 2.0]]


@pytest.mark.parametrize("text", [[], [1, 2], 3, None])
def test_text_that_is_not_strings_sends_nothing(
    fake_server: FakeServer, call: Call, text: Any
) -> None:
    with pytest.raises(InvalidInputError, match="non-empty list of strings"):
        call(InferenceHTTPClient(fake_server.url), "get_clip_text_embeddings", text)
    assert fake_server.requests == []


@pytest.mark.parametrize(
    ("subject_type", "prompt_type"),
    [("image", "text"), ("image", "image"), ("text", "image"), ("text", "text")],
)
def test_compare_sends_each_combination_of_images_and_texts(
    fake_server: FakeServer,
    call: Call,
    cat: str,
    rocket: str,
    encoded: Encoded,
    subject_type: str,
    prompt_type: str,
) -> None:
    fake_server.on("POST", "/clip/compare", json_reply(200, {"similarity": [0.1, 0.9]}))
    subject = cat if subject_type == "image" else "a cat"
    prompt = [cat, rocket] if prompt_type == "image" else ["fox", "dog"]
    result = call(
        InferenceHTTPClient(fake_server.url),
        "clip_compare",
        subject,
        prompt,
        subject_type=subject_type,
        prompt_type=prompt_type,
        clip_version="ViT-B-16",
    )
    assert result == {"similarity": [0.1, 0.9]}
    body = fake_server.requests[0].json()
    expected_subject: Any = (
        {"type": "base64", "value": encoded(cat)} if subject_type == "image" else "a cat"
    )
    expected_prompt: Any = (
        [{"type": "base64", "value": encoded(p)} for p in (cat, rocket)]
        if prompt_type == "image"
        else ["fox", "dog"]
    )
    assert body == {
        "subject": expected_subject,
        "prompt": expected_prompt,
        "subject_type": subject_type,
        "prompt_type": prompt_type,
        "clip_version_id": "ViT-B-16",
    }


def test_compare_with_one_image_prompt_sends_an_object(
    fake_server: FakeServer, call: Call, cat: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/clip/compare", json_reply(200, {"similarity": [0.5]}))
    call(InferenceHTTPClient(fake_server.url), "clip_compare", "a cat", cat, "text", "image")
    assert fake_server.requests[0].json()["prompt"] == {"type": "base64", "value": encoded(cat)}


def test_compare_takes_image_prompts_as_a_tuple(
    fake_server: FakeServer, call: Call, cat: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/clip/compare", json_reply(200, {"similarity": [0.5, 0.5]}))
    client = InferenceHTTPClient(fake_server.url)
    call(client, "clip_compare", "a cat", (cat, cat), "text", "image")
    image = {"type": "base64", "value": encoded(cat)}
    assert fake_server.requests[0].json()["prompt"] == [image, image]


def test_typed_compare(fake_server: FakeServer, call: Call, cat: str) -> None:
    fake_server.on("POST", "/clip/compare", json_reply(200, {"similarity": [0.25, 0.75]}))
    result = call(InferenceHTTPClient(fake_server.url), "typed.clip.compare", cat, ["a", "b"])
    assert isinstance(result, ClipCompareResponse)
    assert result.similarity == [0.25, 0.75]


def test_compare_refuses_an_unknown_type_before_sending(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    with pytest.raises(InvalidParameterError, match="'image' or 'text'"):
        call(InferenceHTTPClient(fake_server.url), "clip_compare", cat, "dog", "video")
    assert fake_server.requests == []


def test_legacy_transport_puts_the_key_in_the_body_without_a_header(
    fake_server: FakeServer, call: Call
) -> None:
    fake_server.on("POST", "/clip/embed_text", json_reply(200, {"embeddings": [[1.0]]}))
    client = InferenceHTTPClient(fake_server.url, "secret-key").configure(
        InferenceConfiguration(api_key_transport="legacy")
    )
    call(client, "get_clip_text_embeddings", "cat")
    request = fake_server.requests[0]
    assert request.json()["api_key"] == "secret-key"
    assert "authorization" not in request.headers
    assert request.query == {}


def test_v0_mode_puts_the_key_in_the_query_as_1_8_3_does(
    fake_server: FakeServer, call: Call
) -> None:
    fake_server.on("POST", "/clip/embed_text", json_reply(200, {"embeddings": [[1.0]]}))
    client = InferenceHTTPClient(fake_server.url, "secret-key").select_api_v0()
    client.configure(InferenceConfiguration(service_secret="shh"))
    call(client, "get_clip_text_embeddings", "cat")
    request = fake_server.requests[0]
    assert request.query == {"api_key": ["secret-key"], "service_secret": ["shh"]}
    assert "api_key" not in request.json()
    assert request.headers["authorization"] == "Bearer secret-key"
