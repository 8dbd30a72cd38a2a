"""--help on every command, and usage errors (exit code 2) with their messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.cli.conftest import RunCLI

COMMANDS = [
    [],
    ["infer"],
    ["info"],
    ["models"],
    ["models", "list"],
    ["models", "load"],
    ["models", "unload"],
    ["models", "unload-all"],
    ["server"],
    ["server", "install"],
    ["server", "start"],
    ["server", "status"],
    ["server", "stop"],
    ["server", "build-models"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "rf-client")
def test_help_of_every_command_exits_0_with_examples(cli: RunCLI, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.code == 0
    assert result.out.startswith("usage: rf-client")
    assert "examples:" in result.out
    assert "rf-client " + " ".join(command) in result.out.split("examples:")[1]


@pytest.mark.parametrize("command", [[], ["infer"], ["info"], ["models", "list"]])
def test_help_documents_the_exit_codes(cli: RunCLI, command: list[str]) -> None:
    out = cli(*command, "--help").out
    assert "2    usage error" in out
    assert "3    the server could not be reached" in out
    assert "130  interrupted" in out
    # Only commands with items to fail one by one document 1.
    items = command in ([], ["infer"])
    assert ("0    all items succeeded" in out) is items
    assert ("1    some items failed" in out) is items
    assert ("0    done" in out) is not items


def test_infer_help_lists_configuration_flags_with_their_docs(cli: RunCLI) -> None:
    out = cli("infer", "--help").out
    assert "--confidence-threshold N|best|default" in out
    assert "--class-agnostic-nms, --no-class-agnostic-nms" in out
    assert "Drop predictions below this confidence" in out
    assert "--max-batch-size N" in out
    assert "(default: 1)" in out
    # ``format`` is a configuration field and the output option: the field gets a prefix.
    assert "--config-format {json,image,image_and_json}" in out
    assert "(confidence)" in out  # reST markup of the docstring is gone
    assert "``" not in out
    assert "--format {json,table}" in out


def _spec(tmp_path: Path, content: str) -> str:
    path = tmp_path / "spec.json"
    path.write_text(content)
    return str(path)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["infer", "x.jpg"], "give exactly one of --model-id, --workflow-spec"),
        (
            ["infer", "x.jpg", "--model-id", "a/1", "--workspace", "w", "--workflow-id", "i"],
            "got --model-id, --workspace/--workflow-id",
        ),
        (["infer", "x.jpg", "--workspace", "w"], "needs both --workspace and --workflow-id"),
        (["infer", "--model-id", "a/1"], "give at least one image, folder or video"),
        (["infer", "x.jpg", "--model-id", "a/1", "--param", "a=1"], "--param only apply to"),
        (["infer", "x.jpg", "--model-id", "a/1", "--param", "novalue"], "expected NAME=VALUE"),
        (
            ["infer", "x.jpg", "--model-id", "a/1", "--confidence-threshold", "2"],
            "confidence_threshold=2.0 is invalid",
        ),
        (
            ["infer", "x.jpg", "--model-id", "a/1", "--confidence-threshold", "high"],
            "expected a number or one of best, default",
        ),
        (["infer", "x.jpg", "--model-id", "a/1", "--max-batch-size", "0"], "max_batch_size=0"),
        (["infer", "x.jpg", "--model-id", "a/1", "--max-detections", "2.5"], "a whole number"),
        (
            ["infer", "x.jpg", "--model-id", "a/1", "--response-mask-format", "bitmap"],
            "invalid choice: 'bitmap'",
        ),
        (["infer", "x.jpg", "--model-id", "a/1", "--api-url", "ftp://x"], "--api-url"),
        (["infer", "x.jpg", "--model-id", "a/1", "--timeout", "0"], "seconds above 0"),
        (["infer", "x.jpg", "--model-id", "a/1", "--api-v0", "--api-v1"], "exclude each other"),
        (["infer", "x.jpg", "--model-id", "a/1", "--bogus"], "unrecognized arguments: --bogus"),
        (["nonsense"], "invalid choice: 'nonsense'"),
        (["models"], "the following arguments are required: ACTION"),
        (["models", "load"], "the following arguments are required: MODEL"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_usage_errors_exit_2_with_a_message(cli: RunCLI, argv: list[str], message: str) -> None:
    result = cli(*argv)
    assert result.code == 2
    assert message in result.err
    assert "error:" in result.err
    assert result.out == ""


def test_a_missing_workflow_spec_file_is_a_usage_error(cli: RunCLI, tmp_path: Path) -> None:
    result = cli("infer", "--workflow-spec", str(tmp_path / "none.json"))
    assert result.code == 2
    assert "cannot read" in result.err
    assert "none.json" in result.err


def test_a_workflow_spec_that_is_not_json_is_a_usage_error(cli: RunCLI, tmp_path: Path) -> None:
    result = cli("infer", "--workflow-spec", _spec(tmp_path, "{nope"))
    assert result.code == 2
    assert "is not JSON" in result.err


def test_a_json_file_without_steps_is_no_workflow(cli: RunCLI, tmp_path: Path) -> None:
    result = cli("infer", "--workflow-spec", _spec(tmp_path, json.dumps({"a": 1})))
    assert result.code == 2
    assert "is not a workflow definition" in result.err


def test_a_folder_without_images_is_a_usage_error(cli: RunCLI, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hi")
    result = cli("infer", str(tmp_path), "--model-id", "a/1")
    assert result.code == 2
    assert "has no images with the extensions jpg, jpeg" in result.err


def test_an_output_dir_that_cannot_be_created_is_a_usage_error(
    cli: RunCLI, tmp_path: Path, images_dir: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--model-id", "a/1",
        "--output-dir", str(blocker / "sub"),
    )  # fmt: skip
    assert result.code == 2
    assert "--output-dir: cannot create" in result.err
