"""Every image input kind ``infer`` accepts, what reaches the server, and clear refusals."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from rf_client import InferenceConfiguration, InferenceHTTPClient, InvalidInputError
from tests.support.fake_server import FakeServer, raw_reply
from tests.unit.compat.compat_support import (
    IMAGES_DIR,
    ModelSpec,
    Runner,
    close_to,
    decode,
    fixture_bytes,
    infer_requests,
    sent_images,
    serve_models,
)

RED, BLUE, GREEN = (255, 0, 0), (0, 0, 255), (10, 200, 30)


@pytest.fixture
def client(fake_server: FakeServer) -> InferenceHTTPClient:
    """A v1 client of a server with model ``m/1`` (input 640: nothing here gets resized)."""
    serve_models(fake_server, {"m/1": ModelSpec()})
    return InferenceHTTPClient(fake_server.url, "key").select_model("m/1")


def only_sent_image(server: FakeServer) -> str:
    """The base64 image of the one inference request the server received."""
    (request,) = infer_requests(server)
    (image,) = sent_images(request)
    return image


# Encoded files and bytes go out byte-identical.


def test_str_path_png_goes_out_unchanged(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner
) -> None:
    result = runner.one(client, str(IMAGES_DIR / "chelsea.png"))
    assert base64.b64decode(only_sent_image(fake_server)) == fixture_bytes("chelsea.png")
    assert result["image"] == {"width": 451, "height": 300}


def test_pathlib_path_jpeg_goes_out_unchanged(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner
) -> None:
    result = runner.one(client, IMAGES_DIR / "rocket.jpg")
    assert base64.b64decode(only_sent_image(fake_server)) == fixture_bytes("rocket.jpg")
    assert result["image"] == {"width": 640, "height": 427}


def test_http_url_is_downloaded_by_the_client_and_sent_unchanged(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner
) -> None:
    fake_server.on(
        "GET", "/pictures/rocket.jpg", raw_reply(200, fixture_bytes("rocket.jpg"), "image/jpeg")
    )
    runner.one(client, f"{fake_server.url}/pictures/rocket.jpg")
    assert [r.path for r in fake_server.requests if r.method == "GET"] == [
        "/model/registry",
        "/pictures/rocket.jpg",
    ]
    assert base64.b64decode(only_sent_image(fake_server)) == fixture_bytes("rocket.jpg")


@pytest.mark.parametrize("name", ["rocket.jpg", "coffee.png"])
def test_raw_bytes_go_out_unchanged(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner, name: str
) -> None:
    runner.one(client, fixture_bytes(name))
    assert base64.b64decode(only_sent_image(fake_server)) == fixture_bytes(name)


def test_base64_string_goes_out_unchanged(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner
) -> None:
    encoded = base64.b64encode(fixture_bytes("rocket.jpg")).decode("ascii")
    runner.one(client, encoded)
    assert only_sent_image(fake_server) == encoded


def test_data_uri_goes_out_unchanged(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner
) -> None:
    encoded = base64.b64encode(fixture_bytes("page.png")).decode("ascii")
    runner.one(client, f"data:image/png;base64,{encoded}")
    assert base64.b64decode(only_sent_image(fake_server)) == fixture_bytes("page.png")


# Arrays are BGR (as OpenCV gives them).


def two_colour_bgr(channels: int = 3) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """40 x 60: the left half red, the right half blue, in BGR(A) order (alpha 128)."""
    array = np.zeros((40, 60, channels), dtype=np.uint8)
    array[:, :30, 2] = 255  # red in BGR
    array[:, 30:, 0] = 255  # blue in BGR
    if channels == 4:
        array[:, :, 3] = 128
    return array


def test_numpy_bgr_array_arrives_with_its_colours_in_place(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner
) -> None:
    result = runner.one(client, two_colour_bgr())
    received = decode(only_sent_image(fake_server)).convert("RGB")
    assert received.size == (60, 40)
    assert close_to(received.getpixel((10, 20)), RED)  # type: ignore[arg-type]
    assert close_to(received.getpixel((50, 20)), BLUE)  # type: ignore[arg-type]
    assert result["image"] == {"width": 60, "height": 40}


def test_numpy_bgra_array_keeps_colours_and_transparency(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner
) -> None:
    runner.one(client, two_colour_bgr(channels=4))
    received = decode(only_sent_image(fake_server))
    assert received.mode == "RGBA"
    assert received.getpixel((10, 20)) == (*RED, 128)
    assert received.getpixel((50, 20)) == (*BLUE, 128)


@pytest.mark.parametrize("shape", [(30, 50), (30, 50, 1)])
def test_numpy_grayscale_array(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner, shape: tuple[int, ...]
) -> None:
    runner.one(client, np.full(shape, 77, dtype=np.uint8))
    received = decode(only_sent_image(fake_server))
    assert received.size == (50, 30)
    _assert_pixel(received.convert("L"), (25, 15), 77, tolerance=2)


# PIL images in any mode.


def rgb_image() -> Image.Image:
    return Image.new("RGB", (48, 32), GREEN)


def sixteen_bit_ramp() -> Image.Image:
    ramp = (np.arange(48, dtype=np.uint16) * 1000).reshape(1, 48).repeat(32, axis=0)
    image = Image.new("I;16", (48, 32))
    image.frombytes(ramp.astype("<u2").tobytes())
    return image


def half_white_bilevel() -> Image.Image:
    image = Image.new("1", (48, 32), 0)
    image.paste(1, (24, 0, 48, 32))
    return image


PIL_CASES: dict[str, tuple[Callable[[], Image.Image], Callable[[Image.Image], None]]] = {
    "RGB": (rgb_image, lambda got: _assert_pixel(got.convert("RGB"), (5, 5), GREEN)),
    "RGBA": (
        lambda: Image.new("RGBA", (48, 32), (*GREEN, 100)),
        lambda got: _assert_exact(got.convert("RGBA"), (5, 5), (*GREEN, 100)),
    ),
    "P": (
        lambda: rgb_image().convert("P"),
        lambda got: _assert_pixel(got.convert("RGB"), (5, 5), GREEN),
    ),
    "L": (
        lambda: Image.new("L", (48, 32), 77),
        lambda got: _assert_pixel(got.convert("L"), (5, 5), 77),
    ),
    "LA": (
        lambda: Image.new("LA", (48, 32), (77, 200)),
        lambda got: _assert_exact(got.convert("LA"), (5, 5), (77, 200)),
    ),
    "I;16": (
        sixteen_bit_ramp,
        # The ramp survives as a ramp (brighter to the right), whatever the scaling.
        lambda got: _assert_increasing(got.convert("L"), [(2, 5), (20, 5), (40, 5)]),
    ),
    "1": (half_white_bilevel, lambda got: _assert_black_then_white(got.convert("L"))),
    "CMYK": (
        lambda: rgb_image().convert("CMYK"),
        lambda got: _assert_pixel(got.convert("RGB"), (5, 5), GREEN),
    ),
}


def _assert_pixel(
    image: Image.Image,
    at: tuple[int, int],
    expected: int | tuple[int, ...],
    tolerance: int = 24,
) -> None:
    pixel = image.getpixel(at)
    got = (pixel,) if isinstance(pixel, int | float) else tuple(pixel or ())
    want = (expected,) if isinstance(expected, int) else expected
    assert close_to([int(v) for v in got], want, tolerance), f"{got} is not close to {want}"


def _assert_exact(image: Image.Image, at: tuple[int, int], expected: tuple[int, ...]) -> None:
    assert image.getpixel(at) == expected


def _assert_black_then_white(image: Image.Image) -> None:
    _assert_pixel(image, (5, 5), 0)
    _assert_pixel(image, (40, 5), 255)


def _assert_increasing(image: Image.Image, points: list[tuple[int, int]]) -> None:
    values: list[float] = []
    for point in points:
        pixel = image.getpixel(point)
        assert isinstance(pixel, int | float), pixel
        values.append(pixel)
    assert values == sorted(values), values
    assert len(set(values)) == len(values), values


@pytest.mark.parametrize("mode", list(PIL_CASES))
def test_pil_image_in_any_mode(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner, mode: str
) -> None:
    make, check = PIL_CASES[mode]
    image = make()
    assert image.mode == mode
    result = runner.one(client, image)
    received = decode(only_sent_image(fake_server))
    assert received.size == (48, 32)
    check(received)
    assert result["image"] == {"width": 48, "height": 32}
    assert image.mode == mode  # the caller's image is left as it was


# Lists mixing kinds.


def test_a_list_mixing_every_kind_keeps_its_order(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner
) -> None:
    fake_server.on(
        "GET", "/pictures/coffee.png", raw_reply(200, fixture_bytes("coffee.png"), "image/png")
    )
    client.configure(InferenceConfiguration(max_batch_size=16))
    encoded = base64.b64encode(fixture_bytes("page.png")).decode("ascii")
    inputs: list[Any] = [
        str(IMAGES_DIR / "chelsea.png"),  # 451
        IMAGES_DIR / "rocket.jpg",  # 640
        f"{fake_server.url}/pictures/coffee.png",  # 600
        fixture_bytes("astronaut.png"),  # 512
        two_colour_bgr(),  # 60
        rgb_image(),  # 48
        encoded,  # 384
        f"data:image/png;base64,{encoded}",  # 384
        np.full((10, 20), 5, dtype=np.uint8),  # 20
    ]
    results = runner.many(client, inputs)
    widths = [451, 640, 600, 512, 60, 48, 384, 384, 20]
    assert [r["image"]["width"] for r in results] == widths
    (request,) = infer_requests(fake_server)
    assert [decode(i).size[0] for i in sent_images(request)] == widths


# Anything else: a clear error naming the input, and nothing sent.


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("not an image at all")
    return path


BAD_INPUTS: dict[str, tuple[Callable[[Path], object], str]] = {
    "int": (lambda _: 42, "int"),
    "dict": (lambda _: {"image": "x"}, "dict"),
    "None": (lambda _: None, "None"),
    "missing path": (lambda tmp: str(tmp / "missing-photo.jpg"), "missing-photo.jpg"),
    "missing pathlib": (lambda tmp: tmp / "gone.png", "gone.png"),
    "directory": (lambda tmp: str(tmp), "directory"),
    "text file": (lambda tmp: tmp / "notes.txt", "notes.txt"),
    "non-image bytes": (lambda _: b"hello, not an image", "19 bytes"),
    "float array": (lambda _: np.zeros((4, 4, 3), dtype=np.float64), "float64"),
    "5-channel array": (lambda _: np.zeros((4, 4, 5), dtype=np.uint8), "(4, 4, 5)"),
    "empty array": (lambda _: np.zeros((0, 4, 3), dtype=np.uint8), "empty"),
    "plain text": (lambda _: "hello world, not a path", "hello world"),
    "bad data URI": (lambda _: "data:image/png;base64,@@@@", "data URI"),
    "ftp URL": (lambda _: "ftp://example.com/a.jpg", "ftp://example.com/a.jpg"),
}


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_unusable_input_is_refused_naming_it_before_anything_is_sent(
    fake_server: FakeServer,
    client: InferenceHTTPClient,
    runner: Runner,
    text_file: Path,
    kind: str,
) -> None:
    make, named = BAD_INPUTS[kind]
    with pytest.raises(InvalidInputError) as caught:
        runner.infer(client, make(text_file.parent))
    assert named in str(caught.value)
    assert fake_server.requests == []


def test_a_bad_item_in_a_list_is_named_by_position_and_nothing_is_sent(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner
) -> None:
    good = str(IMAGES_DIR / "page.png")
    with pytest.raises(InvalidInputError) as caught:
        runner.infer(client, [good, 3.5, good])
    assert "#2 of 3" in str(caught.value)
    assert "float" in str(caught.value)
    assert fake_server.requests == []


@pytest.mark.parametrize("batch", [(), []])
def test_empty_lists_and_tuples_give_an_empty_list_and_send_nothing(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner, batch: object
) -> None:
    assert runner.infer(client, batch) == []
    assert fake_server.requests == []


def test_a_tuple_is_a_batch_checked_like_a_list(
    fake_server: FakeServer, client: InferenceHTTPClient, runner: Runner
) -> None:
    with pytest.raises(InvalidInputError, match="#1 of 2"):
        runner.infer(client, ("a.jpg", str(IMAGES_DIR / "page.png")))
    assert fake_server.requests == []
