"""``run_workflow`` against the real server: model-free workflows and the offline models.

The numbers are those of real-server.md section 4 (template matching, QR and barcode, image
operations) and of the offline models (the model blocks give the same boxes as ``infer``).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from rf_client import InferenceConfiguration, InferenceHTTPClient, VisualisationResponseFormat
from tests.fixtures.e2e.media import write_workflow_images
from tests.fixtures.e2e.support import (
    CHELSEA,
    FIXTURE_SIZES,
    IMAGES_DIR,
    AccessLog,
    assert_box,
    assert_chelsea_detections,
    assert_classification,
    assert_keypoints,
    new_client,
    workflow_spec,
    xywh,
)

from .conftest import RealServer

pytestmark = pytest.mark.e2e

TEMPLATE_BOXES = [(x, 155.0, 120.0, 120.0) for x in (100.0, 300.0, 500.0)]
QR_BOX = (139.0, 139.5, 166.0, 167.0)
SMALL_QR_BOX = (69.5, 69.5, 83.0, 83.0)


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_workflow_images(tmp_path_factory.mktemp("workflow-images"))


@pytest.fixture
def client(real_server: RealServer) -> Iterator[InferenceHTTPClient]:
    with new_client(real_server.url) as client:
        yield client


@pytest.fixture
def access_log(real_server: RealServer) -> AccessLog:
    return AccessLog(real_server.handle.log_path)


def run_template_matching(client: InferenceHTTPClient, images: Mapping[str, Path]) -> Any:
    """Run the template-matching workflow on shapes.png (keeping matches of 0.9 and up)."""
    return client.run_workflow(
        specification=workflow_spec("template_matching"),
        images={"image": images["shapes.png"], "template": images["template.png"]},
        parameters={"min_conf": 0.9},
    )


def assert_template_matches(predictions: Mapping[str, Any]) -> None:
    """Three 120x120 matches at x = 100, 300, 500 and y = 155 on the 600x300 image."""
    assert predictions["image"] == {"width": 600, "height": 300}
    boxes = predictions["predictions"]
    assert [xywh(box) for box in boxes] == TEMPLATE_BOXES
    assert {box["class"] for box in boxes} == {"template_match"}
    assert {box["parent_id"] for box in boxes} == {"image"}
    assert [box["confidence"] for box in boxes] == pytest.approx([1.0, 1.0, 1.0])


def assert_qr(output: Mapping[str, Any], box: tuple[float, ...], parent_id: str) -> None:
    """The QR detector found "hello" in ``box``, and the barcode detector read it too."""
    (qr,) = output["qr"]["predictions"]
    assert xywh(qr) == box
    assert (qr["class"], qr["data"], qr["parent_id"]) == ("qr_code", "hello", parent_id)
    (barcode,) = output["barcodes"]["predictions"]
    assert (barcode["class"], barcode["data"]) == ("barcode", "hello")


def test_template_matching(client: InferenceHTTPClient, images: dict[str, Path]) -> None:
    (output,) = run_template_matching(client, images)
    assert set(output) == {"predictions", "count", "crops", "viz"}
    assert_template_matches(output["predictions"])
    assert output["count"] == 3
    # Image outputs come back as base64 text by default (the configuration's format).
    assert len(output["crops"]) == 3
    assert all(isinstance(crop, str) for crop in output["crops"])
    assert isinstance(output["viz"], str)


def test_image_outputs_decoded_to_numpy(
    client: InferenceHTTPClient, images: dict[str, Path]
) -> None:
    import numpy as np

    client.configure(
        InferenceConfiguration(output_visualisation_format=VisualisationResponseFormat.NUMPY)
    )
    (output,) = run_template_matching(client, images)
    assert output["count"] == 3
    for crop in output["crops"]:
        assert isinstance(crop, np.ndarray)
        assert crop.shape == (120, 120, 3)
        # Each crop is one red square (BGR), on white.
        assert crop[60, 60].tolist() == pytest.approx([0, 0, 255], abs=40)
        assert crop[2, 2].tolist() == pytest.approx([255, 255, 255], abs=40)
    viz = output["viz"]
    assert isinstance(viz, np.ndarray)
    assert viz.shape == (300, 600, 3)
    assert viz.dtype == np.uint8


def test_image_outputs_decoded_to_pillow(
    client: InferenceHTTPClient, images: dict[str, Path]
) -> None:
    from PIL import Image

    client.configure(
        InferenceConfiguration(output_visualisation_format=VisualisationResponseFormat.PILLOW)
    )
    (output,) = client.run_workflow(
        specification=workflow_spec("image_operations"),
        images={"image": images["qr.png"]},
        parameters={"kernel": 7},
    )
    sizes = {name: output[name].size for name in ("resized", "blurred", "thresholded", "rotated")}
    assert sizes == {
        "resized": (320, 240),
        "blurred": (320, 240),
        "thresholded": (320, 240),
        "rotated": (480, 640),
    }
    assert isinstance(output["crop"], Image.Image)
    assert output["crop"].size == (120, 120)
    assert output["dominant_color"] == [255, 255, 255]
    assert output["red_pixels"] == 22801
    assert output["qr_count"] == 1


def test_excluded_fields(client: InferenceHTTPClient, images: dict[str, Path]) -> None:
    (output,) = client.run_workflow(
        specification=workflow_spec("image_operations"),
        images={"image": images["qr.png"]},
        excluded_fields=["resized", "crop", "blurred", "thresholded", "rotated"],
    )
    assert set(output) == {"dominant_color", "red_pixels", "qr_count", "qr"}
    assert (output["dominant_color"], output["red_pixels"], output["qr_count"]) == (
        [255, 255, 255],
        22801,
        1,
    )
    (qr,) = output["qr"]["predictions"]
    assert xywh(qr) == QR_BOX


def test_qr_and_barcode(client: InferenceHTTPClient, images: dict[str, Path]) -> None:
    (output,) = client.run_workflow(
        specification=workflow_spec("qr_and_barcode"), images={"image": images["qr.png"]}
    )
    assert output["qr"]["image"] == {"width": 640, "height": 480}
    assert_qr(output, QR_BOX, "image")
    (barcode,) = output["barcodes"]["predictions"]
    assert xywh(barcode) == (140.0, 140.0, 168.0, 168.0)


def test_qr_on_a_batch_of_images_in_order(
    client: InferenceHTTPClient, images: dict[str, Path], access_log: AccessLog
) -> None:
    outputs = client.run_workflow(
        specification=workflow_spec("qr_and_barcode"),
        images={"image": [images[name] for name in ["qr.png", "small.jpg"] * 3]},
    )
    assert len(outputs) == 6
    for index, output in enumerate(outputs):
        box = QR_BOX if index % 2 == 0 else SMALL_QR_BOX
        assert_qr(output, box, f"image.[{index}]")
    assert [o["qr"]["image"]["width"] for o in outputs] == [640, 320] * 3
    # One request carries the whole batch.
    assert access_log.count("POST /workflows/run") == 1


def test_qr_round_trip_without_image_inputs(client: InferenceHTTPClient) -> None:
    import numpy as np

    client.configure(
        InferenceConfiguration(output_visualisation_format=VisualisationResponseFormat.NUMPY)
    )
    (output,) = client.run_workflow(
        specification=workflow_spec("qr_round_trip"), parameters={"text": "round trip"}
    )
    (qr,) = output["qr"]["predictions"]
    assert qr["data"] == "round trip"
    assert output["qr"]["image"] == {"width": 290, "height": 290}
    assert qr["parent_id"].startswith("qr_code.")
    assert isinstance(output["image"], np.ndarray)
    assert output["image"].shape[:2] == (290, 290)


def test_model_blocks_on_the_offline_models(client: InferenceHTTPClient) -> None:
    (output,) = client.run_workflow(
        specification=workflow_spec("model_blocks"), images={"image": CHELSEA}
    )
    assert_chelsea_detections(output["od"])
    assert [p["parent_id"] for p in output["od"]["predictions"]] == ["image", "image"]
    assert_classification(output["cls"])
    assert (output["cls"]["prediction_type"], output["cls"]["parent_id"]) == (
        "classification",
        "image",
    )
    assert output["cls"]["root_parent_id"] == "image"
    cat, dog = output["seg"]["predictions"]
    assert_box(cat, "A", "cat")
    assert_box(dog, "C", "dog")
    assert (len(cat["points"]), len(dog["points"])) == (104, 8)
    assert_keypoints(output["kp"])


def test_model_blocks_on_a_batch(client: InferenceHTTPClient) -> None:
    names = ["rocket.jpg", "chelsea.png", "coffee.png"]
    outputs = client.run_workflow(
        specification=workflow_spec("model_blocks"),
        images={"image": [IMAGES_DIR / name for name in names]},
    )
    assert len(outputs) == 3
    for index, (output, name) in enumerate(zip(outputs, names, strict=True)):
        size = FIXTURE_SIZES[name]
        assert output["od"]["image"] == {"width": size[0], "height": size[1]}
        cat, dog = output["od"]["predictions"]
        assert_box(cat, "A", "cat", size)
        assert_box(dog, "C", "dog", size)
        assert cat["parent_id"] == f"image.[{index}]"
        assert output["cls"]["top"] == "cat"
        assert_box(output["kp"]["predictions"][0], "A", "person", size)


def test_profiling_trace_is_saved(
    client: InferenceHTTPClient, images: dict[str, Path], tmp_path: Path
) -> None:
    client.configure(InferenceConfiguration(profiling_directory=str(tmp_path / "traces")))
    (output,) = client.run_workflow(
        specification=workflow_spec("qr_and_barcode"),
        images={"image": images["qr.png"]},
        enable_profiling=True,
    )
    assert_qr(output, QR_BOX, "image")
    (trace,) = (tmp_path / "traces").glob("workflow_execution_tack_*.json")
    # The server gives a trace only when it enables profiling itself; 1.8.3 does not by default.
    assert json.loads(trace.read_text(encoding="utf-8")) == []


def test_infer_from_workflow_is_the_deprecated_legacy_route(
    client: InferenceHTTPClient, images: dict[str, Path], access_log: AccessLog
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (output,) = client.infer_from_workflow(
            specification=workflow_spec("qr_and_barcode"), images={"image": images["qr.png"]}
        )
    assert_qr(output, QR_BOX, "image")
    assert any("infer_from_workflow" in str(warning.message) for warning in caught)
    assert access_log.calls() == ["POST /infer/workflows"]


async def test_runs_async(real_server: RealServer, images: dict[str, Path]) -> None:
    async with new_client(real_server.url) as client:
        (template,) = await client.run_workflow_async(
            specification=workflow_spec("template_matching"),
            images={"image": images["shapes.png"], "template": images["template.png"]},
            parameters={"min_conf": 0.9},
        )
        batch = await client.run_workflow_async(
            specification=workflow_spec("qr_and_barcode"),
            images={"image": [images["small.jpg"], images["qr.png"]]},
        )
        (models,) = await client.run_workflow_async(
            specification=workflow_spec("model_blocks"), images={"image": str(CHELSEA)}
        )
    assert_template_matches(template["predictions"])
    assert_qr(batch[0], SMALL_QR_BOX, "image.[0]")
    assert_qr(batch[1], QR_BOX, "image.[1]")
    assert_chelsea_detections(models["od"])


def test_typed_run(client: InferenceHTTPClient, images: dict[str, Path]) -> None:
    from rf_api_v1.models import WorkflowInferenceResponse

    response = client.typed.workflows.run(
        specification=workflow_spec("template_matching"),
        images={"image": images["shapes.png"], "template": images["template.png"]},
        parameters={"min_conf": 0.9},
    )
    assert isinstance(response, WorkflowInferenceResponse)
    (output,) = response.outputs
    assert_template_matches(output["predictions"])
    assert output["count"] == 3
    # The typed API leaves image outputs as the server sent them.
    assert output["viz"]["type"] == "base64"
    assert [crop["parent_origin"]["offset_x"] for crop in output["crops"]] == [40, 240, 440]


async def test_typed_run_async_on_a_batch(real_server: RealServer, images: dict[str, Path]) -> None:
    async with new_client(real_server.url) as client:
        response = await client.typed.workflows.run_async(
            specification=workflow_spec("qr_and_barcode"),
            images={"image": [images["qr.png"], images["small.jpg"]]},
        )
    first, second = response.outputs
    assert_qr(first.to_dict(), QR_BOX, "image.[0]")
    assert_qr(second.to_dict(), SMALL_QR_BOX, "image.[1]")
