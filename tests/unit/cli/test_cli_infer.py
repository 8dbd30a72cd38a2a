"""``rf-client infer`` with a model on the fake server: order, failures, table, exit codes."""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rf_client.cli import _job
from tests.support.canned import image_size, prediction_for, serve_model
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply, reset
from tests.unit.cli.conftest import RunCLI

PHOTOS = ["chelsea.png", "rocket.jpg", "coffee.png", "astronaut.png", "page.png"]
WIDTHS = {"chelsea.png": 451, "rocket.jpg": 640, "coffee.png": 600, "astronaut.png": 512}


def _refusing_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _fail_coffee(request: RecordedRequest) -> Reply:
    """Object detection that refuses the 600-pixel-wide coffee.png and answers the others."""
    body = request.json()
    images = body["image"] if isinstance(body["image"], list) else [body["image"]]
    sizes = [image_size(image["value"]) for image in images]
    if any(width == 600 for width, _ in sizes):
        return json_reply(400, {"message": "cannot decode this image"})
    predictions = [prediction_for("object-detection", *size) for size in sizes]
    return json_reply(200, predictions if isinstance(body["image"], list) else predictions[0])


def test_json_lines_follow_input_order_and_a_failing_middle_item_exits_1(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    fake_server.on("POST", "/infer/object_detection", handler=_fail_coffee)
    inputs = [str(images_dir / name) for name in PHOTOS[:4]]
    result = cli(
        "infer", *inputs, "--model-id", "coco/3", "--api-url", fake_server.url,
        "--max-concurrent-requests", "4",
    )  # fmt: skip
    assert result.code == 1
    lines = result.lines()
    assert [line["input"] for line in lines] == inputs
    assert [line["ok"] for line in lines] == [True, True, False, True]
    assert lines[2]["error"]["type"] == "BadRequestError"
    assert "cannot decode this image" in lines[2]["error"]["message"]
    assert "result" not in lines[2]
    widths = [line["result"]["image"]["width"] for line in lines if line["ok"]]
    assert widths == [451, 640, 512]
    assert lines[0]["result"]["predictions"][0]["class"] == "cat"
    assert "4 items, 1 failed" in result.err


def test_a_folder_is_its_images_in_name_order_batched_and_concurrent(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path
) -> None:
    serve_model(fake_server, "coco/3")
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in PHOTOS:
        shutil.copy(images_dir / name, folder / name)
    (folder / "notes.txt").write_text("not an image")
    result = cli(
        "infer", str(folder), "--model-id", "coco/3", "--api-url", fake_server.url,
        "--max-batch-size", "2", "--max-concurrent-requests", "2",
    )  # fmt: skip
    assert result.code == 0
    names = [Path(line["input"]).name for line in result.lines()]
    assert names == sorted(PHOTOS)
    requests = fake_server.requests_to("POST", "/infer/object_detection")
    assert len(requests) == 3
    assert [len(r.json()["image"]) for r in requests if isinstance(r.json()["image"], list)] == [
        2,
        2,
    ]
    assert fake_server.max_in_flight <= 2


def test_a_failed_batch_request_fails_each_of_its_images_only(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    fake_server.on("POST", "/infer/object_detection", handler=_fail_coffee)
    names = ["chelsea.png", "rocket.jpg", "coffee.png", "astronaut.png"]
    result = cli(
        "infer", *[str(images_dir / n) for n in names], "--model-id", "coco/3",
        "--api-url", fake_server.url, "--max-batch-size", "2",
    )  # fmt: skip
    assert result.code == 1
    assert [line["ok"] for line in result.lines()] == [True, True, False, False]


def test_unreadable_inputs_fail_alone_and_are_never_sent(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path
) -> None:
    serve_model(fake_server, "coco/3")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg at all")
    inputs = [str(images_dir / "chelsea.png"), str(broken), str(tmp_path / "missing.png")]
    result = cli(
        "infer", *inputs, "--model-id", "coco/3", "--api-url", fake_server.url,
        "--max-batch-size", "4",
    )  # fmt: skip
    assert result.code == 1
    lines = result.lines()
    assert [line["ok"] for line in lines] == [True, False, False]
    assert lines[1]["error"]["type"] == "EncodingError"
    assert lines[2]["error"]["type"] == "InvalidInputError"
    assert "missing.png" in lines[2]["error"]["message"]
    (request,) = fake_server.requests_to("POST", "/infer/object_detection")
    assert not isinstance(request.json()["image"], list)


def test_a_url_that_cannot_be_split_fails_alone(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    inputs = [str(images_dir / "chelsea.png"), "http://[::1/x.jpg?sig=abc"]
    result = cli("infer", *inputs, "--model-id", "coco/3", "--api-url", fake_server.url)
    assert result.code == 1, result.err
    lines = result.lines()
    assert [line["ok"] for line in lines] == [True, False]
    assert lines[1]["error"]["type"] == "InvalidURLImageInput"


def test_table_output_has_a_row_per_item_and_the_errors_in_full(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    fake_server.on("POST", "/infer/object_detection", handler=_fail_coffee)
    inputs = [str(images_dir / n) for n in ("chelsea.png", "coffee.png")]
    result = cli(
        "infer", *inputs, "--model-id", "coco/3", "--api-url", fake_server.url,
        "--format", "table",
    )  # fmt: skip
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].split() == ["INPUT", "FOUND", "TOP", "CONF", "TIME"]
    # Long paths are shortened from the left to keep the file name (CI clones live deeper).
    assert lines[1].split()[0] in (inputs[0], "..." + inputs[0][-45:])
    assert " cat " in lines[1]
    assert "0.90" in lines[1]
    assert lines[1].endswith("ms")
    assert lines[2].split()[0] in (inputs[1], "..." + inputs[1][-45:])
    assert "ERROR BadRequestError" in lines[2]
    assert "errors:" in lines
    assert any("cannot decode this image" in line for line in lines[lines.index("errors:") :])


def test_table_describes_classification_results(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "cls/1", task_type="classification")
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--model-id", "cls/1",
        "--api-url", fake_server.url, "--format", "table",
    )  # fmt: skip
    assert result.code == 0
    row = result.out.splitlines()[1].split()
    assert row[1:] == ["cat", "0.70", row[3], "ms"]


def test_an_unknown_model_exits_3_with_one_error_line_per_input(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    fake_server.on("GET", "/model/registry", json_reply(200, {"models": []}))
    fake_server.on("POST", "/model/add", json_reply(404, {"message": "no such model"}))
    inputs = [str(images_dir / "chelsea.png"), str(images_dir / "rocket.jpg")]
    result = cli("infer", *inputs, "--model-id", "nope/1", "--api-url", fake_server.url)
    assert result.code == 3
    lines = result.lines()
    assert [line["input"] for line in lines] == inputs
    assert all(line["error"]["type"] == "NotFoundError" for line in lines)
    assert fake_server.requests_to("POST", "/infer/object_detection") == []


def test_an_unreachable_server_exits_3_quickly(cli: RunCLI, images_dir: Path) -> None:
    started = time.monotonic()
    result = cli(
        "infer", str(images_dir), "--model-id", "coco/3", "--api-url", _refusing_url(),
        "--max-retries", "0",
    )  # fmt: skip
    assert result.code == 3
    lines = result.lines()
    assert len(lines) == 6
    assert {line["error"]["type"] for line in lines} == {"APIConnectionError"}
    assert time.monotonic() - started < 10


def test_connection_failures_before_any_result_stop_the_remaining_requests(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    # v0 has no model lookup first: the first requests meet the dropped connections.
    fake_server.on("POST", "/coco/3", reset())
    inputs = [str(images_dir / "chelsea.png")] * 8
    result = cli(
        "infer", *inputs, "--model-id", "coco/3", "--api-url", fake_server.url,
        "--api-v0", "--api-key", "k", "--max-retries", "0",
    )  # fmt: skip
    assert result.code == 3
    assert len(result.lines()) == 8
    assert {line["error"]["type"] for line in result.lines()} == {"APIConnectionError"}
    assert len(fake_server.requests_to("POST", "/coco/3")) <= 2


def test_v0_mode_sends_the_legacy_route(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--model-id", "coco/3",
        "--api-url", fake_server.url, "--api-v0", "--api-key", "k",
    )  # fmt: skip
    assert result.code == 0
    assert result.lines()[0]["result"]["image"] == {"width": 451, "height": 300}
    assert [r.path for r in fake_server.requests] == ["/coco/3"]


def test_v0_without_a_key_is_a_usage_error_for_every_item(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--model-id", "coco/3",
        "--api-url", fake_server.url, "--api-v0",
    )  # fmt: skip
    assert result.code == 2
    error = result.lines()[0]["error"]
    assert error["type"] == "APIKeyNotProvided"
    # The command line's own ways to give a key, not the Python class's argument.
    assert "set ROBOFLOW_API_KEY" in error["message"]
    assert "--api-key" in error["message"]
    assert "InferenceHTTPClient" not in error["message"]
    assert fake_server.requests == []


def test_the_url_comes_from_the_environment(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_model(fake_server, "coco/3")
    monkeypatch.setenv("ROBOFLOW_API_URL", fake_server.url)
    result = cli("infer", str(images_dir / "chelsea.png"), "--model-id", "coco/3", "-q")
    assert result.code == 0
    assert result.err == ""
    assert fake_server.requests_to("POST", "/infer/object_detection")


def test_summary_on_stderr_names_items_failures_throughput_and_time(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    result = cli(
        "infer", str(images_dir / "chelsea.png"), str(images_dir / "rocket.jpg"),
        "--model-id", "coco/3", "--api-url", fake_server.url,
    )  # fmt: skip
    summary = result.err.strip().splitlines()[-1]
    assert summary.startswith("rf-client: 2 items, 0 failed, ")
    assert "items/s" in summary
    assert summary.endswith("s elapsed")


def test_ctrl_c_exits_130(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: _job.InferJob, inputs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_job.InferJob, "run", interrupted)
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--model-id", "coco/3",
        "--api-url", fake_server.url,
    )  # fmt: skip
    assert result.code == 130
    assert "interrupted" in result.err


def test_folder_extensions_match_in_any_case(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path
) -> None:
    serve_model(fake_server, "coco/3")
    folder = tmp_path / "photos"
    folder.mkdir()
    shutil.copy(images_dir / "rocket.jpg", folder / "ROCKET.Jpg")
    shutil.copy(images_dir / "chelsea.png", folder / "chelsea.PNG")
    result = cli("infer", str(folder), "--model-id", "coco/3", "--api-url", fake_server.url)
    assert result.code == 0, result.err
    inputs = [line["input"] for line in result.lines()]
    assert inputs == [str(folder / "ROCKET.Jpg"), str(folder / "chelsea.PNG")]


def test_a_folder_that_cannot_be_listed_is_a_usage_error_naming_it(
    cli: RunCLI, fake_server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()

    def refuse(self: Path) -> Iterator[Path]:
        raise PermissionError(13, "Permission denied", str(self))

    # Tests run as root, who may read any folder: the refusal is simulated.
    monkeypatch.setattr(Path, "iterdir", refuse)
    result = cli("infer", str(folder), "--model-id", "coco/3", "--api-url", fake_server.url)
    assert result.code == 2
    assert f"cannot list folder {str(folder)!r}: Permission denied" in result.err
    assert "Traceback" not in result.err
    assert fake_server.requests == []
