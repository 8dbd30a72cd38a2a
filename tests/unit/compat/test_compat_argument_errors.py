"""Bad arguments raise what inference-sdk 1.8.3 raises, so its ``except`` clauses keep working.

Each case is code written for 1.8.3. It runs unchanged under 1.8.3 itself (all cases in one
subprocess of its interpreter, bench/.venvs/sdk) and under rf-client, against the same
loopback fake server. For every builtin class 1.8.3's exception is (``ValueError``,
``TypeError``, ``ImportError``, ...), rf-client's must be one too; where 1.8.3 raises its own
class, rf-client's must be (a subclass of) the class of that name in ``rf_client.errors``.

The one deliberate difference: where 1.8.3 fails on a wrong-typed argument by accident, with
an ``AttributeError`` from deep inside (``'int' object has no attribute 'startswith'``),
rf-client raises :class:`InvalidParameterTypeError`, a ``TypeError`` naming the parameter.
"""

from __future__ import annotations

import asyncio
import builtins
import json
from collections.abc import Iterator
from typing import Any

import pytest

import rf_client.errors
from rf_client import InferenceConfiguration, InferenceHTTPClient, RFClientError
from tests.support.fake_server import FakeServer
from tests.unit.compat.compat_support import (
    IMAGES_DIR,
    ModelSpec,
    run_in_sdk,
    sdk_available,
    serve_models,
)

IMAGE = str(IMAGES_DIR / "page.png")
WF = "workspace_name='w', workflow_id='x'"

CASES: dict[str, str] = {
    # Construction and configuration.
    "api_url int": "InferenceHTTPClient(api_url=123, api_key='k')",
    "api_url None": "InferenceHTTPClient(api_url=None, api_key='k')",
    "api_url bytes": "InferenceHTTPClient(api_url=b'http://x', api_key='k')",
    "configure None": "client.configure(None); client.infer(IMAGE, model_id='m/1')",
    # Images of no usable kind.
    "infer None": "client.infer(None, model_id='m/1')",
    "infer int": "client.infer(5, model_id='m/1')",
    "infer float": "client.infer(1.5, model_id='m/1')",
    "infer dict": "client.infer({}, model_id='m/1')",
    "infer object": "client.infer(object(), model_id='m/1')",
    "infer set": "client.infer({IMAGE}, model_id='m/1')",
    "infer list with None": "client.infer([IMAGE, None], model_id='m/1')",
    "infer_async None": "asyncio.run(client.infer_async(None, model_id='m/1'))",
    "infer v0 None": "client.select_api_v0(); client.infer(None, model_id='m/1')",
    "ocr_image None": "client.ocr_image(None)",
    "get_clip_image_embeddings None": "client.get_clip_image_embeddings(None)",
    "clip_compare subject None": "client.clip_compare(subject=None, prompt='a')",
    "clip_compare image prompt None": (
        "client.clip_compare(subject=IMAGE, prompt=None, prompt_type='image')"
    ),
    "perception encoder None": "client.get_perception_encoder_image_embeddings(None)",
    "infer_lmm None": "client.infer_lmm(None, model_id='m/1', prompt='x')",
    "depth_estimation None": "client.depth_estimation(None)",
    "sam2_segment_image None": "client.sam2_segment_image(None)",
    "sam3_concept_segment None": (
        "client.sam3_concept_segment(None, prompts=[{'type': 'text', 'text': 'cat'}])"
    ),
    "sam3_visual_segment None": "client.sam3_visual_segment(None)",
    "sam3_embed_image None": "client.sam3_embed_image(None)",
    "sam3_3d_infer None": "client.sam3_3d_infer(None, [[0, 0], [1, 1], [1, 0]])",
    "infer_from_yolo_world None": "client.infer_from_yolo_world(None, class_names=['a'])",
    "run_workflow image None": f"client.run_workflow({WF}, images={{'image': None}})",
    "run_workflow image int": f"client.run_workflow({WF}, images={{'image': 5}})",
    "infer_from_workflow image None": (
        "client.infer_from_workflow(workspace_name='w', workflow_name='x', images={'image': None})"
    ),
    # Models.
    "infer without a model": "client.infer(IMAGE)",
    "infer model_id list": "client.infer(IMAGE, model_id=['m/1'])",
    "infer unknown model": "client.infer(IMAGE, model_id='bad')",
    "get_model_description unknown": "client.get_model_description('bad')",
    "ocr_image unknown model": "client.ocr_image(IMAGE, model='nope')",
    "ocr_image_async unknown model": "asyncio.run(client.ocr_image_async(IMAGE, model='nope'))",
    "ocr_image model int": "client.ocr_image(IMAGE, model=5)",
    "ocr_image model None": "client.ocr_image(IMAGE, model=None)",
    "clip_compare bad subject_type": (
        "client.clip_compare(subject=IMAGE, prompt='a', subject_type='bad')"
    ),
    "clip_compare bad prompt_type": (
        "client.clip_compare(subject=IMAGE, prompt='a', prompt_type='bad')"
    ),
    "detect_gazes": "client.detect_gazes(IMAGE)",
    "webrtc": "client.webrtc",
    # Workflows.
    "run_workflow without a workflow": "client.run_workflow(images={'image': IMAGE})",
    "run_workflow two workflows": (
        f"client.run_workflow({WF}, specification={{'a': 1}}, images={{'image': IMAGE}})"
    ),
    "run_workflow images list": f"client.run_workflow({WF}, images=[IMAGE])",
    "run_workflow images str": f"client.run_workflow({WF}, images='abc')",
    "run_workflow parameters list": (
        f"client.run_workflow({WF}, images={{'image': IMAGE}}, parameters=[1])"
    ),
    "run_workflow parameters str": f"client.run_workflow({WF}, parameters='abc')",
    "infer_from_workflow images list": (
        "client.infer_from_workflow(workspace_name='w', workflow_name='x', images=[IMAGE])"
    ),
    # Videos and streams.
    "infer_on_video int": "client.infer_on_video(5, model_id='v/1')",
    "infer_on_video list": "client.infer_on_video([IMAGE], model_id='v/1')",
    "infer_on_video bytes": "client.infer_on_video(b'abc', model_id='v/1')",
    "infer_on_video missing file": "client.infer_on_video('/nonexistent.mp4', model_id='v/1')",
    "infer_on_video folder": "client.infer_on_video(IMAGES, model_id='v/1')",
    "infer_on_video_async int": "asyncio.run(client.infer_on_video_async(5, model_id='v/1'))",
    "infer_on_stream None": "next(iter(client.infer_on_stream(None, model_id='m/1')))",
    "infer_on_stream float": "next(iter(client.infer_on_stream(5.5, model_id='m/1')))",
    "infer_on_stream list": "next(iter(client.infer_on_stream([IMAGE], model_id='m/1')))",
    # Inference pipelines.
    "start pipeline without a workflow": (
        "client.start_inference_pipeline_with_workflow(video_reference='rtsp://x')"
    ),
    "start pipeline two workflows": (
        "client.start_inference_pipeline_with_workflow(video_reference='rtsp://x', "
        f"workflow_specification={{'a': 1}}, {WF})"
    ),
    "pipeline status empty id": "client.get_inference_pipeline_status('')",
    "pipeline status None id": "client.get_inference_pipeline_status(None)",
    "pause pipeline empty id": "client.pause_inference_pipeline('')",
    "resume pipeline empty id": "client.resume_inference_pipeline('')",
    "terminate pipeline empty id": "client.terminate_inference_pipeline('')",
    "consume pipeline empty id": "client.consume_inference_pipeline_result('')",
}
"""Bad-argument calls 1.8.3 refuses itself (none that the server refuses for it)."""

RUNNER = """
import asyncio, builtins, json
from inference_sdk import InferenceConfiguration, InferenceHTTPClient

def classify(error):
    names = [c.__name__ for c in type(error).__mro__
             if getattr(builtins, c.__name__, None) is c
             and c not in (BaseException, Exception, object)]
    own = type(error).__name__ if type(error).__module__.startswith("inference_sdk") else None
    return {"class": type(error).__name__, "builtins": names, "own": own}

cases, url, image, images = json.loads(CASES)
found = {}
for label, code in cases.items():
    client = InferenceHTTPClient(api_url=url, api_key="k")
    scope = {"client": client, "IMAGE": image, "IMAGES": images, "asyncio": asyncio,
             "InferenceHTTPClient": InferenceHTTPClient,
             "InferenceConfiguration": InferenceConfiguration}
    try:
        exec(code, scope)
        found[label] = None
    except Exception as error:
        found[label] = classify(error)
print(json.dumps(found))
"""

HTTP_ERRORS = ("HTTPCallErrorError", "HTTPServerConnectionError")


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    """One fake server for both clients: an image model m/1, a video model v/1, nothing else."""
    fake = FakeServer().start()
    try:
        serve_models(fake, {"m/1": ModelSpec(), "v/1": ModelSpec("action-recognition")})
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def sdk_errors(server: FakeServer) -> dict[str, dict[str, Any] | None]:
    """What 1.8.3 raises for each case (one subprocess for all of them)."""
    if not sdk_available():
        pytest.skip("inference-sdk 1.8.3 not installed in bench/.venvs/sdk: no cross-check")
    arguments = json.dumps([CASES, server.url, IMAGE, str(IMAGES_DIR)])
    found: dict[str, dict[str, Any] | None] = run_in_sdk(f"CASES = {arguments!r}\n{RUNNER}")
    return found


def rf_client_error(code: str, url: str) -> Exception | None:
    """What the case raises under rf-client (None if nothing)."""
    client = InferenceHTTPClient(api_url=url, api_key="k")
    scope: dict[str, Any] = {
        "client": client,
        "IMAGE": IMAGE,
        "IMAGES": str(IMAGES_DIR),
        "asyncio": asyncio,
        "InferenceHTTPClient": InferenceHTTPClient,
        "InferenceConfiguration": InferenceConfiguration,
    }
    try:
        exec(code, scope)
    except Exception as error:
        return error
    finally:
        client.close()
    return None


@pytest.mark.filterwarnings("ignore::rf_client.RFClientDeprecationWarning")  # infer_from_workflow
@pytest.mark.parametrize("label", sorted(CASES))
def test_a_bad_argument_raises_what_1_8_3_code_catches(
    server: FakeServer, sdk_errors: dict[str, dict[str, Any] | None], label: str
) -> None:
    sdk = sdk_errors[label]
    assert sdk is not None, "1.8.3 accepts this call: it is no bad-argument case"
    assert sdk["class"] not in HTTP_ERRORS, "1.8.3 sent this call: the server refused it"
    ours = rf_client_error(CASES[label], server.url)
    assert isinstance(ours, RFClientError), f"rf-client raised {ours!r}"
    for name in sdk["builtins"]:
        # An AttributeError from deep inside 1.8.3 is a wrong type: rf-client says TypeError.
        expected = TypeError if name == "AttributeError" else getattr(builtins, name)
        assert isinstance(ours, expected), f"1.8.3 raises a {name}; rf-client {ours!r}"
    if sdk["own"] is not None:
        same_name = getattr(rf_client.errors, sdk["own"])
        assert isinstance(ours, same_name), f"1.8.3 raises {sdk['own']}; rf-client {ours!r}"


def test_every_case_ran_under_1_8_3(sdk_errors: dict[str, dict[str, Any] | None]) -> None:
    assert sorted(sdk_errors) == sorted(CASES)
