"""Errors raised while installing, starting, stopping or feeding a local inference server.

Every failure of local server management is a :class:`ServerManagementError` (itself an
:class:`~rf_client.errors.RFClientError`), so callers can catch one type. No raw
``OSError`` or ``subprocess`` error escapes this subpackage.

    ServerManagementError
    ├── ServerParameterError         a bad argument (also an InvalidParameterError)
    ├── PythonNotFoundError          no Python 3.11 to build the server's virtualenv
    ├── ServerInstallError           pip (or venv creation) failed; carries the log tail
    ├── ServerNotInstalledError      start() before install()
    ├── PortInUseError               something already listens on the requested port
    ├── ServerStartError             the server died or never answered; carries the log tail
    │   └── ServerStartTimeoutError  it did not answer GET /info in time
    ├── ServerNotRunningError        stop() found no server of ours on that port
    ├── ServerStopError              it survived SIGKILL, or may not be signalled
    ├── ServerStateError             the state folder of the servers cannot be read
    │   └── ServerRecordError        a pid record cannot be parsed; it is kept, not deleted
    └── OfflineModelsBuildError      building the local ONNX models failed
"""

from __future__ import annotations

from pathlib import Path

from rf_client.errors import InvalidParameterError, RFClientError

__all__ = [
    "OfflineModelsBuildError",
    "PortInUseError",
    "PythonNotFoundError",
    "ServerInstallError",
    "ServerManagementError",
    "ServerNotInstalledError",
    "ServerNotRunningError",
    "ServerParameterError",
    "ServerRecordError",
    "ServerStartError",
    "ServerStartTimeoutError",
    "ServerStateError",
    "ServerStopError",
]


class ServerManagementError(RFClientError):
    """Base class of every local-server management failure (an rf-client error like any other)."""


class _LoggedFailure(ServerManagementError):
    """A failure whose explanation is the end of a log file, shown in the message."""

    def __init__(self, message: str, *, log_path: Path | None, log_tail: str) -> None:
        self.log_path = log_path
        self.log_tail = log_tail
        details = message
        if log_path is not None:
            details += f"\nlog: {log_path}"
        if log_tail:
            details += f"\n--- last lines of the log ---\n{log_tail}"
        super().__init__(details)


class ServerParameterError(ServerManagementError, InvalidParameterError):
    """An argument of a server-management function is invalid (a NaN or negative timeout).

    Also an :class:`~rf_client.errors.InvalidParameterError`, like the client's own.
    """


class PythonNotFoundError(ServerManagementError):
    """No Python 3.11 interpreter was found to create the server's virtualenv."""


class ServerInstallError(_LoggedFailure):
    """Creating the server virtualenv or installing its packages failed."""


class ServerNotInstalledError(ServerManagementError):
    """The server virtualenv is missing or incomplete: run ``install()`` first."""


class PortInUseError(ServerManagementError):
    """The requested loopback port is already taken, by our server or by anything else."""

    def __init__(self, port: int, detail: str) -> None:
        self.port = port
        super().__init__(f"port {port} on 127.0.0.1 is already in use: {detail}")


class ServerStartError(_LoggedFailure):
    """The server process exited, or could not be launched, before it answered."""


class ServerStartTimeoutError(ServerStartError):
    """The server did not answer ``GET /info`` within the start timeout; it was killed."""


class ServerNotRunningError(ServerManagementError):
    """No server started by us is running on the given port."""

    def __init__(self, port: int, detail: str = "") -> None:
        self.port = port
        message = f"no local inference server is running on port {port}"
        super().__init__(f"{message}: {detail}" if detail else message)


class ServerStopError(ServerManagementError):
    """The server could not be stopped (it survived SIGKILL, or signalling it was refused)."""


class ServerStateError(ServerManagementError):
    """The state folder (pid records, logs, locks) cannot be read or used."""


class ServerRecordError(ServerStateError):
    """A pid record exists but cannot be read or parsed, so its server cannot be recognised.

    The record is kept: its server may still run (a newer rf-client sharing the cache root
    may have written it), and deleting it would leave that server running with no way to
    stop it. ``path`` is the record file.
    """

    def __init__(self, path: Path, port: int, detail: str) -> None:
        self.path = path
        self.port = port
        super().__init__(
            f"the pid record {path} of port {port} cannot be used ({detail}); it was kept "
            f"because its server may still be running. Stop that server with the rf-client "
            f"that started it; if nothing listens on 127.0.0.1:{port}, delete {path}"
        )


class OfflineModelsBuildError(_LoggedFailure):
    """Writing the locally built offline models failed."""
