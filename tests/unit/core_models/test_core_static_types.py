"""The overloads give one result for one input and a list for a list (checked by mypy too)."""

from __future__ import annotations

from typing import Any

from rf_api_v1.models import (
    ClipEmbeddingResponse,
    DepthEstimationResponse,
    ObjectDetectionInferenceResponse,
    OCRInferenceResponse,
)

from rf_client import InferenceHTTPClient
from tests.support.fake_server import FakeServer, json_reply


def test_documented_methods_return_a_dict_or_a_list(fake_server: FakeServer, cat: str) -> None:
    fake_server.on("POST", "/clip/embed_image", json_reply(200, {"embeddings": [[1.0]]}))
    fake_server.on("POST", "/yolo_world/infer", json_reply(200, {"predictions": []}))
    client = InferenceHTTPClient(fake_server.url)
    one: dict[str, Any] = client.get_clip_image_embeddings(cat)
    several: list[dict[str, Any]] = client.get_clip_image_embeddings([cat, cat])
    detections: list[dict[str, Any]] = client.infer_from_yolo_world(cat, ["cat"])
    assert one == {"embeddings": [[1.0]]}
    assert several == [one, one]
    assert detections == [{"predictions": []}]


async def test_typed_methods_return_a_model_or_a_list(fake_server: FakeServer, cat: str) -> None:
    fake_server.on("POST", "/clip/embed_image", json_reply(200, {"embeddings": [[1.0]]}))
    fake_server.on("POST", "/doctr/ocr", json_reply(200, {"result": "hi", "time": 0.1}))
    fake_server.on("POST", "/infer/depth-estimation", json_reply(200, {"normalized_depth": []}))
    fake_server.on(
        "POST",
        "/yolo_world/infer",
        json_reply(200, {"image": {"width": 1, "height": 1}, "predictions": []}),
    )
    client = InferenceHTTPClient(fake_server.url)
    embedding: ClipEmbeddingResponse = client.typed.clip.embed_images(cat)
    embeddings: list[ClipEmbeddingResponse] = await client.typed.clip.embed_images_async([cat])
    text: OCRInferenceResponse = await client.typed.ocr.doctr_async(cat)
    texts: list[OCRInferenceResponse] = client.typed.ocr.doctr([cat])
    depth: DepthEstimationResponse = client.typed.depth.estimate(cat)
    boxes: ObjectDetectionInferenceResponse = client.typed.yolo_world.infer(cat, ["cat"])
    await client.aclose()
    assert embedding.embeddings == [[1.0]]
    assert [e.embeddings for e in embeddings] == [[[1.0]]]
    assert text.result == "hi"
    assert [t.result for t in texts] == ["hi"]
    assert depth.normalized_depth == []
    assert boxes.predictions == []
