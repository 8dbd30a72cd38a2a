"""rf_client.ray without a Ray runtime: the predictor on numpy batches as Ray hands them."""

from __future__ import annotations

import base64
import io
import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from rf_client import InferenceConfiguration, InvalidParameterError, RFClientError
from rf_client.ray import InferencePredictor, RaySettings
from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer, json_reply

ROUTE = "/infer/object_detection"
SECRET = "ray-secret-key-0123456789"


def settings_for(server: FakeServer, **changes: object) -> RaySettings:
    values: dict[str, object] = {"api_url": server.url, "model_id": "coco/3", "api_key": SECRET}
    values.update(changes)
    return RaySettings(**values)  # type: ignore[arg-type]


def predictions(output: dict[str, np.ndarray]) -> list[object]:
    return [None if text is None else json.loads(text) for text in output["prediction"]]


def test_paths_bytes_and_arrays_each_get_their_prediction_in_order(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server)
    chelsea = images_dir / "chelsea.png"
    rocket_bytes = (images_dir / "rocket.jpg").read_bytes()
    array = np.zeros((30, 40, 3), dtype=np.uint8)
    column = np.array([str(chelsea), rocket_bytes, array], dtype=object)
    predictor = InferencePredictor(settings_for(fake_server))

    output = predictor({"image": column, "id": np.array([7, 8, 9])})

    assert [p["image"]["width"] for p in predictions(output)] == [451, 640, 40]  # type: ignore[index]
    assert list(output["error"]) == [None, None, None]
    assert list(output["id"]) == [7, 8, 9]
    assert output["image"] is column
    assert len(fake_server.requests_to("POST", ROUTE)) == 3
    predictor.close()


def test_a_stacked_array_column_is_one_image_per_row(fake_server: FakeServer) -> None:
    serve_model(fake_server)
    column = np.zeros((2, 20, 24, 3), dtype=np.uint8)  # read_images of same-sized images
    output = InferencePredictor(settings_for(fake_server))({"image": column})
    assert [p["image"]["width"] for p in predictions(output)] == [24, 24]  # type: ignore[index]


def test_text_columns_as_ray_stores_them(fake_server: FakeServer, images_dir: Path) -> None:
    serve_model(fake_server)
    column = np.array([str(images_dir / "coffee.png"), str(images_dir / "page.png")])  # <U...
    output = InferencePredictor(settings_for(fake_server))({"image": column})
    assert [p["image"]["width"] for p in predictions(output)] == [600, 384]  # type: ignore[index]


def test_rgb_arrays_are_sent_as_the_colours_they_hold(fake_server: FakeServer) -> None:
    serve_model(fake_server)
    red = np.zeros((16, 16, 3), dtype=np.uint8)
    red[:, :, 0] = 255  # red in RGB, as ray.data.read_images gives
    InferencePredictor(settings_for(fake_server))({"image": np.stack([red])})
    sent = fake_server.requests_to("POST", ROUTE)[0].json()["image"]["value"]
    r, g, b = Image.open(io.BytesIO(base64.b64decode(sent))).convert("RGB").getpixel((8, 8))  # type: ignore[misc]
    assert r > 200
    assert g < 60
    assert b < 60

    bgr = InferencePredictor(settings_for(fake_server, array_channel_order="bgr"))
    bgr({"image": np.stack([red])})  # the same array read as BGR is blue
    sent = fake_server.requests_to("POST", ROUTE)[1].json()["image"]["value"]
    r, g, b = Image.open(io.BytesIO(base64.b64decode(sent))).convert("RGB").getpixel((8, 8))  # type: ignore[misc]
    assert b > 200
    assert r < 60


def test_a_bad_row_is_recorded_and_its_neighbours_keep_their_results(
    fake_server: FakeServer, images_dir: Path, tmp_path: Path
) -> None:
    serve_model(fake_server)
    missing = tmp_path / "missing.jpg"
    column = np.array(
        [str(images_dir / "chelsea.png"), str(missing), 42, str(images_dir / "rocket.jpg")],
        dtype=object,
    )
    output = InferencePredictor(settings_for(fake_server))({"image": column})

    found = predictions(output)
    assert found[0]["image"]["width"] == 451  # type: ignore[index]
    assert found[1] is None
    assert found[2] is None
    assert found[3]["image"]["width"] == 640  # type: ignore[index]
    errors = list(output["error"])
    assert errors[0] is None
    assert errors[3] is None
    assert "missing.jpg" in errors[1]
    assert errors[2].startswith("InvalidInput")
    assert "int value is not an image" in errors[2]


def test_failed_requests_are_recorded_per_row_without_the_key(
    fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server)
    fake_server.on("POST", ROUTE, json_reply(400, {"message": f"bad api_key={SECRET}"}))
    column = np.array([str(images_dir / "chelsea.png"), str(images_dir / "page.png")])
    output = InferencePredictor(settings_for(fake_server, max_retries=0))({"image": column})

    assert list(output["prediction"]) == [None, None]
    for error in output["error"]:
        assert error.startswith("BadRequestError: ")
        assert SECRET not in error


def test_an_empty_batch_gives_empty_columns(fake_server: FakeServer) -> None:
    output = InferencePredictor(settings_for(fake_server))({"image": np.array([], dtype=object)})
    assert len(output["prediction"]) == 0
    assert len(output["error"]) == 0
    assert fake_server.requests == []


def test_keep_image_false_drops_the_image_column(fake_server: FakeServer, images_dir: Path) -> None:
    serve_model(fake_server)
    settings = settings_for(fake_server, keep_image=False, prediction_column="boxes")
    output = InferencePredictor(settings)({"image": np.array([str(images_dir / "page.png")])})
    assert set(output) == {"boxes", "error"}


def test_the_configuration_reaches_the_requests(fake_server: FakeServer, images_dir: Path) -> None:
    serve_model(fake_server)
    settings = settings_for(
        fake_server, configuration=InferenceConfiguration(confidence_threshold=0.7)
    )
    InferencePredictor(settings)({"image": np.array([str(images_dir / "page.png")])})
    assert fake_server.requests_to("POST", ROUTE)[0].json()["confidence"] == 0.7


def test_settings_travel_by_pickle_and_never_show_the_key(fake_server: FakeServer) -> None:
    settings = settings_for(fake_server, api_url=[fake_server.url, "http://127.0.0.1:9"])
    assert settings.api_url == (fake_server.url, "http://127.0.0.1:9")
    assert pickle.loads(pickle.dumps(settings)) == settings
    predictor = InferencePredictor(settings)
    assert SECRET not in repr(settings)
    assert SECRET not in repr(predictor)


def test_a_missing_image_column_names_the_columns(fake_server: FakeServer) -> None:
    predictor = InferencePredictor(settings_for(fake_server))
    with pytest.raises(InvalidParameterError, match=r"no column 'image'.*'path'"):
        predictor({"path": np.array(["a.jpg"])})


def test_invalid_settings_are_refused(fake_server: FakeServer) -> None:
    with pytest.raises(InvalidParameterError, match="array_channel_order"):
        settings_for(fake_server, array_channel_order="rgba")
    with pytest.raises(InvalidParameterError, match="three different names"):
        settings_for(fake_server, error_column="image")
    with pytest.raises(InvalidParameterError, match="RaySettings"):
        InferencePredictor({"api_url": fake_server.url})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"timeout": -1}, "timeout"),
        ({"max_retries": -2}, "max_retries"),
        ({"api_url": "ftp://example"}, "api_url"),
        ({"api_url": ["http://127.0.0.1:1", "http://127.0.0.1:1"]}, "127.0.0.1:1"),
        ({"model_id": "not a model"}, "model id"),
    ],
)
def test_settings_the_client_would_refuse_fail_on_the_driver(
    fake_server: FakeServer, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(RFClientError, match=message) as caught:
        settings_for(fake_server, **changes)
    assert SECRET not in str(caught.value)


def test_importing_rf_client_and_the_integration_does_not_import_ray() -> None:
    code = "import sys, rf_client, rf_client.ray; assert 'ray' not in sys.modules, 'ray imported'"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
