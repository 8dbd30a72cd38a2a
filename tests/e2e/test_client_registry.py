"""The client's server information and model registry calls against the real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rf_client import (
    InferenceHTTPClient,
    ModelNotInitializedError,
    ServiceUnavailableError,
    WrongClientModeError,
)
from tests.fixtures.e2e.support import (
    CHELSEA,
    CLS_MODEL,
    KP_MODEL,
    MODEL_INPUT_SIZE,
    OD_MODEL,
    ROBOFLOW_UNREACHABLE,
    SEG_MODEL,
    UNKNOWN_MODEL,
    AccessLog,
    assert_classification,
    new_client,
)

from .conftest import RealServer

pytestmark = pytest.mark.e2e

TASK_TYPES = {
    OD_MODEL: "object-detection",
    CLS_MODEL: "classification",
    SEG_MODEL: "instance-segmentation",
    KP_MODEL: "keypoint-detection",
}


@pytest.fixture
def client(real_server: RealServer) -> Iterator[InferenceHTTPClient]:
    with new_client(real_server.url) as client:
        yield client


def selected(client: InferenceHTTPClient) -> str | None:
    """The selected model, read afresh (a property the type checker would narrow)."""
    return client.selected_model


@pytest.fixture
def access_log(real_server: RealServer) -> AccessLog:
    return AccessLog(real_server.handle.log_path)


def test_server_info(client: InferenceHTTPClient) -> None:
    info = client.get_server_info()
    assert info.version == "1.8.3"
    assert info.name == "Roboflow Inference Server"
    assert isinstance(info.uuid, str)
    assert info.uuid


async def test_server_info_async(real_server: RealServer) -> None:
    async with new_client(real_server.url) as client:
        info = await client.get_server_info_async()
        typed = await client.typed.server.info_async()
    assert info.version == typed.version == "1.8.3"
    assert info.uuid == typed.uuid


def test_health_and_readiness_through_the_generated_bindings(real_server: RealServer) -> None:
    # rf-client exposes no health call; the generated operations it is built on describe them.
    from rf_api_v1 import Client
    from rf_api_v1.api.server import get_health, get_readiness

    with Client(base_url=real_server.url) as bindings:
        health = get_health.sync_detailed(client=bindings)
        readiness = get_readiness.sync_detailed(client=bindings)
    assert health.status_code == 200
    assert health.content == b'{"status":"healthy"}'
    assert readiness.status_code == 200
    assert readiness.content == b'{"status":"ready"}'


def test_registry_round_trip(client: InferenceHTTPClient, access_log: AccessLog) -> None:
    assert client.unload_all_models().models == []
    assert client.list_loaded_models().models == []

    with pytest.raises(ModelNotInitializedError, match="offline-od/1"):
        client.get_model_description(OD_MODEL, allow_loading=False)
    assert access_log.count("POST /model/add") == 0

    description = client.get_model_description(OD_MODEL)
    assert description.model_id == OD_MODEL
    assert description.task_type == "object-detection"
    assert (description.input_width, description.input_height) == (640, 640)
    assert access_log.count("POST /model/add") == 1
    # Loaded now: described without loading, from the client's cache (no request).
    calls_before = len(access_log.calls())
    assert client.get_model_description(OD_MODEL, allow_loading=False) == description
    assert len(access_log.calls()) == calls_before

    registry = client.load_model(CLS_MODEL, set_as_default=True)
    assert sorted(m.model_id for m in registry.models) == sorted([OD_MODEL, CLS_MODEL])
    assert selected(client) == CLS_MODEL
    assert_classification(client.infer(str(CHELSEA)))

    registry = client.unload_model(CLS_MODEL)
    assert [m.model_id for m in registry.models] == [OD_MODEL]
    assert selected(client) is None
    assert [m.model_id for m in client.unload_all_models().models] == []
    assert access_log.calls().count("POST /model/remove") == 1
    assert access_log.calls().count("POST /model/clear") == 2


def test_every_task_type_is_described(client: InferenceHTTPClient) -> None:
    for model_id, task_type in TASK_TYPES.items():
        description = client.get_model_description(model_id)
        assert description.task_type == task_type
        assert description.input_width == description.input_height == MODEL_INPUT_SIZE
    listed = {m.model_id: m.task_type for m in client.list_loaded_models().models}
    assert listed == TASK_TYPES


def test_load_without_default_keeps_the_selection(client: InferenceHTTPClient) -> None:
    client.select_model(KP_MODEL)
    registry = client.load_model(SEG_MODEL)
    assert SEG_MODEL in [m.model_id for m in registry.models]
    assert client.selected_model == KP_MODEL


async def test_registry_round_trip_async(real_server: RealServer) -> None:
    async with new_client(real_server.url) as client:
        assert (await client.unload_all_models_async()).models == []
        assert (await client.list_loaded_models_async()).models == []
        with pytest.raises(ModelNotInitializedError):
            await client.get_model_description_async(SEG_MODEL, allow_loading=False)
        description = await client.get_model_description_async(SEG_MODEL)
        assert description.task_type == "instance-segmentation"
        registry = await client.load_model_async(KP_MODEL, set_as_default=True)
        assert sorted(m.model_id for m in registry.models) == sorted([SEG_MODEL, KP_MODEL])
        assert selected(client) == KP_MODEL
        registry = await client.unload_model_async(KP_MODEL)
        assert [m.model_id for m in registry.models] == [SEG_MODEL]
        assert selected(client) is None
        assert (await client.unload_all_models_async()).models == []


def test_typed_registry(client: InferenceHTTPClient) -> None:
    models = client.typed.models
    assert models.clear().models == []
    with pytest.raises(ModelNotInitializedError):
        models.describe(KP_MODEL, allow_loading=False)
    assert [m.model_id for m in models.load(KP_MODEL).models] == [KP_MODEL]
    assert models.describe(KP_MODEL, allow_loading=False).task_type == "keypoint-detection"
    assert [m.model_id for m in models.list().models] == [KP_MODEL]
    assert models.unload(KP_MODEL).models == []


async def test_typed_registry_async(real_server: RealServer) -> None:
    async with new_client(real_server.url) as client:
        models = client.typed.models
        assert (await models.clear_async()).models == []
        loaded = await models.load_async(CLS_MODEL)
        assert [m.task_type for m in loaded.models] == ["classification"]
        description = await models.describe_async(CLS_MODEL, allow_loading=False)
        assert description.model_id == CLS_MODEL
        assert [m.model_id for m in (await models.list_async()).models] == [CLS_MODEL]
        assert (await models.unload_async(CLS_MODEL)).models == []


def test_loading_an_unknown_model_is_503(client: InferenceHTTPClient) -> None:
    with pytest.raises(ServiceUnavailableError) as caught:
        client.with_options(max_retries=0).load_model(UNKNOWN_MODEL)
    assert caught.value.status_code == 503
    assert caught.value.endpoint == "POST /model/add"
    assert caught.value.api_message is not None
    assert ROBOFLOW_UNREACHABLE in caught.value.api_message


def test_registry_calls_refuse_v0_mode_before_sending(
    client: InferenceHTTPClient, access_log: AccessLog
) -> None:
    client.select_api_v0()
    for call in (
        client.list_loaded_models,
        client.unload_all_models,
        lambda: client.load_model(OD_MODEL),
        lambda: client.unload_model(OD_MODEL),
        lambda: client.get_model_description(OD_MODEL),
    ):
        with pytest.raises(WrongClientModeError, match="select_api_v1"):
            call()
    assert access_log.calls() == []
    assert client.select_api_v1().get_model_description(OD_MODEL).task_type == "object-detection"
