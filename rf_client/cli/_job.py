"""The work of ``rf-client infer``: every input through the model or workflow, in order.

Images go in batches of ``max_batch_size`` (models; workflows take one image per run) with
``max_concurrent_requests`` requests in flight; each item's report is printed as soon as
every earlier one is. A failing item does not stop the others. When the server cannot be
reached and nothing has succeeded yet, the remaining items are not tried: they fail with
the same error at once, instead of each waiting out its retries.

Videos go frame by frame: through ``infer_on_stream`` for models (``infer_on_video`` for
action-recognition models, which take the whole clip) and through the workflow for each
frame read with OpenCV.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from rf_client._images import check_image, load_image_bytes
from rf_client.cli._annotate import detection_results
from rf_client.cli._artefacts import OutputFolder, PendingFile, safe_stem
from rf_client.cli._common import error_report
from rf_client.cli._emit import Emitter, ItemReport
from rf_client.cli._inputs import ImageInput, Input, VideoInput
from rf_client.cli._jsonable import JSONValue, inline_image, to_jsonable
from rf_client.cli._pictures import as_picture
from rf_client.cli._progress import Progress
from rf_client.cli._runner import run_in_order
from rf_client.cli._table import Row, describe_prediction, describe_workflow_outputs, top_confidence
from rf_client.cli._targets import ModelTarget, Target, WorkflowTarget
from rf_client.cli._video import frame_count, read_frames
from rf_client.client import InferenceHTTPClient
from rf_client.config import ACTION_RECOGNITION_TASK, HTTPClientMode
from rf_client.errors import APIConnectionError, InvalidInputError, RFClientError

if TYPE_CHECKING:
    from PIL import Image

    from rf_client._images import ImageInput as ClientImage

PictureLoader = Callable[[], "Image.Image | None"]
Outcome = tuple[object, RFClientError | None]
"""An item's result, or the error that stopped it."""


def load_picture(client: InferenceHTTPClient, source: str, orient: bool) -> Image.Image:
    """The image behind an input (file or URL) as the server saw it, for drawing on.

    Raises:
        RFClientError: It cannot be read, downloaded or decoded.
    """
    from PIL import ImageOps

    from rf_client._images import bytes_to_pil

    # The client's own loader: it applies the URL policy to downloads.
    data = client._run(load_image_bytes(source, client.options))
    image = bytes_to_pil(data, f"image {source!r}")
    # The server turns photos upright from their EXIF tag unless told not to; so do we.
    return ImageOps.exif_transpose(image) if orient else image


class InferJob:
    """Runs one ``infer`` command line's inputs and hands each report to the emitter.

    Args:
        client: The configured client.
        target: The model or workflow.
        emitter: Where reports go.
        progress: The progress bar (its total grows when a video's length becomes known).
        folder: Where images are saved (``--output-dir``), or None.
        secrets: Texts never to print (the API key).
    """

    def __init__(
        self,
        client: InferenceHTTPClient,
        target: Target,
        emitter: Emitter,
        progress: Progress,
        folder: OutputFolder | None,
        secrets: Sequence[str],
    ) -> None:
        self.client = client
        self.target = target
        self.emitter = emitter
        self.progress = progress
        self.folder = folder
        self.secrets = tuple(secrets)
        configuration = client.inference_configuration
        self.batch_size = configuration.max_batch_size if isinstance(target, ModelTarget) else 1
        self.limit = configuration.max_concurrent_requests
        self.orient = not configuration.disable_preproc_auto_orientation
        self.task_type: str | None = None
        self.unreachable: APIConnectionError | None = None

    # Running.

    def run(self, inputs: Sequence[Input]) -> None:
        """Process every input in order (a workflow without inputs runs once)."""
        if isinstance(self.target, ModelTarget) and not self._describe_model(inputs):
            return
        if not inputs:
            self._images([None])
            return
        for is_video, run in itertools.groupby(inputs, key=lambda i: isinstance(i, VideoInput)):
            if is_video:
                for video in run:
                    assert isinstance(video, VideoInput)
                    self._video(video)
            else:
                # Consecutive images share the batches and the window of requests in flight.
                self._images([image for image in run if isinstance(image, ImageInput)])

    def _describe_model(self, inputs: Sequence[Input]) -> bool:
        """Look the model up first (v1): one clear error instead of one per item."""
        assert isinstance(self.target, ModelTarget)
        if self.client.client_mode is not HTTPClientMode.V1:
            return True
        try:
            self.task_type = self.client.get_model_description(self.target.model_id).task_type.value
        except RFClientError as error:
            items: Sequence[Input | None] = inputs or [None]
            for item in items:
                self._emit(self._report(item, None, None, error, 0.0, None))
            return False
        return True

    def _images(self, group: Sequence[ImageInput | None]) -> None:
        units: list[tuple[list[ImageInput | None], RFClientError | None]] = []
        batch: list[ImageInput | None] = []
        for item in group:
            problem = self._check(item)
            if problem is None:
                batch.append(item)
                if len(batch) == self.batch_size:
                    units.append((batch, None))
                    batch = []
                continue
            if batch:
                units.append((batch, None))
                batch = []
            units.append(([item], problem))
        if batch:
            units.append((batch, None))
        tasks = (functools.partial(self._unit, items, problem) for items, problem in units)
        done = 0
        for reports in run_in_order(tasks, self.limit):
            done += 1
            for report in reports:
                self._emit(report)
            if self._note_unreachable(reports):
                break
        for items, _ in units[done:]:
            for item in items:
                self._emit(self._report(item, None, None, self.unreachable, 0.0, None))

    def _check(self, item: ImageInput | None) -> RFClientError | None:
        if self.unreachable is not None:
            return self.unreachable
        if item is None:
            return None
        try:
            check_image(item.source)
        except InvalidInputError as error:
            return error
        return None

    def _note_unreachable(self, reports: Sequence[ItemReport]) -> bool:
        """Remember a connection failure that came before any success; True to stop."""
        if self.emitter.succeeded or not reports:
            return False
        first = reports[0].error
        if isinstance(first, APIConnectionError) and all(
            isinstance(report.error, APIConnectionError) for report in reports
        ):
            self.unreachable = first
        return self.unreachable is not None

    def _unit(
        self, items: Sequence[ImageInput | None], problem: RFClientError | None
    ) -> list[ItemReport]:
        """Run one request's worth of items (in a worker thread); their reports."""
        if problem is not None:
            return [self._report(item, None, None, problem, 0.0, None) for item in items]
        started = time.monotonic()
        outcomes = self._infer([None if item is None else item.source for item in items])
        seconds = time.monotonic() - started
        return [
            self._report(item, None, value, error, seconds, self._loader(item))
            for item, (value, error) in zip(items, outcomes, strict=True)
        ]

    def _infer(self, sources: Sequence[object | None]) -> list[Outcome]:
        """Every source's outcome through the target; a batch error is split per item."""
        try:
            if isinstance(self.target, WorkflowTarget):
                return [(self.target.run(self.client, source), None) for source in sources]
            images = cast("list[ClientImage]", list(sources))
            values = self.client.infer(images, model_id=self.target.model_id)
            return [(value, None) for value in values]
        except RFClientError as error:
            if error.batch is not None and len(error.batch) == len(sources):
                return [(outcome.value, outcome.error) for outcome in error.batch]
            return [(None, error) for _ in sources]

    def _loader(self, item: ImageInput | None) -> PictureLoader | None:
        if item is None or self.folder is None:
            return None
        return functools.partial(load_picture, self.client, item.source, self.orient)

    # Videos.

    def _video(self, video: VideoInput) -> None:
        if self.unreachable is not None:
            self._emit(self._report(video, None, None, self.unreachable, 0.0, None))
            return
        if isinstance(self.target, ModelTarget) and self.task_type == ACTION_RECOGNITION_TASK:
            self._whole_clip(video, self.target)
            return
        frames = frame_count(video.source) if "://" not in video.source else None
        if frames is None:
            self.progress.mark_total_unknown()
        else:
            self.progress.add_total(frames - 1)
        if isinstance(self.target, WorkflowTarget):
            self._workflow_frames(video)
        else:
            self._stream_frames(video, self.target)

    def _whole_clip(self, video: VideoInput, target: ModelTarget) -> None:
        started = time.monotonic()
        try:
            value: object = self.client.infer_on_video(video.source, model_id=target.model_id)
            error: RFClientError | None = None
        except RFClientError as failure:
            value, error = None, failure
        seconds = time.monotonic() - started
        self._emit(self._report(video, None, value, error, seconds, None))

    def _stream_frames(self, video: VideoInput, target: ModelTarget) -> None:
        last = time.monotonic()
        try:
            stream = self.client.infer_on_stream(
                video.source, model_id=target.model_id, on_error="yield"
            )
        except RFClientError as error:  # OpenCV missing, nothing at that path
            self._emit(self._report(video, None, None, error, 0.0, None))
            return
        try:
            for reference, frame, outcome in stream:
                now, seconds = time.monotonic(), time.monotonic() - last
                last = now
                if isinstance(outcome, RFClientError):
                    report = self._report(video, reference, None, outcome, seconds, None)
                else:
                    loader = functools.partial(as_picture, frame) if self.folder else None
                    report = self._report(video, reference, outcome, None, seconds, loader)
                self._emit(report)
                if self._note_unreachable([report]):
                    return
        except RFClientError as error:  # the source cannot be opened or read
            self._emit(self._report(video, None, None, error, 0.0, None))
        finally:
            stream.close()

    def _workflow_frames(self, video: VideoInput) -> None:
        frames = read_frames(video.source)

        def tasks() -> Iterator[Callable[[], list[ItemReport]]]:
            try:
                for number, frame in frames:
                    yield functools.partial(self._frame_unit, video, number, frame)
            except RFClientError as error:  # OpenCV missing, the video cannot be opened or read
                # A task in the queue, not an exception: the frames read before it, still in
                # flight, are reported first.
                yield functools.partial(self._failed_unit, video, error)

        for reports in run_in_order(tasks(), self.limit):
            for report in reports:
                self._emit(report)
            if self._note_unreachable(reports):
                return

    def _failed_unit(self, item: Input, error: RFClientError) -> list[ItemReport]:
        return [self._report(item, None, None, error, 0.0, None)]

    def _frame_unit(self, video: VideoInput, number: int, frame: Any) -> list[ItemReport]:
        started = time.monotonic()
        ((value, error),) = self._infer([frame])
        loader = functools.partial(as_picture, frame) if self.folder else None
        return [self._report(video, number, value, error, time.monotonic() - started, loader)]

    # Reports.

    def _emit(self, report: ItemReport) -> None:
        """Write the report's images (names claimed here, in input order), then print it."""
        if report.pending and self.folder is not None:
            files, warnings = self.folder.write(report.pending)
            if files:
                report.record["files"] = list(files)
            report = dataclasses.replace(
                report, warnings=report.warnings + tuple(warnings), pending=()
            )
        self.emitter.emit(report)

    def _report(
        self,
        item: Input | None,
        frame: int | str | None,
        result: object,
        error: RFClientError | None,
        seconds: float,
        loader: PictureLoader | None,
    ) -> ItemReport:
        label = item.label if item is not None else None
        head: dict[str, JSONValue] = {"input": label}
        if frame is not None:
            head["frame"] = frame
        shown = (label or "-") + (f" #{frame}" if frame is not None else "")
        if error is not None:
            report = error_report(error, self.secrets)
            kind, message = report["type"], report["message"]
            row = Row(shown, f"{kind}: {message}", None, seconds, ok=False)
            failure: dict[str, JSONValue] = {"type": kind, "message": message}
            return ItemReport({**head, "ok": False, "error": failure}, row, error)
        stem = safe_stem(label or "workflow")
        if isinstance(frame, int):
            stem += f"_f{frame:06d}"
        warnings: list[str] = []
        pending: list[PendingFile] = []
        data = self._jsonable(result, stem, pending, warnings)
        if loader is not None:
            annotated = self._annotate(result, stem, loader, warnings)
            if annotated is not None:
                pending.insert(0, annotated)
        record: dict[str, JSONValue] = {**head, "ok": True, "result": data}
        found = (
            describe_workflow_outputs(result)
            if isinstance(self.target, WorkflowTarget)
            else describe_prediction(result)
            if isinstance(result, Mapping)
            else str(result)
        )
        row = Row(shown, found, top_confidence(result), seconds, ok=True)
        return ItemReport(record, row, None, tuple(warnings), tuple(pending))

    def _jsonable(
        self, result: object, stem: str, pending: list[PendingFile], warnings: list[str]
    ) -> JSONValue:
        """``result`` made JSON-safe; with ``--output-dir`` its images go to ``pending``.

        Never raises: an image that cannot be encoded costs a warning, not the item (nor the
        items after it).
        """
        if self.folder is not None:
            try:
                return to_jsonable(result, self.folder.image_hook(stem, pending))
            # Anything: a result holding an odd image must not end the job.
            except Exception as error:  # noqa: BLE001
                pending.clear()  # the result below holds its images itself
                warnings.append(
                    f"cannot save the images of {stem} in {self.folder.folder}: "
                    f"{self._describe(error)}"
                )
        try:
            return to_jsonable(result, inline_image)
        except Exception as error:  # noqa: BLE001  # same reason
            warnings.append(
                f"cannot encode the images of {stem}: {self._describe(error)}; they are "
                "left out (null)"
            )
        try:
            return to_jsonable(result, _left_out)
        except Exception as error:  # noqa: BLE001  # same reason
            warnings.append(f"cannot turn the result of {stem} into JSON: {self._describe(error)}")
            return None

    def _annotate(
        self, result: object, stem: str, loader: PictureLoader, warnings: list[str]
    ) -> PendingFile | None:
        """Draw ``result`` on the item's image, encoded to be written; None when not drawn.

        Never raises: a picture that cannot be loaded, drawn on or saved (a server sent a box
        the drawing library refuses, the disk is full, ...) costs a warning; the item's result
        is still reported and the job goes on.
        """
        assert self.folder is not None
        try:
            return self._draw(result, stem, loader)
        except Exception as error:  # noqa: BLE001  # see the docstring
            warnings.append(
                f"cannot draw on {stem} in {self.folder.folder}: {self._describe(error)}"
            )
            return None

    def _draw(self, result: object, stem: str, loader: PictureLoader) -> PendingFile | None:
        assert self.folder is not None
        picture = loader()
        if picture is None:
            return None
        if isinstance(self.target, WorkflowTarget):
            # Only detections made on this very image (not on crops of it) fit on it.
            drawn = [
                found
                for found in detection_results(result)
                if _image_size(found) in (None, picture.size)
            ]
            if not drawn:
                return None
        elif isinstance(result, Mapping):
            drawn = [result]
        else:
            return None
        return self.folder.annotated(picture, stem, drawn)

    def _describe(self, error: BaseException) -> str:
        """An unexpected error in one line, secrets redacted, for a warning."""
        if isinstance(error, RFClientError):
            return error_report(error, self.secrets)["message"]
        if isinstance(error, OSError) and error.strerror:
            return error.strerror
        report = error_report(error, self.secrets)
        return f"{report['type']}: {report['message']}"


def _left_out(image: object, path: object) -> JSONValue:
    """An image hook for results whose images cannot be encoded: they become null."""
    return None


def _image_size(result: Mapping[str, Any]) -> tuple[int, int] | None:
    image = result.get("image")
    if isinstance(image, Mapping):
        width, height = image.get("width"), image.get("height")
        if isinstance(width, int | float) and isinstance(height, int | float):
            return round(width), round(height)
    return None
