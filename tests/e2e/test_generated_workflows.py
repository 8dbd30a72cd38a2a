"""The typed workflow modules (``rf-client generate workflow``) against the real server.

The committed modules of tests/fixtures/workflows/typed are what the real server's kinds give
(generated again here and compared), and each runs its workflow with typed rows: boxes as
generated models, images as arrays, numbers as numbers. Numbers as in
test_client_workflows.py (real-server.md section 4 and the offline models).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from rf_api_v1.models import (
    ClassificationInferenceResponse,
    InstanceSegmentationInferenceResponse,
    KeypointsDetectionInferenceResponse,
    ObjectDetectionInferenceResponse,
)

from rf_client import InferenceHTTPClient
from rf_client.cli import main
from tests.fixtures.e2e.media import write_workflow_images
from tests.fixtures.e2e.support import CHELSEA, new_client
from tests.fixtures.workflows.typed import (
    image_operations,
    model_blocks,
    qr_and_barcode,
    qr_round_trip,
    seed_run_workflow,
    template_matching,
)

from .conftest import RealServer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TYPED = ROOT / "tests" / "fixtures" / "workflows" / "typed"
MODULES = sorted(path.stem for path in TYPED.glob("*.py"))


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_workflow_images(tmp_path_factory.mktemp("typed-workflow-images"))


@pytest.fixture
def client(real_server: RealServer) -> Iterator[InferenceHTTPClient]:
    with new_client(real_server.url) as client:
        yield client


@pytest.mark.parametrize("name", MODULES)
def test_the_committed_module_is_what_the_real_server_gives(
    real_server: RealServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    committed = TYPED / f"{name}.py"
    text = committed.read_text()
    spec = text.split('GENERATED_FROM: Final = "spec:', 1)[1].split('"', 1)[0]
    output = tmp_path / f"{name}.py"
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("ROBOFLOW_API_KEY", "any-key")
    code = main(
        ["generate", "workflow", "--api-url", real_server.url, "--spec", spec,
         "--output", str(output)]
    )  # fmt: skip
    assert code == 0
    relative = committed.relative_to(ROOT).as_posix()
    assert output.read_text().replace(output.as_posix(), relative) == text


def test_template_matching(client: InferenceHTTPClient, images: dict[str, Path]) -> None:
    (row,) = template_matching.run(
        client, image=images["shapes.png"], template=images["template.png"], min_conf=0.9
    )
    assert isinstance(row.predictions, ObjectDetectionInferenceResponse)
    boxes = [(p.x, p.y, p.width, p.height) for p in row.predictions.predictions]
    assert boxes == [(x, 155.0, 120.0, 120.0) for x in (100.0, 300.0, 500.0)]
    assert {p.class_ for p in row.predictions.predictions} == {"template_match"}
    assert row.count == 3
    assert [crop.shape for crop in row.crops] == [(120, 120, 3)] * 3
    assert row.crops[0][60, 60].tolist() == pytest.approx([0, 0, 255], abs=40)
    assert row.viz.shape == (300, 600, 3)
    assert row.viz.dtype == np.uint8


def test_qr_and_barcode_on_a_batch(client: InferenceHTTPClient, images: dict[str, Path]) -> None:
    rows = qr_and_barcode.run(client, image=[images["qr.png"], images["small.jpg"]])
    assert len(rows) == 2
    (qr,) = rows[0].qr.predictions
    assert (qr.x, qr.y, qr.width, qr.height) == (139.0, 139.5, 166.0, 167.0)
    assert qr.additional_properties["data"] == "hello"
    (small,) = rows[1].qr.predictions
    assert (small.x, small.y) == (69.5, 69.5)
    assert rows[0].barcodes.predictions[0].class_ == "barcode"


def test_image_operations(client: InferenceHTTPClient, images: dict[str, Path]) -> None:
    (row,) = image_operations.run(client, image=images["qr.png"], kernel=7)
    assert row.dominant_color == (255, 255, 255)
    assert row.red_pixels == 22801
    assert row.qr_count == 1
    assert row.resized.shape == (240, 320, 3)
    assert row.rotated.shape[:2] == (640, 480)
    assert row.crop.shape[:2] == (120, 120)


def test_qr_round_trip(client: InferenceHTTPClient) -> None:
    (row,) = qr_round_trip.run(client, text="round trip")
    assert row.qr.predictions[0].additional_properties["data"] == "round trip"
    # The QR code's size grows with its text: "round trip" is the 290x290 of real-server.md.
    assert row.image.shape[:2] == (290, 290)


def test_the_seed_documentation_workflow(
    client: InferenceHTTPClient, images: dict[str, Path]
) -> None:
    (row,) = seed_run_workflow.run(client, image=images["qr.png"], my_param=37)
    assert row.blurred.shape == (480, 640, 3)
    assert all(channel >= 250 for channel in row.dominant_color)


def test_model_blocks_on_the_offline_models(client: InferenceHTTPClient) -> None:
    (row,) = model_blocks.run(client, image=CHELSEA)
    assert [(p.class_, p.x, p.y) for p in row.od.predictions] == [
        ("cat", 225.5, 150.0),
        ("dog", 113.0, 225.0),
    ]
    assert isinstance(row.cls, ClassificationInferenceResponse)
    assert row.cls.top == "cat"
    assert row.cls.confidence == pytest.approx(0.7)
    assert isinstance(row.seg, InstanceSegmentationInferenceResponse)
    assert isinstance(row.kp, KeypointsDetectionInferenceResponse)
    assert row.kp.predictions[0].class_ == "person"


async def test_run_async(real_server: RealServer, images: dict[str, Path]) -> None:
    async with new_client(real_server.url) as client:
        rows = await template_matching.run_async(
            client, image=[images["shapes.png"]] * 2, template=images["template.png"]
        )
    assert [row.count for row in rows] == [3, 3]
