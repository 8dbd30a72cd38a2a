"""A Ray Data job through two real servers gives what a plain ``client.infer`` gives.

A local Ray runtime (``ray.init(num_cpus=2)``: no cluster, no dashboard, no usage stats, no
network but loopback) runs ``RayPredictor`` on two workers, each with one client over both
servers. The servers' access logs show that both did work.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from rf_client import InferenceHTTPClient
from rf_client.ray import (
    ERROR_COLUMN,
    PREDICTION_COLUMN,
    RayInferenceSettings,
    predict_dataset,
)
from tests.fixtures.e2e.support import API_KEY, IMAGES_DIR, OD_MODEL, AccessLog, new_client

from .conftest import RealServer

pytestmark = pytest.mark.e2e

NAMES = sorted(path.name for path in IMAGES_DIR.iterdir() if path.suffix in {".png", ".jpg"})
ROUTE = "POST /infer/object_detection"
VARYING = frozenset({"time", "inference_id", "detection_id", "parent_id"})
"""Fields the server fills anew for every answer (timings, fresh ids)."""


def stable(value: object) -> object:
    """``value`` without the fields that differ between two answers to the same request."""
    if isinstance(value, Mapping):
        return {k: stable(v) for k, v in value.items() if k not in VARYING}
    if isinstance(value, list):
        return [stable(item) for item in value]
    return value


@pytest.fixture(scope="module")
def ray_runtime() -> Iterator[Any]:
    """A local Ray runtime for this module, shut down at its end."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray = pytest.importorskip("ray", reason="make e2e installs rf-client[ray]")
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        runtime_env={"env_vars": {"RAY_USAGE_STATS_ENABLED": "0"}},
    )
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    try:
        yield ray
    finally:
        ray.shutdown()


@pytest.mark.timeout(180, func_only=True)
def test_a_ray_data_job_over_two_servers_equals_plain_infer(
    ray_runtime: Any, real_server: RealServer, second_real_server: RealServer
) -> None:
    paths = [str(IMAGES_DIR / name) for name in NAMES] * 2
    expected = stable(new_client(real_server.url).infer(paths, model_id=OD_MODEL))
    logs = [AccessLog(real_server.handle.log_path), AccessLog(second_real_server.handle.log_path)]
    settings = RayInferenceSettings(
        api_url=[real_server.url, second_real_server.url],
        api_key=API_KEY,
        model_id=OD_MODEL,
        max_concurrent_requests=2,
    )
    rows = [{"image": path, "row": index} for index, path in enumerate(paths)]
    dataset = ray_runtime.data.from_items(rows)
    out = predict_dataset(dataset, settings, concurrency=2, batch_size=3).take_all()
    assert [row["row"] for row in out] == list(range(len(paths)))
    assert [row[ERROR_COLUMN] for row in out] == [None] * len(paths)
    assert [stable(json.loads(row[PREDICTION_COLUMN])) for row in out] == expected
    served = [log.count(ROUTE) for log in logs]
    assert all(count > 0 for count in served), served
    assert sum(served) >= len(paths)


@pytest.mark.timeout(180, func_only=True)
def test_bytes_in_pandas_batches_and_a_bad_row_keep_every_row(
    ray_runtime: Any, real_server: RealServer, second_real_server: RealServer
) -> None:
    images = [(IMAGES_DIR / name).read_bytes() for name in NAMES]
    expected = stable(InferenceHTTPClient(real_server.url).infer(images, model_id=OD_MODEL))
    rows = [{"image": data, "name": name} for data, name in zip(images, NAMES, strict=True)]
    rows.insert(2, {"image": b"not an image", "name": "broken"})
    settings = RayInferenceSettings(
        api_url=[real_server.url, second_real_server.url], model_id=OD_MODEL
    )
    dataset = ray_runtime.data.from_items(rows)
    out = predict_dataset(
        dataset, settings, concurrency=2, batch_size=4, batch_format="pandas"
    ).take_all()
    assert [row["name"] for row in out] == [row["name"] for row in rows]
    assert out[2][PREDICTION_COLUMN] is None
    assert out[2]["error_type"] in {"EncodingError", "InvalidInputError"}
    good = [stable(json.loads(row[PREDICTION_COLUMN])) for i, row in enumerate(out) if i != 2]
    assert good == expected


@pytest.mark.timeout(180, func_only=True)
def test_decoded_rgb_arrays_from_read_images_equal_the_bgr_arrays_plain_infer_sends(
    ray_runtime: Any, real_server: RealServer, second_real_server: RealServer
) -> None:
    import cv2

    paths = [str(IMAGES_DIR / name) for name in NAMES]
    arrays = []
    for path in paths:
        image = cv2.imread(path, cv2.IMREAD_COLOR)  # BGR, the client's convention
        assert image is not None, path
        arrays.append(image)
    results = new_client(real_server.url).infer(arrays, model_id=OD_MODEL)
    expected = {name: stable(result) for name, result in zip(NAMES, results, strict=True)}
    settings = RayInferenceSettings(
        api_url=[real_server.url, second_real_server.url], model_id=OD_MODEL
    )
    dataset = ray_runtime.data.read_images(paths, include_paths=True, mode="RGB")
    # Half a CPU per worker leaves the 2-CPU runtime room for the tasks reading the files.
    job = predict_dataset(dataset, settings, concurrency=2, batch_size=2, num_cpus=0.5)
    out = job.take_all()
    assert sorted(Path(row["path"]).name for row in out) == NAMES
    for row in out:
        assert row[ERROR_COLUMN] is None, row[ERROR_COLUMN]
        assert stable(json.loads(row[PREDICTION_COLUMN])) == expected[Path(row["path"]).name]
