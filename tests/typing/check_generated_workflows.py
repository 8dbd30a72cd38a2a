"""The modules ``rf-client generate workflow`` wrote: every output field's precise type.

No field is ``Any``: kinds without a precise Python type are ``JsonValue``.
"""

from __future__ import annotations

from typing import assert_type

from rf_api_v1.models import (
    ClassificationInferenceResponse,
    InstanceSegmentationInferenceResponse,
    KeypointsDetectionInferenceResponse,
    MultiLabelClassificationInferenceResponse,
    ObjectDetectionInferenceResponse,
)

from rf_client import InferenceHTTPClient
from rf_client.workflow_runtime import ImageArray, JsonValue
from tests.fixtures.workflows.typed import (
    image_operations,
    model_blocks,
    qr_and_barcode,
    qr_round_trip,
    seed_run_workflow,
    template_matching,
)

Detections = (
    ObjectDetectionInferenceResponse
    | InstanceSegmentationInferenceResponse
    | KeypointsDetectionInferenceResponse
)


def check_outputs(client: InferenceHTTPClient, photo: str) -> None:
    rows = template_matching.run(client, image=photo, template=photo)
    assert_type(rows, list[template_matching.TemplateMatchingOutputs])
    row = rows[0]
    assert_type(row.predictions, Detections)
    assert_type(row.count, JsonValue)
    assert_type(row.crops, list[ImageArray])
    assert_type(row.viz, ImageArray)

    (qr,) = qr_and_barcode.run(client, image=[photo, photo])
    assert_type(qr.qr, ObjectDetectionInferenceResponse)
    assert_type(qr.barcodes.predictions[0].confidence, float)

    (ops,) = image_operations.run(client, image=photo, kernel=7)
    assert_type(ops.dominant_color, tuple[int, int, int])
    assert_type(ops.red_pixels, int)
    assert_type(ops.rotated, ImageArray)

    (trip,) = qr_round_trip.run(client, text="hello")
    assert_type(trip.image, ImageArray)

    (seed,) = seed_run_workflow.run(client, image=photo, my_param=37)
    assert_type(seed.blurred, ImageArray)

    (models,) = model_blocks.run(client, image=photo)
    assert_type(models.od, ObjectDetectionInferenceResponse)
    assert_type(
        models.cls, ClassificationInferenceResponse | MultiLabelClassificationInferenceResponse
    )
    assert_type(models.seg, InstanceSegmentationInferenceResponse)
    assert_type(models.kp, KeypointsDetectionInferenceResponse)


async def check_outputs_async(client: InferenceHTTPClient, photo: str) -> None:
    rows = await template_matching.run_async(client, image=photo, template=photo, min_conf=0.5)
    assert_type(rows, list[template_matching.TemplateMatchingOutputs])
    inputs = template_matching.TemplateMatchingInputs(image=photo, template=photo)
    assert_type(inputs.min_conf, float)
    again = await template_matching.run_inputs_async(client, inputs)
    assert_type(again, list[template_matching.TemplateMatchingOutputs])
