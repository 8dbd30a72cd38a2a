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


@contextmanager
def try_exclusive_lock(path: Path) -> Generator[bool, None, None]:
    """Take the exclusive ``flock`` on ``path`` if nobody holds it; yields whether it did.

    For work that may be skipped (cleaning up a stale record) rather than wait for a start
    that can hold the lock for minutes. The lock file is created if missing; when it cannot
    be opened or locked (a read-only state folder), this yields False instead of raising.
    """
    import fcntl

    try:
        handle = path.open("a")
    except OSError:
        yield False
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # BlockingIOError when held; anything else: skip the work too.
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
