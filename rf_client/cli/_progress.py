"""A one-line progress bar and the closing summary, both on stderr.

The bar redraws in place with ``\\r`` and only when stderr is a terminal and the job is longer
than a few items; :meth:`Progress.clear` wipes it before another line is written to the same
terminal, so JSON lines on stdout never land inside it.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rf_client._nodes import NodeStats

MIN_ITEMS_FOR_BAR = 4
"""Jobs with fewer items than this (when the count is known) show no bar."""
REDRAW_INTERVAL = 0.1


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


class Progress:
    """Counts finished items; draws the bar when enabled.

    Whether the bar shows is decided again whenever the total changes: a single video counts
    as one item until its length is known, and its frames then make the job long enough.

    Args:
        total: Items expected, or None when unknown (a video stream).
        stream: Where to draw (stderr).
        enabled: False for ``--quiet``; the bar also stays off when ``stream`` is no terminal.
        clock: Seconds, monotonic (tests pass their own).
    """

    def __init__(
        self,
        total: int | None,
        stream: TextIO,
        *,
        enabled: bool = True,
        clock: Callable[[], float] | None = None,
    ) -> None:
        # The items known to come, and whether a source of unknown length (a live stream)
        # makes the total unknown: kept apart, so that neither loses the other.
        self._known = total or 0
        self._unknown = total is None
        self.done = 0
        self.failed = 0
        self._stream = stream
        self._clock: Callable[[], float] = clock or time.monotonic
        self.started = self._clock()
        self._visible = False
        self._last_draw = 0.0
        is_terminal = getattr(stream, "isatty", lambda: False)()
        self._can_draw = enabled and is_terminal

    @property
    def total(self) -> int | None:
        """Items expected, or None while a source of unknown length is part of the job."""
        return None if self._unknown else self._known

    @property
    def _draws(self) -> bool:
        total = self.total
        return self._can_draw and (total is None or total >= MIN_ITEMS_FOR_BAR)

    @property
    def elapsed(self) -> float:
        """Seconds since the job started."""
        return self._clock() - self.started

    def add_total(self, extra: int) -> None:
        """Expect ``extra`` more items (a video's frames, once known)."""
        self._known += extra

    def mark_total_unknown(self) -> None:
        """A source of unknown length joins the job: the bar shows counts, not a fraction.

        The items known so far are kept (:meth:`add_total` still adds to them).
        """
        self._unknown = True

    def advance(self, items: int = 1, failed: int = 0) -> None:
        """Count ``items`` finished items, ``failed`` of them failed; redraw at most 10 times/s."""
        self.done += items
        self.failed += failed
        now = self._clock()
        finished = self.total is not None and self.done >= self.total
        if self._draws and (finished or now - self._last_draw >= REDRAW_INTERVAL):
            self._last_draw = now
            self._draw()

    def line(self) -> str:
        """The bar's text, fitted to the terminal width."""
        elapsed = max(self.elapsed, 1e-9)
        rate = self.done / elapsed
        failed = f" {self.failed} failed" if self.failed else ""
        width = shutil.get_terminal_size((80, 20)).columns
        if self.total:
            fraction = min(self.done / self.total, 1.0)
            remaining = (self.total - self.done) / rate if rate > 0 else 0.0
            tail = (
                f" {self.done}/{self.total} {fraction:4.0%}{failed} {rate:.1f} items/s "
                f"ETA {_duration(remaining)}"
            )
            room = max(10, min(40, width - len(tail) - 3))
            filled = round(room * fraction)
            return f"[{'#' * filled}{'.' * (room - filled)}]{tail}"[: width - 1]
        return f"{self.done} items{failed} {rate:.1f} items/s {_duration(elapsed)}"[: width - 1]

    def _draw(self) -> None:
        self._stream.write("\r\x1b[K" + self.line())
        self._stream.flush()
        self._visible = True

    def clear(self) -> None:
        """Wipe the bar (before something else is written to the terminal)."""
        if self._visible:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._visible = False

    def redraw(self) -> None:
        """Draw the bar again if :meth:`clear` wiped it."""
        if self._draws and self.done and not self._visible:
            self._draw()

    def summary(self) -> str:
        """``"12 items, 1 failed, 8.3 items/s, 1.45 s"``: the closing line."""
        elapsed = self.elapsed
        rate = self.done / elapsed if elapsed > 0 else 0.0
        noun = "item" if self.done == 1 else "items"
        return (
            f"{self.done} {noun}, {self.failed} failed, {rate:.1f} items/s, {elapsed:.2f} s elapsed"
        )


def per_server(stats: Sequence[NodeStats]) -> str | None:
    """``"per server: http://a:9001 6 ok, http://b:9001 3 ok 1 failed (out of rotation)"``;
    None for a single server (the summary says it all)."""
    if len(stats) < 2:
        return None
    parts = []
    for node in stats:
        failed = f" {node.failed} failed" if node.failed else ""
        down = "" if node.healthy else " (out of rotation)"
        parts.append(f"{node.url} {node.succeeded} ok{failed}{down}")
    return "per server: " + ", ".join(parts)
