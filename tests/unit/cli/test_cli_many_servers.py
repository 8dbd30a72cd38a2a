"""``--api-url`` repeated or comma-separated: one job over several servers, counts per server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer
from tests.unit.cli.conftest import RunCLI

ROUTE = "/infer/object_detection"
NAMES = ["chelsea.png", "rocket.jpg", "coffee.png", "astronaut.png"]


@pytest.fixture
def two_servers() -> Iterator[tuple[FakeServer, FakeServer]]:
    a, b = FakeServer().start(), FakeServer().start()
    try:
        serve_model(a)
        serve_model(b)
        yield a, b
    finally:
        a.stop()
        b.stop()


@pytest.mark.parametrize("style", ["repeated", "comma-separated", "environment"])
def test_a_job_spreads_over_every_server_given(
    cli: RunCLI,
    two_servers: tuple[FakeServer, FakeServer],
    images_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    style: str,
) -> None:
    a, b = two_servers
    if style == "repeated":
        flags = ["--api-url", a.url, "--api-url", b.url]
    elif style == "comma-separated":
        flags = ["--api-url", f"{a.url}, {b.url}"]
    else:
        flags = []
        monkeypatch.setenv("ROBOFLOW_API_URL", f"{a.url},{b.url}")
    images = [str(images_dir / name) for name in NAMES]
    result = cli("infer", *images, "--model-id", "coco/3", *flags)
    assert result.code == 0
    assert [line["input"] for line in result.lines()] == images
    assert [line["result"]["image"]["width"] for line in result.lines()] == [451, 640, 600, 512]
    counts = [len(a.requests_to("POST", ROUTE)), len(b.requests_to("POST", ROUTE))]
    assert counts == [2, 2]  # one at a time: the servers take turns
    per_server, summary = result.err.strip().splitlines()[-2:]
    # a also answered the model lookup.
    assert per_server == f"rf-client: per server: {a.url} 3 ok, {b.url} 2 ok"
    assert summary.startswith("rf-client: 4 items, 0 failed, ")


def test_a_dead_server_is_reported_out_of_rotation(
    cli: RunCLI, two_servers: tuple[FakeServer, FakeServer], images_dir: Path
) -> None:
    a, _b = two_servers
    dead = FakeServer().start()
    dead_url = dead.url
    dead.stop()
    images = [str(images_dir / name) for name in NAMES]
    result = cli("infer", *images, "--model-id", "coco/3", "--api-url", f"{dead_url},{a.url}")
    assert result.code == 0
    assert len(a.requests_to("POST", ROUTE)) == 4
    per_server = result.err.strip().splitlines()[-2]
    assert per_server == (
        f"rf-client: per server: {dead_url} 0 ok 1 failed (out of rotation), {a.url} 5 ok"
    )


def test_one_server_prints_no_per_server_line(
    cli: RunCLI, two_servers: tuple[FakeServer, FakeServer], images_dir: Path
) -> None:
    a, _b = two_servers
    result = cli(
        "infer", str(images_dir / "chelsea.png"), "--model-id", "coco/3", "--api-url", a.url
    )
    assert "per server" not in result.err


@pytest.mark.parametrize("value", ["http://a:9001,,http://b:9001", "http://a:9001,"])
def test_an_empty_url_between_commas_is_a_usage_error(cli: RunCLI, value: str) -> None:
    result = cli("info", "--api-url", value)
    assert result.code == 2
    assert "empty URL between commas" in result.err


def test_a_server_given_twice_is_a_usage_error(cli: RunCLI) -> None:
    result = cli("info", "--api-url", "http://a:9001", "--api-url", "http://a:9001")
    assert result.code == 2
    assert "twice" in result.err
