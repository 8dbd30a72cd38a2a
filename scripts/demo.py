"""``make demo``: a real job through rf-client, against a real inference server.

Without ``--api-url`` it installs the local inference server if needed (cached, once per
machine), builds the four offline models, starts the server on a free loopback port and stops
it at the end, whatever happens (errors, Ctrl-C). With ``--api-url`` it uses that server, which
must serve the offline models (``rf-client server start --models-dir ...``).

The job is a series of ``rf-client`` commands, each printed before it runs so it can be
copied: server info; object detection over the sample photos (batches of 2, 4 requests in
flight); instance segmentation and key points on one photo; a template-matching workflow and
a QR-code workflow (model-free); a short video, generated here, through ``infer_on_stream``;
the model registry. Results are tables; annotated images go to ``demo-output/``.

Run it with ``make demo`` or ``.venv/bin/python scripts/demo.py [--api-url URL]``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from rf_client.cli import EXIT_INTERRUPTED, EXIT_OK
from rf_client.cli import main as rf_client
from rf_client.server import (
    INFERENCE_VERSION,
    LocalServer,
    ServerLayout,
    ServerManagementError,
    build_offline_models,
    install,
    is_installed,
)

ROOT = Path(__file__).resolve().parent.parent
IMAGES = Path("tests/fixtures/images")
WORKFLOWS = Path("tests/fixtures/workflows")
DETECTION_MODEL = "offline-od/1"
VIDEO_SECONDS = 3
VIDEO_FPS = 5


def say(text: str = "") -> None:
    """Print a line of the demo's own narration."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def heading(text: str) -> None:
    """Print a section heading."""
    say()
    say(f"== {text} ".ljust(78, "="))


def write_video(path: Path) -> Path:
    """A few seconds of 320x240 video (a ball crossing a gradient), written with OpenCV."""
    import cv2
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), VIDEO_FPS, (320, 240))
    try:
        frames = VIDEO_SECONDS * VIDEO_FPS
        gradient = np.tile(np.linspace(40, 160, 320, dtype=np.uint8), (240, 1))
        for index in range(frames):
            frame = cv2.merge([gradient, gradient // 2, 255 - gradient])
            centre = (30 + index * 260 // max(frames - 1, 1), 120)
            cv2.circle(frame, centre, 28, (40, 220, 250), -1)
            writer.write(frame)
    finally:
        writer.release()
    return path


class Demo:
    """The demo's steps against one server; counts the commands that failed.

    Args:
        output: The folder annotated images go to (``demo-output``).
    """

    def __init__(self, output: Path) -> None:
        self.output = output
        self.failed: list[str] = []

    def run(self, *arguments: str) -> None:
        """Print ``rf-client ARGS`` and run it in this process.

        Raises:
            KeyboardInterrupt: The command was interrupted (Ctrl-C).
        """
        say()
        say("$ rf-client " + shlex.join(arguments))
        code = rf_client(list(arguments))
        if code == EXIT_INTERRUPTED:
            raise KeyboardInterrupt
        if code != EXIT_OK:
            self.failed.append(f"rf-client {arguments[0]} ... (exit code {code})")

    def job(self) -> None:
        """Every step of the demo."""
        out = self.output
        heading("the server")
        self.run("info")
        heading("object detection: the sample photos, 2 per request, 4 requests in flight")
        self.run(
            "infer", str(IMAGES), "--model-id", DETECTION_MODEL,
            "--max-batch-size", "2", "--max-concurrent-requests", "4",
            "--format", "table", "--output-dir", str(out / "detection"),
        )  # fmt: skip
        heading("instance segmentation and key points")
        for model, folder in (("offline-seg/1", "segmentation"), ("offline-kp/1", "keypoints")):
            self.run(
                "infer", str(IMAGES / "chelsea.png"), "--model-id", model,
                "--format", "table", "--output-dir", str(out / folder),
            )  # fmt: skip
        heading("workflow: template matching (three red squares, no model needed)")
        self.run(
            "infer", str(WORKFLOWS / "shapes.png"),
            "--workflow-spec", str(WORKFLOWS / "template_matching.json"),
            "--image", f"template={WORKFLOWS / 'template.png'}", "--param", "min_conf=0.9",
            "--format", "table", "--output-dir", str(out / "template-matching"),
        )  # fmt: skip
        heading("workflow: QR codes and barcodes")
        self.run(
            "infer", str(WORKFLOWS / "qr.png"), str(WORKFLOWS / "small.jpg"),
            "--workflow-spec", str(WORKFLOWS / "qr_and_barcode.json"),
            "--format", "table", "--output-dir", str(out / "qr"),
        )  # fmt: skip
        heading(f"video: {VIDEO_SECONDS} s at {VIDEO_FPS} fps through infer_on_stream")
        clip = write_video(out / "inputs" / "clip.mp4")
        say(f"(generated {clip})")
        self.run(
            "infer", str(clip), "--model-id", DETECTION_MODEL,
            "--max-concurrent-requests", "4", "--format", "table",
            "--output-dir", str(out / "video"),
        )  # fmt: skip
        heading("the model registry")
        self.run("models", "list")


class ServerNotStoppedError(Exception):
    """The demo's own server could not be stopped (after the job, or after an error)."""

    def __init__(self, port: int, cause: ServerManagementError) -> None:
        super().__init__(
            f"the demo's server on port {port} could not be stopped: {cause}\n"
            f"stop it with: rf-client server stop --port {port}"
        )
        self.port = port


@contextlib.contextmanager
def local_server() -> Iterator[str]:
    """Install (if needed), build the offline models, start a server; its URL. Always stops.

    Raises:
        ServerManagementError: The server could not be installed, built for or started.
        ServerNotStoppedError: The block ended normally but the server could not be stopped.
            When the block raised, that error goes on and the stop failure is printed.
    """
    layout = ServerLayout.from_environment()
    if not is_installed(layout):
        say(
            f"installing inference {INFERENCE_VERSION} into {layout.venv_dir}: once per machine, "
            f"a few minutes and about 7 GB (log: {layout.install_log})"
        )
    install(layout=layout)
    with tempfile.TemporaryDirectory(prefix="rf-client-demo-models-") as models_dir:
        models = build_offline_models(models_dir, layout=layout)
        say(f"built the offline models {', '.join(models.model_ids)}")
        say("starting the server on a free loopback port (about 15 s)...")
        server = LocalServer(models_dir=models.models_dir, layout=layout)
        handle = server.start()  # A failed start stops what it launched itself.
        try:
            say(f"server running at {handle.url} (pid {handle.pid}, log {handle.log_path})")
            yield handle.url
        except BaseException:
            # The block's own error (Ctrl-C too) goes on; a failed stop on top of it is only
            # printed, so it does not take that error's place.
            try:
                server.stop()
            except ServerManagementError as error:
                say(f"\n{ServerNotStoppedError(handle.port, error)}")
            raise
        try:
            server.stop()
        except ServerManagementError as error:
            # Not "could not be prepared": the job has run by now.
            raise ServerNotStoppedError(handle.port, error) from error
        say("the demo's server was stopped")


def annotated_files(output: Path) -> list[Path]:
    """The images the demo wrote, skipping its own inputs."""
    return sorted(
        path
        for path in output.rglob("*")
        if path.is_file()
        and path.suffix in (".jpg", ".png")
        and output / "inputs" not in path.parents
    )


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The demo's command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/demo.py",
        description="Run the rf-client demo against a local (or the given) inference server.",
    )
    parser.add_argument(
        "--api-url",
        help="use this server (it must serve the offline models) instead of starting one",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=Path("demo-output"),
        help="where annotated images go (default: %(default)s)",
    )
    return parser.parse_args(argv)


def demo(argv: Sequence[str] | None = None) -> int:
    """Run the demo; the exit code (0 when every command succeeded)."""
    arguments = parse_arguments(argv)
    # Paths the user gave are relative to the caller's folder, so resolve them before the
    # chdir; the commands name the sample files relative to the repository.
    output = arguments.output_dir.expanduser().resolve()
    os.chdir(ROOT)
    for step in ("detection", "segmentation", "keypoints", "template-matching", "qr", "video"):
        shutil.rmtree(output / step, ignore_errors=True)
    started = time.monotonic()
    demo_run = Demo(output)
    heading("rf-client demo")
    server_left_running = False
    try:
        with contextlib.ExitStack() as stack:
            url = arguments.api_url or stack.enter_context(local_server())
            os.environ["ROBOFLOW_API_URL"] = url
            say(f"$ export ROBOFLOW_API_URL={url}")
            demo_run.job()
    except KeyboardInterrupt:
        say("\ninterrupted")
        return EXIT_INTERRUPTED
    except ServerNotStoppedError as error:
        say(f"\n{error}")  # The job ran: its results are still reported below.
        server_left_running = True
    except ServerManagementError as error:
        say(f"\nthe local server could not be prepared: {error}")
        return 1
    heading("done")
    files = annotated_files(output)
    say(f"{len(files)} annotated images in {output}/, for example:")
    for path in files[:: max(1, len(files) // 6)][:6]:
        say(f"  {path}")
    say(f"total time {time.monotonic() - started:.1f} s")
    if demo_run.failed:
        say("failed: " + "; ".join(demo_run.failed))
        return 1
    return 1 if server_left_running else EXIT_OK


if __name__ == "__main__":
    sys.exit(demo())
