"""Each fix in ``codegen/templates/`` (see its README), tested on generated code.

The union template is also tested on a package generated from a minimal document, where the
member order is chosen to defeat the generator's first-match parsing.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import httpx
import pytest
import rf_api_v0.client
import rf_api_v0.models as v0
import rf_api_v1.client
import rf_api_v1.models as v1
import rf_api_v1.types
from rf_api_v0.api.inference import infer as v0_infer
from rf_api_v0.types import File
from rf_api_v1.api.depth import estimate_depth_with_model_id
from rf_api_v1.api.inference import infer_classification
from rf_api_v1.api.lmm import infer_lmm_with_model_id
from rf_api_v1.api.pipelines import get_pipeline_status
from rf_api_v1.api.workflows import run_predefined_workflow
from rf_api_v1.types import count_unrecognised_fields, fewest_unrecognised_fields

from codegen.spec_io import Spec

PayloadLoader = Callable[[str], dict[str, Any]]
ScratchGenerator = Callable[[Spec, str], Path]
PackageImporter = Callable[[Path, str], ModuleType]

REF = "#/components/schemas/"
# --- union_property.py.jinja + types.py.jinja ----------------------------------------------


def prediction_schema(*names: str) -> dict[str, Any]:
    types = {"x": "number", "y": "number", "class": "string", "confidence": "number"}
    return {
        "type": "object",
        "properties": {name: {"type": types[name]} for name in names},
        "required": list(names),
    }


def response_schema(prediction: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"predictions": {"type": "array", "items": {"$ref": REF + prediction}}},
        "required": ["predictions"],
    }


# Classification is declared first: a first-match parser reads every detection as one.
UNION_PROBE: Spec = {
    "openapi": "3.1.0",
    "info": {"title": "union probe", "version": "1"},
    "paths": {
        "/predict": {
            "post": {
                "operationId": "predict",
                "tags": ["probe"],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "anyOf": [
                                        {"$ref": REF + "ClassificationResponse"},
                                        {"$ref": REF + "DetectionResponse"},
                                    ]
                                }
                            }
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "ClassPrediction": prediction_schema("class", "confidence"),
            "BoxPrediction": prediction_schema("x", "y", "class", "confidence"),
            "ClassificationResponse": response_schema("ClassPrediction"),
            "DetectionResponse": response_schema("BoxPrediction"),
        }
    },
}


@pytest.fixture(scope="module")
def union_probe(generate_scratch: ScratchGenerator, import_scratch: PackageImporter) -> ModuleType:
    package = generate_scratch(UNION_PROBE, "rf_probe_union")
    return import_scratch(package, "rf_probe_union.api.probe.predict")


def probe_parse(module: ModuleType, data: object) -> object:
    client = module.Client(base_url="http://x")
    parsed: object = module._parse_response(client=client, response=httpx.Response(200, json=data))
    return parsed


def test_union_returns_a_member_that_recognises_every_key(union_probe: ModuleType) -> None:
    parsed = probe_parse(union_probe, {"predictions": [{"class": "cat", "confidence": 0.7}]})

    assert type(parsed).__name__ == "ClassificationResponse"


def test_union_prefers_the_member_leaving_fewest_keys_unrecognised(
    union_probe: ModuleType,
) -> None:
    detection = {"predictions": [{"x": 1.0, "y": 2.0, "class": "cat", "confidence": 0.9}]}

    parsed = probe_parse(union_probe, detection)

    assert type(parsed).__name__ == "DetectionResponse"


def test_union_breaks_ties_by_declaration_order(union_probe: ModuleType) -> None:
    assert type(probe_parse(union_probe, {"predictions": []})).__name__ == "ClassificationResponse"


def test_union_refuses_a_payload_no_member_parses(union_probe: ModuleType) -> None:
    with pytest.raises(TypeError, match="matches no member"):
        probe_parse(union_probe, {"outputs": []})


@attrs.define
class Loose:
    name: str
    additional_properties: dict[str, Any] = attrs.field(factory=dict)


@attrs.define
class Typed:
    additional_properties: dict[str, Any] = attrs.field(factory=dict)
    declares_additional_properties = True


@attrs.define
class Outer:
    inner: list[Loose]
    typed: Typed
    additional_properties: dict[str, Any] = attrs.field(factory=dict)


def test_unrecognised_fields_are_counted_at_every_depth() -> None:
    inner = [Loose("a", {"x": 1, "y": 2}), Loose("b", {"z": 3})]
    value = Outer(inner, Typed({"data": 1, "more": 2}), {"extra": 0})

    assert count_unrecognised_fields(value) == 4
    assert count_unrecognised_fields(Typed({"k": 1})) == 0
    assert count_unrecognised_fields([Loose("a", {"x": 1}), {"k": Loose("b", {"y": 1})}]) == 2
    assert count_unrecognised_fields("plain") == 0


def test_fewest_unrecognised_fields_prefers_the_first_on_a_tie() -> None:
    first, second, worse = Loose("first", {"x": 1}), Loose("second", {"y": 1}), Loose("w", {})

    assert fewest_unrecognised_fields([first, second]) is first
    assert fewest_unrecognised_fields([first, second, worse]) is worse


def test_models_whose_schema_types_extra_keys_declare_them() -> None:
    # predictions: {"additionalProperties": {"$ref": MultiLabelClassificationPrediction}}
    assert v1.MultiLabelClassificationInferenceResponsePredictions.declares_additional_properties


def test_models_whose_schema_does_not_type_extra_keys_count_them() -> None:
    assert not hasattr(v1.ClassificationPrediction, "declares_additional_properties")
    detection_as_classification = v1.ClassificationInferenceResponse.from_dict(
        {
            "image": {"width": 1, "height": 1},
            "predictions": [{"x": 1.0, "y": 2.0, "class": "cat", "class_id": 0, "confidence": 1.0}],
        }
    )
    assert count_unrecognised_fields(detection_as_classification) == 2


def test_multi_label_response_without_predicted_classes_is_not_read_as_another_task(
    v1_client: rf_api_v1.client.Client, v0_client: rf_api_v0.client.Client
) -> None:
    # A multi-label model with no class: `predictions` is an empty mapping, which an empty
    # list-of-predictions member also accepts, leaving `predicted_classes` unrecognised.
    data = {"image": {"width": 451, "height": 300}, "predictions": {}, "predicted_classes": []}
    response = httpx.Response(200, json=data)

    parsed = infer_classification._parse_response(client=v1_client, response=response)
    legacy = v0_infer._parse_response(client=v0_client, response=response)

    assert isinstance(parsed, v1.MultiLabelClassificationInferenceResponse)
    assert isinstance(legacy, v0.MultiLabelClassificationInferenceResponse)


# --- str_enum.py.jinja ---------------------------------------------------------------------


def test_enum_keeps_a_value_it_does_not_list() -> None:
    new = v1.EmbeddingInfoOutputType("brand_new")

    assert isinstance(new, v1.EmbeddingInfoOutputType)
    assert new.value == "brand_new"
    assert new == "brand_new"
    assert str(new) == "brand_new"
    assert new.name == "BRAND_NEW"
    assert new not in list(v1.EmbeddingInfoOutputType)


def test_enum_known_values_are_still_the_members() -> None:
    assert v1.EmbeddingInfoOutputType("logits") is v1.EmbeddingInfoOutputType.LOGITS
    assert v1.EmbeddingInfoOutputType("feature_vector") == v1.EmbeddingInfoOutputType.FEATURE_VECTOR
    as_text: str = v1.EmbeddingInfoOutputType.LOGITS
    assert as_text == "logits"
    not_text: Any = 3
    with pytest.raises(ValueError, match="is not a valid"):
        v1.EmbeddingInfoOutputType(not_text)


def test_model_with_an_unknown_enum_value_round_trips(payload: PayloadLoader) -> None:
    data = payload("image_embedding.json")
    data["embedding_info"]["output_type"] = "pooled_tokens"

    parsed = v1.ImageEmbeddingResponse.from_dict(data)

    assert isinstance(parsed.embedding_info.output_type, v1.EmbeddingInfoOutputType)
    assert parsed.embedding_info.output_type == "pooled_tokens"
    assert parsed.to_dict() == data


# --- model.py.jinja ------------------------------------------------------------------------


def test_from_dict_works_for_a_model_with_a_property_named_cls() -> None:
    box = v1.TrainBox.from_dict({"x": 10, "y": 20, "w": 30, "h": 40, "cls": "cat"})

    assert type(box) is v1.TrainBox
    assert (box.cls, box.x, box.w) == ("cat", 10, 30)
    assert box.to_dict() == {"x": 10, "y": 20, "w": 30, "h": 40, "cls": "cat"}
    from_dict = vars(v1.TrainBox)["from_dict"].__func__
    first_parameter = next(iter(inspect.signature(from_dict).parameters))
    assert first_parameter == "model_class"


# --- endpoint_module.py.jinja --------------------------------------------------------------


def lmm_request() -> v1.LMMInferenceRequest:
    image = v1.InferenceRequestImage(type_="base64", value="aGVsbG8=")
    return v1.LMMInferenceRequest(model_id="florence-2/base", image=image)


def test_model_id_keeps_its_slash_in_the_path() -> None:
    kwargs = infer_lmm_with_model_id.build_request_kwargs(
        model_id="florence-2/base", body=lmm_request()
    )
    assert kwargs["url"] == "/infer/lmm/florence-2/base"

    depth = estimate_depth_with_model_id.build_request_kwargs(
        model_id="depth-anything-v2/small",
        body=v1.DepthEstimationRequest(
            model_id="depth-anything-v2/small",
            image=v1.InferenceRequestImage(type_="base64", value="aGVsbG8="),
        ),
    )
    assert depth["url"] == "/infer/depth-estimation/depth-anything-v2/small"


def test_model_id_still_encodes_characters_other_than_the_slash() -> None:
    kwargs = infer_lmm_with_model_id.build_request_kwargs(
        model_id="my project/3?x=1#y", body=lmm_request()
    )

    assert kwargs["url"] == "/infer/lmm/my%20project/3%3Fx%3D1%23y"


def test_other_path_parameters_are_fully_encoded() -> None:
    body = v1.PredefinedWorkflowInferenceRequest(
        inputs=v1.PredefinedWorkflowInferenceRequestInputs()
    )

    kwargs = run_predefined_workflow.build_request_kwargs(
        workspace_name="my workspace", workflow_id="a/b c", body=body
    )

    assert kwargs["url"] == "/my%20workspace/workflows/a%2Fb%20c"
    assert get_pipeline_status.build_request_kwargs(pipeline_id="p/1")["url"] == (
        "/inference_pipelines/p%2F1/status"
    )


def test_generated_call_sends_the_model_id_slash_unencoded() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(422, json={"detail": []})

    client = rf_api_v1.client.Client(base_url="http://server:9001")
    client.set_httpx_client(
        httpx.Client(base_url="http://server:9001", transport=httpx.MockTransport(handler))
    )

    response = infer_lmm_with_model_id.sync_detailed(
        "florence-2/base", client=client, body=lmm_request()
    )

    assert response.status_code == 422
    assert isinstance(response.parsed, v1.HTTPValidationError)
    assert [request.url.raw_path for request in seen] == [b"/infer/lmm/florence-2/base"]


# --- client.py.jinja -----------------------------------------------------------------------


def test_client_has_a_default_timeout() -> None:
    for client in (
        rf_api_v1.client.Client(base_url="http://x"),
        rf_api_v1.client.AuthenticatedClient(base_url="http://x", token="t"),
        rf_api_v0.client.Client(base_url="http://x"),
    ):
        timeout = client.get_httpx_client().timeout
        assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (5.0, 60, 60, 60)


def test_client_timeout_none_still_means_no_timeout() -> None:
    client = rf_api_v1.client.Client(base_url="http://x", timeout=None)

    assert client.get_httpx_client().timeout == httpx.Timeout(None)


async def test_async_client_has_the_default_timeout_too() -> None:
    client = rf_api_v1.client.Client(base_url="http://x")

    async with client:
        assert client.get_async_httpx_client().timeout == httpx.Timeout(60.0, connect=5.0)


# --- endpoint_macros.py.jinja (v0 bodies) --------------------------------------------------


def v0_sent(body: str | v0.ImageFileUpload, reply: dict[str, Any]) -> tuple[httpx.Request, object]:
    """Send ``body`` through the generated v0 call to a fake server; what it got, and the parse."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, json=reply)

    client = rf_api_v0.client.Client(base_url="http://server:9001")
    client.set_httpx_client(
        httpx.Client(base_url="http://server:9001", transport=httpx.MockTransport(handler))
    )
    parsed = v0_infer.sync("offline-od", "1", client=client, body=body, confidence=50.0)
    assert len(seen) == 1
    return seen[0], parsed


def test_v0_raw_base64_body_is_sent_as_the_body(payload: PayloadLoader) -> None:
    kwargs = v0_infer.build_request_kwargs("offline-od", "1", body="aGVsbG8=")
    assert kwargs["content"] == "aGVsbG8="
    assert "data" not in kwargs
    assert "files" not in kwargs
    assert kwargs["headers"]["Content-Type"] == "application/x-www-form-urlencoded"

    request, parsed = v0_sent("aGVsbG8=", payload("object_detection.json"))
    assert request.url.path == "/offline-od/1"
    assert request.url.params["confidence"] == "50.0"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.content == b"aGVsbG8="
    assert isinstance(parsed, v0.ObjectDetectionInferenceResponse)


def test_v0_multipart_body_sends_a_file_part(payload: PayloadLoader) -> None:
    image = b"\x89PNG\r\n\x1a\nnot really a png"

    def upload() -> v0.ImageFileUpload:
        return v0.ImageFileUpload(
            file=File(payload=io.BytesIO(image), file_name="chelsea.png", mime_type="image/png")
        )

    kwargs = v0_infer.build_request_kwargs("offline-od", "1", body=upload())
    assert [name for name, _ in kwargs["files"]] == ["file"]
    assert "content" not in kwargs

    request, parsed = v0_sent(upload(), payload("classification.json"))
    content_type = request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()
    assert request.content.startswith(b"--" + boundary + b"\r\n")
    assert b'Content-Disposition: form-data; name="file"; filename="chelsea.png"' in request.content
    assert b"Content-Type: image/png\r\n\r\n" + image + b"\r\n--" + boundary + b"--" in (
        request.content
    )
    assert isinstance(parsed, v0.ClassificationInferenceResponse)


def test_v0_image_url_request_has_no_body() -> None:
    kwargs = v0_infer.build_request_kwargs("offline-od", "1", image="https://x/cat.jpg")

    assert kwargs["params"] == {"image": "https://x/cat.jpg"}
    assert "content" not in kwargs
    assert "files" not in kwargs
    assert kwargs["headers"] == {}


def test_generated_types_module_exports_the_union_helpers() -> None:
    assert {"count_unrecognised_fields", "fewest_unrecognised_fields"} <= set(
        rf_api_v1.types.__all__
    )
