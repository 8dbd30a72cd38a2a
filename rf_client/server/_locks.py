"""Advisory file locks that serialise installs, and starts and stops on one port."""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive_lock(path: Path) -> Generator[None, None, None]:
    """Hold an exclusive ``flock`` on ``path`` (created if needed) for the block.

    Raises:
        OSError: the lock file cannot be created or locked.
    """
    import fcntl  # POSIX only; imported here so importing the package works everywhere.

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
