"""``rf-client infer`` with a workflow: the request, parameters, image outputs as files."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from rf_client.cli._artefacts import OutputFolder, PendingFile
from tests.support.canned import image_size
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply
from tests.unit.cli.conftest import RunCLI

SPEC = {
    "version": "1.0",
    "inputs": [
        {"type": "WorkflowImage", "name": "image"},
        {"type": "WorkflowImage", "name": "template"},
        {"type": "WorkflowParameter", "name": "min_conf"},
    ],
    "steps": [],
    "outputs": [],
}


def _png(width: int, height: int, colour: tuple[int, int, int]) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _outputs_for(request: RecordedRequest) -> Reply:
    """Detections on the image sent (a box at its centre), a count, an image and a crop."""
    inputs = request.json()["inputs"]
    width, height = image_size(inputs["image"]["value"])
    detections = {
        "image": {"width": width, "height": height},
        "predictions": [
            {"x": width / 2, "y": height / 2, "width": 60, "height": 40,
             "confidence": 0.8, "class": "match", "class_id": 0},
        ],
    }  # fmt: skip
    outputs = {
        "predictions": detections,
        "count": 1,
        "viz": {"type": "base64", "value": _png(width, height, (0, 255, 0))},
        "crops": [{"type": "base64", "value": _png(60, 40, (0, 0, 255))}],
    }
    return json_reply(200, {"outputs": [outputs], "profiler_trace": []})


def _spec_file(tmp_path: Path, wrapped: bool = False) -> str:
    path = tmp_path / "workflow.json"
    path.write_text(json.dumps({"specification": SPEC} if wrapped else SPEC))
    return str(path)


def test_a_specification_runs_once_per_image_with_its_parameters(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path
) -> None:
    fake_server.on("POST", "/workflows/run", handler=_outputs_for)
    inputs = [str(images_dir / "chelsea.png"), str(images_dir / "rocket.jpg")]
    result = cli(
        "infer", *inputs, "--workflow-spec", _spec_file(tmp_path, wrapped=True),
        "--api-url", fake_server.url, "--image", f"template={images_dir / 'page.png'}",
        "--param", "min_conf=0.9", "--param", "labels=[\"a\", \"b\"]", "--param", "name=plain",
        "--excluded-fields", "crops,viz", "--max-concurrent-requests", "2",
    )  # fmt: skip
    assert result.code == 0
    lines = result.lines()
    assert [line["input"] for line in lines] == inputs
    assert lines[0]["result"]["count"] == 1
    assert lines[1]["result"]["predictions"]["image"] == {"width": 640, "height": 427}
    assert lines[0]["result"]["viz"]["type"] == "base64"
    requests = fake_server.requests_to("POST", "/workflows/run")
    assert len(requests) == 2
    body: dict[str, Any] = requests[0].json()
    assert body["specification"] == SPEC
    assert body["inputs"]["min_conf"] == 0.9
    assert body["inputs"]["labels"] == ["a", "b"]
    assert body["inputs"]["name"] == "plain"
    assert image_size(body["inputs"]["template"]["value"]) == (384, 191)
    assert body["excluded_fields"] == ["crops", "viz"]
    sizes = sorted(image_size(r.json()["inputs"]["image"]["value"]) for r in requests)
    assert sizes == [(451, 300), (640, 427)]


def test_the_image_input_name_is_configurable(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path
) -> None:
    fake_server.on("POST", "/workflows/run", json_reply(200, {"outputs": [{"n": 1}]}))
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--workflow-spec", _spec_file(tmp_path),
        "--image-input", "picture", "--api-url", fake_server.url,
    )  # fmt: skip
    assert result.code == 0
    assert result.lines()[0]["result"] == {"n": 1}
    assert set(fake_server.requests[0].json()["inputs"]) == {"picture"}


def test_image_outputs_become_files_and_detections_are_drawn_on_the_input(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path
) -> None:
    fake_server.on("POST", "/workflows/run", handler=_outputs_for)
    out = tmp_path / "out"
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--workflow-spec", _spec_file(tmp_path),
        "--api-url", fake_server.url, "--output-dir", str(out), "--format", "json",
    )  # fmt: skip
    assert result.code == 0
    (line,) = result.lines()
    assert line["result"]["viz"] == {"type": "file", "path": str(out / "chelsea_viz.png")}
    assert line["result"]["crops"] == [{"type": "file", "path": str(out / "chelsea_crops-0.png")}]
    assert line["files"] == [
        str(out / "chelsea.jpg"),
        str(out / "chelsea_viz.png"),
        str(out / "chelsea_crops-0.png"),
    ]
    with Image.open(out / "chelsea_viz.png") as viz:
        assert viz.size == (451, 300)
        assert viz.convert("RGB").getpixel((10, 10)) == (0, 255, 0)
    with Image.open(out / "chelsea_crops-0.png") as crop:
        assert crop.size == (60, 40)
    original = Image.open(images_dir / "chelsea.png").convert("RGB")
    with Image.open(out / "chelsea.jpg") as annotated:
        left_edge = (196, 150)  # the 60-pixel box centred at x = 225.5
        drawn = annotated.convert("RGB").getpixel(left_edge)
        assert isinstance(drawn, tuple)
        before = original.getpixel(left_edge)
        assert isinstance(before, tuple)
        assert max(abs(a - b) for a, b in zip(drawn, before, strict=True)) > 60


def test_a_table_summarises_each_output(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path
) -> None:
    fake_server.on("POST", "/workflows/run", handler=_outputs_for)
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--workflow-spec", _spec_file(tmp_path),
        "--api-url", fake_server.url, "--format", "table",
    )  # fmt: skip
    row = result.out.splitlines()[1]
    assert "predictions: match; count: 1; viz: image; crops: 1 images" in row
    assert "0.80" in row


def test_a_saved_workflow_uses_its_workspace_route(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    fake_server.on("POST", "/team/workflows/count", json_reply(200, {"outputs": [{"n": 2}]}))
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--workspace", "team",
        "--workflow-id", "count", "--api-url", fake_server.url,
    )  # fmt: skip
    assert result.code == 0
    assert result.lines()[0]["result"] == {"n": 2}
    assert "specification" not in fake_server.requests[0].json()


def test_a_workflow_without_inputs_runs_once(
    cli: RunCLI, fake_server: FakeServer, tmp_path: Path
) -> None:
    fake_server.on("POST", "/workflows/run", json_reply(200, {"outputs": [{"text": "hi"}]}))
    result = cli(
        "infer", "--workflow-spec", _spec_file(tmp_path), "--param", "text=hi",
        "--api-url", fake_server.url,
    )  # fmt: skip
    assert result.code == 0
    assert result.lines() == [{"input": None, "ok": True, "result": {"text": "hi"}}]
    assert fake_server.requests[0].json()["inputs"] == {"text": "hi"}


def test_a_failing_run_in_the_middle_keeps_the_others(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path
) -> None:
    def refuse_rocket(request: RecordedRequest) -> Reply:
        if image_size(request.json()["inputs"]["image"]["value"])[0] == 640:
            return json_reply(
                500,
                {"message": "step failed", "error_type": "StepExecutionError",
                 "inner_error_type": "TypeError", "inner_error_message": "boom"},
            )  # fmt: skip
        return json_reply(200, {"outputs": [{"ok": 1}]})

    fake_server.on("POST", "/workflows/run", handler=refuse_rocket)
    names = ["chelsea.png", "rocket.jpg", "coffee.png"]
    result = cli(
        "infer", *[str(images_dir / n) for n in names], "--workflow-spec", _spec_file(tmp_path),
        "--api-url", fake_server.url, "--max-retries", "0",
    )  # fmt: skip
    assert result.code == 1
    lines = result.lines()
    assert [line["ok"] for line in lines] == [True, False, True]
    assert lines[1]["error"]["type"] == "InternalServerError"
    assert "StepExecutionError" in lines[1]["error"]["message"]


def test_an_image_output_that_cannot_be_saved_is_inlined_with_a_warning(
    cli: RunCLI,
    fake_server: FakeServer,
    images_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_server.on("POST", "/workflows/run", handler=_outputs_for)

    def refusing_hook(self: OutputFolder, stem: str, pending: list[PendingFile]) -> Any:
        def hook(image: Any, path: Any) -> Any:
            raise RuntimeError("the encoder gave up")

        return hook

    monkeypatch.setattr(OutputFolder, "image_hook", refusing_hook)
    inputs = [str(images_dir / "chelsea.png"), str(images_dir / "rocket.jpg")]
    result = cli(
        "infer", *inputs, "--workflow-spec", _spec_file(tmp_path), "--api-url", fake_server.url,
        "--output-dir", str(tmp_path / "out"),
    )  # fmt: skip
    assert result.code == 0
    lines = result.lines()
    assert [line["input"] for line in lines] == inputs
    assert all(line["result"]["viz"]["type"] == "base64" for line in lines)
    assert result.err.count("warning: cannot save the images of") == 2
    assert "RuntimeError: the encoder gave up" in result.err
    assert (tmp_path / "out" / "rocket.jpg").is_file()  # the annotated input still is


def test_an_image_output_whose_file_cannot_be_written_stays_in_the_result(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path
) -> None:
    fake_server.on("POST", "/workflows/run", handler=_outputs_for)
    out = tmp_path / "out"
    (out / "chelsea_viz.png").mkdir(parents=True)  # a folder where the file would go
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--workflow-spec", _spec_file(tmp_path),
        "--api-url", fake_server.url, "--output-dir", str(out),
    )  # fmt: skip
    assert result.code == 0
    (line,) = result.lines()
    assert line["result"]["viz"]["type"] == "base64"
    assert line["result"]["crops"] == [{"type": "file", "path": str(out / "chelsea_crops-0.png")}]
    assert line["files"] == [str(out / "chelsea.jpg"), str(out / "chelsea_crops-0.png")]
    assert f"warning: cannot write {out / 'chelsea_viz.png'}: Is a directory" in result.err
