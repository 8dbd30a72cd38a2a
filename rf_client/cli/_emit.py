"""Writing item reports as they come: JSON lines on stdout (or table rows), progress on stderr."""

from __future__ import annotations

import collections
import dataclasses
import json
import shutil
from typing import TextIO

from rf_client.cli._artefacts import PendingFile
from rf_client.cli._jsonable import JSONValue
from rf_client.cli._progress import Progress
from rf_client.cli._table import Row, render_table
from rf_client.errors import RFClientError


@dataclasses.dataclass(frozen=True)
class ItemReport:
    """One input's (or frame's) outcome, ready to print.

    Attributes:
        record: Its JSON line (``input``, ``ok``, ``result`` or ``error``, ``files``).
        row: Its table row.
        error: The error when it failed.
        warnings: Things that went wrong besides (e.g. an image that could not be saved).
        pending: Images to write with ``--output-dir`` before the report is printed: their
            names are given then, in input order.
    """

    record: dict[str, JSONValue]
    row: Row
    error: RFClientError | None = None
    warnings: tuple[str, ...] = ()
    pending: tuple[PendingFile, ...] = ()


class Emitter:
    """Prints reports in the order given and counts them.

    Attributes:
        rows: The table rows kept for :meth:`finish` (``--format table``).
        failures: How many items failed, by error class (for the exit code).
        succeeded: How many items succeeded.
        files: Every file written, in order.

    Args:
        out: Where results go (stdout).
        err: Where warnings and the table's neighbours go (stderr).
        progress: The progress bar, cleared around every write.
        table: Collect rows and print one table at :meth:`finish` instead of JSON lines.
    """

    def __init__(self, out: TextIO, err: TextIO, progress: Progress, *, table: bool) -> None:
        self._out = out
        self._err = err
        self._progress = progress
        self._table = table
        self.rows: list[Row] = []
        # Failures are counted by class, never kept: an error's traceback holds the frames of
        # its request, decoded images included, and a long stream may fail on every frame.
        self.failures: collections.Counter[type[RFClientError]] = collections.Counter()
        self.succeeded = 0
        self.files: list[str] = []
        # The bar only needs wiping around writes that land on the same terminal.
        self._shared_terminal = bool(getattr(out, "isatty", lambda: False)())

    def emit(self, report: ItemReport) -> None:
        """Print ``report`` (or keep its row) and advance the progress bar."""
        if report.error is not None:
            self.failures[type(report.error)] += 1
        else:
            self.succeeded += 1
        files = report.record.get("files")
        if isinstance(files, list):
            self.files.extend(str(path) for path in files)
        if report.warnings:
            self._progress.clear()
            for warning in report.warnings:
                self._err.write(f"warning: {warning}\n")
        if self._table:
            self.rows.append(report.row)
        else:
            if self._shared_terminal:
                self._progress.clear()
            self._out.write(json.dumps(report.record, ensure_ascii=False) + "\n")
            self._out.flush()
        self._progress.advance(1, failed=0 if report.error is None else 1)
        self._progress.redraw()

    def finish(self) -> None:
        """Wipe the bar; print the table when one was asked for."""
        self._progress.clear()
        if self._table and self.rows:
            width = shutil.get_terminal_size().columns if self._shared_terminal else None
            self._out.write(render_table(self.rows, width))
            self._out.flush()
