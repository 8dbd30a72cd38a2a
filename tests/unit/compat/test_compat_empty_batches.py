"""An empty list gives an empty list and sends nothing, on every method that takes a list.

inference-sdk 1.8.3 returns ``[]`` for ``infer([])``; a pipeline that filters its images and
sometimes ends with none must not crash. Not even the model description is fetched.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest

from rf_client import InferenceHTTPClient
from tests.support.fake_server import FakeServer

DOCUMENTED: dict[str, dict[str, Any]] = {
    "infer": {"model_id": "m/1"},
    "infer_from_api_v0": {"model_id": "m/1"},
    "infer_from_api_v1": {"model_id": "m/1"},
    "get_clip_image_embeddings": {},
    "get_image_embeddings": {"model_id": "clip"},
    "get_perception_encoder_image_embeddings": {},
    "ocr_image": {},
    "infer_lmm": {"model_id": "m/1", "prompt": "what is this?"},
    "depth_estimation": {},
    "sam2_segment_image": {},
    "sam3_concept_segment": {"prompts": [{"type": "text", "text": "cat"}]},
    "sam3_visual_segment": {},
    "sam3_embed_image": {},
    "infer_from_yolo_world": {"class_names": ["cat"]},
    "detect_gazes": {},
}
"""Every documented method whose first argument is an image or a list of images."""

TYPED: dict[str, dict[str, Any]] = {
    "infer.object_detection": {"model_id": "m/1"},
    "infer.instance_segmentation": {"model_id": "m/1"},
    "infer.semantic_segmentation": {"model_id": "m/1"},
    "infer.classification": {"model_id": "m/1"},
    "infer.multi_label_classification": {"model_id": "m/1"},
    "infer.keypoints_detection": {"model_id": "m/1"},
    "clip.embed_images": {},
    "embeddings.image": {"model_id": "clip"},
    "perception_encoder.embed_images": {},
    "ocr.doctr": {},
    "ocr.easy_ocr": {},
    "ocr.pp_ocr": {},
    "ocr.trocr": {},
    "lmm.infer": {"model_id": "m/1", "prompt": "what is this?"},
    "depth.estimate": {},
    "sam.sam2_segment": {},
    "sam.sam3_concept_segment": {"prompts": [{"type": "text", "text": "cat"}]},
    "sam.sam3_visual_segment": {},
    "sam.sam3_embed": {},
    "yolo_world.infer": {"class_names": ["cat"]},
    "gaze.detect": {},
}
"""Every namespace method of ``client.typed`` that takes a list of images."""


def call(method: Any, kwargs: dict[str, Any], surface: str) -> Any:
    """``method([], **kwargs)`` or its async twin (run in a fresh event loop)."""
    if surface == "sync":
        return method([], **kwargs)
    result = method([], **kwargs)
    assert inspect.iscoroutine(result)
    return asyncio.run(result)


@pytest.mark.parametrize("surface", ["sync", "async"])
@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_documented_methods_give_an_empty_list_for_an_empty_list(
    fake_server: FakeServer, name: str, surface: str
) -> None:
    client = InferenceHTTPClient(fake_server.url, "key")
    method = getattr(client, name if surface == "sync" else f"{name}_async")
    assert call(method, DOCUMENTED[name], surface) == []
    assert fake_server.requests == []


@pytest.mark.parametrize("surface", ["sync", "async"])
@pytest.mark.parametrize("name", sorted(TYPED))
def test_typed_methods_give_an_empty_list_for_an_empty_list(
    fake_server: FakeServer, name: str, surface: str
) -> None:
    namespace, operation = name.split(".")
    client = InferenceHTTPClient(fake_server.url, "key")
    target = getattr(client.typed, namespace)
    method = getattr(target, operation if surface == "sync" else f"{operation}_async")
    assert call(method, TYPED[name], surface) == []
    assert fake_server.requests == []


def test_v0_mode_gives_an_empty_list_too(fake_server: FakeServer) -> None:
    client = InferenceHTTPClient(fake_server.url, "key").select_api_v0()
    assert client.infer([], model_id="m/1") == []
    assert asyncio.run(client.infer_async((), model_id="m/1")) == []
    assert fake_server.requests == []


def test_the_lists_cover_every_image_batch_method() -> None:
    # A new method taking images must be added above (and so be checked).
    client = InferenceHTTPClient("http://127.0.0.1:9", "key")
    documented = {
        name
        for name in dir(InferenceHTTPClient)
        if not name.startswith("_")
        and not name.endswith("_async")
        and callable(getattr(InferenceHTTPClient, name))
        and next(iter(list(inspect.signature(getattr(client, name)).parameters)[:1]), None)
        == "inference_input"
    }
    single_image = {"sam3_3d_infer"}  # one image with its mask: no list form
    assert documented - single_image == set(DOCUMENTED)
    typed = {
        f"{namespace}.{operation}"
        for namespace in dir(client.typed)
        if not namespace.startswith("_")
        for operation in dir(getattr(client.typed, namespace))
        if not operation.startswith("_")
        and not operation.endswith("_async")
        and callable(method := getattr(getattr(client.typed, namespace), operation))
        and next(iter(inspect.signature(method).parameters), None) == "images"
    }
    assert typed == set(TYPED)
