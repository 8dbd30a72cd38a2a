"""``rf-client info``, ``models ...`` and the mounted ``server ...`` subcommands."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.support.fake_server import FakeServer, json_reply
from tests.unit.cli.conftest import RunCLI

INFO = {"name": "Roboflow Inference Server", "version": "1.8.3", "uuid": "abc123"}
REGISTRY = {
    "models": [
        {"model_id": "coco/3", "task_type": "object-detection", "input_height": 640,
         "input_width": 640, "batch_size": 8},
        {"model_id": "cls/1", "task_type": "classification", "input_height": 224,
         "input_width": 224, "batch_size": None},
    ]
}  # fmt: skip


def test_info_prints_name_version_and_instance(cli: RunCLI, fake_server: FakeServer) -> None:
    fake_server.on("GET", "/info", json_reply(200, INFO))
    result = cli("info", "--api-url", fake_server.url)
    assert result.code == 0
    assert result.out == (
        f"Roboflow Inference Server 1.8.3 at {fake_server.url} (instance abc123)\n"
    )


def test_info_as_json(cli: RunCLI, fake_server: FakeServer) -> None:
    fake_server.on("GET", "/info", json_reply(200, INFO))
    result = cli("info", "--api-url", fake_server.url, "--json")
    assert result.code == 0
    assert json.loads(result.out) == INFO


def test_info_on_an_unreachable_server_exits_3(cli: RunCLI) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli("info", "--api-url", f"http://127.0.0.1:{port}", "--max-retries", "0")
    assert result.code == 3
    assert result.err.startswith("error: APIConnectionError: ")
    assert result.out == ""


def test_models_list_prints_a_table(cli: RunCLI, fake_server: FakeServer) -> None:
    fake_server.on("GET", "/model/registry", json_reply(200, REGISTRY))
    result = cli("models", "list", "--api-url", fake_server.url)
    assert result.code == 0
    assert result.out.splitlines() == [
        "MODEL   TASK              INPUT    BATCH",
        "coco/3  object-detection  640x640  8",
        "cls/1   classification    224x224  -",
    ]


def test_models_list_of_an_empty_registry(cli: RunCLI, fake_server: FakeServer) -> None:
    fake_server.on("GET", "/model/registry", json_reply(200, {"models": []}))
    assert cli("models", "list", "--api-url", fake_server.url).out == "no models loaded\n"


@pytest.mark.parametrize(
    ("argv", "path", "body", "said"),
    [
        (["load", "coco/3"], "/model/add", {"model_id": "coco/3"}, "loaded coco/3"),
        (["unload", "coco/3"], "/model/remove", {"model_id": "coco/3"}, "unloaded coco/3"),
        (["unload-all"], "/model/clear", None, "unloaded every model"),
    ],
)
def test_models_load_and_unload_call_their_routes(
    cli: RunCLI,
    fake_server: FakeServer,
    argv: list[str],
    path: str,
    body: dict[str, str] | None,
    said: str,
) -> None:
    fake_server.on("POST", path, json_reply(200, REGISTRY))
    result = cli("models", *argv, "--api-url", fake_server.url)
    assert result.code == 0
    assert result.out.splitlines()[0] == said
    assert "coco/3  object-detection" in result.out
    (request,) = fake_server.requests_to("POST", path)
    if body is not None:
        assert request.json()["model_id"] == body["model_id"]


def test_models_json_output_is_the_registry(cli: RunCLI, fake_server: FakeServer) -> None:
    fake_server.on("POST", "/model/add", json_reply(200, REGISTRY))
    result = cli("models", "load", "coco/3", "--api-url", fake_server.url, "--json")
    assert result.code == 0
    assert json.loads(result.out)["models"][0]["model_id"] == "coco/3"


def test_models_errors_exit_3_and_in_json_say_so(cli: RunCLI, fake_server: FakeServer) -> None:
    fake_server.on("POST", "/model/add", json_reply(503, {"message": "cannot load"}))
    result = cli(
        "models", "load", "coco/3", "--api-url", fake_server.url, "--json", "--max-retries", "0"
    )
    assert result.code == 3
    payload = json.loads(result.out)
    assert payload["ok"] is False
    assert payload["error"]["type"] == "ServiceUnavailableError"


def test_models_in_v0_mode_is_a_usage_error(cli: RunCLI, fake_server: FakeServer) -> None:
    result = cli("models", "list", "--api-url", fake_server.url, "--api-v0")
    assert result.code == 2
    assert "WrongClientModeError" in result.err
    assert fake_server.requests == []


def test_server_status_is_mounted_and_reads_its_root(
    cli: RunCLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RF_CLIENT_HOME", str(tmp_path))
    result = cli("server", "status")
    assert result.code == 1
    assert result.out == "no local inference server is running\n"
    as_json = cli("server", "status", "--json")
    assert json.loads(as_json.out) == {"servers": []}


def test_server_stop_of_a_port_with_no_server_fails_cleanly(
    cli: RunCLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RF_CLIENT_HOME", str(tmp_path))
    result = cli("server", "stop", "--port", "9999")
    assert result.code == 1
    assert result.err.startswith("error: ")


def test_server_usage_errors_exit_2(cli: RunCLI) -> None:
    result = cli("server", "start", "--port", "70000")
    assert result.code == 2
    assert "port out of range" in result.err
