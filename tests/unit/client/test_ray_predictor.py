"""rf_client.ray without a Ray runtime: the predictor called on batches as Ray Data hands them.

Ray itself is not needed (it is installed only for the e2e suite): batches are dicts of numpy
arrays, and DataFrames / Tables where pandas / pyarrow happen to be installed.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from rf_client import InferenceHTTPClient, MissingDependencyError
from rf_client.errors import InvalidParameterError
from rf_client.ray import (
    ERROR_COLUMN,
    ERROR_TYPE_COLUMN,
    PREDICTION_COLUMN,
    RayInferenceSettings,
    RayPredictor,
    predict_dataset,
)
from tests.support.canned import image_size, prediction_for, serve_model
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply
from tests.unit.workflows.workflows_support import run_reply, specification

NAMES = ["chelsea.png", "rocket.jpg", "coffee.png", "astronaut.png", "page.png"]
WIDTHS = [451, 640, 600, 512, 384]
KEY = "ray-secret-key-123"


def settings_for(*urls: str, **extra: Any) -> RayInferenceSettings:
    values: dict[str, Any] = {"model_id": "coco/3", "max_concurrent_requests": 2, **extra}
    return RayInferenceSettings(api_url=urls[0] if len(urls) == 1 else urls, **values)


def path_batch(images_dir: Path) -> dict[str, Any]:
    paths = [str(images_dir / name) for name in NAMES]
    return {"image": np.array(paths), "row_id": np.arange(len(paths))}


def widths(output: dict[str, Any]) -> list[int | None]:
    return [
        None if text is None else json.loads(text)["image"]["width"]
        for text in output[PREDICTION_COLUMN]
    ]


def test_importing_rf_client_and_the_integration_never_imports_ray() -> None:
    code = "import sys, rf_client, rf_client.ray; assert 'ray' not in sys.modules, 'ray imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_paths_give_the_plain_clients_predictions_in_order_with_columns_kept(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server)
    batch = path_batch(images_dir)
    with RayPredictor(settings_for(fake_server.url)) as predictor:
        output = predictor(batch)
    expected = InferenceHTTPClient(fake_server.url).infer(list(batch["image"]), model_id="coco/3")
    assert [json.loads(text) for text in output[PREDICTION_COLUMN]] == expected
    assert widths(output) == WIDTHS
    assert list(output["row_id"]) == [0, 1, 2, 3, 4]
    assert list(output["image"]) == list(batch["image"])
    assert list(output[ERROR_COLUMN]) == [None] * 5
    assert list(output[ERROR_TYPE_COLUMN]) == [None] * 5


def test_bytes_and_decoded_rgb_arrays_are_images_too(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server)
    raw = np.empty(2, dtype=object)
    raw[:] = [(images_dir / name).read_bytes() for name in NAMES[:2]]
    with Image.open(images_dir / "astronaut.png") as photo:
        rgb = np.asarray(photo.convert("RGB"))
    stacked = np.stack([rgb, rgb[:, ::-1]])  # read_images stacks images of one size: (N, H, W, 3)
    predictor = RayPredictor(settings_for(fake_server.url))
    assert widths(predictor({"image": raw})) == WIDTHS[:2]
    assert widths(predictor({"image": stacked})) == [512, 512]
    sent = fake_server.requests[-1].json()["image"]
    arrays = sent if isinstance(sent, list) else [sent]
    assert image_size(arrays[-1]["value"]) == (512, 512)
    # RGB arrays are reversed to the client's BGR: the same as sending the BGR array.
    bgr = RayPredictor(settings_for(fake_server.url, array_channel_order="bgr"))
    assert (
        bgr({"image": stacked[:, :, :, ::-1]})[PREDICTION_COLUMN].tolist()
        == predictor({"image": stacked})[PREDICTION_COLUMN].tolist()
    )


def test_a_failing_row_gets_its_error_and_the_others_their_results(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server)

    def answer(request: RecordedRequest) -> Reply:
        body = request.json()
        images = body["image"] if isinstance(body["image"], list) else [body["image"]]
        sizes = [image_size(image["value"]) for image in images]
        if any(width == 600 for width, _ in sizes):
            return json_reply(400, {"message": f"coffee refused, key {KEY}"})
        predictions = [prediction_for("object-detection", *size) for size in sizes]
        return json_reply(200, predictions if isinstance(body["image"], list) else predictions[0])

    fake_server.on("POST", "/infer/object_detection", handler=answer)
    batch = path_batch(images_dir)
    batch["image"] = np.array([*batch["image"][:4], str(images_dir / "missing.png")], dtype=object)
    batch["image"][3] = None
    predictor = RayPredictor(settings_for(fake_server.url, api_key=KEY, max_retries=0))
    output = predictor(batch)
    assert widths(output) == [451, 640, None, None, None]
    assert list(output[ERROR_TYPE_COLUMN]) == [
        None,
        None,
        "BadRequestError",
        "InvalidInputError",
        "InvalidInputError",
    ]
    assert "coffee refused" in output[ERROR_COLUMN][2]
    assert "missing.png" in output[ERROR_COLUMN][4]
    assert all(KEY not in text for text in output[ERROR_COLUMN] if text is not None)


def test_a_call_that_fails_as_a_whole_fails_every_row_without_raising(
    fake_server: FakeServer, images_dir: Path
) -> None:
    fake_server.on("GET", "/model/registry", json_reply(200, {"models": []}))
    fake_server.on("POST", "/model/add", json_reply(404, {"message": "no such model"}))
    output = RayPredictor(settings_for(fake_server.url, max_retries=0))(path_batch(images_dir))
    assert list(output[PREDICTION_COLUMN]) == [None] * 5
    assert set(output[ERROR_TYPE_COLUMN]) == {"NotFoundError"}
    assert list(output["row_id"]) == [0, 1, 2, 3, 4]


def test_one_worker_client_spreads_rows_over_several_servers(images_dir: Path) -> None:
    first, second = FakeServer().start(), FakeServer().start()
    try:
        serve_model(first)
        serve_model(second)
        predictor = RayPredictor(settings_for(first.url, second.url))
        assert predictor.client.api_urls == (first.url, second.url)
        batch = path_batch(images_dir)
        output = predictor({"image": np.concatenate([batch["image"]] * 2)})
        assert widths(output) == WIDTHS * 2
        served = [stats.succeeded for stats in predictor.client.node_stats()]
        assert sum(served) >= 10
        assert all(count > 0 for count in served)
    finally:
        first.stop()
        second.stop()


def test_workflow_rows_run_one_by_one_and_fail_alone(
    fake_server: FakeServer, images_dir: Path
) -> None:
    def answer(request: RecordedRequest) -> Reply:
        width, _ = image_size(request.json()["inputs"]["image"]["value"])
        if width == 640:
            return json_reply(400, {"message": "bad image", "error_type": "RuntimeInputError"})
        return run_reply([{"width": width}])

    fake_server.on("POST", "/workflows/run", handler=answer)
    settings = RayInferenceSettings(
        api_url=fake_server.url,
        workflow_specification=specification("qr_and_barcode"),
        max_concurrent_requests=3,
        max_retries=0,
    )
    output = RayPredictor(settings)(path_batch(images_dir))
    assert [None if t is None else json.loads(t) for t in output[PREDICTION_COLUMN]] == [
        {"width": 451},
        None,
        {"width": 600},
        {"width": 512},
        {"width": 384},
    ]
    assert output[ERROR_TYPE_COLUMN][1] == "BadRequestError"


def test_settings_pickle_with_the_key_and_never_show_it() -> None:
    settings = settings_for("http://10.0.0.1:9001", "http://10.0.0.2:9001", api_key=KEY)
    assert settings.api_url == ("http://10.0.0.1:9001", "http://10.0.0.2:9001")
    assert KEY not in repr(settings)
    assert "api_key='***'" in repr(settings)
    assert KEY not in repr(RayPredictor(settings))
    copy = pickle.loads(pickle.dumps(settings))
    assert copy == settings
    assert copy.api_key == KEY


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"model_id": None}, "exactly one of model_id"),
        ({"workflow_id": "w"}, "exactly one of model_id"),
        ({"max_concurrent_requests": 0}, "at least 1"),
        ({"array_channel_order": "hsv"}, "'rgb' or 'bgr'"),
        ({"api_url": "ftp://nowhere"}, "URL"),
        ({"max_retries": -1}, "at least 0"),
        ({"timeout": -5.0}, "timeout"),
    ],
)
def test_bad_settings_are_refused_on_the_driver(extra: dict[str, Any], says: str) -> None:
    values: dict[str, Any] = {"api_url": "http://10.0.0.1:9001", "model_id": "coco/3", **extra}
    with pytest.raises(InvalidParameterError, match=says):
        RayInferenceSettings(**values)


def test_a_batch_without_the_image_column_says_which_to_set(fake_server: FakeServer) -> None:
    with pytest.raises(InvalidParameterError, match="image_column"):
        RayPredictor(settings_for(fake_server.url))({"path": np.array(["a.png"])})


def test_predict_dataset_without_ray_data_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ray.data", None)  # makes `import ray.data` fail

    class Dataset:
        def map_batches(self, fn: object, **kwargs: object) -> Dataset:
            raise AssertionError("not reached")

    with pytest.raises(MissingDependencyError, match=r"rf-client\[ray\]"):
        predict_dataset(Dataset(), settings_for("http://10.0.0.1:9001"), concurrency=2)


def test_predict_dataset_hands_map_batches_the_predictor_and_its_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ray.data", types.ModuleType("ray.data"))
    calls: list[tuple[object, dict[str, object]]] = []

    class Dataset:
        def map_batches(self, fn: object, **kwargs: object) -> str:
            calls.append((fn, kwargs))
            return "lazy dataset"

    settings = settings_for("http://10.0.0.1:9001")
    job = predict_dataset(Dataset(), settings, concurrency=3, batch_size=8, num_cpus=0.5)
    assert job == "lazy dataset"
    assert calls == [
        (
            RayPredictor,
            {
                "fn_constructor_kwargs": {"settings": settings},
                "concurrency": 3,
                "batch_size": 8,
                "batch_format": "numpy",
                "num_cpus": 0.5,
            },
        )
    ]
    for bad in ({"concurrency": 0}, {"concurrency": 2, "num_cpus": 0}, {"concurrency": True}):
        with pytest.raises(InvalidParameterError, match="must be a positive"):
            predict_dataset(Dataset(), settings, **bad)


def test_pandas_and_pyarrow_batches_keep_their_rows(
    fake_server: FakeServer, images_dir: Path
) -> None:
    pandas = pytest.importorskip("pandas")
    pyarrow = pytest.importorskip("pyarrow")
    serve_model(fake_server)
    paths = [str(images_dir / name) for name in NAMES]
    predictor = RayPredictor(settings_for(fake_server.url))
    frame = pandas.DataFrame({"image": paths, "row_id": range(5)})
    assert widths(predictor(frame)) == WIDTHS
    table = pyarrow.table({"image": paths, "row_id": list(range(5))})
    output = predictor(table)
    assert widths(output) == WIDTHS
    assert list(output["row_id"]) == [0, 1, 2, 3, 4]
