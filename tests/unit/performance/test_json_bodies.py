"""Request bodies carrying images: spliced without a scan, byte for byte what json.dumps gives.

Every route that sends images in a JSON body (models, workflows, every core model) runs
against the fake server, sync and async; each body the client built is compared with
``json.dumps`` of the same document (httpx's own ``json=`` encoding) and with the bytes the
server received, and the images must have taken the fast path (spliced, not re-encoded).
"""

from __future__ import annotations

import asyncio
import base64
import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rf_client import InferenceConfiguration, InferenceHTTPClient, InvalidParameterError, _plan
from rf_client._http import Base64Bytes, JSONSafeText, json_body
from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply

Built = list[tuple[Any, bytes]]
"""Each JSON document a request was built from, with the body made of it."""


def as_text(value: object) -> str:
    """json.dumps' ``default=``: a :class:`Base64Bytes` is the text it holds."""
    if isinstance(value, Base64Bytes):
        return value.raw.decode("ascii")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def canonical(value: Any) -> bytes:
    """httpx's encoding of ``json=`` bodies (a :class:`Base64Bytes` as its text)."""
    return json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=as_text
    ).encode()


def spliced_texts(value: Any) -> list[str]:
    """The text of every :class:`JSONSafeText` and :class:`Base64Bytes` in ``value``."""
    if isinstance(value, JSONSafeText):
        return [value]
    if isinstance(value, Base64Bytes):
        return [value.raw.decode("ascii")]
    if isinstance(value, dict):
        return [text for item in value.values() for text in spliced_texts(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in spliced_texts(item)]
    return []


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Built:
    """Records every JSON body the drivers build (sync and async alike)."""
    records: Built = []

    def recording(value: Any) -> bytes:
        body = json_body(value)
        records.append((value, body))
        return body

    monkeypatch.setattr(_plan, "json_body", recording)
    return records


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """Each call runs through the sync and the async driver."""
    return str(request.param)


def run(client: InferenceHTTPClient, mode: str, method: str, *args: Any, **kwargs: Any) -> Any:
    """``client.<method>(...)``, or its ``_async`` twin on a fresh event loop."""
    if mode == "sync":
        return getattr(client, method)(*args, **kwargs)

    async def call() -> Any:
        try:
            return await getattr(client, f"{method}_async")(*args, **kwargs)
        finally:
            await client.aclose()

    return asyncio.run(call())


def answer_per_image(payload: Any) -> Callable[[RecordedRequest], Reply]:
    """A handler answering ``payload`` once per image received (a list for a batch)."""

    def answer(request: RecordedRequest) -> Reply:
        image = request.json().get("image")
        if isinstance(image, list):
            return json_reply(200, [payload] * len(image))
        return json_reply(200, payload)

    return answer


def embeddings(request: RecordedRequest) -> Reply:
    """One embedding per image received."""
    image = request.json()["image"]
    count = len(image) if isinstance(image, list) else 1
    return json_reply(200, {"embeddings": [[float(i)] for i in range(count)], "time": 0.1})


PREDICTION = {"image": {"width": 451, "height": 300}, "predictions": []}
SAM_ANSWER = {"predictions": [], "time": 0.1}
WORKFLOW = {"version": "1.0", "inputs": [{"type": "WorkflowImage", "name": "image"}]}

Case = Callable[[InferenceHTTPClient, str, list[str]], Any]

CASES: dict[str, tuple[dict[str, Any], Case]] = {
    "infer v1, one image": (
        {},
        lambda client, mode, images: run(client, mode, "infer", images[0], model_id="coco/3"),
    ),
    "infer v1, batches": (
        {},
        lambda client, mode, images: run(
            client.configure(InferenceConfiguration(max_batch_size=2)),
            mode,
            "infer",
            images,
            model_id="coco/3",
        ),
    ),
    "run_workflow": (
        {"/workflows/run": json_reply(200, {"outputs": [{}, {}, {}]})},
        lambda client, mode, images: run(
            client, mode, "run_workflow", specification=WORKFLOW, images={"image": images}
        ),
    ),
    "clip image embeddings": (
        {"/clip/embed_image": embeddings},
        lambda client, mode, images: run(client, mode, "get_clip_image_embeddings", images),
    ),
    "clip compare": (
        {"/clip/compare": json_reply(200, {"similarity": [0.5, 0.5, 0.5]})},
        lambda client, mode, images: run(
            client, mode, "clip_compare", images[0], images, subject_type="image"
        ),
    ),
    "perception encoder image embeddings": (
        {"/perception_encoder/embed_image": embeddings},
        lambda client, mode, images: run(
            client, mode, "get_perception_encoder_image_embeddings", images
        ),
    ),
    "image embeddings": (
        {"/infer/embeddings": embeddings},
        lambda client, mode, images: run(
            client, mode, "get_image_embeddings", images, model_id="embedder/1"
        ),
    ),
    "ocr": (
        {"/doctr/ocr": json_reply(200, {"result": "text", "time": 0.1})},
        lambda client, mode, images: run(client, mode, "ocr_image", images[0]),
    ),
    "lmm": (
        {"/infer/lmm": json_reply(200, {"response": "a cat", "time": 0.1})},
        lambda client, mode, images: run(
            client, mode, "infer_lmm", images[0], model_id="florence-2-base", prompt="what?"
        ),
    ),
    "cogvlm": (
        {"/llm/cogvlm": json_reply(200, {"response": "a cat"})},
        lambda client, mode, images: run(client, mode, "prompt_cogvlm", images[0], "what?"),
    ),
    "depth estimation": (
        {"/infer/depth-estimation": json_reply(200, {"normalized_depth": [[0.5]]})},
        lambda client, mode, images: run(client, mode, "depth_estimation", images[0]),
    ),
    "sam2": (
        {"/sam2/segment_image": json_reply(200, SAM_ANSWER)},
        lambda client, mode, images: run(client, mode, "sam2_segment_image", images[0]),
    ),
    "sam3 concept": (
        {"/sam3/concept_segment": json_reply(200, {"prompt_results": [], "time": 0.1})},
        lambda client, mode, images: run(
            client, mode, "sam3_concept_segment", images[0], [{"type": "text", "text": "cat"}]
        ),
    ),
    "sam3 visual": (
        {"/sam3/visual_segment": json_reply(200, SAM_ANSWER)},
        lambda client, mode, images: run(client, mode, "sam3_visual_segment", images[0]),
    ),
    "sam3 embed": (
        {"/sam3/embed_image": json_reply(200, {"image_id": "x", "time": 0.1})},
        lambda client, mode, images: run(client, mode, "sam3_embed_image", images[0]),
    ),
    "yolo world": (
        {"/yolo_world/infer": json_reply(200, {"predictions": []})},
        lambda client, mode, images: run(
            client, mode, "infer_from_yolo_world", images, class_names=["cat", "ünïcode ✓"]
        ),
    ),
    "gaze": (
        {"/gaze/gaze_detection": answer_per_image({"predictions": [], "time": 0.1})},
        lambda client, mode, images: run(client, mode, "detect_gazes", images),
    ),
}


@pytest.fixture
def three_images(images_dir: Path) -> list[str]:
    """A PNG, a JPEG and a PNG: each goes out as the file's own bytes."""
    return [str(images_dir / name) for name in ("chelsea.png", "rocket.jpg", "coffee.png")]


@pytest.mark.parametrize("case", sorted(CASES))
def test_image_bodies_are_spliced_and_identical_to_json_dumps(
    case: str, mode: str, fake_server: FakeServer, built: Built, three_images: list[str]
) -> None:
    routes, call = CASES[case]
    serve_model(fake_server, "coco/3")
    for path, reply in routes.items():
        if isinstance(reply, Reply):
            fake_server.on("POST", path, reply)
        else:
            fake_server.on("POST", path, handler=reply)
    client = InferenceHTTPClient(fake_server.url, "secret-key").configure(
        InferenceConfiguration(source_info='naïve ✓ "quoted" \\ \n')
    )
    call(client, mode, three_images)

    posted = [r for r in fake_server.requests if r.method == "POST"]
    assert posted, "nothing was posted"
    assert len(built) == len(posted)
    received = sorted(r.body for r in posted)
    assert sorted(body for _value, body in built) == received
    images_sent: set[str] = set()
    for value, body in built:
        assert body == canonical(value)
        texts = spliced_texts(value)
        assert texts, "no image took the fast path"
        images_sent.update(texts)
    expected = {base64.b64encode(Path(p).read_bytes()).decode("ascii") for p in three_images}
    sent_to = {r.path for r in posted}
    # Routes taking one image get only the first; the others get all three.
    assert images_sent == expected or (
        len(images_sent) == 1 and images_sent <= expected and len(sent_to) == 1
    )


def test_v0_sends_the_base64_text_itself_as_the_body(
    mode: str, fake_server: FakeServer, three_images: list[str]
) -> None:
    serve_model(fake_server, "coco/3")
    client = InferenceHTTPClient(fake_server.url, "secret-key").select_api_v0()
    run(client, mode, "infer", three_images, model_id="coco/3")
    bodies = sorted(r.body for r in fake_server.requests_to("POST", "/coco/3"))
    assert bodies == sorted(base64.b64encode(Path(p).read_bytes()) for p in three_images)


def nested_documents() -> Iterator[Any]:
    """Documents whose encoding has pitfalls: escapes, Unicode, numbers, nesting, order."""
    raw = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    image = JSONSafeText(raw)
    yield {"image": image}
    yield {"image": Base64Bytes(raw), "images": [Base64Bytes(raw[:8]), image], "n": 1}
    yield [image, {"nested": [image, (image, "x")]}, image]
    yield {"z": 1, "a": [1.5, -0.0, 1e300, 10**30, True, None], "image": image, "m": '"\\\n\t'}
    yield {"text": "ünïcode ✓ \u2028 \ud7ff", "image": image, "empty": [], "dict": {}}
    yield {1: image, "1.5": image}  # json.dumps turns non-string keys into strings
    yield image
    yield {"no image": "plain", "tuple": (1, 2)}


@pytest.mark.parametrize("document", list(nested_documents()))
def test_json_body_equals_json_dumps_for_any_document(document: Any) -> None:
    assert json_body(document) == canonical(document)


def test_json_body_falls_back_when_a_value_looks_like_the_splice_marker() -> None:
    from rf_client._http import _SPLICE_MARKER

    image = JSONSafeText(b"QUJD")
    document = {_SPLICE_MARKER: image, "other": _SPLICE_MARKER, "image": Base64Bytes(b"QUJE")}
    assert json_body(document) == canonical(document)
    assert b'"image":"QUJE"' in json_body(document)


def test_json_body_refuses_what_json_dumps_refuses() -> None:
    image = JSONSafeText(b"QUJD")
    with pytest.raises(ValueError, match="Out of range float"):
        json_body({"image": image, "confidence": math.nan})
    with pytest.raises(TypeError, match="not JSON serializable"):
        json_body({"image": image, "value": object()})
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        json_body({"image": Base64Bytes(b"QUJD"), "value": {1}})
    with pytest.raises(UnicodeEncodeError):
        json_body({"image": image, "text": "\ud800"})


def test_base64_bytes_is_no_str_and_shows_only_its_size() -> None:
    value: object = Base64Bytes(b"aGVsbG8=")
    assert not isinstance(value, str)
    assert repr(value) == "Base64Bytes(8 bytes)"
    with pytest.raises(TypeError):
        json.dumps(value)  # only json_body encodes it: it never leaves rf-client's bodies


def test_json_safe_text_is_the_str_it_equals() -> None:
    text = JSONSafeText(b"aGVsbG8=")
    assert text == "aGVsbG8="
    assert text.raw == b"aGVsbG8="
    assert json.loads(json.dumps({"v": text})) == {"v": "aGVsbG8="}
    with pytest.raises(UnicodeDecodeError):
        JSONSafeText("é".encode())


def test_a_body_json_cannot_hold_is_refused_before_anything_is_sent(
    mode: str, fake_server: FakeServer, images_dir: Path
) -> None:
    fake_server.on("POST", "/yolo_world/infer", json_reply(200, {"predictions": []}))
    client = InferenceHTTPClient(fake_server.url)
    with pytest.raises(InvalidParameterError, match=r"cannot be sent \(ValueError: Out of range"):
        run(
            client,
            mode,
            "infer_from_yolo_world",
            str(images_dir / "chelsea.png"),
            class_names=["cat"],
            confidence=math.nan,
        )
    assert fake_server.requests == []
