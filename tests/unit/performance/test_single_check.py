"""Each input is checked once and read once; checking a file reads its head and tail only."""

from __future__ import annotations

import asyncio
import base64
import os
import threading
from collections import Counter
from collections.abc import Callable
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
    _images,
)
from rf_client._http import ClientOptions
from rf_client._images import check_image, prepare_image
from rf_client._plan import SyncDriver
from tests.support.canned import serve_model
from tests.support.fake_server import FakeServer, RecordedRequest, Reply, json_reply

Opens = Counter[str]
"""How many times PIL opened each image (by the first bytes of its header)."""


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts the whole-file reads of each path."""
    counts: Counter[str] = Counter()
    original = _images._read_file

    def counting(path: Path) -> bytes:
        counts[str(path)] += 1
        return original(path)

    monkeypatch.setattr(_images, "_read_file", counting)
    return counts


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Records every ``PIL.Image.open`` call (its source)."""
    calls: list[object] = []
    original = Image.open

    def counting(source: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(source)
        return original(source, *args, **kwargs)

    monkeypatch.setattr(Image, "open", counting)
    return calls


@pytest.fixture(params=["sync", "async"])
def infer(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``client.infer`` or ``client.infer_async`` on a fresh loop."""

    def call(client: InferenceHTTPClient, *args: Any, **kwargs: Any) -> Any:
        if request.param == "sync":
            return client.infer(*args, **kwargs)

        async def run() -> Any:
            try:
                return await client.infer_async(*args, **kwargs)
            finally:
                await client.aclose()

        return asyncio.run(run())

    return call


def serve_without_decoding(server: FakeServer, input_size: int = 640) -> None:
    """Serve ``coco/3`` with answers that do not open the images (PIL calls stay the client's)."""
    serve_model(server, "coco/3", input_size=input_size)

    def answer(request: RecordedRequest) -> Reply:
        width = len(request.json()["image"]["value"])
        return json_reply(200, {"image": {"width": width, "height": 1}, "predictions": []})

    server.on("POST", "/infer/object_detection", handler=answer)


def photos(images_dir: Path) -> list[str]:
    return [str(images_dir / name) for name in ("chelsea.png", "rocket.jpg", "coffee.png")]


def test_infer_reads_each_file_once_and_opens_it_once(
    fake_server: FakeServer,
    images_dir: Path,
    reads: Counter[str],
    opens: list[object],
    infer: Callable[..., Any],
) -> None:
    serve_without_decoding(fake_server)
    paths = photos(images_dir)
    client = InferenceHTTPClient(fake_server.url)
    results = infer(client, paths, model_id="coco/3")
    assert [r["image"]["width"] for r in results] == [
        len(base64.b64encode(Path(p).read_bytes())) for p in paths
    ]
    assert reads == Counter({path: 1 for path in paths})
    # One PIL open per image, the check's; it reads the header from the file, not a copy.
    assert len(opens) == 3
    assert all(not isinstance(source, bytes) for source in opens)
    sent = [
        r.json()["image"]["value"]
        for r in fake_server.requests_to("POST", "/infer/object_detection")
    ]
    assert sorted(sent) == sorted(base64.b64encode(Path(p).read_bytes()).decode() for p in paths)


def test_downsizing_opens_an_image_again_only_to_learn_its_size(
    fake_server: FakeServer,
    images_dir: Path,
    reads: Counter[str],
    opens: list[object],
    infer: Callable[..., Any],
) -> None:
    serve_without_decoding(fake_server, input_size=10_000)  # every image fits: none is resized
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(client_downsizing_disabled=False)
    )
    infer(client, photos(images_dir), model_id="coco/3")
    assert sum(reads.values()) == 3
    assert len(opens) == 6


def test_core_models_check_each_input_once(
    fake_server: FakeServer, images_dir: Path, opens: list[object]
) -> None:
    fake_server.on(
        "POST", "/clip/embed_image", json_reply(200, {"embeddings": [[0.0], [1.0]], "time": 0.1})
    )
    client = InferenceHTTPClient(fake_server.url).configure(
        InferenceConfiguration(max_batch_size=2)
    )
    client.get_clip_image_embeddings([str(images_dir / "rocket.jpg"), str(images_dir / "page.png")])
    assert len(opens) == 2  # the check before sending; preparing does not check again


def test_other_callers_check_each_input_once_inside_prepare(
    images_dir: Path, reads: Counter[str], opens: list[object]
) -> None:
    path = str(images_dir / "rocket.jpg")
    data = Path(path).read_bytes()
    driver = SyncDriver(httpx_client_never_used(), "http://127.0.0.1:9")
    for item in (path, data, base64.b64encode(data).decode()):
        opens.clear()
        prepared = driver.run(prepare_image(item, None, ClientOptions()))
        assert prepared.data == data
        assert len(opens) == 1
    assert reads == Counter({path: 1})


def httpx_client_never_used() -> Any:
    import httpx

    return httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(599)))


def test_a_file_that_changed_since_its_check_is_not_sent_unverified(tmp_path: Path) -> None:
    path = tmp_path / "image.jpg"
    path.write_bytes((Path(__file__).parents[2] / "fixtures/images/rocket.jpg").read_bytes())
    check_image(str(path))
    path.write_bytes(b"not an image any more")
    driver = SyncDriver(httpx_client_never_used(), "http://127.0.0.1:9")
    with pytest.raises(EncodingError, match="not an image in a supported format"):
        driver.run(prepare_image(str(path), None, ClientOptions(), checked=True))


def read_bytes_of_this_process() -> int | None:
    """Bytes this process has read with read(2) so far (Linux), else None."""
    try:
        lines = Path("/proc/self/io").read_text().splitlines()
    except OSError:
        return None
    return int(next(line for line in lines if line.startswith("rchar:")).split()[1])


def test_checking_a_large_file_reads_its_header_and_end_only(tmp_path: Path) -> None:
    noise = np.random.default_rng(7).integers(0, 256, (1200, 1200, 3), dtype=np.uint8)
    path = tmp_path / "noise.png"
    Image.fromarray(noise).save(path, compress_level=0)
    assert path.stat().st_size > 4_000_000
    before = read_bytes_of_this_process()
    if before is None:
        pytest.skip("/proc/self/io is Linux only")
    check_image(str(path))
    after = read_bytes_of_this_process()
    assert after is not None
    assert after - before < 100_000


def test_a_pipe_is_read_whole_and_checked_like_a_file(tmp_path: Path, images_dir: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    pipe = tmp_path / "image.png"
    os.mkfifo(pipe)
    data = (images_dir / "chelsea.png").read_bytes()
    writer = threading.Thread(target=pipe.write_bytes, args=(data,))
    writer.start()
    try:
        check_image(str(pipe))
    finally:
        writer.join(timeout=10)
    assert not writer.is_alive()


def bad_files(tmp_path: Path, images_dir: Path) -> dict[str, Path]:
    jpeg = (images_dir / "rocket.jpg").read_bytes()
    png = (images_dir / "chelsea.png").read_bytes()
    files = {
        "empty": b"",
        "text": b"hello, not an image at all",
        "truncated jpeg": jpeg[: len(jpeg) // 2],
        "truncated png": png[: len(png) // 2],
        "corrupt jpeg": jpeg[:4] + b"\x00" * 2000 + b"\xff\xd9",
        "corrupt png": png[:8] + b"\x00" * 100 + b"IEND\xaeB`\x82",
        "tiny": b"\xff\xd8\xff",
    }
    paths = {}
    for name, content in files.items():
        paths[name] = tmp_path / f"{name.replace(' ', '_')}.img"
        paths[name].write_bytes(content)
    paths["directory"] = tmp_path
    paths["missing"] = tmp_path / "missing.jpg"
    return paths


def test_bad_files_give_the_errors_of_a_whole_read(tmp_path: Path, images_dir: Path) -> None:
    for name, path in bad_files(tmp_path, images_dir).items():
        with pytest.raises(InvalidInputError) as light:
            check_image(path)
        with pytest.raises(InvalidInputError) as whole:
            _images._encoded_image_info(_images._read_file(path), _images.describe_input(path))
        assert type(light.value) is type(whole.value), name
        assert light.value.message == whole.value.message, name
