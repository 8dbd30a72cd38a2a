"""Configuration flags: one per InferenceConfiguration field, typed, and sent to the server."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any, Literal

import pytest

from rf_client import InferenceConfiguration
from rf_client.cli._common import Parser
from rf_client.cli._config_flags import (
    EXCLUDED_FIELDS,
    add_configuration_flags,
    argument_options,
    build_configuration,
    configuration_values,
    text_list,
)
from rf_client.cli._parser import build_parser
from rf_client.cli._targets import parameter_value
from rf_client.config import ApiKeyTransport, VisualisationResponseFormat
from tests.support.canned import image_size, serve_model
from tests.support.fake_server import FakeServer
from tests.unit.cli.conftest import RunCLI


def _parsed(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["infer", "x.jpg", "--model-id", "a/1", *argv])


def test_every_field_but_the_excluded_ones_has_a_flag() -> None:
    parser = Parser()
    flags = add_configuration_flags(parser)
    fields = {f.name for f in dataclasses.fields(InferenceConfiguration)}
    assert {flag.field for flag in flags} == fields - set(EXCLUDED_FIELDS)
    assert all(flag.option == "--" + flag.field.replace("_", "-") for flag in flags)


def test_a_taken_option_name_gets_the_config_prefix() -> None:
    parser = Parser()
    parser.add_argument("--source")
    flags = {flag.field: flag.option for flag in add_configuration_flags(parser)}
    assert flags["source"] == "--config-source"
    assert flags["source_info"] == "--source-info"


def test_nothing_given_is_the_default_configuration_with_pil_images() -> None:
    configuration = build_configuration(_parsed())
    assert configuration_values(_parsed()) == {}
    expected = InferenceConfiguration(
        output_visualisation_format=VisualisationResponseFormat.PILLOW
    )
    assert configuration == expected


@pytest.mark.parametrize(
    ("argv", "field", "value"),
    [
        (["--confidence-threshold", "0.25"], "confidence_threshold", 0.25),
        (["--confidence-threshold", "best"], "confidence_threshold", "best"),
        (["--max-detections", "7"], "max_detections", 7),
        (["--iou-threshold", "0.3"], "iou_threshold", 0.3),
        (["--class-agnostic-nms"], "class_agnostic_nms", True),
        (["--no-class-agnostic-nms"], "class_agnostic_nms", False),
        (["--no-client-downsizing-disabled"], "client_downsizing_disabled", False),
        (["--class-filter", "cat, dog,"], "class_filter", ["cat", "dog"]),
        (["--image-extensions-for-directory-scan", "png,gif"],
         "image_extensions_for_directory_scan", ["png", "gif"]),
        (["--response-mask-format", "rle"], "response_mask_format", "rle"),
        (["--api-key-transport", "header"], "api_key_transport", ApiKeyTransport.HEADER),
        (["--config-format", "image"], "format", "image"),
        (["--source", "cli"], "source", "cli"),
        (["--max-batch-size", "3"], "max_batch_size", 3),
    ],
)  # fmt: skip
def test_flags_parse_into_typed_configuration_values(
    argv: list[str], field: str, value: object
) -> None:
    assert getattr(build_configuration(_parsed(*argv)), field) == value


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        (dict[str, int] | None, {"metavar": "JSON"}),
        (Literal["a", "b"], {"choices": ["a", "b"]}),
        (list[int], {"metavar": "A,B,..."}),
    ],
)
def test_types_a_new_field_could_have_get_a_parser(hint: Any, expected: dict[str, Any]) -> None:
    options = argument_options(hint)
    for key, value in expected.items():
        assert options[key] == value


def test_json_and_integer_list_flags_convert_their_text() -> None:
    assert argument_options(dict[str, int] | None)["type"]('{"a": 1}') == {"a": 1}
    assert argument_options(dict[str, int] | None)["type"]("plain") == "plain"
    assert argument_options(list[int])["type"]("1, 2") == [1, 2]


def test_list_and_json_flags_share_one_parser_with_the_workflow_options() -> None:
    # One rule each for the whole command line: comma lists, and JSON-or-text values.
    (commands,) = [
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    types = {action.dest: action.type for action in commands.choices["infer"]._actions}
    assert types["excluded_fields"] is text_list
    assert argument_options(list[str])["type"] is text_list
    assert argument_options(dict[str, int] | None)["type"] is parameter_value
    assert _parsed("--class-filter", " a, ,b ").configuration__class_filter == ["a", "b"]
    assert build_parser().parse_args(
        ["infer", "--workflow-spec", "w.json", "--excluded-fields", " a, ,b "]
    ).excluded_fields == ["a", "b"]


def test_flags_of_every_kind_reach_the_request(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--model-id", "coco/3",
        "--api-url", fake_server.url,
        "--confidence-threshold", "0.4",  # float (or literal)
        "--max-detections", "9",  # int
        "--class-filter", "cat,dog",  # list
        "--class-agnostic-nms",  # bool, on
        "--no-disable-preproc-contrast",  # bool, off
        "--source", "rf-cli",  # text
        "--no-count-inference",  # bool sent as a query parameter
        "--visualize-labels",
    )  # fmt: skip
    assert result.code == 0
    (request,) = fake_server.requests_to("POST", "/infer/object_detection")
    body = request.json()
    assert body["confidence"] == 0.4
    assert body["max_detections"] == 9
    assert body["class_filter"] == ["cat", "dog"]
    assert body["class_agnostic_nms"] is True
    assert body["disable_preproc_contrast"] is False
    assert body["source"] == "rf-cli"
    assert body["visualization_labels"] is True
    assert request.param("countinference") == "false"
    assert "iou_threshold" not in body


def test_batch_and_concurrency_flags_shape_the_requests(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    result = cli(
        "infer", *[str(images_dir / "chelsea.png")] * 7, "--model-id", "coco/3",
        "--api-url", fake_server.url, "--max-batch-size", "3", "--max-concurrent-requests", "2",
    )  # fmt: skip
    assert result.code == 0
    requests = fake_server.requests_to("POST", "/infer/object_detection")
    sizes = [len(r.json()["image"]) if isinstance(r.json()["image"], list) else 1 for r in requests]
    assert sorted(sizes) == [1, 3, 3]
    assert fake_server.max_in_flight <= 2


def test_client_downsizing_flags_downsize_and_rescale(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3", input_size=100)
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--model-id", "coco/3",
        "--api-url", fake_server.url, "--no-client-downsizing-disabled",
    )  # fmt: skip
    assert result.code == 0
    # Mapped back to the original's scale (up to the rounding of the downsized height).
    assert result.lines()[0]["result"]["image"]["width"] == 451
    (request,) = fake_server.requests_to("POST", "/infer/object_detection")
    assert max(image_size(request.json()["image"]["value"])) == 100
