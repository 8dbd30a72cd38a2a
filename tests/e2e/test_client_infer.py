"""``infer`` on every task type against the real server, in v1 and in v0 (the legacy route).

The same client switches to v0 with ``select_api_v0()``; the server's access log shows which
route each call took.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rf_client import InferenceConfiguration, InferenceHTTPClient
from tests.fixtures.e2e.support import (
    API_KEY,
    ASSERT_BY_MODEL,
    CHELSEA,
    CLS_MODEL,
    KP_MODEL,
    OD_MODEL,
    SEG_MODEL,
    AccessLog,
    assert_all_four,
    assert_box,
    assert_chelsea_detections,
    assert_rle,
    new_client,
)

from .conftest import RealServer

pytestmark = pytest.mark.e2e

V1_ROUTES = {
    OD_MODEL: "/infer/object_detection",
    CLS_MODEL: "/infer/classification",
    SEG_MODEL: "/infer/instance_segmentation",
    KP_MODEL: "/infer/keypoints_detection",
}
MODELS = list(V1_ROUTES)


@pytest.fixture
def client(real_server: RealServer) -> Iterator[InferenceHTTPClient]:
    with new_client(real_server.url) as client:
        yield client


@pytest.fixture
def access_log(real_server: RealServer) -> AccessLog:
    return AccessLog(real_server.handle.log_path)


@pytest.mark.parametrize("model_id", MODELS)
def test_v1_infer(model_id: str, client: InferenceHTTPClient, access_log: AccessLog) -> None:
    ASSERT_BY_MODEL[model_id](client.infer(str(CHELSEA), model_id=model_id))
    assert access_log.count(f"POST {V1_ROUTES[model_id]}") == 1
    assert access_log.count(f"POST /{model_id}") == 0


@pytest.mark.parametrize("model_id", MODELS)
def test_v0_infer_on_the_same_client(
    model_id: str, client: InferenceHTTPClient, access_log: AccessLog
) -> None:
    client.select_api_v0()
    ASSERT_BY_MODEL[model_id](client.infer(CHELSEA, model_id=model_id))
    (entry,) = access_log.entries()
    assert entry.call == f"POST /{model_id}"
    assert entry.status == 200
    # v0 sends the key both ways by default: the query parameter and the header.
    assert f"api_key={API_KEY}" in entry.query.split("&")


@pytest.mark.parametrize("model_id", MODELS)
async def test_v1_infer_async(model_id: str, real_server: RealServer) -> None:
    async with new_client(real_server.url) as client:
        ASSERT_BY_MODEL[model_id](await client.infer_async(str(CHELSEA), model_id=model_id))


@pytest.mark.parametrize("model_id", MODELS)
async def test_v0_infer_async(model_id: str, real_server: RealServer) -> None:
    access_log = AccessLog(real_server.handle.log_path)
    async with new_client(real_server.url) as client:
        client.select_api_v0()
        ASSERT_BY_MODEL[model_id](await client.infer_async(CHELSEA, model_id=model_id))
    assert access_log.calls() == [f"POST /{model_id}"]


def test_explicit_routes_whatever_the_mode(
    client: InferenceHTTPClient, access_log: AccessLog
) -> None:
    assert_chelsea_detections(client.infer_from_api_v0(str(CHELSEA), model_id=OD_MODEL))
    assert_chelsea_detections(client.infer_from_api_v1(str(CHELSEA), model_id=OD_MODEL))
    calls = access_log.calls()
    assert calls.count("POST /offline-od/1") == 1
    assert calls.count("POST /infer/object_detection") == 1


async def test_explicit_routes_async(real_server: RealServer) -> None:
    async with new_client(real_server.url) as client:
        v0 = await client.infer_from_api_v0_async(str(CHELSEA), model_id=OD_MODEL)
        v1 = await client.infer_from_api_v1_async(str(CHELSEA), model_id=OD_MODEL)
    assert_chelsea_detections(v0)
    assert_chelsea_detections(v1)


@pytest.mark.parametrize("mode", ["v1", "v0"])
def test_low_thresholds_return_all_four_candidates(mode: str, client: InferenceHTTPClient) -> None:
    if mode == "v0":
        client.select_api_v0()
    client.configure(InferenceConfiguration(confidence_threshold=0.1, iou_threshold=0.95))
    assert_all_four(client.infer(str(CHELSEA), model_id=OD_MODEL))


@pytest.mark.parametrize("mode", ["v1", "v0"])
def test_thresholds_and_limits_reach_the_server(mode: str, client: InferenceHTTPClient) -> None:
    if mode == "v0":
        client.select_api_v0()
    with client.use_configuration(InferenceConfiguration(confidence_threshold=0.8)):
        (only,) = client.infer(str(CHELSEA), model_id=OD_MODEL)["predictions"]
        assert_box(only, "A", "cat")
    with client.use_configuration(InferenceConfiguration(max_detections=1)):
        (only,) = client.infer(str(CHELSEA), model_id=OD_MODEL)["predictions"]
        assert_box(only, "A", "cat")
    # A low threshold alone keeps D; NMS at the server's default IoU still removes B.
    with client.use_configuration(InferenceConfiguration(confidence_threshold=0.1)):
        result = client.infer(str(CHELSEA), model_id=OD_MODEL)
    assert [p["class"] for p in result["predictions"]] == ["cat", "dog", "person"]
    assert_box(result["predictions"][2], "D", "person")


def test_class_filter_in_v1(client: InferenceHTTPClient) -> None:
    client.configure(InferenceConfiguration(class_filter=["dog"]))
    (dog,) = client.infer(str(CHELSEA), model_id=OD_MODEL)["predictions"]
    assert_box(dog, "C", "dog")
    (dog,) = client.infer(str(CHELSEA), model_id=SEG_MODEL)["predictions"]
    assert_box(dog, "C", "dog")
    assert len(dog["points"]) == 8


def test_rle_masks_in_v0(client: InferenceHTTPClient) -> None:
    client.select_api_v0().configure(InferenceConfiguration(response_mask_format="rle"))
    assert_rle(client.infer(str(CHELSEA), model_id=SEG_MODEL))


def test_rle_masks_in_v1(client: InferenceHTTPClient) -> None:
    client.configure(InferenceConfiguration(response_mask_format="rle"))
    assert_rle(client.infer(str(CHELSEA), model_id=SEG_MODEL))


async def test_rle_masks_in_v1_async(real_server: RealServer) -> None:
    async with new_client(real_server.url) as client:
        client.configure(InferenceConfiguration(response_mask_format="rle"))
        assert_rle(await client.infer_async(str(CHELSEA), model_id=SEG_MODEL))


@pytest.mark.parametrize("mode", ["v1", "v0"])
def test_selected_model_is_used_when_none_is_given(mode: str, client: InferenceHTTPClient) -> None:
    if mode == "v0":
        client.select_api_v0()
    client.select_model(KP_MODEL)
    ASSERT_BY_MODEL[KP_MODEL](client.infer(str(CHELSEA)))
    with client.use_model(CLS_MODEL):
        ASSERT_BY_MODEL[CLS_MODEL](client.infer(str(CHELSEA)))
    assert client.selected_model == KP_MODEL
