"""The API key, from a flag or the environment, never appears in output, errors or files."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from rf_client.cli._artefacts import safe_stem
from rf_client.cli._inputs import shown_input
from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply, raw_reply
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


URL_KEY = "urlkey-DISTINCTIVE-77ab"
PASSWORD = "pw-DISTINCTIVE-03f2"
TOKEN = "tok-DISTINCTIVE-e41c"


@pytest.mark.parametrize("output", ["json", "table"])
def test_credentials_in_image_urls_are_shown_nowhere(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path, tmp_path: Path, output: str
) -> None:
    serve_model(fake_server, "coco/3")
    photo = (images_dir / "rocket.jpg").read_bytes()
    fake_server.on("GET", "/photos/rocket.jpg", raw_reply(200, photo, "image/jpeg"))
    fake_server.on("GET", "/photos/keyed", raw_reply(200, photo, "image/jpeg"))
    host = fake_server.url.removeprefix("http://")
    urls = [
        f"{fake_server.url}/photos/rocket.jpg?api_key={URL_KEY}&size=2",
        f"http://user:{PASSWORD}@{host}/photos/rocket.jpg",
        f"{fake_server.url}/photos/keyed?X-Amz-Signature={TOKEN}",
        f"{fake_server.url}/photos/missing.jpg?token={TOKEN}",  # fails: in the errors too
    ]
    out = tmp_path / "out"
    result = cli(
        "infer", *urls, "--model-id", "coco/3", "--api-url", fake_server.url,
        "--output-dir", str(out), "--format", output,
    )  # fmt: skip
    assert result.code == 1, result.err
    shown = result.out + result.err + " ".join(path.name for path in out.iterdir())
    for secret in (URL_KEY, PASSWORD, TOKEN):
        assert secret not in shown
    assert sorted(path.name for path in out.iterdir()) == [
        "keyed.jpg",
        "rocket-2.jpg",
        "rocket.jpg",
    ]
    if output == "json":
        assert [line["input"] for line in result.lines()] == [
            f"{fake_server.url}/photos/rocket.jpg?api_key=***&size=2",
            f"http://***@{host}/photos/rocket.jpg",
            f"{fake_server.url}/photos/keyed?X-Amz-Signature=***",
            f"{fake_server.url}/photos/missing.jpg?token=***",
        ]
    else:
        assert "missing.jpg?token=***: " in result.out  # the errors list names it


def test_the_key_given_on_the_command_line_is_hidden_in_an_input_label(
    cli: RunCLI, fake_server: FakeServer, images_dir: Path
) -> None:
    serve_model(fake_server, "coco/3")
    photo = (images_dir / "rocket.jpg").read_bytes()
    fake_server.on("GET", f"/{KEY}/rocket.jpg", raw_reply(200, photo, "image/jpeg"))
    result = cli(
        "infer", f"{fake_server.url}/{KEY}/rocket.jpg", "--model-id", "coco/3",
        "--api-url", fake_server.url, "--api-key", KEY,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.lines()[0]["input"] == f"{fake_server.url}/***/rocket.jpg"
    _assert_never_shown(result)


def test_info_does_not_show_the_user_info_of_the_api_url(
    cli: RunCLI, fake_server: FakeServer
) -> None:
    info = {"name": "fake", "version": "1.2", "uuid": "u1"}
    fake_server.on("GET", "/info", json_reply(200, info))
    host = fake_server.url.removeprefix("http://")
    result = cli("info", "--api-url", f"http://admin:{PASSWORD}@{host}")
    assert result.code == 0, result.err
    assert result.out == f"fake 1.2 at http://{host} (instance u1)\n"
    assert PASSWORD not in result.out + result.err


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("photos/a.jpg", "photos/a.jpg"),
        (
            "http://h/a.jpg?size=2&Api_Key=K1&apikey=K2",
            "http://h/a.jpg?size=2&Api_Key=***&apikey=***",
        ),
        ("https://u:p@h:8/a.jpg#access_token=T", "https://***@h:8/a.jpg#access_token=***"),
        ("rtsp://cam:secret@10.0.0.2/live?sig=S", "rtsp://***@10.0.0.2/live?sig=***"),
        (f"http://h/{KEY}.jpg", "http://h/***.jpg"),
    ],
)
def test_shown_input_hides_credentials(given: str, shown: str) -> None:
    assert shown_input(given, [KEY]) == shown


@pytest.mark.parametrize(
    ("label", "stem"),
    [
        ("http://h/photo?api_key=K", "photo"),
        ("http://h/dir/cat.png?token=K#x", "cat"),
        ("http://h/", "image"),
    ],
)
def test_url_file_stems_come_from_the_path_only(label: str, stem: str) -> None:
    assert safe_stem(label) == stem
