"""Forward compatibility: the committed client reads what a newer server sends.

A "newer server" is ``spec/v1/server.json`` with a new field on a prediction and on its
response, a new value of an enum that responses carry, and a new route. Its description is
rebuilt with the committed supplement and regenerated into a scratch package
(``rf_api_v1_next``), which both proves the regen path works end to end and produces the newer
server's payloads. The committed ``rf_api_v1`` (and ``rf_api_v0``) must parse them without
error, keeping what they do not know in ``additional_properties`` and the unknown enum value.
"""

from __future__ import annotations

import copy
import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass
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
from rf_api_v0.api.inference import infer as v0_infer
from rf_api_v1.api.inference import infer_embeddings, infer_object_detection

import codegen.specs
from codegen.selection import V1_OPERATIONS, Operation, select_operations
from codegen.spec_io import Spec
from codegen.specs import build_v1

PayloadLoader = Callable[[str], dict[str, Any]]
ScratchGenerator = Callable[[Spec, str], Path]
PackageImporter = Callable[[Path, str], ModuleType]

REF = "#/components/schemas/"
NEW_ROUTE = "POST /infer/open_vocabulary_detection"
NEW_OPERATION = Operation("inference", "infer_open_vocabulary_detection")


def newer_server(server: Spec) -> Spec:
    """``server`` as a newer server would describe itself."""
    newer = copy.deepcopy(server)
    newer["info"]["version"] = "1.9.0"
    schemas = newer["components"]["schemas"]
    schemas["OrientedBox"] = {
        "title": "OrientedBox",
        "type": "object",
        "properties": {
            "angle": {"title": "Angle", "type": "number"},
            "corners": {
                "title": "Corners",
                "type": "array",
                "items": {"type": "array", "items": {"type": "number"}},
            },
        },
        "required": ["angle", "corners"],
    }
    prediction = schemas["ObjectDetectionPrediction"]["properties"]
    prediction["track_age"] = {"title": "Track Age", "type": "integer"}
    prediction["orientation"] = {"$ref": REF + "OrientedBox"}
    response = schemas["ObjectDetectionInferenceResponse"]["properties"]
    response["model_latency"] = {"title": "Model Latency", "type": "number"}
    schemas["EmbeddingInfo"]["properties"]["output_type"]["enum"].append("pooled_tokens")
    newer["paths"]["/infer/open_vocabulary_detection"] = {
        "post": copy.deepcopy(newer["paths"]["/infer/object_detection"]["post"])
    }
    return newer


@dataclass
class Regenerated:
    spec: Spec
    package: Path
    models: ModuleType
    endpoint: ModuleType


@pytest.fixture(scope="module")
def regenerated(
    committed_server_spec: Spec,
    committed_supplement: Spec,
    generate_scratch: ScratchGenerator,
    import_scratch: PackageImporter,
) -> Regenerated:
    # The new route goes into the selection table, as a developer would after spec-pull.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(codegen.specs, "V1_OPERATIONS", {**V1_OPERATIONS, NEW_ROUTE: NEW_OPERATION})
        spec = build_v1(newer_server(committed_server_spec), copy.deepcopy(committed_supplement))
    package = generate_scratch(spec, "rf_api_v1_next")
    return Regenerated(
        spec=spec,
        package=package,
        models=import_scratch(package, "rf_api_v1_next.models"),
        endpoint=import_scratch(
            package, "rf_api_v1_next.api.inference.infer_open_vocabulary_detection"
        ),
    )


def field_names(model_class: type) -> set[str]:
    return {field.name for field in attrs.fields(model_class)}


def newer_detection_payload(models: ModuleType, base: dict[str, Any]) -> dict[str, Any]:
    """A detection response as the newer server sends it, built with the newer models."""
    response = models.ObjectDetectionInferenceResponse.from_dict(base)
    for number, prediction in enumerate(response.predictions):
        prediction.track_age = number + 3
        prediction.orientation = models.OrientedBox(
            angle=12.5, corners=[[155.0, 103.0], [296.0, 103.0], [296.0, 197.0], [155.0, 197.0]]
        )
    response.model_latency = 0.031
    data: dict[str, Any] = json.loads(json.dumps(response.to_dict()))
    return data


def test_new_route_is_reported_not_silently_dropped(committed_server_spec: Spec) -> None:
    newer = newer_server(committed_server_spec)

    assert NEW_ROUTE in select_operations(newer, V1_OPERATIONS)


def test_regenerated_package_has_the_new_route_field_and_enum_value(
    regenerated: Regenerated,
) -> None:
    assert (regenerated.package / "api/inference/infer_open_vocabulary_detection.py").is_file()
    kwargs = regenerated.endpoint.build_request_kwargs(
        body=regenerated.models.ObjectDetectionInferenceRequest(
            model_id="yolo-world/l",
            image=regenerated.models.InferenceRequestImage(type_="base64", value="aGVsbG8="),
        )
    )
    assert kwargs["url"] == "/infer/open_vocabulary_detection"

    assert {"track_age", "orientation"} <= field_names(regenerated.models.ObjectDetectionPrediction)
    assert "model_latency" in field_names(regenerated.models.ObjectDetectionInferenceResponse)
    assert regenerated.models.EmbeddingInfoOutputType.POOLED_TOKENS.value == "pooled_tokens"
    # ...none of which the committed package knows.
    assert (
        importlib.util.find_spec("rf_api_v1.api.inference.infer_open_vocabulary_detection") is None
    )
    assert "track_age" not in field_names(v1.ObjectDetectionPrediction)
    assert "pooled_tokens" not in [member.value for member in v1.EmbeddingInfoOutputType]


def test_committed_models_parse_a_newer_detection_response(
    regenerated: Regenerated,
    payload: PayloadLoader,
    v1_client: rf_api_v1.client.Client,
    v0_client: rf_api_v0.client.Client,
) -> None:
    data = newer_detection_payload(regenerated.models, payload("object_detection.json"))
    assert data["predictions"][0]["track_age"] == 3
    assert data["model_latency"] == 0.031

    parsed = infer_object_detection._parse_response(
        client=v1_client, response=httpx.Response(200, json=data)
    )

    assert isinstance(parsed, v1.ObjectDetectionInferenceResponse)
    assert parsed.additional_properties == {"model_latency": 0.031}
    cat = parsed.predictions[0]
    assert type(cat) is v1.ObjectDetectionPrediction
    assert (cat.class_, cat.x, cat.confidence) == ("cat", 225.5, 0.8999999761581421)
    assert cat.additional_properties == {
        "track_age": 3,
        "orientation": {
            "angle": 12.5,
            "corners": [[155.0, 103.0], [296.0, 103.0], [296.0, 197.0], [155.0, 197.0]],
        },
    }
    assert parsed.predictions[1]["track_age"] == 4
    assert parsed.to_dict() == data

    legacy = v0_infer._parse_response(client=v0_client, response=httpx.Response(200, json=data))
    assert isinstance(legacy, v0.ObjectDetectionInferenceResponse)
    assert legacy.predictions[0].additional_properties["track_age"] == 3
    assert legacy.to_dict() == data


def test_committed_models_keep_a_newer_enum_value(
    regenerated: Regenerated, payload: PayloadLoader, v1_client: rf_api_v1.client.Client
) -> None:
    newer = regenerated.models.ImageEmbeddingResponse.from_dict(payload("image_embedding.json"))
    newer.embedding_info.output_type = regenerated.models.EmbeddingInfoOutputType.POOLED_TOKENS
    data: dict[str, Any] = json.loads(json.dumps(newer.to_dict()))
    assert data["embedding_info"]["output_type"] == "pooled_tokens"

    parsed = infer_embeddings._parse_response(
        client=v1_client, response=httpx.Response(200, json=data)
    )

    assert isinstance(parsed, v1.ImageEmbeddingResponse)
    output_type = parsed.embedding_info.output_type
    assert isinstance(output_type, v1.EmbeddingInfoOutputType)
    assert output_type.value == "pooled_tokens"
    assert output_type == "pooled_tokens"
    assert parsed.to_dict() == data


def test_newer_description_changes_only_what_the_server_changed(
    regenerated: Regenerated, committed_server_spec: Spec, committed_supplement: Spec
) -> None:
    current = build_v1(copy.deepcopy(committed_server_spec), copy.deepcopy(committed_supplement))

    new_schemas = set(regenerated.spec["components"]["schemas"]) - set(
        current["components"]["schemas"]
    )
    new_paths = set(regenerated.spec["paths"]) - set(current["paths"])

    assert new_schemas == {"OrientedBox"}
    assert new_paths == {"/infer/open_vocabulary_detection"}
    assert regenerated.spec["info"]["version"] == "1.9.0"
