"""The pid record of a running server: ``<state>/<port>/server.json``.

It holds what is needed to find, recognise and stop the server later from another process:
the pid, the launcher path its command line must contain, and where its log is.

Several clones (and versions) of rf-client share one cache root, so a record may come from a
newer rf-client: fields this version does not know are ignored. A record that cannot be
parsed at all is reported (:class:`ServerRecordError`), never deleted, since its server may
still run and the record is the only way to find it again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from dataclasses import asdict, dataclass
from typing import Any

from rf_client.server.errors import ServerRecordError
from rf_client.server.layout import InstanceLayout

__all__ = ["ServerRecord", "parse_record", "read_record", "remove_record", "write_record"]


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


def _field_problem(name: str, value: Any) -> str | None:
    """Why ``value`` cannot be the field ``name``, or None when it fits."""
    # bool is a subclass of int, but a pid or a port of True is no pid or port.
    if name in ("pid", "port"):
        fits = type(value) is int and value > 0
        return None if fits else f"{name} is {value!r}, not a positive integer"
    if name == "all_routes":
        return None if isinstance(value, bool) else f"all_routes is {value!r}, not a boolean"
    if name == "models_dir":
        fits = value is None or isinstance(value, str)
        return None if fits else f"models_dir is {value!r}, not a path"
    return None if isinstance(value, str) else f"{name} is {value!r}, not a string"


def parse_record(text: str, port: int) -> ServerRecord:
    """The record in ``text`` for the server of ``port``; unknown extra fields are ignored.

    Raises:
        ValueError: not JSON, a field is missing or has the wrong type, or the record is
            about another port. The message says which.
    """
    payload = json.loads(text)
    if not isinstance(payload, dict):
        raise ValueError(f"expected a JSON object, found {type(payload).__name__}")
    known: dict[str, Any] = {}
    for field in dataclasses.fields(ServerRecord):
        if field.name not in payload:
            raise ValueError(f"the field {field.name!r} is missing")
        problem = _field_problem(field.name, payload[field.name])
        if problem is not None:
            raise ValueError(problem)
        known[field.name] = payload[field.name]
    record = ServerRecord(**known)
    if record.port != port:
        raise ValueError(f"it is about port {record.port}")
    return record


def read_record(instance: InstanceLayout) -> ServerRecord | None:
    """The record on disk, or None if there is none.

    Raises:
        ServerRecordError: the record exists but cannot be read or parsed. It is left in
            place: only a record whose pid is proven dead or not ours may be deleted.
    """
    path = instance.record_file
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise ServerRecordError(path, instance.port, f"unreadable: {error}") from error
    try:
        return parse_record(text, instance.port)
    except ValueError as error:  # json.JSONDecodeError is a ValueError too.
        raise ServerRecordError(path, instance.port, f"not a valid record: {error}") from error


def remove_record(instance: InstanceLayout) -> None:
    """Delete the record; a missing one is fine.

    Callers hold the port's lock and have proven the record's pid dead or not ours.
    """
    # An unwritable state folder keeps the stale record; it is detected again next time.
    with contextlib.suppress(OSError):
        instance.record_file.unlink(missing_ok=True)
