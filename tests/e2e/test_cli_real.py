"""The ``rf-client`` command line against the real inference 1.8.3 server.

Each command runs in-process through ``rf_client.cli.main`` with its output captured; the
values are the offline models' known predictions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from rf_client.cli import main
from tests.e2e.conftest import RealServer
from tests.fixtures.e2e.support import (
    CHELSEA,
    IMAGES_DIR,
    OD_MODEL,
    SEG_MODEL,
    UNKNOWN_MODEL,
    WORKFLOWS_DIR,
    assert_cat_and_dog,
)

pytestmark = pytest.mark.e2e

SECRET_KEY = "cli-e2e-SECRET-6d1f0a"


def run(
    capsys: pytest.CaptureFixture[str], server: RealServer, arguments: Sequence[str]
) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``rf-client <arguments>`` against ``server``."""
    code = main([*arguments, "--api-url", server.url])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON objects printed one per line."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_info_names_the_server_and_its_version(
    real_server: RealServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, real_server, ["info", "--json"])
    assert code == 0
    info = json.loads(out)
    assert info["name"] == "Roboflow Inference Server"
    assert info["version"] == "1.8.3"


def test_json_lines_keep_input_order_with_a_failing_item_in_the_middle(
    real_server: RealServer,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROBOFLOW_API_KEY", SECRET_KEY)
    missing = tmp_path / "missing.jpg"
    inputs = [str(CHELSEA), str(missing), str(IMAGES_DIR / "rocket.jpg")]
    code, out, err = run(capsys, real_server, ["infer", *inputs, "--model-id", OD_MODEL, "--quiet"])
    assert code == 1  # some items failed, the others' results are printed
    lines = json_lines(out)
    assert [line["input"] for line in lines] == inputs
    assert [line["ok"] for line in lines] == [True, False, True]
    assert_cat_and_dog(lines[0]["result"])
    assert lines[1]["error"]["type"] == "InvalidInputError"
    assert "missing.jpg" in lines[1]["error"]["message"]
    assert lines[2]["result"]["image"] == {"width": 640, "height": 427}
    assert SECRET_KEY not in out + err


def test_annotated_images_and_table_for_a_folder(
    real_server: RealServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("chelsea.png", "coffee.png"):
        (folder / name).write_bytes((IMAGES_DIR / name).read_bytes())
    output = tmp_path / "annotated"
    arguments = ["infer", str(folder), "--model-id", SEG_MODEL, "--format", "table"]
    code, out, _ = run(capsys, real_server, [*arguments, "--output-dir", str(output), "-q"])
    assert code == 0
    assert "chelsea.png" in out
    assert "coffee.png" in out
    assert "cat" in out
    assert sorted(path.name for path in output.iterdir()) == ["chelsea.jpg", "coffee.jpg"]


def test_template_matching_workflow_finds_three_boxes(
    real_server: RealServer, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = [
        "infer",
        str(WORKFLOWS_DIR / "shapes.png"),
        "--workflow-spec",
        str(WORKFLOWS_DIR / "template_matching.json"),
        "--image",
        f"template={WORKFLOWS_DIR / 'template.png'}",
        "--param",
        "min_conf=0.9",
        "--excluded-fields",
        "crops,viz",
        "-q",
    ]
    code, out, _ = run(capsys, real_server, arguments)
    assert code == 0
    (line,) = json_lines(out)
    result = line["result"]
    assert result["count"] == 3
    boxes = [(p["x"], p["y"], p["width"]) for p in result["predictions"]["predictions"]]
    assert boxes == [(100.0, 155.0, 120.0), (300.0, 155.0, 120.0), (500.0, 155.0, 120.0)]


def test_unknown_model_exits_3_without_results(
    real_server: RealServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        real_server,
        ["infer", str(CHELSEA), "--model-id", UNKNOWN_MODEL, "--max-retries", "0", "-q"],
    )
    assert code == 3
    (line,) = json_lines(out)
    assert line["ok"] is False
    assert line["error"]["type"] == "ServiceUnavailableError"


def test_models_list_shows_loaded_models(
    real_server: RealServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, real_server, ["models", "load", OD_MODEL])[0] == 0
    code, out, _ = run(capsys, real_server, ["models", "list", "--json"])
    assert code == 0
    assert OD_MODEL in out


def test_usage_error_exits_2(real_server: RealServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, real_server, ["infer", str(CHELSEA), "--max-batch-size", "zero"])
    assert code == 2
    assert out == ""
    assert "max-batch-size" in err
