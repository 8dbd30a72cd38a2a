"""A Ray Data job through one client over two real servers equals a plain ``client.infer``.

A local Ray runtime (two CPUs, no dashboard, no usage reporting, nothing off this machine)
runs ``map_batches(InferencePredictor, concurrency=2)`` over the test photographs; the second
real server is started for this module only and always stopped. Both servers' access logs
show their share of the job.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rf_client import InferenceConfiguration
from rf_client.ray import InferencePredictor, RaySettings
from rf_client.server import LocalServer, ServerHandle, ServerManagementError, process_exists
from tests.fixtures.e2e.support import API_KEY, IMAGES_DIR, OD_MODEL, AccessLog, new_client

from .conftest import RealServer

pytestmark = pytest.mark.e2e

# Ray reads these when it starts: no usage report leaves the machine, no dashboard server.
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_DISABLE_DOCKER_CPU_WARNING", "1")

import ray  # noqa: E402  (after the environment it reads at import)

PHOTOS = sorted(p for p in IMAGES_DIR.iterdir() if p.suffix in {".jpg", ".png"})
# Answer fields that differ between two runs of the same image.
VOLATILE = {"time", "inference_id", "detection_id"}


@pytest.fixture(scope="module")
def second_server(real_server: RealServer) -> Iterator[ServerHandle]:
    """A second real server with the same offline models, stopped when the module ends."""
    server = LocalServer(models_dir=real_server.models_dir)
    try:
        handle = server.start()
    except ServerManagementError as error:
        pytest.fail(f"could not start a second real inference server:\n{error}", pytrace=False)
    try:
        yield handle
    finally:
        server.stop()
    assert not process_exists(handle.pid), f"server process {handle.pid} survived stop()"


@pytest.fixture(scope="module")
def ray_runtime() -> Iterator[None]:
    """A local Ray runtime for this module, shut down at its end."""
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
    )
    try:
        yield
    finally:
        ray.shutdown()


def predict(dataset: Any, settings: RaySettings, concurrency: int, batch_size: int) -> Any:
    """Every row of ``dataset`` through ``InferencePredictor``, as Ray gives them back."""
    return dataset.map_batches(
        InferencePredictor,
        fn_constructor_kwargs={"settings": settings},
        concurrency=concurrency,
        # Half a CPU each: at Ray's default of one, two workers hold both CPUs of the runtime
        # and read_images' tasks never run (the job waits for ever).
        num_cpus=0.5,
        batch_size=batch_size,
        batch_format="numpy",
    ).take_all()


def stable(result: Any) -> Any:
    """``result`` without the fields that change from run to run, at any depth."""
    if isinstance(result, dict):
        return {key: stable(value) for key, value in result.items() if key not in VOLATILE}
    if isinstance(result, list):
        return [stable(item) for item in result]
    return result


def test_a_ray_data_job_over_two_servers_equals_plain_infer(
    real_server: RealServer, second_server: ServerHandle, ray_runtime: None
) -> None:
    expected = new_client(real_server.url).infer([str(p) for p in PHOTOS], model_id=OD_MODEL)
    logs = [AccessLog(Path(real_server.handle.log_path)), AccessLog(Path(second_server.log_path))]
    rows: list[dict[str, Any]] = [
        {"image": str(path), "row": index} for index, path in enumerate(PHOTOS)
    ] * 4
    settings = RaySettings(
        api_url=[real_server.url, second_server.url],
        api_key=API_KEY,
        model_id=OD_MODEL,
        configuration=InferenceConfiguration(max_concurrent_requests=4),
    )

    output = predict(ray.data.from_items(rows), settings, concurrency=2, batch_size=4)

    assert len(output) == len(rows)
    assert sorted(row["row"] for row in output) == sorted(row["row"] for row in rows)
    for row in output:
        assert row["error"] is None, row["error"]
        assert stable(json.loads(row["prediction"])) == stable(expected[row["row"]])
    served = [log.count("POST /infer/object_detection") for log in logs]
    assert sum(served) == len(rows)
    assert all(count > 0 for count in served), f"requests per server: {served}"


def test_a_row_the_servers_cannot_serve_is_recorded_not_fatal(
    real_server: RealServer, second_server: ServerHandle, ray_runtime: None, tmp_path: Path
) -> None:
    rows = [{"image": str(PHOTOS[0])}, {"image": str(tmp_path / "gone.jpg")}]
    settings = RaySettings(
        api_url=[real_server.url, second_server.url], api_key=API_KEY, model_id=OD_MODEL
    )
    output = predict(ray.data.from_items(rows), settings, concurrency=1, batch_size=2)
    by_image = {row["image"]: row for row in output}
    assert by_image[str(PHOTOS[0])]["error"] is None
    assert json.loads(by_image[str(PHOTOS[0])]["prediction"])["predictions"]
    failed = by_image[str(tmp_path / "gone.jpg")]
    assert failed["prediction"] is None
    assert "gone.jpg" in failed["error"]
    assert API_KEY not in failed["error"]


@pytest.mark.timeout(180, func_only=True)
def test_decoded_rgb_arrays_from_read_images_equal_plain_infer_of_the_bgr_arrays(
    real_server: RealServer, second_server: ServerHandle, ray_runtime: None
) -> None:
    import cv2

    arrays = []
    for path in PHOTOS:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)  # BGR, the client's convention
        assert image is not None, path
        arrays.append(image)
    results = new_client(real_server.url).infer(arrays, model_id=OD_MODEL)
    expected = {path.name: stable(result) for path, result in zip(PHOTOS, results, strict=True)}
    settings = RaySettings(
        api_url=[real_server.url, second_server.url], api_key=API_KEY, model_id=OD_MODEL
    )
    images = ray.data.read_images([str(p) for p in PHOTOS], include_paths=True, mode="RGB")
    output = predict(images, settings, concurrency=2, batch_size=2)
    assert sorted(Path(row["path"]).name for row in output) == [p.name for p in PHOTOS]
    for row in output:
        assert row["error"] is None, row["error"]
        assert stable(json.loads(row["prediction"])) == expected[Path(row["path"]).name]
