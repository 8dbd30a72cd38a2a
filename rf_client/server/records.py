"""The pid record of a running server: ``<state>/<port>/server.json``.

It holds what is needed to find, recognise and stop the server later from another process:
the pid, the launcher path its command line must contain, and where its log is.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass

from rf_client.server.layout import InstanceLayout

__all__ = ["ServerRecord", "read_record", "remove_record", "write_record"]


@dataclass(frozen=True)
class ServerRecord:
    """What ``start()`` wrote about the server it launched."""

    pid: int
    port: int
    url: str
    launcher: str
    python: str
    log_path: str
    models_dir: str | None
    all_routes: bool
    started_at: str


def write_record(instance: InstanceLayout, record: ServerRecord) -> None:
    """Write the record atomically, so a concurrent reader never sees half a file."""
    instance.directory.mkdir(parents=True, exist_ok=True)
    partial = instance.record_file.with_suffix(".json.partial")
    partial.write_text(json.dumps(asdict(record), indent=2) + "\n", encoding="utf-8")
    os.replace(partial, instance.record_file)


def read_record(instance: InstanceLayout) -> ServerRecord | None:
    """The record on disk, or None if there is none or it is unreadable (treated as stale)."""
    try:
        payload = json.loads(instance.record_file.read_text(encoding="utf-8"))
        record = ServerRecord(**payload)
    except (OSError, ValueError, TypeError):
        return None
    if not isinstance(record.pid, int) or record.port != instance.port:
        return None
    return record


def remove_record(instance: InstanceLayout) -> None:
    """Delete the record; a missing one is fine."""
    # An unwritable state folder keeps the stale record; it is detected again next time.
    with contextlib.suppress(OSError):
        instance.record_file.unlink(missing_ok=True)
