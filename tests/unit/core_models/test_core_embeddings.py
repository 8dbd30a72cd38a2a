"""Perception Encoder and classifier image embeddings; documented and typed, sync and async."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rf_api_v1.models import ImageEmbeddingResponse, PerceptionEncoderEmbeddingResponse

from rf_client import (
    InferenceConfiguration,
    InferenceHTTPClient,
    InternalServerError,
    InvalidParameterError,
)
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply
from tests.unit.core_models.conftest import Call

Encoded = Callable[[str], str]
PAYLOADS = Path(__file__).parents[2] / "fixtures" / "payloads"


def image_embedding_answer(request: RecordedRequest) -> Reply:
    """The real server's /infer/embeddings answer, with one vector per image received."""
    answer: dict[str, Any] = json.loads((PAYLOADS / "image_embedding.json").read_text())
    image = request.json()["image"]
    images = image if isinstance(image, list) else [image]
    answer["embeddings"] = [[float(index), 0.5] for index in range(len(images))]
    return json_reply(200, answer)


def test_image_embeddings_send_the_model_output_type_and_preprocessing(
    fake_server: FakeServer, call: Call, cat: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/infer/embeddings", handler=image_embedding_answer)
    client = InferenceHTTPClient(fake_server.url, "k").configure(
        InferenceConfiguration(
            disable_preproc_auto_orientation=True,
            disable_preproc_grayscale=False,
            confidence_threshold=0.3,
            source="app",
        )
    )
    result = call(client, "get_image_embeddings", cat, "offline-cls/1", output_type="logits")
    assert result["embeddings"] == [[0.0, 0.5]]
    assert result["embedding_info"]["space_id"].startswith("9b1f")
    body = fake_server.requests[0].json()
    # Only the preprocessing flags and the source travel, as 1.8.3's payload has them.
    assert body == {
        "image": {"type": "base64", "value": encoded(cat)},
        "model_id": "offline-cls/1",
        "output_type": "logits",
        "disable_preproc_auto_orient": True,
        "disable_preproc_grayscale": False,
        "source": "app",
    }


def test_image_embeddings_of_a_batch_keep_every_field_per_image(
    fake_server: FakeServer, call: Call, cat: str, rocket: str
) -> None:
    fake_server.on("POST", "/infer/embeddings", handler=image_embedding_answer)
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=3)
    )
    results = call(client, "get_image_embeddings", [cat, rocket, cat, rocket], "resnet101")
    # 1.8.3's split_image_embeddings: every field, one vector each, in input order.
    assert [r["embeddings"] for r in results] == [
        [[0.0, 0.5]],
        [[1.0, 0.5]],
        [[2.0, 0.5]],
        [[0.0, 0.5]],
    ]
    assert all(r["embedding_info"]["output_type"] == "feature_vector" for r in results)
    assert len(fake_server.requests) == 2
    assert fake_server.requests[0].json()["output_type"] == "feature_vector"


def test_typed_image_embeddings(fake_server: FakeServer, call: Call, cat: str) -> None:
    fake_server.on("POST", "/infer/embeddings", handler=image_embedding_answer)
    client = InferenceHTTPClient(fake_server.url)
    single = call(client, "typed.embeddings.image", cat, "resnet101")
    assert isinstance(single, ImageEmbeddingResponse)
    assert single.embedding_info.dimension == 4
    several = call(client, "typed.embeddings.image", [cat, cat], "resnet101")
    assert [type(r) for r in several] == [ImageEmbeddingResponse] * 2


@pytest.mark.parametrize(
    ("model_id", "output_type", "message"),
    [
        ("", "logits", "model_id must be a model id"),
        ("resnet 101", "logits", "model_id must be a model id"),
        ("resnet101", "probabilities", "'feature_vector' or 'logits'"),
    ],
)
def test_image_embeddings_refuse_bad_parameters_before_sending(
    fake_server: FakeServer, call: Call, cat: str, model_id: str, output_type: str, message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        call(
            InferenceHTTPClient(fake_server.url),
            "get_image_embeddings",
            cat,
            model_id,
            output_type=output_type,
        )
    assert fake_server.requests == []


def pe_answer(request: RecordedRequest) -> Reply:
    image = request.json()["image"]
    count = len(image) if isinstance(image, list) else 1
    return json_reply(200, {"embeddings": [[float(i)] for i in range(count)], "time": 0.2})


def test_perception_encoder_image_embeddings(
    fake_server: FakeServer, call: Call, cat: str, rocket: str, encoded: Encoded
) -> None:
    fake_server.on("POST", "/perception_encoder/embed_image", handler=pe_answer)
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=2)
    )
    single = call(
        client, "get_perception_encoder_image_embeddings", cat, perception_encoder_version="PE-L"
    )
    assert single == {"embeddings": [[0.0]], "time": 0.2}
    assert fake_server.requests[0].json() == {
        "image": {"type": "base64", "value": encoded(cat)},
        "perception_encoder_version_id": "PE-L",
    }
    several = call(client, "get_perception_encoder_image_embeddings", [cat, rocket, cat])
    assert [r["embeddings"] for r in several] == [[[0.0]], [[1.0]], [[0.0]]]
    assert all(r["time"] == 0.2 for r in several)


def test_typed_perception_encoder_image_embeddings(
    fake_server: FakeServer, call: Call, cat: str
) -> None:
    fake_server.on("POST", "/perception_encoder/embed_image", handler=pe_answer)
    results = call(
        InferenceHTTPClient(fake_server.url), "typed.perception_encoder.embed_images", [cat]
    )
    assert [type(r) for r in results] == [PerceptionEncoderEmbeddingResponse]


def test_perception_encoder_text_embeddings(fake_server: FakeServer, call: Call) -> None:
    fake_server.on(
        "POST", "/perception_encoder/embed_text", json_reply(200, {"embeddings": [[1.0], [2.0]]})
    )
    client = InferenceHTTPClient(fake_server.url)
    result = call(client, "get_perception_encoder_text_embeddings", ["cat", "dog"], "PE-B")
    assert result == {"embeddings": [[1.0], [2.0]]}
    assert fake_server.requests[0].json() == {
        "text": ["cat", "dog"],
        "perception_encoder_version_id": "PE-B",
    }
    typed = call(client, "typed.perception_encoder.embed_texts", "cat")
    assert isinstance(typed, PerceptionEncoderEmbeddingResponse)
    assert typed.embeddings == [[1.0], [2.0]]


def test_perception_encoder_server_error(fake_server: FakeServer, call: Call) -> None:
    fake_server.on("POST", "/perception_encoder/embed_text", json_reply(500, {"message": "boom"}))
    client = InferenceHTTPClient(fake_server.url).with_options(max_retries=0)
    with pytest.raises(InternalServerError, match="POST /perception_encoder/embed_text"):
        call(client, "get_perception_encoder_text_embeddings", "cat")
