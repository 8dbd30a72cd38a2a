"""Reading the end of log files for error messages."""

from __future__ import annotations

from collections import deque
from pathlib import Path

DEFAULT_TAIL_LINES = 40


def tail_lines(path: Path, count: int = DEFAULT_TAIL_LINES) -> str:
    """Return the last ``count`` lines of ``path`` (empty if it cannot be read)."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            return "".join(deque(handle, maxlen=count)).rstrip("\n")
    except OSError:
        return ""
