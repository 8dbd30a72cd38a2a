# ruff: noqa: E501  (the documentation's examples are kept verbatim, long lines included)
"""Documentation example: inference against a stream (a video file and a directory)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import ImageStat

from tests.support.fake_server import FakeServer
from tests.unit.compat.compat_support import decode, infer_requests, sent_images
from tests.unit.seed.conftest import DIRECTORY_IMAGES, VIDEO_FRAMES
from tests.unit.seed.seed_support import run_example

EXAMPLE_INFER_ON_STREAM = """
from inference_sdk import InferenceHTTPClient

# Replace ROBOFLOW_API_KEY with your Roboflow API Key
CLIENT = InferenceHTTPClient(
    api_url="http://localhost:9001",
    api_key="ROBOFLOW_API_KEY"
)
for frame_id, frame, prediction in CLIENT.infer_on_stream("video.mp4", model_id="soccer-players-5fuqs/1"):
    # frame_id is the number of frame
    # frame - np.ndarray with video frame
    # prediction - prediction from the model
    pass

for file_path, image, prediction in CLIENT.infer_on_stream("local/dir/", model_id="soccer-players-5fuqs/1"):
    # file_path - path to the image
    # frame - np.ndarray with video frame
    # prediction - prediction from the model
    pass
"""


def test_infer_on_stream_over_a_video_file_and_a_directory(
    docs_server: FakeServer, example_dir: Path
) -> None:
    run = run_example(EXAMPLE_INFER_ON_STREAM, docs_server.url)
    # What the loops left behind: the last frame of the video, the last image of the folder.
    assert run["frame_id"] == VIDEO_FRAMES - 1  # frames are numbered from 0
    frame = run["frame"]
    assert isinstance(frame, np.ndarray)
    assert frame.shape == (48, 64, 3)
    assert Path(run["file_path"]).name == "e.JPG"
    assert Path(run["file_path"]).resolve().parent == (example_dir / "local" / "dir").resolve()
    image = run["image"]
    assert isinstance(image, np.ndarray)
    assert image.shape == (16, 50, 3)  # BGR, as OpenCV reads it
    assert int(image[8, 25, 2]) > 40  # the red channel (the file's red = its width, 50)
    assert run["prediction"]["image"] == {"width": 50, "height": 16}

    requests = infer_requests(docs_server)
    assert len(docs_server.requests_to("GET", "/model/registry")) == 1
    assert [r.json()["model_id"] for r in requests] == ["soccer-players-5fuqs/1"] * 8
    sent = [decode(image) for request in requests for image in sent_images(request)]
    video, directory = sent[:VIDEO_FRAMES], sent[VIDEO_FRAMES:]
    assert [frame.size for frame in video] == [(64, 48)] * VIDEO_FRAMES
    # Frame i is grey level 40 * i: the frames went in order.
    levels = [ImageStat.Stat(frame.convert("L")).mean[0] for frame in video]
    assert all(abs(level - 40 * i) < 12 for i, level in enumerate(levels)), levels
    # The folder in sorted path order, only the default extensions (no .bmp, no .txt).
    assert [image.size[0] for image in directory] == list(DIRECTORY_IMAGES.values())
