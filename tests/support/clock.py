"""A clock tests move by hand: waits end when the test says so, never by sleeping."""

from __future__ import annotations


class Clock:
    """A settable monotonic clock: call it for the time, move ``now`` to pass time."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
