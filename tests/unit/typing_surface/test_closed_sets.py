"""Closed sets: their Literals agree with the runtime and the server's spec; newer values survive.

Request-side sets (mask formats, buffer strategies, depth map formats, ...) are Literals whose
values are the server's own enums (rf_api_v1), and the runtime refuses what the Literal refuses
with an rf-client error. Answer-side sets are the generated enums, which keep a value a newer
server adds; task types are open strings the registry reports as given.
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import enum
import inspect
import re
import sys
import typing
from typing import Any

import pytest
from rf_api_v1 import models
from rf_api_v1.models import UnknownPrediction

from rf_client import (
    ApiKeyTransport,
    HTTPClientMode,
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidParameterError,
    ModelTaskTypeNotSupportedError,
    VisualisationResponseFormat,
)
from rf_client._client_streams import OnError, check_on_error
from rf_client._ops.pipelines import BufferConsumptionStrategy, BufferFillingStrategy
from rf_client.config import MASK_FORMATS, Confidence
from tests.support.fake_server import FakeServer, json_reply
from tests.unit.typing_surface.payloads import IMAGE, load_payload, serve_payload


def literal_values(annotation: object) -> set[str]:
    """The values of the ``Literal[...]`` in an annotation (a string or a typing object)."""
    if isinstance(annotation, str):
        found: set[str] = set()
        for inner in re.findall(r"Literal\[([^\]]*)\]", annotation):
            found |= set(ast.literal_eval(f"({inner},)"))
        return found
    if typing.get_origin(annotation) is typing.Literal:
        return {value for value in typing.get_args(annotation) if isinstance(value, str)}
    return {value for arg in typing.get_args(annotation) for value in literal_values(arg)}


def parameter_annotation(function: Any, name: str) -> object:
    """A parameter's annotation, with named aliases (``DepthMapFormat``) resolved.

    Only this parameter's annotation is evaluated (in the function's module): others may name
    types imported for type checkers only.
    """
    annotation = inspect.signature(function).parameters[name].annotation
    if isinstance(annotation, str):
        return eval(annotation, vars(sys.modules[function.__module__]))
    return annotation


def field_annotation(name: str) -> object:
    """A configuration field's annotation, with named aliases resolved."""
    assert name in {f.name for f in dataclasses.fields(InferenceConfiguration)}
    return typing.get_type_hints(InferenceConfiguration)[name]


def values(enum_class: type[enum.Enum]) -> set[str]:
    return {str(member.value) for member in enum_class}


def test_request_literals_are_the_servers_enums() -> None:
    client = InferenceHTTPClient("http://127.0.0.1:9")
    typed = client.typed
    assert literal_values(BufferFillingStrategy) == values(models.BufferFillingStrategy)
    assert literal_values(BufferConsumptionStrategy) == values(models.BufferConsumptionStrategy)
    assert literal_values(parameter_annotation(typed.depth.estimate, "depth_map_format")) == (
        values(models.DepthEstimationRequestDepthMapFormat)
    )
    assert literal_values(parameter_annotation(typed.embeddings.image, "output_type")) == (
        values(models.ImageEmbeddingRequestOutputType)
    )
    assert literal_values(parameter_annotation(client.get_image_embeddings, "output_type")) == (
        values(models.ImageEmbeddingRequestOutputType)
    )
    mask_formats = literal_values(field_annotation("response_mask_format"))
    assert mask_formats == set(MASK_FORMATS)
    assert mask_formats == values(models.InstanceSegmentationInferenceRequestResponseMaskFormat)
    assert literal_values(parameter_annotation(typed.clip.compare, "subject_type")) == {
        "image",
        "text",
    }
    assert literal_values(Confidence) == {"best", "default"}
    client.close()


def test_on_error_literal_is_what_the_streams_accept() -> None:
    assert literal_values(OnError) == {"raise", "yield"}
    for value in literal_values(OnError):
        assert check_on_error(value) == value
    with pytest.raises(InvalidParameterError, match="'ignore'"):
        check_on_error("ignore")


@pytest.mark.parametrize(
    ("field", "accepted", "refused"),
    [
        ("response_mask_format", "rle", "bitmap"),
        ("output_visualisation_format", "numpy", "webp"),
        ("api_key_transport", "header", "query"),
    ],
)
def test_configuration_refuses_what_its_types_refuse_with_an_rf_client_error(
    field: str, accepted: str, refused: str
) -> None:
    good: dict[str, Any] = {field: accepted}
    bad: dict[str, Any] = {field: refused}
    assert getattr(InferenceConfiguration(**good), field) == accepted
    with pytest.raises(InvalidParameterError, match=refused):
        InferenceConfiguration(**bad)


def test_client_side_enums_are_str_enums_that_take_their_value() -> None:
    for enum_class in (HTTPClientMode, VisualisationResponseFormat, ApiKeyTransport):
        assert issubclass(enum_class, str)
        for member in enum_class:
            assert enum_class(member.value) is member
    configuration = InferenceConfiguration(
        output_visualisation_format="pillow",  # type: ignore[arg-type]  # 1.8.3 code passes str
        api_key_transport="both",
    )
    assert configuration.output_visualisation_format is VisualisationResponseFormat.PILLOW
    assert configuration.api_key_transport is ApiKeyTransport.BOTH


def test_every_generated_enum_keeps_a_value_a_newer_server_adds() -> None:
    # Through __all__: the package may load its model modules lazily, on first attribute use.
    exported = [getattr(models, name) for name in models.__all__]
    enums = [
        value for value in exported if isinstance(value, type) and issubclass(value, enum.Enum)
    ]
    assert len(enums) > 10
    for enum_class in enums:
        member = enum_class("added-by-a-newer-server")
        assert member.value == "added-by-a-newer-server", enum_class
        assert str(member) == "added-by-a-newer-server"


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_a_newer_depth_format_reaches_both_surfaces(
    fake_server: FakeServer, use_async: bool
) -> None:
    answer = {"normalized_depth": [[0.0, 0.5]], "depth_map_format": "exr", "time": 0.1}
    fake_server.on("POST", "/infer/depth-estimation", json_reply(200, answer))
    client = InferenceHTTPClient(fake_server.url)

    async def both() -> tuple[dict[str, Any], models.DepthEstimationResponse]:
        documented = await client.depth_estimation_async(str(IMAGE))
        typed = await client.typed.depth.estimate_async(str(IMAGE))
        await client.aclose()
        return documented, typed

    if use_async:
        documented, typed = asyncio.run(both())
    else:
        documented = client.depth_estimation(str(IMAGE))
        typed = client.typed.depth.estimate(str(IMAGE))
    assert documented["depth_map_format"] == "exr"
    assert isinstance(typed.depth_map_format, models.DepthEstimationResponseDepthMapFormat)
    assert typed.depth_map_format.value == "exr"
    assert [r.path for r in fake_server.requests] == ["/infer/depth-estimation"] * 2


def test_an_unknown_task_type_is_kept_by_the_registry_and_refused_before_inference(
    fake_server: FakeServer,
) -> None:
    model_id = serve_payload(fake_server, "zero-shot-segmentation", {})
    client = InferenceHTTPClient(fake_server.url)
    assert client.typed.models.describe(model_id).task_type == "zero-shot-segmentation"
    assert client.get_model_description(model_id).task_type == "zero-shot-segmentation"
    with pytest.raises(ModelTaskTypeNotSupportedError, match="zero-shot-segmentation"):
        client.infer(str(IMAGE), model_id=model_id)
    with pytest.raises(ModelTaskTypeNotSupportedError, match="zero-shot-segmentation"):
        asyncio.run(client.typed.infer.object_detection_async(str(IMAGE), model_id=model_id))
    assert {r.path for r in fake_server.requests} == {"/model/registry"}


def test_extra_prediction_fields_of_a_newer_server_are_kept(fake_server: FakeServer) -> None:
    payload = load_payload("object_detection")
    payload["predictions"][0]["track_age"] = 7
    payload["scene"] = "kitchen"
    model_id = serve_payload(fake_server, "object-detection", payload)
    client = InferenceHTTPClient(fake_server.url)
    response = client.typed.infer.object_detection(str(IMAGE), model_id=model_id)
    assert response.predictions[0].additional_properties == {"track_age": 7}
    assert response["scene"] == "kitchen"
    assert response.to_dict()["predictions"][0]["track_age"] == 7
    assert client.infer(str(IMAGE), model_id=model_id)["predictions"][0]["track_age"] == 7


def _bitmap_prediction() -> dict[str, Any]:
    payload = load_payload("instance_segmentation_rle")
    prediction = payload["predictions"][0]
    del prediction["rle"]
    prediction["mask_format"] = "bitmap"
    prediction["bitmap"] = {"encoding": "png", "data": "iVBORw0KGgo="}
    payload["predictions"] = [prediction]
    return payload


def test_a_new_prediction_kind_reaches_the_documented_api_unchanged(
    fake_server: FakeServer,
) -> None:
    model_id = serve_payload(fake_server, "instance-segmentation", _bitmap_prediction())
    client = InferenceHTTPClient(fake_server.url)
    result = client.infer(str(IMAGE), model_id=model_id)
    assert result["predictions"][0]["mask_format"] == "bitmap"
    assert result["predictions"][0]["bitmap"]["encoding"] == "png"


def test_a_new_prediction_kind_parses_in_the_typed_api(fake_server: FakeServer) -> None:
    model_id = serve_payload(fake_server, "instance-segmentation", _bitmap_prediction())
    client = InferenceHTTPClient(fake_server.url)
    response = client.typed.infer.instance_segmentation(str(IMAGE), model_id=model_id)
    assert response.to_dict()["predictions"][0]["mask_format"] == "bitmap"
    prediction = response.predictions[0]
    assert isinstance(prediction, UnknownPrediction)
    assert prediction["mask_format"] == "bitmap"
