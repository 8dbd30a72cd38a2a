"""``--output-dir``: annotated images (boxes, polygons, key points, classes) and their names."""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from rf_client.cli import _artefacts, _job
from rf_client.cli._annotate import class_colour, draw_predictions
from rf_client.cli._artefacts import OutputFolder, safe_stem
from tests.support.canned import image_size, prediction_for, serve_model
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply
from tests.unit.cli.conftest import RunCLI

Pixel = tuple[int, ...]


def _distance(a: Pixel, b: Pixel) -> int:
    return max(abs(x - y) for x, y in zip(a[:3], b[:3], strict=True))


def _changed(annotated: Image.Image, original: Image.Image, xy: tuple[int, int]) -> int:
    """How far a pixel of ``annotated`` is from the same pixel of ``original`` (0-255)."""
    return _distance(_pixel(annotated, xy), _pixel(original, xy))


def _pixel(image: Image.Image, xy: tuple[int, int]) -> Pixel:
    value = image.convert("RGB").getpixel(xy)
    assert isinstance(value, tuple)
    return value


def _run(cli: RunCLI, server: FakeServer, image: Path, model: str, out: Path) -> dict[str, object]:
    result = cli(
        "infer", str(image), "--model-id", model, "--api-url", server.url,
        "--output-dir", str(out),
    )  # fmt: skip
    assert result.code == 0, result.err
    (line,) = result.lines()
    return line


@pytest.mark.parametrize(
    "task_type",
    ["object-detection", "instance-segmentation", "keypoint-detection"],
)
def test_annotated_image_has_the_input_size_and_a_box_drawn_where_predicted(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path, task_type: str
) -> None:
    serve_model(fake_server, "m/1", task_type=task_type)
    line = _run(cli, fake_server, images_dir / "chelsea.png", "m/1", tmp_path / "out")
    assert line["files"] == [str(tmp_path / "out" / "chelsea.jpg")]
    original = Image.open(images_dir / "chelsea.png").convert("RGB")
    with Image.open(tmp_path / "out" / "chelsea.jpg") as annotated:
        assert annotated.size == original.size == (451, 300)
        # The canned box is centred, half the image: its left edge is at x = 112.75.
        assert _changed(annotated, original, (113, 200)) > 60
        assert _changed(annotated, original, (440, 290)) < 30
        if task_type == "keypoint-detection":
            assert _changed(annotated, original, (225, 100)) > 60  # the key point at (w/2, h/3)


def test_classification_gets_a_banner_with_the_top_class(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path
) -> None:
    serve_model(fake_server, "cls/1", task_type="classification")
    _run(cli, fake_server, images_dir / "chelsea.png", "cls/1", tmp_path)
    original = Image.open(images_dir / "chelsea.png").convert("RGB")
    with Image.open(tmp_path / "chelsea.jpg") as annotated:
        assert _distance(_pixel(annotated, (2, 2)), class_colour("cat")) < 40
        assert _changed(annotated, original, (2, 2)) > 40


def test_the_same_name_twice_gets_a_suffix_instead_of_overwriting(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path
) -> None:
    serve_model(fake_server, "m/1")
    chelsea = str(images_dir / "chelsea.png")
    result = cli(
        "infer", chelsea, chelsea, "--model-id", "m/1", "--api-url", fake_server.url,
        "--output-dir", str(tmp_path),
    )  # fmt: skip
    files = [line["files"][0] for line in result.lines()]
    assert files == [str(tmp_path / "chelsea.jpg"), str(tmp_path / "chelsea-2.jpg")]
    assert all(Path(path).stat().st_size > 1000 for path in files)
    assert "2 images saved in" in result.err


def test_draw_predictions_draws_polygons_inside_and_leaves_the_input_untouched() -> None:
    image = Image.new("RGB", (200, 100), (255, 255, 255))
    result = {
        "predictions": [
            {
                "x": 100, "y": 50, "width": 80, "height": 60, "class": "thing",
                "confidence": 0.5,
                "points": [{"x": 70, "y": 30}, {"x": 130, "y": 30}, {"x": 100, "y": 75}],
            }
        ]
    }  # fmt: skip
    drawn = draw_predictions(image, [result])
    assert image.getpixel((100, 45)) == (255, 255, 255)
    assert drawn.getpixel((100, 45)) != (255, 255, 255)  # the polygon's fill
    assert drawn.getpixel((5, 95)) == (255, 255, 255)


@pytest.mark.parametrize(
    ("label", "stem"),
    [
        ("photos/cat.JPG", "cat"),
        ("https://example.com/a/b/dog.png?x=1", "dog"),
        ("weird name (1).jpeg", "weird_name_1"),
        ("folder/", "folder"),
        ("", "image"),
    ],
)
def test_file_stems_come_from_the_input_name(label: str, stem: str) -> None:
    assert safe_stem(label.split("?")[0]) == stem


def test_output_folder_picks_png_for_png_sources(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path / "new")
    png = Image.new("RGBA", (4, 4))
    assert folder.save(png, "a").name == "a.png"
    assert folder.save(Image.new("RGB", (4, 4)), "a").name == "a.jpg"
    assert folder.save(Image.new("RGB", (4, 4)), "a").name == "a-2.jpg"


def _answer_with(fake_server: FakeServer, box: dict[str, object]) -> None:
    serve_model(fake_server, "m/1")
    body = {"image": {"width": 451, "height": 300}, "predictions": [box]}
    fake_server.on("POST", "/infer/object_detection", json_reply(200, body))


def test_a_box_with_a_negative_width_is_drawn_where_it_spans_and_the_job_goes_on(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path
) -> None:
    # Pillow refuses a rectangle whose right edge is left of its left edge.
    box = {"x": 200, "y": 150, "width": -100, "height": -60, "class": "cat", "confidence": 0.5}
    _answer_with(fake_server, box)
    chelsea = str(images_dir / "chelsea.png")
    result = cli(
        "infer", chelsea, chelsea, "--model-id", "m/1", "--api-url", fake_server.url,
        "--output-dir", str(tmp_path),
    )  # fmt: skip
    assert result.code == 0, result.err
    lines = result.lines()
    assert [line["ok"] for line in lines] == [True, True]
    assert "warning" not in result.err
    original = Image.open(images_dir / "chelsea.png").convert("RGB")
    with Image.open(tmp_path / "chelsea-2.jpg") as annotated:
        assert _changed(annotated, original, (150, 160)) > 60  # the left edge, x = 150
        assert _changed(annotated, original, (250, 170)) > 60  # the right edge, x = 250
        assert _changed(annotated, original, (200, 160)) < 30  # inside: untouched


def test_an_unexpected_drawing_error_is_a_warning_and_every_item_is_reported(
    cli: RunCLI,
    fake_server: FakeServer,
    images_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve_model(fake_server, "m/1")
    calls: list[str] = []

    def fail_first(image: Image.Image, results: Sequence[Mapping[str, Any]]) -> Image.Image:
        calls.append("draw")
        if len(calls) == 1:
            raise ValueError("the drawing library refused")
        return draw_predictions(image, results)

    monkeypatch.setattr(_artefacts, "draw_predictions", fail_first)
    inputs = [str(images_dir / "chelsea.png"), str(images_dir / "rocket.jpg")]
    result = cli(
        "infer", *inputs, "--model-id", "m/1", "--api-url", fake_server.url,
        "--output-dir", str(tmp_path), "--max-concurrent-requests", "1",
    )  # fmt: skip
    assert result.code == 0
    first, second = result.lines()
    assert first["ok"] is True
    assert first["result"]["predictions"][0]["class"] == "cat"
    assert "files" not in first
    assert second["files"] == [str(tmp_path / "rocket.jpg")]
    assert "warning: cannot draw on chelsea" in result.err
    assert "ValueError: the drawing library refused" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    "box",
    [
        {"x": math.nan, "y": 50, "width": 10, "height": 10},
        {"x": 50, "y": 50, "width": math.inf, "height": 10},
        {"x": 1e300, "y": 1e300, "width": 10, "height": 10},
        {"x": 50, "y": 50, "width": 1e308, "height": 1e308},
        {"x": "50", "y": 50, "width": 10, "height": 10},
    ],
)
def test_draw_predictions_leaves_out_a_box_it_cannot_draw(box: dict[str, Any]) -> None:
    image = Image.new("RGB", (100, 100), (255, 255, 255))
    drawn = draw_predictions(image, [{"predictions": [{**box, "class": "x", "confidence": 0.5}]}])
    assert drawn.tobytes() == image.tobytes()


def test_draw_predictions_drops_points_it_cannot_draw_and_keeps_the_box() -> None:
    image = Image.new("RGB", (100, 100), (255, 255, 255))
    prediction = {
        "x": 50, "y": 50, "width": 40, "height": 40, "class": "x",
        "keypoints": [{"x": math.nan, "y": 1}, {"x": 1e300, "y": 5}],
        "points": [{"x": -1e250, "y": 3}, {"x": 60, "y": math.inf}, {"x": 40, "y": 40}],
    }  # fmt: skip
    drawn = draw_predictions(image, [{"predictions": [prediction]}])
    assert drawn.getpixel((30, 50)) != (255, 255, 255)  # the box's left edge
    assert drawn.getpixel((50, 50)) == (255, 255, 255)  # no polygon fill inside


def test_output_names_follow_input_order_whichever_request_finishes_first(
    cli: RunCLI,
    fake_server: FakeServer,
    images_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve_model(fake_server, "m/1")
    first, second = tmp_path / "a" / "photo.png", tmp_path / "b" / "photo.png"
    for source, copy in ((images_dir / "chelsea.png", first), (images_dir / "rocket.jpg", second)):
        copy.parent.mkdir()
        copy.write_bytes(source.read_bytes())
    second_done = threading.Event()
    report = _job.InferJob._report

    def reporting(self: _job.InferJob, item: Any, *args: Any) -> Any:
        made = report(self, item, *args)
        if item is not None and item.source == str(second):
            second_done.set()
        return made

    def answer(request: RecordedRequest) -> Reply:
        width, height = image_size(request.json()["image"]["value"])
        if width == 451:  # the first input: held until the second one is fully handled
            assert second_done.wait(timeout=30)
        return json_reply(200, prediction_for("object-detection", width, height))

    monkeypatch.setattr(_job.InferJob, "_report", reporting)
    fake_server.on("POST", "/infer/object_detection", handler=answer)
    out = tmp_path / "out"
    result = cli(
        "infer", str(first), str(second), "--model-id", "m/1", "--api-url", fake_server.url,
        "--output-dir", str(out), "--max-batch-size", "1", "--max-concurrent-requests", "2",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert [line["files"] for line in result.lines()] == [
        [str(out / "photo.jpg")],
        [str(out / "photo-2.jpg")],
    ]
    with Image.open(out / "photo.jpg") as annotated:
        assert annotated.size == (451, 300)  # the first input's picture
