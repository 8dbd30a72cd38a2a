"""The API key, from a flag or the environment, never appears in output, errors or files."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply
from tests.unit.cli.conftest import CLIResult, RunCLI

KEY = "rfk-DISTINCTIVE-9c1e7a"
SECRET = "svc-DISTINCTIVE-51d0"


def _assert_never_shown(result: CLIResult, folder: Path | None = None) -> None:
    assert KEY not in result.out
    assert KEY not in result.err
    if folder is not None:
        for path in folder.rglob("*"):
            if path.is_file():
                assert KEY.encode() not in path.read_bytes(), path


def _echo_key(request: RecordedRequest) -> Reply:
    """A server that quotes the credentials it got in its error message."""
    header = request.headers.get("authorization", "")
    return json_reply(401, {"message": f"key {header.removeprefix('Bearer ')} is not valid"})


@pytest.mark.parametrize("source", ["flag", "environment"])
def test_the_key_reaches_the_server_and_nothing_else(
    cli: RunCLI,
    fake_server: FakeServer,
    images_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
) -> None:
    serve_model(fake_server, "coco/3")
    key_options = ["--api-key", KEY] if source == "flag" else []
    if source == "environment":
        monkeypatch.setenv("ROBOFLOW_API_KEY", KEY)
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--model-id", "coco/3",
        "--api-url", fake_server.url, "--output-dir", str(tmp_path), *key_options,
    )  # fmt: skip
    assert result.code == 0
    assert (
        fake_server.requests_to("POST", "/infer/object_detection")[0].headers["authorization"]
        == f"Bearer {KEY}"
    )
    assert list(tmp_path.iterdir())
    _assert_never_shown(result, tmp_path)


@pytest.mark.parametrize("output", ["json", "table"])
def test_a_server_error_quoting_the_key_is_redacted(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, output: str
) -> None:
    fake_server.on("GET", "/model/registry", handler=_echo_key)
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--model-id", "coco/3",
        "--api-url", fake_server.url, "--api-key", KEY, "--format", output,
    )  # fmt: skip
    assert result.code == 3
    assert "AuthenticationError" in result.out
    assert "is not valid" in result.out
    _assert_never_shown(result)


def test_info_and_models_errors_are_redacted(
    cli: RunCLI, fake_server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_server.on("GET", "/info", handler=_echo_key)
    fake_server.on("GET", "/model/registry", handler=_echo_key)
    monkeypatch.setenv("ROBOFLOW_API_KEY", KEY)
    for argv in (["info"], ["info", "--json"], ["models", "list"], ["models", "list", "--json"]):
        result = cli(*argv, "--api-url", fake_server.url)
        assert result.code == 3
        assert "is not valid" in result.out + result.err
        _assert_never_shown(result)


def test_a_key_in_a_v0_query_string_is_redacted_from_connection_errors(
    cli: RunCLI, images_dir: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--model-id", "coco/3", "--api-v0",
        "--api-url", f"http://127.0.0.1:{port}", "--api-key", KEY, "--max-retries", "0",
        "--api-key-transport", "legacy",
    )  # fmt: skip
    assert result.code == 3
    assert "APIConnectionError" in result.out
    _assert_never_shown(result)


def test_a_misplaced_key_in_a_usage_error_is_redacted(cli: RunCLI) -> None:
    result = cli("infer", "x.jpg", "--model-id", "a/1", "--api-key", KEY, "--max-detections", KEY)
    assert result.code == 2
    assert "--max-detections: expected a whole number, not '***'" in result.err
    _assert_never_shown(result)


def test_the_service_secret_is_redacted_too(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")

    def echo_secret(request: RecordedRequest) -> Reply:
        return json_reply(403, {"message": f"secret {request.param('service_secret')} refused"})

    fake_server.on("POST", "/infer/object_detection", handler=echo_secret)
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--model-id", "coco/3",
        "--api-url", fake_server.url, "--service-secret", SECRET,
    )  # fmt: skip
    assert result.code == 3
    assert "refused" in result.out
    assert SECRET not in result.out + result.err
