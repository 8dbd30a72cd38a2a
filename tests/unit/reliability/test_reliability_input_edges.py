"""Edge inputs that used to escape as raw Python, PIL or OpenCV exceptions.

Host names the resolver refuses, images too wide for JPEG, NUL bytes and odd ``os.PathLike``
values in paths, headers claiming billions of pixels, premultiplied-alpha PIL images, empty
or oversized images from the server: each gets an rf-client error naming the input, and
where the failure is the client's, the request it concerns is never sent.
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from rf_client import (
    EncodingError,
    InferenceConfiguration,
    InferenceHTTPClient,
    InvalidInputError,
    InvalidParameterError,
    InvalidURLImageInput,
    ResponseValidationError,
    URLImagePolicy,
    VisualisationResponseFormat,
)
from tests.support.fake_server import FakeServer, json_reply, raw_reply, redirect
from tests.unit.reliability.reliability_support import (
    API_KEY,
    MODEL_ID,
    ROUTE,
    Caller,
    ScriptedModel,
    assert_clean_error,
    item_of,
)

LONG_LABEL = "a" * 64
BAD_HOSTS = {
    "empty-label": ("a..b", "empty label"),
    "leading-dot": (".example.com", "empty label"),
    "label-over-63": (f"{LONG_LABEL}.example.com", "longer than 63 characters"),
    "invalid-idna": ("\u2603.com", "Invalid IDNA hostname"),
}


def png_header_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG file whose header claims ``width`` x ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def encoded(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def posted(server: FakeServer) -> int:
    """How many inference requests reached the fake model."""
    return len(server.requests_to("POST", ROUTE))


# 1. Host names the resolver's IDNA encoding refuses.


@pytest.mark.parametrize("case", sorted(BAD_HOSTS))
@pytest.mark.parametrize("private", [True, False], ids=["any-address", "public-only"])
def test_an_image_url_whose_host_cannot_be_looked_up_is_refused_before_sending(
    fake_server: FakeServer, call: Caller, case: str, private: bool
) -> None:
    host, names = BAD_HOSTS[case]
    url = f"http://user:{API_KEY}@{host}/photo.jpg?token={API_KEY}"
    client = InferenceHTTPClient(
        fake_server.url, API_KEY, url_image_policy=URLImagePolicy(allow_private_addresses=private)
    )
    with pytest.raises(InvalidURLImageInput) as caught:
        call(client, "infer", url, model_id=MODEL_ID)
    assert_clean_error(caught.value, InvalidURLImageInput)
    message = str(caught.value)
    assert f"http://{host}/photo.jpg" in message
    assert names in message
    assert "check" in message
    assert API_KEY not in message
    assert fake_server.requests == []


def test_a_redirect_to_a_host_that_cannot_be_looked_up_is_refused(
    fake_server: FakeServer, call: Caller
) -> None:
    ScriptedModel(fake_server)
    fake_server.on("GET", "/moved.png", redirect("http://a..b/photo.png"))
    client = InferenceHTTPClient(fake_server.url, API_KEY)
    with pytest.raises(InvalidURLImageInput) as caught:
        call(client, "infer", f"{fake_server.url}/moved.png", model_id=MODEL_ID)
    assert_clean_error(caught.value, InvalidURLImageInput)
    assert "redirected to 'http://a..b/photo.png'" in str(caught.value)
    assert "empty label" in str(caught.value)
    assert posted(fake_server) == 0


@pytest.mark.parametrize("case", sorted(BAD_HOSTS))
def test_an_api_url_whose_host_cannot_be_looked_up_is_refused(case: str) -> None:
    host, names = BAD_HOSTS[case]
    with pytest.raises(InvalidParameterError) as caught:
        InferenceHTTPClient(f"http://{host}:9001", API_KEY)
    assert "api_url must be an http(s) URL" in str(caught.value)
    assert f"http://{host}:9001" in str(caught.value)
    assert names in str(caught.value)
    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize(
    "api_url",
    [
        "http://localhost.:9001",
        "http://127.0.0.1:9001",
        "http://[::1]:9001",
        f"http://{'a' * 63}.example.com",
        "http://my_host-1:9001",
        "http://xn--bcher-kva.example",
        "http://b\u00fccher.example",
    ],
)
def test_host_names_that_can_be_looked_up_are_still_accepted(api_url: str) -> None:
    assert InferenceHTTPClient(api_url).api_url == api_url


# 2. Images JPEG cannot hold.


WIDE = 70_000


@pytest.mark.parametrize(
    "make",
    [
        lambda: Image.new("RGB", (WIDE, 1)),
        lambda: Image.new("L", (1, WIDE)),
        lambda: np.zeros((1, WIDE, 3), np.uint8),
        lambda: np.zeros((WIDE, 1), np.uint8),
        lambda: encoded(Image.new("RGB", (WIDE, 1)), "BMP"),
    ],
    ids=["pil-wide", "pil-tall", "numpy-wide", "numpy-tall", "bmp-bytes"],
)
def test_an_image_wider_than_jpeg_allows_is_an_encoding_error_saying_resize(
    fake_server: FakeServer, call: Caller, make: Any
) -> None:
    ScriptedModel(fake_server)
    client = InferenceHTTPClient(fake_server.url, API_KEY)
    with pytest.raises(EncodingError) as caught:
        call(client, "infer", make(), model_id=MODEL_ID)
    assert_clean_error(caught.value, EncodingError)
    message = str(caught.value)
    assert "could not be encoded as JPEG" in message
    assert f"{WIDE}x1" in message or f"1x{WIDE}" in message
    assert "65,500 pixels a side: resize it" in message
    assert posted(fake_server) == 0


def test_a_wide_image_with_transparency_goes_as_png(fake_server: FakeServer, call: Caller) -> None:
    # PNG has no such limit: only JPEG-bound images are refused.
    ScriptedModel(fake_server)
    client = InferenceHTTPClient(fake_server.url, API_KEY)
    call(client, "infer", np.zeros((1, WIDE, 4), np.uint8), model_id=MODEL_ID)
    [request] = fake_server.requests_to("POST", ROUTE)
    sent = base64.b64decode(request.json()["image"]["value"])
    assert sent.startswith(b"\x89PNG")


@pytest.mark.parametrize("mode", ["La", "RGBa"])
def test_a_premultiplied_alpha_pil_image_is_sent_with_its_alpha(
    fake_server: FakeServer, call: Caller, mode: str
) -> None:
    ScriptedModel(fake_server)
    client = InferenceHTTPClient(fake_server.url, API_KEY)
    result = call(client, "infer", Image.new(mode, (12, 6)), model_id=MODEL_ID)
    assert item_of(result) == 2
    [request] = fake_server.requests_to("POST", ROUTE)
    with Image.open(io.BytesIO(base64.b64decode(request.json()["image"]["value"]))) as sent:
        assert sent.mode == {"La": "LA", "RGBa": "RGBA"}[mode]


# 3. Paths.


@pytest.mark.parametrize(
    "make", [lambda t: f"{t}/cat\x00.jpg", lambda t: t / "cat\x00.jpg"], ids=["str", "pathlike"]
)
def test_a_path_with_a_nul_byte_is_an_invalid_input(
    fake_server: FakeServer, call: Caller, tmp_path: Path, make: Any
) -> None:
    client = InferenceHTTPClient(fake_server.url, API_KEY)
    with pytest.raises(InvalidInputError) as caught:
        call(client, "infer", make(tmp_path), model_id=MODEL_ID)
    assert_clean_error(caught.value, InvalidInputError)
    assert "cat\\x00.jpg" in str(caught.value)
    assert "contains a NUL character" in str(caught.value)
    assert fake_server.requests == []


def test_a_file_name_too_long_for_the_file_system_is_an_invalid_input(
    fake_server: FakeServer, call: Caller, tmp_path: Path
) -> None:
    client = InferenceHTTPClient(fake_server.url, API_KEY)
    with pytest.raises(InvalidInputError) as caught:
        call(client, "infer", tmp_path / ("n" * 300 + ".jpg"), model_id=MODEL_ID)
    assert_clean_error(caught.value, InvalidInputError)
    assert "cannot read image file" in str(caught.value)
    assert "nnnn.jpg" in str(caught.value)
    assert fake_server.requests == []


class BytesPath:
    """An ``os.PathLike`` whose ``__fspath__`` returns bytes (allowed by ``os.fspath``)."""

    def __init__(self, path: bytes) -> None:
        self.path = path

    def __fspath__(self) -> bytes:
        return self.path


class NotAPath:
    """An ``os.PathLike`` whose ``__fspath__`` returns neither str nor bytes."""

    def __fspath__(self) -> int:
        return 7


def test_a_pathlike_giving_bytes_is_read_as_its_decoded_path(
    fake_server: FakeServer, call: Caller, tmp_path: Path
) -> None:
    ScriptedModel(fake_server)
    image = tmp_path / "five.png"
    image.write_bytes(encoded(Image.new("RGB", (15, 6)), "PNG"))
    client = InferenceHTTPClient(fake_server.url, API_KEY)
    result = call(client, "infer", BytesPath(bytes(image)), model_id=MODEL_ID)
    assert item_of(result) == 5


def test_a_pathlike_giving_no_path_is_an_invalid_input(
    fake_server: FakeServer, call: Caller
) -> None:
    client = InferenceHTTPClient(fake_server.url, API_KEY)
    with pytest.raises(InvalidInputError) as caught:
        call(client, "infer", NotAPath(), model_id=MODEL_ID)
    assert_clean_error(caught.value, InvalidInputError)
    assert "NotAPath value is not a usable path" in str(caught.value)
    assert fake_server.requests == []


# 6. Headers claiming more pixels than PIL decodes safely.


def test_an_image_claiming_billions_of_pixels_is_an_encoding_error(
    fake_server: FakeServer, call: Caller, tmp_path: Path
) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_claiming(40_000, 40_000))
    client = InferenceHTTPClient(fake_server.url, API_KEY)
    for item, names in ((path, "bomb.png"), (path.read_bytes(), "bytes (")):
        with pytest.raises(EncodingError) as caught:
            call(client, "infer", item, model_id=MODEL_ID)
        assert_clean_error(caught.value, EncodingError)
        assert names in str(caught.value)
        assert "too large to decode safely" in str(caught.value)
        assert "resize it, or raise PIL.Image.MAX_IMAGE_PIXELS" in str(caught.value)
    assert fake_server.requests == []


# 4 and 6. Images the server sends back.


SPECIFICATION: dict[str, Any] = {"version": "1.0", "inputs": [], "steps": [], "outputs": []}


@pytest.mark.parametrize(
    "image_format", [VisualisationResponseFormat.NUMPY, VisualisationResponseFormat.PILLOW]
)
@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("", "a workflow image output is empty"),
        (base64.b64encode(png_header_claiming(40_000, 40_000)).decode(), "not a decodable"),
    ],
    ids=["empty", "too-large"],
)
def test_an_empty_or_oversized_workflow_image_is_a_response_validation_error(
    fake_server: FakeServer,
    call: Caller,
    image_format: VisualisationResponseFormat,
    value: str,
    names: str,
) -> None:
    output = {"viz": {"type": "base64", "value": value}}
    fake_server.on("POST", "/workflows/run", json_reply(200, {"outputs": [output]}))
    client = InferenceHTTPClient(fake_server.url, API_KEY).configure(
        InferenceConfiguration(output_visualisation_format=image_format)
    )
    with pytest.raises(ResponseValidationError) as caught:
        call(client, "run_workflow", specification=SPECIFICATION)
    assert_clean_error(caught.value, ResponseValidationError)
    assert names in str(caught.value)
    assert "The server sent an image that cannot be decoded" in str(caught.value)


def test_an_image_url_answering_an_oversized_image_is_an_encoding_error(
    fake_server: FakeServer, call: Caller
) -> None:
    ScriptedModel(fake_server)
    bomb = png_header_claiming(40_000, 40_000)
    fake_server.on("GET", "/bomb.png", raw_reply(200, bomb, "image/png"))
    client = InferenceHTTPClient(fake_server.url, API_KEY)
    with pytest.raises(EncodingError) as caught:
        call(client, "infer", f"{fake_server.url}/bomb.png", model_id=MODEL_ID)
    assert_clean_error(caught.value, EncodingError)
    assert "too large to decode safely" in str(caught.value)
    assert posted(fake_server) == 0
