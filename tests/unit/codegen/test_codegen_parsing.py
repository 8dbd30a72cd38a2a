"""Real-shaped server payloads parse to the right generated class, by every route in.

Each payload is read three ways: the v1 model's ``from_dict``, the v1 endpoint's response
parser (a union: the response, a list of responses, a stub...), and the v0 endpoint's parser,
whose 200 is a union of every prediction response. The custom union template must pick the
member the payload really is.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import rf_api_v0.client
import rf_api_v0.models as v0
import rf_api_v1.client
import rf_api_v1.models as v1
from rf_api_v0.api.inference import infer as v0_infer
from rf_api_v1.api.inference import (
    infer_classification,
    infer_instance_segmentation,
    infer_keypoints_detection,
    infer_object_detection,
    infer_semantic_segmentation,
)
from rf_api_v1.api.workflows import run_workflow_specification
from rf_api_v1.types import UNSET

PayloadLoader = Callable[[str], dict[str, Any]]


def ok(data: object) -> httpx.Response:
    return httpx.Response(200, json=data)


def parse_v0(client: rf_api_v0.client.Client, data: dict[str, Any]) -> object:
    return v0_infer._parse_response(client=client, response=ok(data))


def test_object_detection(
    payload: PayloadLoader, v1_client: rf_api_v1.client.Client, v0_client: rf_api_v0.client.Client
) -> None:
    data = payload("object_detection.json")

    model = v1.ObjectDetectionInferenceResponse.from_dict(data)
    assert isinstance(model.image, v1.InferenceResponseImage)
    assert (model.image.width, model.image.height) == (451, 300)
    assert isinstance(model.resolved_model, v1.ResolvedModel)
    assert model.resolved_model.model_id == "offline-od/1"
    assert [type(p) for p in model.predictions] == [v1.ObjectDetectionPrediction] * 2
    cat = model.predictions[0]
    for value in (cat.x, cat.y, cat.width, cat.height, cat.confidence):
        assert isinstance(value, float)
    assert (cat.x, cat.y, cat.width, cat.height) == (225.5, 150.0, 141.0, 94.0)
    assert cat.confidence == 0.8999999761581421
    assert (cat.class_, cat.class_id) == ("cat", 0)
    assert cat.detection_id == "1f037582-f48a-4e84-a264-4fb4b72ff999"
    assert cat.additional_properties == {}
    assert model.predictions[1].class_ == "dog"
    assert model.to_dict() == data

    parsed = infer_object_detection._parse_response(client=v1_client, response=ok(data))
    assert isinstance(parsed, v1.ObjectDetectionInferenceResponse)
    assert parsed.to_dict() == data

    legacy = parse_v0(v0_client, data)
    assert isinstance(legacy, v0.ObjectDetectionInferenceResponse)
    assert [type(p) for p in legacy.predictions] == [v0.ObjectDetectionPrediction] * 2
    assert legacy.to_dict() == data


def test_instance_segmentation_with_polygons(
    payload: PayloadLoader, v1_client: rf_api_v1.client.Client, v0_client: rf_api_v0.client.Client
) -> None:
    data = payload("instance_segmentation_polygon.json")

    model = v1.InstanceSegmentationInferenceResponse.from_dict(data)
    assert [type(p) for p in model.predictions] == [v1.InstanceSegmentationPrediction] * 2
    cat = model.predictions[0]
    assert isinstance(cat, v1.InstanceSegmentationPrediction)
    assert cat.class_ == "cat"
    assert len(cat.points) == 104
    assert all(type(point) is v1.Point for point in cat.points)
    assert (cat.points[0].x, cat.points[0].y) == (216.0, 112.0)
    assert cat.mask_format == "polygon"
    dog = model.predictions[1]
    assert isinstance(dog, v1.InstanceSegmentationPrediction)
    assert len(dog.points) == 8
    assert model.to_dict() == data

    parsed = infer_instance_segmentation._parse_response(client=v1_client, response=ok(data))
    assert isinstance(parsed, v1.InstanceSegmentationInferenceResponse)
    assert [type(p) for p in parsed.predictions] == [v1.InstanceSegmentationPrediction] * 2

    legacy = parse_v0(v0_client, data)
    assert isinstance(legacy, v0.InstanceSegmentationInferenceResponse)
    assert [type(p) for p in legacy.predictions] == [v0.InstanceSegmentationPrediction] * 2
    assert legacy.to_dict() == data


def test_instance_segmentation_with_rle(
    payload: PayloadLoader, v1_client: rf_api_v1.client.Client, v0_client: rf_api_v0.client.Client
) -> None:
    data = payload("instance_segmentation_rle.json")

    model = v1.InstanceSegmentationInferenceResponse.from_dict(data)
    assert [type(p) for p in model.predictions] == [v1.InstanceSegmentationRLEPrediction] * 2
    cat = model.predictions[0]
    assert isinstance(cat, v1.InstanceSegmentationRLEPrediction)
    assert isinstance(cat.rle, v1.RleMask)
    assert cat.rle.size == [300, 451]
    assert isinstance(cat.rle.counts, str)
    assert cat.rle.counts == data["predictions"][0]["rle"]["counts"]
    assert cat.mask_format == "rle"
    assert model.to_dict() == data

    parsed = infer_instance_segmentation._parse_response(client=v1_client, response=ok(data))
    assert isinstance(parsed, v1.InstanceSegmentationInferenceResponse)
    assert [type(p) for p in parsed.predictions] == [v1.InstanceSegmentationRLEPrediction] * 2

    legacy = parse_v0(v0_client, data)
    assert isinstance(legacy, v0.InstanceSegmentationInferenceResponse)
    assert [type(p) for p in legacy.predictions] == [v0.InstanceSegmentationRLEPrediction] * 2
    rle = legacy.predictions[1]
    assert isinstance(rle, v0.InstanceSegmentationRLEPrediction)
    assert isinstance(rle.rle, v0.RleMask)
    assert legacy.to_dict() == data


def test_single_label_classification(
    payload: PayloadLoader, v1_client: rf_api_v1.client.Client, v0_client: rf_api_v0.client.Client
) -> None:
    data = payload("classification.json")

    model = v1.ClassificationInferenceResponse.from_dict(data)
    assert (model.top, model.confidence) == ("cat", 0.7)
    assert [type(p) for p in model.predictions] == [v1.ClassificationPrediction]
    assert (model.predictions[0].class_, model.predictions[0].confidence) == ("cat", 0.7)
    assert model.additional_properties == {}
    assert model.to_dict() == data

    parsed = infer_classification._parse_response(client=v1_client, response=ok(data))
    assert isinstance(parsed, v1.ClassificationInferenceResponse)
    assert parsed.top == "cat"

    legacy = parse_v0(v0_client, data)
    assert isinstance(legacy, v0.ClassificationInferenceResponse)
    assert legacy.top == "cat"
    assert legacy.to_dict() == data


def test_multi_label_classification(
    payload: PayloadLoader, v1_client: rf_api_v1.client.Client, v0_client: rf_api_v0.client.Client
) -> None:
    data = payload("multi_label_classification.json")

    model = v1.MultiLabelClassificationInferenceResponse.from_dict(data)
    assert model.predicted_classes == ["cat", "dog"]
    scores = model.predictions.additional_properties
    assert set(scores) == {"cat", "dog", "person"}
    assert all(type(score) is v1.MultiLabelClassificationPrediction for score in scores.values())
    assert (scores["cat"].confidence, scores["cat"].class_id) == (0.699999988079071, 0)
    assert model.predictions["dog"].class_id == 1
    assert model.to_dict() == data

    parsed = infer_classification._parse_response(client=v1_client, response=ok(data))
    assert isinstance(parsed, v1.MultiLabelClassificationInferenceResponse)
    assert parsed.predicted_classes == ["cat", "dog"]

    legacy = parse_v0(v0_client, data)
    assert isinstance(legacy, v0.MultiLabelClassificationInferenceResponse)
    assert legacy.to_dict() == data


def test_keypoints_detection(
    payload: PayloadLoader, v1_client: rf_api_v1.client.Client, v0_client: rf_api_v0.client.Client
) -> None:
    data = payload("keypoints_detection.json")

    model = v1.KeypointsDetectionInferenceResponse.from_dict(data)
    assert [type(p) for p in model.predictions] == [v1.KeypointsPrediction] * 2
    person = model.predictions[0]
    assert [type(k) for k in person.keypoints] == [v1.Keypoint] * 3
    assert [k.class_ for k in person.keypoints] == ["nose", "left_eye", "right_eye"]
    assert (person.keypoints[0].x, person.keypoints[0].y) == (226.0, 141.0)
    assert person.keypoints[2].confidence == 0.30000001192092896
    assert model.predictions[1].keypoints == []
    assert model.to_dict() == data

    parsed = infer_keypoints_detection._parse_response(client=v1_client, response=ok(data))
    assert isinstance(parsed, v1.KeypointsDetectionInferenceResponse)

    # Not an instance segmentation nor an object detection (which would keep the keypoints
    # as an unknown key): the keypoints response itself.
    legacy = parse_v0(v0_client, data)
    assert isinstance(legacy, v0.KeypointsDetectionInferenceResponse)
    assert [type(k) for k in legacy.predictions[0].keypoints] == [v0.Keypoint] * 3
    assert legacy.to_dict() == data


def test_semantic_segmentation(
    payload: PayloadLoader, v1_client: rf_api_v1.client.Client, v0_client: rf_api_v0.client.Client
) -> None:
    data = payload("semantic_segmentation.json")

    model = v1.SemanticSegmentationInferenceResponse.from_dict(data)
    prediction = model.predictions
    assert isinstance(prediction, v1.SemanticSegmentationPrediction)
    assert base64.b64decode(prediction.segmentation_mask).startswith(b"\x89PNG\r\n\x1a\n")
    assert base64.b64decode(prediction.confidence_mask).startswith(b"\x89PNG\r\n\x1a\n")
    assert isinstance(prediction.class_map, v1.SemanticSegmentationPredictionClassMap)
    assert prediction.class_map.additional_properties == {"0": "background", "1": "cat", "2": "dog"}
    assert prediction.present_class_ids == [0, 1, 2]
    assert model.to_dict() == data

    parsed = infer_semantic_segmentation._parse_response(client=v1_client, response=ok(data))
    assert isinstance(parsed, v1.SemanticSegmentationInferenceResponse)

    legacy = parse_v0(v0_client, data)
    assert isinstance(legacy, v0.SemanticSegmentationInferenceResponse)
    assert legacy.to_dict() == data


def test_workflow_run_with_qr_output(
    payload: PayloadLoader, v1_client: rf_api_v1.client.Client
) -> None:
    data = payload("workflow_qr.json")

    model = v1.WorkflowInferenceResponse.from_dict(data)
    assert len(model.outputs) == 1
    output = model.outputs[0]
    assert isinstance(output, v1.WorkflowInferenceResponseOutputsItem)
    assert set(output.additional_keys) == {"qr", "barcodes"}
    qr = output["qr"]["predictions"][0]
    assert (qr["class"], qr["data"], qr["parent_id"]) == ("qr_code", "hello", "image")
    assert output["barcodes"]["predictions"][0]["class"] == "barcode"
    assert model.profiler_trace == []
    assert model.python_blocks_debug_traces is UNSET
    assert model.to_dict() == data

    parsed = run_workflow_specification._parse_response(client=v1_client, response=ok(data))
    assert isinstance(parsed, v1.WorkflowInferenceResponse)
    assert parsed.outputs[0]["qr"]["image"] == {"width": 640, "height": 480}


def test_stub_response_is_not_read_as_a_prediction(v1_client: rf_api_v1.client.Client) -> None:
    stub = {"is_stub": True, "model_id": "some/1", "task_type": "object-detection", "time": 0.0}

    parsed = infer_object_detection._parse_response(client=v1_client, response=ok(stub))

    assert isinstance(parsed, v1.StubResponse)
    assert (parsed.is_stub, parsed.model_id) == (True, "some/1")


def test_batch_of_detections_parses_as_a_list(
    payload: PayloadLoader, v1_client: rf_api_v1.client.Client
) -> None:
    data = payload("object_detection.json")

    parsed = infer_object_detection._parse_response(client=v1_client, response=ok([data, data]))

    assert isinstance(parsed, list)
    assert [type(item) for item in parsed] == [v1.ObjectDetectionInferenceResponse] * 2


def test_validation_error_parses_as_http_validation_error(
    v1_client: rf_api_v1.client.Client,
) -> None:
    body = {"detail": [{"type": "missing", "loc": ["body", "image"], "msg": "Field required"}]}

    parsed = infer_object_detection._parse_response(
        client=v1_client, response=httpx.Response(422, json=body)
    )

    assert isinstance(parsed, v1.HTTPValidationError)
    assert isinstance(parsed.detail, list)
    assert parsed.detail[0].msg == "Field required"
